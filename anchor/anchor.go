// Package anchor places claims that other tools describe onto a document's
// text, the way Hypothesis re-anchors annotations: the position first, if
// the text there is the claim; then the exact quote, with prefix and suffix
// to choose among repeats; then an approximate match of the quote within a
// bounded edit distance. A claim it cannot place with confidence gets an
// Error with the reason: it is never placed somewhere it might not belong.
//
// Offsets are Unicode code points, as everywhere outside the program. The
// package is pure: no I/O, nothing of the app.
package anchor

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Item is a claim as another tool gives it: a position (Start and End), a
// quote (Exact, with optional Prefix and Suffix), or plain Text; or several
// of them, the position then being checked against the quote.
type Item struct {
	Start, End *int
	Exact      string
	Prefix     string
	Suffix     string
	Text       string
	// What the tool knows of the claim; stored as given.
	Score   *float64
	Kind    string
	Speaker string
	// Classes are the values of a Web Annotation's classifying bodies, one
	// of which may name the claim's kind; which values are kinds is for the
	// caller to say.
	Classes []string
}

// How a claim was placed.
const (
	ByPosition = "position" // the given offsets hold the quote (or no quote was given)
	ByQuote    = "quote"    // the quote was found as it is (quotes, dashes and spaces aside)
	ByFuzzy    = "fuzzy"    // the quote was found with a few characters different
)

// Match is where a claim was placed.
type Match struct {
	Start, End int    // code points
	Text       string // the document's text there, which may differ from a fuzzy quote
	Method     string
	Distance   int // edits between the quote and Text (fuzzy matches only)
}

// Reasons a claim is not placed; the codes are stable, for scripts.
const (
	CodeInvalid    = "invalid"      // the item itself is malformed
	CodeOutOfRange = "out_of_range" // the position is outside the text and there is no quote
	CodeNotFound   = "not_found"    // the quote is not in the text, even approximately
	CodeAmbiguous  = "ambiguous"    // the quote fits several places equally well
)

// Error says why an item was not placed.
type Error struct {
	Code   string
	Reason string
}

func (e *Error) Error() string { return e.Reason }

func fail(code, format string, args ...any) *Error {
	return &Error{Code: code, Reason: fmt.Sprintf(format, args...)}
}

// Limits that keep one request from holding the server.
const (
	MaxQuote    = 5000 // code points in a quote
	maxFuzzy    = 1000 // longest quote matched approximately
	minFuzzy    = 8    // shorter quotes must match exactly: a few edits could make them anything
	maxHits     = 10000
	maxDPCells  = 60_000_000
	checkpointN = 64
)

// ErrTooMuchWork is returned once the items anchored on one Doc have used
// up its work limit (SetWorkLimit). It is about the request as a whole, not
// one item: callers should give up on the rest.
var ErrTooMuchWork = errors.New("placing these claims takes more work than allowed")

// Work is counted in units of about one step of the approximate match (one
// code point of the quote against one of the text, some 3 ns on a 2020s
// core); a byte of text searched costs a quarter of one, a place found a
// few dozen.
const (
	scanBytesPerUnit = 4
	hitCost          = checkpointN // converting the place's offset
)

// Doc is a text prepared for anchoring many items.
type Doc struct {
	text   string
	folded string // text with quotes, dashes and spaces folded: same code points
	n      int    // code points
	idx    []int  // byte offset in text of every checkpointN-th code point
	fidx   []int  // the same in folded

	limit, work int64 // see SetWorkLimit
}

// SetWorkLimit bounds the work of every item anchored on d from now on,
// together: a near match of a long quote on a long, repetitive text costs
// a quarter of a second, so many of them would hold a core for minutes.
// 0, the default, means no limit.
func (d *Doc) SetWorkLimit(units int64) { d.limit = units }

// Work is the work done so far by the items anchored on d.
func (d *Doc) Work() int64 { return d.work }

// spend counts work, and refuses it once the limit is passed.
func (d *Doc) spend(units int) error {
	d.work += int64(units)
	if d.limit > 0 && d.work > d.limit {
		return ErrTooMuchWork
	}
	return nil
}

// scanned counts a search through n bytes of text.
func (d *Doc) scanned(n int) error { return d.spend(n/scanBytesPerUnit + 1) }

// NewDoc prepares text for anchoring.
func NewDoc(text string) *Doc {
	d := &Doc{text: text}
	var fb strings.Builder
	fb.Grow(len(text))
	i := 0
	for b, r := range text {
		if i%checkpointN == 0 {
			d.idx = append(d.idx, b)
			d.fidx = append(d.fidx, fb.Len())
		}
		fb.WriteRune(fold(r))
		i++
	}
	d.n = i
	d.folded = fb.String()
	return d
}

// Len is the text's length in code points.
func (d *Doc) Len() int { return d.n }

// byteAt converts a code point offset of s to a byte offset; idx holds the
// byte offset of every checkpointN-th code point. Offsets past the end give
// len(s).
func byteAt(s string, idx []int, cp int) int {
	if cp <= 0 || len(idx) == 0 {
		return 0
	}
	k := min(cp/checkpointN, len(idx)-1)
	b := idx[k]
	for c := k * checkpointN; c < cp && b < len(s); c++ {
		_, w := utf8.DecodeRuneInString(s[b:])
		b += w
	}
	return b
}

// cpAt converts a byte offset of s that starts a code point to a code point
// offset.
func cpAt(s string, idx []int, b int) int {
	k := sort.Search(len(idx), func(i int) bool { return idx[i] > b }) - 1
	if k < 0 {
		return 0
	}
	cp := k * checkpointN
	for p := idx[k]; p < b; cp++ {
		_, w := utf8.DecodeRuneInString(s[p:])
		p += w
	}
	return cp
}

// Slice returns the text between two code point offsets.
func (d *Doc) Slice(start, end int) string {
	return d.text[byteAt(d.text, d.idx, start):byteAt(d.text, d.idx, end)]
}

func (d *Doc) foldedSlice(start, end int) string {
	return d.folded[byteAt(d.folded, d.fidx, start):byteAt(d.folded, d.fidx, end)]
}

// Anchor places one item on the text, with no end but its own limits.
func (d *Doc) Anchor(it Item) (Match, error) { return d.AnchorContext(context.Background(), it) }

// AnchorContext places one item on the text. Besides an *Error for the item,
// it fails with ctx's error once ctx ends, and with ErrTooMuchWork once the
// work limit is passed; in both cases the search stops there.
func (d *Doc) AnchorContext(ctx context.Context, it Item) (Match, error) {
	if err := ctx.Err(); err != nil {
		return Match{}, err
	}
	quote := it.Exact
	if quote == "" {
		quote = it.Text
	}
	hasPos := it.Start != nil || it.End != nil
	if hasPos && (it.Start == nil || it.End == nil) {
		return Match{}, fail(CodeInvalid, "give both start and end, or neither")
	}
	if !hasPos && quote == "" {
		return Match{}, fail(CodeInvalid, "give start and end, an exact quote, or the text of the claim")
	}
	if quote != "" && strings.TrimSpace(quote) == "" {
		return Match{}, fail(CodeInvalid, "the quote is only blank space")
	}
	m := utf8.RuneCountInString(quote)
	if m > MaxQuote {
		return Match{}, fail(CodeInvalid, "the quote is longer than %d characters", MaxQuote)
	}
	hint := -1
	if hasPos {
		start, end := *it.Start, *it.End
		if start < 0 || end <= start {
			return Match{}, fail(CodeInvalid, "start must be 0 or more and end greater than start (got %d..%d)", start, end)
		}
		if end <= d.n {
			hint = start
			at := d.Slice(start, end)
			switch {
			case quote == "" && strings.TrimSpace(at) == "":
				return Match{}, fail(CodeInvalid, "the text at %d..%d is only blank space", start, end)
			case quote == "" || at == quote || d.foldedSlice(start, end) == foldString(quote):
				return Match{Start: start, End: end, Text: at, Method: ByPosition}, nil
			}
		} else if quote == "" {
			return Match{}, fail(CodeOutOfRange, "%d..%d is outside the text, which ends at %d", start, end, d.n)
		}
	}
	q := query{quote: quote, folded: foldString(quote), m: m, prefix: foldString(it.Prefix), suffix: foldString(it.Suffix), hint: hint}
	cands, err := d.exact(ctx, q)
	if err != nil {
		return Match{}, err
	}
	if len(cands) > 0 {
		return d.choose(q, cands, ByQuote)
	}
	if m < minFuzzy {
		return Match{}, fail(CodeNotFound, "the quote is not in the text (quotes this short must match exactly)")
	}
	if m > maxFuzzy {
		return Match{}, fail(CodeNotFound, "the quote is not in the text as it is, and is too long (over %d characters) to look for approximately", maxFuzzy)
	}
	cands, err = d.fuzzy(ctx, q)
	if err != nil {
		return Match{}, err
	}
	if len(cands) == 0 {
		return Match{}, fail(CodeNotFound, "the quote is not in the text, not even with %d of its characters different", maxErrors(m))
	}
	return d.choose(q, cands, ByFuzzy)
}

// query is an item's quote, folded, with its context.
type query struct {
	quote, folded  string
	m              int // code points in the quote
	prefix, suffix string
	hint           int // code point where the item said it starts, or -1
}

// candidate is a place the quote might belong.
type candidate struct {
	start, end int
	dist       int  // edits from the quote
	exact      bool // the text there is the quote as given, unfolded
	context    int  // code points of prefix and suffix that match around it
}

// exact finds every place where the folded quote occurs.
func (d *Doc) exact(ctx context.Context, q query) ([]candidate, error) {
	var out []candidate
	for from := 0; from <= len(d.folded) && len(out) < maxHits; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		i := strings.Index(d.folded[from:], q.folded)
		if i < 0 {
			return out, d.scanned(len(d.folded) - from)
		}
		if err := d.scanned(i + len(q.folded)); err != nil {
			return nil, err
		}
		if err := d.spend(hitCost + q.m); err != nil {
			return nil, err
		}
		b := from + i
		start := cpAt(d.folded, d.fidx, b)
		c := candidate{start: start, end: start + q.m}
		c.exact = d.Slice(c.start, c.end) == q.quote
		out = append(out, c)
		// Step one code point: repeats may overlap.
		_, w := utf8.DecodeRuneInString(d.folded[b:])
		from = b + max(w, 1)
	}
	return out, nil
}

// choose picks the one best candidate: fewest edits, then the most prefix
// and suffix matching, then the quote exactly as given, then nearest the
// given position. A tie that none of these breaks is ambiguous: the item
// is refused rather than placed on a guess.
func (d *Doc) choose(q query, cands []candidate, method string) (Match, error) {
	if len(cands) >= maxHits {
		return Match{}, fail(CodeAmbiguous, "the quote occurs %d times or more; give a position or a longer quote", maxHits)
	}
	// Comparing the context costs at most its length at every candidate.
	if err := d.spend(len(cands) * (len(q.prefix) + len(q.suffix))); err != nil {
		return Match{}, err
	}
	for i := range cands {
		cands[i].context = d.contextScore(q, cands[i])
	}
	better := func(a, b candidate) int { // <0 when a ranks above b
		switch {
		case a.dist != b.dist:
			return a.dist - b.dist
		case a.context != b.context:
			return b.context - a.context
		case a.exact != b.exact:
			if a.exact {
				return -1
			}
			return 1
		}
		return 0
	}
	sort.SliceStable(cands, func(i, j int) bool { return better(cands[i], cands[j]) < 0 })
	top := cands[:1]
	for _, c := range cands[1:] {
		if better(c, cands[0]) == 0 {
			top = append(top, c)
		}
	}
	best := top[0]
	if len(top) > 1 {
		if q.hint < 0 {
			return Match{}, d.ambiguous(top)
		}
		sort.SliceStable(top, func(i, j int) bool { return abs(top[i].start-q.hint) < abs(top[j].start-q.hint) })
		if abs(top[0].start-q.hint) == abs(top[1].start-q.hint) {
			return Match{}, d.ambiguous(top)
		}
		best = top[0]
	}
	return Match{Start: best.start, End: best.end, Text: d.Slice(best.start, best.end), Method: method, Distance: best.dist}, nil
}

func (d *Doc) ambiguous(top []candidate) error {
	var at []string
	for i, c := range top {
		if i == 5 {
			at = append(at, "…")
			break
		}
		at = append(at, fmt.Sprintf("%d..%d", c.start, c.end))
	}
	return fail(CodeAmbiguous, "the quote fits %d places equally well (%s); give a prefix and suffix, or start and end",
		len(top), strings.Join(at, ", "))
}

// contextScore counts how many code points of the prefix match just before
// the candidate and of the suffix just after it, from the candidate outward.
func (d *Doc) contextScore(q query, c candidate) int {
	score := 0
	if q.prefix != "" {
		before := d.folded[:byteAt(d.folded, d.fidx, c.start)]
		p := q.prefix
		for p != "" && before != "" {
			r1, w1 := utf8.DecodeLastRuneInString(p)
			r2, w2 := utf8.DecodeLastRuneInString(before)
			if r1 != r2 {
				break
			}
			score++
			p, before = p[:len(p)-w1], before[:len(before)-w2]
		}
	}
	if q.suffix != "" {
		after := d.folded[byteAt(d.folded, d.fidx, c.end):]
		s := q.suffix
		for s != "" && after != "" {
			r1, w1 := utf8.DecodeRuneInString(s)
			r2, w2 := utf8.DecodeRuneInString(after)
			if r1 != r2 {
				break
			}
			score++
			s, after = s[w1:], after[w2:]
		}
	}
	return score
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
