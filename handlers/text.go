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
// for part of a sentence the extractor took whole, or one across two): the
// text is cut wherever a claim starts or ends, and each run links to the
// claim over it that starts last, the shortest of those. So every claim's
// first run, its anchor, is at its first word; a claim inside another shows
// inside it, the outer claim in parts around it; and where two claims
// overlap, the run they share belongs to the second, naming the first
// (Also). A claim that starts where a shorter one does gets an anchor with
// no text just before it, so that it can still be linked to and reached.
// Blank space at a claim's edges, or alone between others, is left plain:
// a highlight or an anchor on a line break alone shows nothing.
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
		b0, b1 = wordsOf(body, b0, b1)
		spans = append(spans, span{b0, b1, &claims[i]})
		bounds = append(bounds, b0, b1)
	}
	// The sweep below needs the spans by start, and trimming can change
	// the order the claims came in.
	slices.SortStableFunc(spans, func(a, b span) int { return a.b0 - b.b0 })
	bounds = append(bounds, 0, len(body))
	slices.Sort(bounds)
	bounds = slices.Compact(bounds)
	// later says whether a run under both a and b goes to a: the claim
	// that starts last, then the shorter, then the first stored.
	later := func(a, b span) bool {
		if a.b0 != b.b0 {
			return a.b0 > b.b0
		}
		if a.b1 != b.b1 {
			return a.b1 < b.b1
		}
		return a.c.ID < b.c.ID
	}

	var out []views.Segment
	parts := map[int64]int{}
	add := func(c *db.Claim, text string, also []string) {
		st := c.Status
		if c.Dismissed {
			st = "dismissed"
		}
		out = append(out, views.Segment{Text: text, ClaimID: c.ID, Status: st, Version: c.Version,
			Part: parts[c.ID], Words: c.Text, Also: also})
		parts[c.ID]++
	}
	var active []span // the spans over the current run
	next := 0
	// Every bound is where some claim starts or ends, so no two runs of a
	// claim in a row have the same claims over them: nothing is joined.
	for k := 0; k+1 < len(bounds); k++ {
		x, y := bounds[k], bounds[k+1]
		active = slices.DeleteFunc(active, func(sp span) bool { return sp.b1 <= x })
		starting := next
		for next < len(spans) && spans[next].b0 <= x {
			active = append(active, spans[next])
			next++
		}
		// Blank space no claim starts with (a line break between two
		// claims that overlap a third) is left plain: highlighted, it
		// would show as a stray mark at the end of a line.
		if len(active) == 0 || starting == next && strings.TrimSpace(body[x:y]) == "" {
			out = append(out, views.Segment{Text: body[x:y]})
			continue
		}
		best := active[0]
		for _, sp := range active[1:] {
			if later(sp, best) {
				best = sp
			}
		}
		for _, sp := range spans[starting:next] {
			if sp.c != best.c {
				add(sp.c, "", nil)
			}
		}
		var also []string
		for _, sp := range active {
			if sp.c != best.c {
				also = append(also, sp.c.Text)
			}
		}
		add(best.c, body[x:y], also)
	}
	return out
}

// wordsOf narrows b0..b1 to the words in it, without blank space at the
// edges; blank space only stays as it is, having nothing else to show.
func wordsOf(body string, b0, b1 int) (int, int) {
	s := body[b0:b1]
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	t = strings.TrimRightFunc(t, unicode.IsSpace)
	if t == "" {
		return b0, b1
	}
	w0 := b0 + len(s) - len(strings.TrimLeftFunc(s, unicode.IsSpace))
	return w0, w0 + len(t)
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
