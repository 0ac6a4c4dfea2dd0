package handlers

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"factdesk/db"
	"factdesk/extract"
	"factdesk/views"
)

// segments splits a body into plain runs and claim runs for highlighting.
// Offsets are code points; a claim that overlaps an earlier one is listed but
// not highlighted a second time.
func segments(body string, claims []db.Claim) []views.Segment {
	cps := make([]int, 0, 2*len(claims))
	for _, c := range claims {
		cps = append(cps, c.Start, c.End)
	}
	offs := extract.ByteOffsets(body, cps...)
	var out []views.Segment
	pos := 0
	for i, c := range claims {
		b0, b1 := offs[2*i], offs[2*i+1]
		if b0 < pos || b1 > len(body) || b0 >= b1 {
			continue
		}
		if b0 > pos {
			out = append(out, views.Segment{Text: body[pos:b0]})
		}
		st := c.Status
		if c.Dismissed {
			st = "dismissed"
		}
		out = append(out, views.Segment{Text: body[b0:b1], ClaimID: c.ID, Status: st, Version: c.Version})
		pos = b1
	}
	if pos < len(body) {
		out = append(out, views.Segment{Text: body[pos:]})
	}
	return out
}

// contextLimit bounds the text shown around a claim, so a document that is
// one long line does not turn the claim page into the whole document.
const contextLimit = 800

// passage returns the text of the claim's paragraph before and after it.
// Paragraphs end at blank lines, or at line ends when the text has none.
func passage(body string, start, end int) (before, after string) {
	offs := extract.ByteOffsets(body, start, end)
	b0, b1 := offs[0], offs[1]
	sep := "\n\n"
	if !strings.Contains(body, sep) {
		sep = "\n"
	}
	pStart := 0
	if i := strings.LastIndex(body[:b0], sep); i >= 0 {
		pStart = i + len(sep)
	}
	pEnd := len(body)
	if i := strings.Index(body[b1:], sep); i >= 0 {
		pEnd = b1 + i
	}
	before, after = body[pStart:b0], body[b1:pEnd]
	if len(before) > contextLimit {
		cut := len(before) - contextLimit
		for cut < len(before) && !utf8.RuneStart(before[cut]) {
			cut++
		}
		before = "…" + before[cut:]
	}
	if len(after) > contextLimit {
		cut := contextLimit
		for cut > 0 && !utf8.RuneStart(after[cut]) {
			cut--
		}
		after = after[:cut] + "…"
	}
	return strings.TrimLeft(before, "\n"), strings.TrimRight(after, "\n")
}

// shown is what a form shows again of what was typed, after a refusal:
// without control characters (tabs and line breaks aside), which have no
// business in a page (a NUL in an attribute value is an HTML parse error),
// and as valid UTF-8. What is stored is checked, and refused, elsewhere.
func shown(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return -1
		}
		return r
	}, s)
}
