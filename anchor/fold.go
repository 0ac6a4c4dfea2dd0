package anchor

import (
	"strings"
	"unicode"
)

// fold maps characters that tools and copy-paste change freely to one form:
// curly and straight quotes, the dashes and the minus sign, and every kind
// of space and line break. It maps one code point to one code point, so
// offsets in folded text are offsets in the original.
func fold(r rune) rune {
	switch r {
	case '‘', '’', '‚', '‛', '′', '`', '´':
		return '\''
	case '“', '”', '„', '‟', '″', '«', '»':
		return '"'
	case '‐', '‑', '‒', '–', '—', '―', '−':
		return '-'
	}
	if unicode.IsSpace(r) {
		return ' '
	}
	return r
}

func foldString(s string) string {
	return strings.Map(fold, s)
}
