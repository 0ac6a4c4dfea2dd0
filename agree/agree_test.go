package agree

import (
	"math"
	"testing"
)

// repeat adds n copies of the pair (a, b).
func repeat(ps []Pair, n int, a, b string) []Pair {
	for range n {
		ps = append(ps, Pair{a, b})
	}
	return ps
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Each expected figure below was worked out by hand from the contingency
// table in the comment; the arithmetic is in the comment too.
func TestComputeHandWorked(t *testing.T) {
	cases := []struct {
		name             string
		pairs            []Pair
		agreed           int
		percent, pe, kap float64
		ok               bool
	}{
		{
			// 2x2, 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15.
			// po = 35/50 = .7; A says yes 25/50, B 30/50;
			// pe = .5*.6 + .5*.4 = .5; kappa = (.7-.5)/(1-.5) = .4
			name: "two verdicts",
			pairs: repeat(repeat(repeat(repeat(nil, 20, "confirmed", "confirmed"),
				5, "confirmed", "disputed"), 10, "disputed", "confirmed"), 15, "disputed", "disputed"),
			agreed: 35, percent: 70, pe: 0.5, kap: 0.4, ok: true,
		},
		{
			// 3x3, 30 items (rows A, columns B; C, D, U):
			//   C: 10 2 3 | D: 1 8 1 | U: 2 1 2
			// agreed 20, po = 2/3; A margins 15 10 5, B margins 13 11 6;
			// pe = (15*13 + 10*11 + 5*6)/900 = 335/900;
			// kappa = (600-335)/(900-335) = 265/565 = 53/113
			name: "three verdicts",
			pairs: func() []Pair {
				ps := repeat(nil, 10, "confirmed", "confirmed")
				ps = repeat(ps, 2, "confirmed", "disputed")
				ps = repeat(ps, 3, "confirmed", "unverified")
				ps = repeat(ps, 1, "disputed", "confirmed")
				ps = repeat(ps, 8, "disputed", "disputed")
				ps = repeat(ps, 1, "disputed", "unverified")
				ps = repeat(ps, 2, "unverified", "confirmed")
				ps = repeat(ps, 1, "unverified", "disputed")
				ps = repeat(ps, 2, "unverified", "unverified")
				return ps
			}(),
			agreed: 20, percent: 200.0 / 3, pe: 335.0 / 900, kap: 53.0 / 113, ok: true,
		},
		{
			// Agreement no better than chance: po = 2/4, pe = .5*.5 + .5*.5 = .5, kappa 0.
			name:   "chance",
			pairs:  []Pair{{"confirmed", "confirmed"}, {"confirmed", "disputed"}, {"disputed", "confirmed"}, {"disputed", "disputed"}},
			agreed: 2, percent: 50, pe: 0.5, kap: 0, ok: true,
		},
		{
			// Always opposite: po = 0, pe = .5, kappa = -.5/.5 = -1.
			name:   "opposed",
			pairs:  []Pair{{"confirmed", "disputed"}, {"disputed", "confirmed"}},
			agreed: 0, percent: 0, pe: 0.5, kap: -1, ok: true,
		},
		{
			// Perfect agreement over two verdicts: po = 1, pe = .5, kappa 1.
			name:   "perfect",
			pairs:  []Pair{{"confirmed", "confirmed"}, {"disputed", "disputed"}},
			agreed: 2, percent: 100, pe: 0.5, kap: 1, ok: true,
		},
		{
			// Both always say confirmed: pe = 1, kappa is 0/0, undefined.
			name:   "one verdict only",
			pairs:  []Pair{{"confirmed", "confirmed"}, {"confirmed", "confirmed"}},
			agreed: 2, percent: 100, pe: 1, ok: false,
		},
		{name: "nothing", ok: false},
	}
	for _, tc := range cases {
		r := Compute(tc.pairs)
		if r.N != len(tc.pairs) || r.Agreed != tc.agreed || !near(r.Percent, tc.percent) || !near(r.Expected, tc.pe) {
			t.Errorf("%s: n %d agreed %d percent %v pe %v, want %d %d %v %v", tc.name, r.N, r.Agreed, r.Percent, r.Expected,
				len(tc.pairs), tc.agreed, tc.percent, tc.pe)
		}
		if r.KappaOK != tc.ok || (tc.ok && !near(r.Kappa, tc.kap)) {
			t.Errorf("%s: kappa %v (ok %v), want %v (ok %v)", tc.name, r.Kappa, r.KappaOK, tc.kap, tc.ok)
		}
	}
}

func TestByPairAndOverall(t *testing.T) {
	js := []Judgement{
		// ann and bob, in either order: ann's verdicts C, D, C; bob's C, D, D.
		{RaterA: "ann", RaterB: "bob", A: "confirmed", B: "confirmed"},
		{RaterA: "bob", RaterB: "ann", A: "disputed", B: "disputed"},
		{RaterA: "bob", RaterB: "ann", A: "disputed", B: "confirmed"},
		// ann and cy: opposed.
		{RaterA: "cy", RaterB: "ann", A: "confirmed", B: "disputed"},
		{RaterA: "ann", RaterB: "cy", A: "confirmed", B: "disputed"},
	}
	got := ByPair(js)
	if len(got) != 2 || got[0].RaterA != "ann" || got[0].RaterB != "bob" || got[1].RaterA != "ann" || got[1].RaterB != "cy" {
		t.Fatalf("pairs = %+v", got)
	}
	// ann/bob: (C,C) (D,D) (C,D): po 2/3; ann C 2/3 D 1/3, bob C 1/3 D 2/3;
	// pe = 2/9 + 2/9 = 4/9; kappa = (6/9 - 4/9)/(5/9) = 2/5.
	if r := got[0]; r.N != 3 || r.Agreed != 2 || !near(r.Kappa, 0.4) {
		t.Errorf("ann/bob = %+v", r)
	}
	// ann/cy: (D,C) (C,D): po 0; pe = 1/2; kappa -1.
	if r := got[1]; r.N != 2 || r.Agreed != 0 || !near(r.Kappa, -1) {
		t.Errorf("ann/cy = %+v", r)
	}
	// Overall, first verdict against second as given:
	// (C,C) (D,D) (D,C) (C,D) (C,D): po 2/5; first C 3/5 D 2/5; second C 2/5 D 3/5;
	// pe = 6/25 + 6/25 = 12/25; kappa = (10/25 - 12/25)/(13/25) = -2/13.
	if r := Overall(js); r.N != 5 || r.Agreed != 2 || !near(r.Percent, 40) || !near(r.Kappa, -2.0/13) {
		t.Errorf("overall = %+v", r)
	}
}
