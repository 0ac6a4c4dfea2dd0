package anchor

import (
	"context"
	"sort"
	"strings"
	"unicode/utf8"
)

// maxErrors is how many edits an approximate match may have: one in eight
// code points, at most 64. Hypothesis allows up to half the quote, which
// finds more but places some annotations on the wrong sentence.
func maxErrors(m int) int { return min(m/8, 64) }

type span struct{ from, to int }

// fuzzy finds the places where the quote occurs with at most maxErrors
// edits (insertions, deletions, substitutions of code points). By the
// pigeonhole principle one of maxErrors+1 pieces of the quote then occurs
// unchanged, so only the text around exact occurrences of the pieces is
// compared in full (Sellers' dynamic programming), which keeps it fast on
// long documents.
func (d *Doc) fuzzy(ctx context.Context, q query) ([]candidate, error) {
	pat := []rune(q.folded)
	m := len(pat)
	k := maxErrors(m)
	var wins []span
	for i := 0; i <= k; i++ {
		a, b := i*m/(k+1), (i+1)*m/(k+1)
		piece := string(pat[a:b])
		for from := 0; from < len(d.folded); {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			j := strings.Index(d.folded[from:], piece)
			if j < 0 {
				if err := d.scanned(len(d.folded) - from); err != nil {
					return nil, err
				}
				break
			}
			if err := d.scanned(j + len(piece)); err != nil {
				return nil, err
			}
			if err := d.spend(hitCost); err != nil {
				return nil, err
			}
			at := from + j
			s0 := cpAt(d.folded, d.fidx, at) - a
			wins = append(wins, span{max(0, s0-k), min(d.n, s0+m+k)})
			if len(wins) > 4*maxHits {
				return nil, fail(CodeAmbiguous, "parts of the quote occur too often to choose a place safely; give a position or a longer quote")
			}
			_, w := utf8.DecodeRuneInString(d.folded[at:])
			from = at + max(w, 1)
		}
	}
	if len(wins) == 0 {
		return nil, nil
	}
	sort.Slice(wins, func(i, j int) bool { return wins[i].from < wins[j].from })
	merged := wins[:1]
	for _, w := range wins[1:] {
		last := &merged[len(merged)-1]
		if w.from <= last.to {
			last.to = max(last.to, w.to)
		} else {
			merged = append(merged, w)
		}
	}
	cells := 0
	for _, w := range merged {
		cells += (w.to - w.from) * m
	}
	if cells > maxDPCells {
		return nil, fail(CodeAmbiguous, "the quote nearly matches too much of the text to choose a place safely; give a position or a longer quote")
	}
	// Counted before it is done: the comparison is the costly part.
	if err := d.spend(cells); err != nil {
		return nil, err
	}
	var found []candidate
	for _, w := range merged {
		var err error
		if found, err = sellers(ctx, pat, []rune(d.foldedSlice(w.from, w.to)), w.from, k, found); err != nil {
			return nil, err
		}
	}
	return clusters(found, m), nil
}

// sellersCheckEvery is how many characters of text sellers compares between
// looks at its context: a few milliseconds of work for the longest quote.
const sellersCheckEvery = 1024

// sellers appends every alignment of pat within text that has at most k
// edits, as (start, end, edits) with start and end offset by base. It stops
// with ctx's error once ctx ends.
func sellers(ctx context.Context, pat, text []rune, base, k int, out []candidate) ([]candidate, error) {
	m := len(pat)
	cost, ncost := make([]int, m+1), make([]int, m+1)
	st, nst := make([]int, m+1), make([]int, m+1)
	for i := range cost {
		cost[i], st[i] = i, base
	}
	for j, t := range text {
		if j%sellersCheckEvery == sellersCheckEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		p := base + j
		ncost[0], nst[0] = 0, p+1 // a match may start anywhere: after this character
		for i := 1; i <= m; i++ {
			c, s := cost[i-1], st[i-1] // pat[i-1] against t
			if pat[i-1] != t {
				c++
			}
			if v := cost[i] + 1; v < c { // t is extra
				c, s = v, st[i]
			}
			if v := ncost[i-1] + 1; v < c { // pat[i-1] is missing
				c, s = v, nst[i-1]
			}
			ncost[i], nst[i] = c, s
		}
		if ncost[m] <= k {
			out = append(out, candidate{start: nst[m], end: p + 1, dist: ncost[m]})
		}
		cost, ncost = ncost, cost
		st, nst = nst, st
	}
	return out, nil
}

// clusters reduces overlapping alignments, which are one place found in
// several slightly different ways, to the best of each: fewest edits, then
// the length closest to the quote's.
func clusters(found []candidate, m int) []candidate {
	sort.Slice(found, func(i, j int) bool {
		if found[i].start != found[j].start {
			return found[i].start < found[j].start
		}
		return found[i].end < found[j].end
	})
	var out []candidate
	reach := -1
	for _, c := range found {
		if len(out) == 0 || c.start >= reach {
			out = append(out, c)
			reach = c.end
			continue
		}
		reach = max(reach, c.end)
		best := &out[len(out)-1]
		if c.dist < best.dist || (c.dist == best.dist && abs(c.end-c.start-m) < abs(best.end-best.start-m)) {
			*best = c
		}
	}
	return out
}
