package extract

import (
	"unicode"
	"unicode/utf8"
)

// Sentence is one sentence of a text. Start and End are code point offsets;
// Text is exactly the text between them, trimmed of surrounding white space.
type Sentence struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Segment splits text into sentences, in order. It never panics, whatever the
// input (invalid UTF-8 included).
//
// A sentence ends at terminal punctuation followed by white space (unless the
// period belongs to an abbreviation, an initial or a list number, or the next
// word starts in lower case), at CJK terminal punctuation, and at a line break:
// scraped news puts headlines, bylines and captions on lines of their own
// without final punctuation. A line break does not end a sentence when the
// next line starts in lower case, so hard-wrapped prose stays whole.
func Segment(text string) []Sentence {
	var out []Sentence
	cur := cpCursor{s: text}
	scan(text, func(_, _ int, sents []span) {
		for _, sp := range sents {
			s := cur.at(sp.bs)
			e := cur.at(sp.be)
			out = append(out, Sentence{Start: s, End: e, Text: text[sp.bs:sp.be]})
		}
	})
	return out
}

// span is a sentence as byte offsets into the text.
type span struct{ bs, be int }

// decode returns the rune at text[i] and its width, with an ASCII fast path.
func decode(text string, i int) (rune, int) {
	if c := text[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return decodeSlow(text, i)
}

// decodeSlow is kept apart so that decode stays small enough to inline.
func decodeSlow(text string, i int) (rune, int) {
	return utf8.DecodeRuneInString(text[i:])
}

// scan splits text into blocks (logical lines: one line, or several when
// wrapped prose continues in lower case) and sentences. For every block that
// holds a sentence it calls fn with the block's byte range and its sentences;
// the sents slice is reused between calls.
func scan(text string, fn func(bs, be int, sents []span)) {
	var sents []span
	n := len(text)
	start := -1  // byte start of the pending sentence; -1 when none
	lastEnd := 0 // byte end of the last non-space rune
	blockStart := -1
	endBlock := func() {
		if start >= 0 {
			sents = append(sents, span{start, lastEnd})
			start = -1
		}
		if len(sents) > 0 {
			fn(blockStart, sents[len(sents)-1].be, sents)
			sents = sents[:0]
		}
		blockStart = -1
	}
	for i := 0; i < n; {
		r, w := decode(text, i)
		if isLineBreak(r) {
			next := i + w
			if r == '\r' && next < n && text[next] == '\n' {
				next++
			}
			if start >= 0 && continuesLine(text, next) {
				i = next
				continue
			}
			endBlock()
			i = next
			continue
		}
		if isSpace(r) {
			i += w
			continue
		}
		if start < 0 {
			start = i
			if blockStart < 0 {
				blockStart = i
			}
		}
		if isTerminal(r) {
			j, brk := sentenceEnd(text, start, i, r, w)
			lastEnd = j
			if brk {
				sents = append(sents, span{start, j})
				start = -1
			}
			i = j
			continue
		}
		i += w
		lastEnd = i
	}
	endBlock()
}

// continuesLine reports whether the line starting at p continues the previous
// line's sentence: hard-wrapped prose, where the next line starts in lower case.
func continuesLine(text string, p int) bool {
	for p < len(text) {
		r, w := decode(text, p)
		if isLineBreak(r) {
			return false
		}
		if !isSpace(r) {
			return isLower(r)
		}
		p += w
	}
	return false
}

// sentenceEnd looks at the terminal punctuation r (width w) at byte i of the
// sentence that starts at sentStart. It returns the byte offset just past the
// punctuation run and any closing quotes or brackets, and whether the sentence
// ends there.
func sentenceEnd(text string, sentStart, i int, r rune, w int) (int, bool) {
	n := len(text)
	j := i + w
	dots, qe, ell, cjk := 0, false, false, isCJKTerminal(r)
	count := func(r rune) {
		switch r {
		case '.':
			dots++
		case '…':
			ell = true
		default:
			qe = true
		}
	}
	count(r)
	for j < n {
		r2, w2 := decode(text, j)
		if !isTerminal(r2) {
			break
		}
		count(r2)
		cjk = cjk || isCJKTerminal(r2)
		j += w2
	}
	closed := false
	for j < n {
		r2, w2 := decode(text, j)
		if !isCloser(r2) {
			break
		}
		closed = true
		j += w2
	}
	// What follows: end of text or of the line ends the sentence; no space
	// (3.5, U.S, example.com) does not, except after CJK punctuation.
	k, space := j, false
	for k < n {
		r2, w2 := decode(text, k)
		if isLineBreak(r2) {
			return j, true
		}
		if !isSpace(r2) {
			break
		}
		space = true
		k += w2
	}
	if k >= n {
		return j, true
	}
	if !space && !cjk {
		return j, false
	}
	// First letter of the next sentence, past opening quotes and brackets.
	nr := rune(0)
	nk := k
	for nk < n {
		r2, w2 := decode(text, nk)
		if !isOpener(r2) {
			nr = r2
			break
		}
		nk += w2
	}
	if isLower(nr) || isTerminal(nr) || nr == ',' || nr == ';' {
		return j, false
	}
	if qe || cjk {
		return j, true
	}
	if ell || dots >= 3 {
		// An ellipsis ends a sentence only when a capital (or a caseless
		// letter) follows; "... 10" or "… raises" carries on.
		return j, isUpper(nr) || (isLetter(nr) && !isLower(nr))
	}
	if closed {
		return j, true
	}
	// A single period: look at the word before it.
	ts := i
	for ts > sentStart && isAbbrevByte(text[ts-1]) {
		ts--
	}
	if ts == i || (ts > sentStart && text[ts-1] >= utf8.RuneSelf) {
		return j, true
	}
	tok := text[ts:i]
	nextDigit := nr >= '0' && nr <= '9'
	switch lookupAbbrev(tok) {
	case abTitle, abInline:
		return j, false
	case abMonth:
		if tok[0] >= 'A' && tok[0] <= 'Z' && nextDigit {
			return j, false
		}
		return j, true
	case abNumber:
		return j, !nextDigit
	case abEnd:
		return j, startsSentence(text, nk)
	}
	if isInitials(tok) {
		return j, startsSentence(text, nk)
	}
	if ts == sentStart && allDigits(tok) && len(tok) <= 3 {
		return j, false // "1. " opening a numbered list item
	}
	return j, true
}

// startsSentence reports whether the word at byte p is a usual sentence opener.
func startsSentence(text string, p int) bool {
	e := p
	for e < len(text) && e-p < 16 && isASCIILetter(text[e]) {
		e++
	}
	return e > p && starters[text[p:e]]
}

// isInitials matches "F", "J.R.R", "A.B": single letters joined by periods.
// A lone letter must be a capital ("John F. Kennedy").
func isInitials(tok string) bool {
	if len(tok) == 1 {
		return tok[0] >= 'A' && tok[0] <= 'Z'
	}
	for i := 0; i < len(tok); i++ {
		if i%2 == 0 {
			if !isASCIILetter(tok[i]) {
				return false
			}
		} else if tok[i] != '.' {
			return false
		}
	}
	return len(tok)%2 == 1
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

func isASCIILetter(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isAbbrevByte(c byte) bool {
	return isASCIILetter(c) || (c >= '0' && c <= '9') || c == '.'
}

func isLineBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029'
}

// isSpace reports white space other than line breaks, plus invisible format
// characters (zero-width space, BOM, bidi controls) and control characters,
// none of which should start or end a sentence.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r < 0x20 || r == 0x7F
	}
	return isSpaceSlow(r)
}

func isSpaceSlow(r rune) bool {
	switch {
	case r == '\u200B', r == '\uFEFF', r == '\u2060', r == '\u200E', r == '\u200F',
		r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return r != utf8.RuneError && unicode.IsSpace(r)
}

func isTerminal(r rune) bool {
	switch r {
	case '.', '!', '?', '…', '。', '！', '？', '｡', '؟', '।', '‼', '⁇', '⁈', '⁉':
		return true
	}
	return false
}

// isCJKTerminal: CJK text puts no space after its full stops.
func isCJKTerminal(r rune) bool {
	return r == '。' || r == '！' || r == '？' || r == '｡'
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '}', '”', '’', '»', '›', '」', '』', '）', '】', '〉', '》':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '(', '[', '{', '“', '‘', '«', '‹', '„', '¿', '¡', '「', '『', '（',
		'【', '〈', '《', '—', '–', '-', '*', '•':
		return true
	}
	return false
}
