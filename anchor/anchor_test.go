package anchor

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// text has curly quotes, dashes, a repeated sentence, Cyrillic and Japanese.
const text = "Harbour vote\n\n" +
	"“The port will cut emissions by 40% by 2030,” the mayor said — a figure the port authority disputes.\n\n" +
	"The council approved the plan. Critics said the plan was rushed.\n\n" +
	"В Москве 10 000 человек вышли на улицы 1 мая.\n\n" +
	"東京の人口は1400万人です。The council approved the plan. Officials said it would cost $2.5 billion."

func ip(n int) *int { return &n }

// at returns the code point offsets of the n-th (0-based) occurrence of sub.
func at(t *testing.T, sub string, n int) (int, int) {
	t.Helper()
	from := 0
	for i := 0; ; i++ {
		j := strings.Index(text[from:], sub)
		if j < 0 {
			t.Fatalf("%q occurrence %d not in text", sub, n)
		}
		if i == n {
			s := utf8.RuneCountInString(text[:from+j])
			return s, s + utf8.RuneCountInString(sub)
		}
		from += j + 1
	}
}

func TestAnchor(t *testing.T) {
	d := NewDoc(text)
	sentence := "“The port will cut emissions by 40% by 2030,” the mayor said — a figure the port authority disputes."
	ss, se := at(t, sentence, 0)
	plan := "The council approved the plan."
	p0, p0e := at(t, plan, 0)
	p1, p1e := at(t, plan, 1)
	ru := "В Москве 10 000 человек вышли на улицы 1 мая."
	rs, re := at(t, ru, 0)
	jp := "東京の人口は1400万人です。"
	js, je := at(t, jp, 0)
	ds, _ := at(t, "disputes.\n\nThe council", 0)

	cases := []struct {
		name       string
		item       Item
		start, end int
		method     string
		dist       int
	}{
		{"position alone", Item{Start: ip(ss), End: ip(se)}, ss, se, ByPosition, 0},
		{"position and matching quote", Item{Start: ip(rs), End: ip(re), Exact: ru}, rs, re, ByPosition, 0},
		{"position with straight quotes", Item{Start: ip(ss), End: ip(se), Exact: `"The port will cut emissions by 40% by 2030," the mayor said - a figure the port authority disputes.`}, ss, se, ByPosition, 0},
		{"stale position, quote found elsewhere", Item{Start: ip(0), End: ip(utf8.RuneCountInString(ru)), Exact: ru}, rs, re, ByQuote, 0},
		{"position past the end, quote found", Item{Start: ip(5000), End: ip(5010), Exact: jp}, js, je, ByQuote, 0},
		{"unique quote", Item{Exact: jp}, js, je, ByQuote, 0},
		{"plain text", Item{Text: ru}, rs, re, ByQuote, 0},
		{"straight quotes and hyphen for curly quotes and em dash", Item{Text: `"The port will cut emissions by 40% by 2030," the mayor said - a figure the port authority disputes.`}, ss, se, ByQuote, 0},
		{"one line break for two", Item{Exact: "disputes.\nThe council"}, ds, ds + 22, ByFuzzy, 1},
		{"repeat chosen by prefix", Item{Exact: plan, Prefix: "1400万人です。"}, p1, p1e, ByQuote, 0},
		{"repeat chosen by suffix", Item{Exact: plan, Suffix: " Critics said"}, p0, p0e, ByQuote, 0},
		{"repeat chosen by position hint", Item{Exact: plan, Start: ip(p1 + 3), End: ip(p1e + 3)}, p1, p1e, ByQuote, 0},
		{"typo, found approximately", Item{Exact: "The port will cut emisions by 40% by 2030,” the mayor said"}, ss + 1, ss + 1 + utf8.RuneCountInString("The port will cut emissions by 40% by 2030,” the mayor said"), ByFuzzy, 1},
		{"Cyrillic with a changed word", Item{Text: "В Москве 10 000 человек вышли на улицу 1 мая."}, rs, re, ByFuzzy, 1},
	}
	for _, tc := range cases {
		m, err := d.Anchor(tc.item)
		if tc.method == "" {
			if err == nil {
				t.Errorf("%s: placed at %d..%d %q, want refused", tc.name, m.Start, m.End, m.Text)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if m.Start != tc.start || m.End != tc.end || m.Method != tc.method || m.Distance != tc.dist {
			t.Errorf("%s: got %d..%d %s (%d edits) %q, want %d..%d %s (%d)", tc.name, m.Start, m.End, m.Method, m.Distance, m.Text,
				tc.start, tc.end, tc.method, tc.dist)
		}
		if m.Text != string([]rune(text)[m.Start:m.End]) {
			t.Errorf("%s: Text %q is not the text at %d..%d", tc.name, m.Text, m.Start, m.End)
		}
	}
}

func TestAnchorRefuses(t *testing.T) {
	d := NewDoc(text)
	plan := "The council approved the plan."
	p0, _ := at(t, plan, 0)
	p1, _ := at(t, plan, 1)
	cases := []struct {
		name string
		item Item
		code string
		want string
	}{
		{"nothing given", Item{}, CodeInvalid, "give start and end"},
		{"start without end", Item{Start: ip(3)}, CodeInvalid, "both"},
		{"reversed", Item{Start: ip(9), End: ip(3)}, CodeInvalid, "end greater"},
		{"negative", Item{Start: ip(-1), End: ip(3)}, CodeInvalid, "0 or more"},
		{"blank quote", Item{Exact: " \n "}, CodeInvalid, "blank"},
		{"blank position", Item{Start: ip(12), End: ip(14)}, CodeInvalid, "blank"},
		{"past the end", Item{Start: ip(10000), End: ip(10010)}, CodeOutOfRange, "outside the text"},
		{"repeat with no context", Item{Text: plan}, CodeAmbiguous, "2 places"},
		{"repeat with a hint halfway", Item{Text: plan, Start: ip((p0 + p1) / 2), End: ip((p0+p1)/2 + 30)}, CodeAmbiguous, "2 places"},
		{"not there", Item{Exact: "The harbour master resigned on Friday after the vote."}, CodeNotFound, "not in the text"},
		{"short and not exact", Item{Exact: "40 %"}, CodeNotFound, "short"},
		{"too many edits", Item{Exact: "The prt wil ct emisions by 4% by 230, the myor sad"}, CodeNotFound, "not in the text"},
		{"near two repeats", Item{Text: "The council aproved the plan."}, CodeAmbiguous, "2 places"},
		{"too long", Item{Exact: strings.Repeat("x", MaxQuote+1)}, CodeInvalid, "longer"},
	}
	for _, tc := range cases {
		m, err := d.Anchor(tc.item)
		var ae *Error
		if !errors.As(err, &ae) {
			t.Errorf("%s: placed at %d..%d (%s), want %s", tc.name, m.Start, m.End, m.Method, tc.code)
			continue
		}
		if ae.Code != tc.code || !strings.Contains(ae.Reason, tc.want) {
			t.Errorf("%s: %s %q, want %s containing %q", tc.name, ae.Code, ae.Reason, tc.code, tc.want)
		}
	}
}

// A long document: the pieces of a fuzzy quote occur many times, and the
// sentence with the typo is still found, once, in the right place.
func TestFuzzyInLongText(t *testing.T) {
	var b strings.Builder
	for i := range 3000 {
		b.WriteString("The port handled many containers in the year before the vote. ")
		if i == 2222 {
			b.WriteString("The port handled 10,000 containers a day in 2023, according to the authority. ")
		}
	}
	body := b.String()
	d := NewDoc(body)
	m, err := d.Anchor(Item{Text: "The port handled 10.000 containers a day in 2023, acording to the authority."})
	if err != nil {
		t.Fatal(err)
	}
	want := "The port handled 10,000 containers a day in 2023, according to the authority."
	if m.Text != want || m.Method != ByFuzzy || m.Distance != 2 {
		t.Fatalf("got %q %s %d", m.Text, m.Method, m.Distance)
	}
	if s := string([]rune(body)[m.Start:m.End]); s != want {
		t.Fatalf("offsets point at %q", s)
	}
	// The common sentence occurs 3000 times: refused, not guessed.
	if _, err := d.Anchor(Item{Text: "The port handled many containers in the year before the vote."}); err == nil {
		t.Fatal("a sentence repeated 3000 times was placed")
	}
}

func TestByteAndCodePointOffsets(t *testing.T) {
	for _, s := range []string{"", "a", "ä—“東”\n", strings.Repeat("é東a", 100), "bad \xff utf-8 \xe2\x82"} {
		d := NewDoc(s)
		runes := []rune(s)
		if d.Len() != len(runes) {
			t.Fatalf("%q: Len %d, want %d", s, d.Len(), len(runes))
		}
		for i := 0; i <= len(runes); i++ {
			for j := i; j <= len(runes) && j < i+70; j++ {
				if got := d.Slice(i, j); got != string(runes[i:j]) && utf8.ValidString(s) {
					t.Fatalf("%q: Slice(%d, %d) = %q", s, i, j, got)
				}
			}
			b := byteAt(s, d.idx, i)
			if cp := cpAt(s, d.idx, b); cp != i {
				t.Fatalf("%q: cpAt(byteAt(%d)) = %d", s, i, cp)
			}
		}
	}
}

// nearRepeats is a text of one block repeated many times, and a quote of
// the block with one letter changed: every repeat is a near match, the
// costliest case of the approximate search.
func nearRepeats(repeats int) (body, quote string) {
	words := strings.Fields("the council port vote harbour city plan emissions budget said officials report data year")
	var b strings.Builder
	for i := 0; b.Len() < 512; i++ {
		b.WriteString(words[(i*7+i/3)%len(words)])
		b.WriteByte(' ')
	}
	block := b.String()[:512]
	q := []byte(block)
	q[200] = 'Z'
	return strings.Repeat(block+"\n\n", repeats), string(q)
}

// The work of the items anchored on one Doc is bounded: past the limit the
// search stops with ErrTooMuchWork, before the costly comparison is done.
func TestWorkLimit(t *testing.T) {
	body, quote := nearRepeats(40)
	d := NewDoc(body)
	if _, err := d.Anchor(Item{Exact: quote}); err != nil {
		t.Fatal(err)
	}
	one := d.Work()
	if one < int64(len(body)) {
		t.Fatalf("a near match over %d bytes counted %d units of work", len(body), one)
	}
	d = NewDoc(body)
	d.SetWorkLimit(one * 5 / 2)
	for i := range 2 {
		if _, err := d.Anchor(Item{Exact: quote}); err != nil {
			t.Fatalf("item %d within the limit: %v", i, err)
		}
	}
	if _, err := d.Anchor(Item{Exact: quote}); !errors.Is(err, ErrTooMuchWork) {
		t.Fatalf("third item past the limit: %v", err)
	}
	if d.Work() > one*3 {
		t.Fatalf("%d units done past a limit of %d: the comparison ran anyway", d.Work(), one*5/2)
	}
	// Cheap items are cheap: exact quotes cost a search of the text.
	d = NewDoc(body)
	d.Anchor(Item{Text: "officials report data"})
	if w := d.Work(); w > one/20 {
		t.Fatalf("an exact quote cost %d units, a near match %d", w, one)
	}
}

// Anchoring stops when its context ends: before starting, and within the
// comparison, which is the part that runs long.
func TestAnchorStopsWithContext(t *testing.T) {
	body, quote := nearRepeats(40)
	d := NewDoc(body)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.AnchorContext(ctx, Item{Exact: quote}); !errors.Is(err, context.Canceled) {
		t.Fatalf("ended context: %v", err)
	}
	if d.Work() != 0 {
		t.Fatalf("%d units of work done after the context ended", d.Work())
	}
	pat, text := []rune(quote), []rune(body)
	if _, err := sellers(ctx, pat, text, 0, maxErrors(len(pat)), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("comparison under an ended context: %v", err)
	}
	found, err := sellers(context.Background(), pat, text, 0, maxErrors(len(pat)), nil)
	if err != nil || len(found) == 0 {
		t.Fatalf("comparison: %d found, %v", len(found), err)
	}
}
