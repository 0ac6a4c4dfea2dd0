// Package agree measures how often two reviewers reach the same verdict:
// percent agreement and Cohen's kappa, which discounts the agreement that
// chance alone would give. Pure functions, no I/O.
package agree

import "sort"

// Pair is one item judged by two raters: A's verdict and B's verdict.
type Pair struct{ A, B string }

// Result is the agreement over a set of pairs.
type Result struct {
	N        int     // items judged by both
	Agreed   int     // items where both gave the same verdict
	Percent  float64 // Agreed/N as a percentage; 0 when N is 0
	Expected float64 // agreement expected by chance, 0..1
	Kappa    float64 // Cohen's kappa; meaningful only when KappaOK
	// KappaOK is false when kappa is undefined: no items, or both raters
	// used one and the same verdict for everything (chance agreement is 1).
	KappaOK bool
}

// Compute returns percent agreement and Cohen's kappa:
//
//	kappa = (po - pe) / (1 - pe)
//
// where po is the observed share of agreement and pe = sum over verdicts k
// of (share of items A called k) * (share of items B called k).
func Compute(pairs []Pair) Result {
	r := Result{N: len(pairs)}
	if r.N == 0 {
		return r
	}
	countA := map[string]int{}
	countB := map[string]int{}
	for _, p := range pairs {
		if p.A == p.B {
			r.Agreed++
		}
		countA[p.A]++
		countB[p.B]++
	}
	n := float64(r.N)
	po := float64(r.Agreed) / n
	// Sum in a fixed order so results do not depend on map iteration.
	keys := make([]string, 0, len(countA))
	for k := range countA {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pe float64
	for _, k := range keys {
		pe += float64(countA[k]) / n * float64(countB[k]) / n
	}
	r.Percent = 100 * po
	r.Expected = pe
	if 1-pe > 1e-12 {
		r.Kappa = (po - pe) / (1 - pe)
		r.KappaOK = true
	}
	return r
}

// Judgement is one item judged by two named raters.
type Judgement struct {
	RaterA, RaterB string
	A, B           string // RaterA's verdict, RaterB's verdict
}

// PairResult is the agreement of two raters over the items both judged.
type PairResult struct {
	RaterA, RaterB string // in name order
	Result
}

// ByPair groups judgements by the two raters, whichever of them judged
// first, and computes each pair's agreement; pairs come in name order.
// Kappa is symmetric, so swapping the raters of a judgement changes nothing
// but the order the verdicts are kept in.
func ByPair(js []Judgement) []PairResult {
	type key struct{ a, b string }
	groups := map[key][]Pair{}
	for _, j := range js {
		k, p := key{j.RaterA, j.RaterB}, Pair{j.A, j.B}
		if j.RaterB < j.RaterA {
			k, p = key{j.RaterB, j.RaterA}, Pair{j.B, j.A}
		}
		groups[k] = append(groups[k], p)
	}
	out := make([]PairResult, 0, len(groups))
	for k, ps := range groups {
		out = append(out, PairResult{RaterA: k.a, RaterB: k.b, Result: Compute(ps)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].RaterA != out[j].RaterA {
			return out[i].RaterA < out[j].RaterA
		}
		return out[i].RaterB < out[j].RaterB
	})
	return out
}

// Overall is the agreement of first and second verdicts over every item,
// whoever gave them.
func Overall(js []Judgement) Result {
	ps := make([]Pair, len(js))
	for i, j := range js {
		ps[i] = Pair{j.A, j.B}
	}
	return Compute(ps)
}
