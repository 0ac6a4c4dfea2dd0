package handlers

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"factdesk/db"
	"factdesk/extract"
	"factdesk/views"
)

// segments splits a body into plain runs and claim runs for highlighting.
// Offsets are code points. Claims may overlap (a reviewer may add a claim
// for part of a sentence the extractor took whole): each run of text goes
// to the shortest claim over it, so a claim inside another shows inside
// it, marked Inner, and the outer claim comes in parts around it. Every
// claim with text of its own gets a run, and so an anchor on the page.
func segments(body string, claims []db.Claim) []views.Segment {
	cps := make([]int, 0, 2*len(claims))
	for _, c := range claims {
		cps = append(cps, c.Start, c.End)
	}
	offs := extract.ByteOffsets(body, cps...)
	type span struct {
		b0, b1 int
		c      *db.Claim
	}
	spans := make([]span, 0, len(claims))
	bounds := make([]int, 0, 2*len(claims)+2)
	for i := range claims {
		b0, b1 := offs[2*i], offs[2*i+1]
		if b0 < 0 || b1 > len(body) || b0 >= b1 {
			continue
		}
		spans = append(spans, span{b0, b1, &claims[i]})
		bounds = append(bounds, b0, b1)
	}
	// Claims come in text order, but the spans are sorted anyway: the
	// sweep below needs them by start.
	slices.SortStableFunc(spans, func(a, b span) int { return a.b0 - b.b0 })
	bounds = append(bounds, 0, len(body))
	slices.Sort(bounds)
	bounds = slices.Compact(bounds)

	var out []views.Segment
	from := 0 // where the last run of out starts in body
	parts := map[int64]int{}
	var active []span // the spans over the current run
	next := 0
	for k := 0; k+1 < len(bounds); k++ {
		x, y := bounds[k], bounds[k+1]
		active = slices.DeleteFunc(active, func(sp span) bool { return sp.b1 <= x })
		for next < len(spans) && spans[next].b0 <= x {
			active = append(active, spans[next])
			next++
		}
		var best *span
		for i := range active {
			if best == nil || active[i].b1-active[i].b0 < best.b1-best.b0 {
				best = &active[i]
			}
		}
		var id int64
		if best != nil {
			id = best.c.ID
		}
		if n := len(out); n > 0 && out[n-1].ClaimID == id {
			out[n-1].Text = body[from:y] // the same claim, or plain text, goes on
			continue
		}
		from = x
		if best == nil {
			out = append(out, views.Segment{Text: body[x:y]})
			continue
		}
		c := best.c
		st := c.Status
		if c.Dismissed {
			st = "dismissed"
		}
		out = append(out, views.Segment{Text: body[x:y], ClaimID: c.ID, Status: st, Version: c.Version,
			Part: parts[c.ID], Inner: len(active) > 1})
		parts[c.ID]++
	}
	return out
}

// claimParts returns the runs of one claim among segs.
func claimParts(segs []views.Segment, id int64) []views.Segment {
	var out []views.Segment
	for _, s := range segs {
		if s.ClaimID == id {
			out = append(out, s)
		}
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
