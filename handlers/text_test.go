package handlers

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"factdesk/db"
	"factdesk/views"
)

// claimsAt places claims on body by their words: each word string is found
// at or after the offset where the previous one of the same text was, and
// the claims get ids 1, 2, … in the order given.
func claimsAt(t *testing.T, body string, words ...string) []db.Claim {
	t.Helper()
	var out []db.Claim
	for i, w := range words {
		b := strings.Index(body, w)
		if b < 0 {
			t.Fatalf("%q is not in the body", w)
		}
		start := utf8.RuneCountInString(body[:b])
		out = append(out, db.Claim{ID: int64(i + 1), Start: start, End: start + utf8.RuneCountInString(w), Text: w,
			Status: "unverified", Version: 1})
	}
	slices.SortStableFunc(out, func(a, b db.Claim) int { return a.Start - b.Start })
	return out
}

// showSegments writes segments one to a line: plain text as it is, a claim's
// run as "id.part text", with "+ids" for the other claims over it.
func showSegments(segs []views.Segment, claims []db.Claim) string {
	var b strings.Builder
	for _, s := range segs {
		if s.ClaimID == 0 {
			fmt.Fprintf(&b, "%q\n", s.Text)
			continue
		}
		var also []string
		for _, w := range s.Also {
			for _, c := range claims {
				if c.Text == w && c.ID != s.ClaimID && !slices.Contains(also, fmt.Sprint(c.ID)) {
					also = append(also, fmt.Sprint(c.ID))
					break
				}
			}
		}
		plus := ""
		if len(also) > 0 {
			plus = "+" + strings.Join(also, ",")
		}
		fmt.Fprintf(&b, "%d.%d%s %q\n", s.ClaimID, s.Part, plus, s.Text)
	}
	return b.String()
}

// checkSegments checks what every cut must hold: the text reads whole;
// every claim has one anchor (part 0) at its first word and its parts
// numbered in order; each run of a claim lies within its words and names
// every other claim over it, and no plain run but blank space is under a
// claim; a run with no text stands only just before another claim's run
// at the same place; and no claim shows as blank space only.
func checkSegments(t *testing.T, body string, claims []db.Claim, segs []views.Segment) {
	t.Helper()
	var whole strings.Builder
	for _, s := range segs {
		whole.WriteString(s.Text)
	}
	if whole.String() != body {
		t.Fatalf("the text reads\n%q\nnot\n%q", whole.String(), body)
	}
	// Each claim's words, in bytes, blank space at the edges left out.
	type span struct{ w0, w1 int }
	words := map[int64]span{}
	for _, c := range claims {
		b0 := len(string([]rune(body)[:c.Start]))
		w0 := b0 + len(c.Text) - len(strings.TrimLeftFunc(c.Text, unicode.IsSpace))
		w1 := b0 + len(strings.TrimRightFunc(c.Text, unicode.IsSpace))
		if w0 >= w1 {
			w0, w1 = b0, b0+len(c.Text) // blank space only: shown as it is
		}
		words[c.ID] = span{w0, w1}
	}
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format+"\n%s", append(args, showSegments(segs, claims))...)
	}
	parts := map[int64]int{}
	shown := map[int64]string{} // the text of each claim's runs
	bare := map[int64]bool{}    // claims anchored by a run with no text
	at := 0
	for i, s := range segs {
		b0, b1 := at, at+len(s.Text)
		at = b1
		var over []string // the words of the claims over this run but its own
		for _, c := range claims {
			if w := words[c.ID]; c.ID != s.ClaimID && w.w0 < b1 && w.w1 > b0 {
				over = append(over, c.Text)
			}
		}
		if s.ClaimID == 0 {
			if len(over) > 0 && strings.TrimSpace(s.Text) != "" {
				fail("plain text %q is under claims %q", s.Text, over)
			}
			continue
		}
		c := claims[slices.IndexFunc(claims, func(c db.Claim) bool { return c.ID == s.ClaimID })]
		w := words[c.ID]
		if s.Part != parts[c.ID] {
			fail("claim %d: part %d where %d was due", c.ID, s.Part, parts[c.ID])
		}
		if s.Part == 0 && b0 != w.w0 {
			fail("claim %d: anchored at byte %d, its first word is at %d", c.ID, b0, w.w0)
		}
		if s.Words != c.Text {
			fail("claim %d: a run names it %q", c.ID, s.Words)
		}
		parts[c.ID]++
		if s.Text == "" {
			j := i + 1
			for j < len(segs) && segs[j].Text == "" {
				j++
			}
			if s.Part != 0 || j == len(segs) || segs[j].ClaimID == 0 || segs[j].ClaimID == c.ID {
				fail("claim %d: a run with no text that is not its anchor before another claim's run", c.ID)
			}
			bare[c.ID] = true
			continue
		}
		if b0 < w.w0 || b1 > w.w1 {
			fail("claim %d: a run outside its words, bytes %d..%d", c.ID, b0, b1)
		}
		slices.Sort(over)
		also := slices.Sorted(slices.Values(s.Also))
		if !slices.Equal(also, over) {
			fail("claim %d: run %q names %q, the claims over it are %q", c.ID, s.Text, also, over)
		}
		shown[c.ID] += s.Text
	}
	for _, c := range claims {
		if parts[c.ID] == 0 {
			fail("claim %d has no anchor", c.ID)
		}
		if strings.TrimSpace(c.Text) != "" && strings.TrimSpace(shown[c.ID]) == "" && !bare[c.ID] {
			fail("claim %d shows as blank space only: %q", c.ID, shown[c.ID])
		}
	}
}

// How claims over the same words are cut into runs: each claim anchored at
// its first word, the words two claims share shown as belonging to both.
func TestSegmentsOfOverlappingClaims(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		words      []string
		want       string
	}{{
		name:  "one inside another",
		body:  "The council said the flood barrier cost $4.2 million and protected 300 homes, the mayor said.",
		words: []string{"The council said the flood barrier cost $4.2 million and protected 300 homes", "the flood barrier cost $4.2 million"},
		want: `1.0 "The council said "
2.0+1 "the flood barrier cost $4.2 million"
1.1 " and protected 300 homes"
", the mayor said."
`,
	}, {
		name:  "the second overlaps the end of the first",
		body:  "Officials said the barrier cost $4 million and saved 300 homes last winter.",
		words: []string{"the barrier cost $4 million", "$4 million and saved 300 homes"},
		want: `"Officials said "
1.0 "the barrier cost "
2.0+1 "$4 million"
2.1 " and saved 300 homes"
" last winter."
`,
	}, {
		name:  "a chain of three",
		body:  "One two three four five six seven eight nine.",
		words: []string{"One two three", "three four five six", "six seven eight", "eight nine"},
		want: `1.0 "One two "
2.0+1 "three"
2.1 " four five "
3.0+2 "six"
3.1 " seven "
4.0+3 "eight"
4.1 " nine"
"."
`,
	}, {
		// The middle claim's words of its own are only the blank between
		// the other two: it is anchored at its first word all the same.
		name:  "a claim whose own words are blank space",
		body:  "Rates rise in July.\nThe board approved it.",
		words: []string{"Rates rise in July.", "rise in July.\nThe board approved", "The board approved it."},
		want: `1.0 "Rates "
2.0+1 "rise in July."
"\n"
3.0+2 "The board approved"
3.1 " it."
`,
	}, {
		// Blank space at the edges of a claim is not highlighted: the
		// anchor is on its first word, not on a line break.
		name:  "a claim that begins with a line break",
		body:  "Rates rise 3.5%.\nThe board approved it by five votes to two.",
		words: []string{"\nThe board approved it", "The board approved it by five votes to two."},
		want: `"Rates rise 3.5%.\n"
2.0 ""
1.0+2 "The board approved it"
2.1 " by five votes to two."
`,
	}, {
		name:  "the same words twice",
		body:  "Some 10,000 households receive a discount, officials said.",
		words: []string{"Some 10,000 households receive a discount", "Some 10,000 households receive a discount"},
		want: `2.0 ""
1.0+2 "Some 10,000 households receive a discount"
", officials said."
`,
	}, {
		name:  "one inside another from its first word",
		body:  "The barrier cost $4 million and saved 300 homes.",
		words: []string{"The barrier cost $4 million and saved 300 homes", "The barrier cost $4 million"},
		want: `1.0 ""
2.0+1 "The barrier cost $4 million"
1.1 " and saved 300 homes"
"."
`,
	}, {
		name:  "apart",
		body:  "Rates rise 3.5%. The board approved it.",
		words: []string{"Rates rise 3.5%.", "The board approved it."},
		want: `1.0 "Rates rise 3.5%."
" "
2.0 "The board approved it."
`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			claims := claimsAt(t, tc.body, tc.words...)
			segs := segments(tc.body, claims)
			if got := showSegments(segs, claims); got != tc.want {
				t.Errorf("got\n%swant\n%s", got, tc.want)
			}
			checkSegments(t, tc.body, claims, segs)
		})
	}
}

// Claims laid at random over a text, overlapping every way they can, always
// cut as checkSegments requires.
func TestSegmentsOfRandomClaims(t *testing.T) {
	const body = "The utility’s board approved the increase by five votes to two.\n\n" +
		"It says the extra revenue — about $4.2 million a year — will pay to repair 120 kilometres of mains."
	rs := []rune(body)
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 2000; round++ {
		var claims []db.Claim
		for i := 0; i < 1+rng.Intn(6); i++ {
			s := rng.Intn(len(rs) - 1)
			e := s + 1 + rng.Intn(min(40, len(rs)-s))
			if rng.Intn(4) == 0 && len(claims) > 0 { // the same place as another, or its start or end
				o := claims[rng.Intn(len(claims))]
				switch rng.Intn(3) {
				case 0:
					s, e = o.Start, o.End
				case 1:
					s, e = o.Start, min(len(rs), o.Start+1+rng.Intn(40))
				default:
					e = o.End
					s = min(s, e-1)
				}
			}
			claims = append(claims, db.Claim{ID: int64(i + 1), Start: s, End: e, Text: string(rs[s:e]), Status: "unverified"})
		}
		slices.SortStableFunc(claims, func(a, b db.Claim) int { return a.Start - b.Start })
		segs := segments(body, claims)
		checkSegments(t, body, claims, segs)
		if t.Failed() {
			t.Fatalf("round %d: claims %+v", round, claims)
		}
	}
}
