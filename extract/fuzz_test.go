package extract

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func fuzzSeeds(f *testing.F) {
	for _, s := range []string{
		"",
		"Prices rose 4% on Monday, the ministry said.",
		"Bad \xff\xfe bytes. Then \xe2\x80 more.\n\xc3",
		"\xe2\x80\x9c\xff\xe2\x80 said Kim.\x00",
		"NUL\x00inside. The ministry said on Monday that 1,200\x00 people left.",
		"\u202eThe ministry said 40 people left.\u202c Right-to-left \u200f override.",
		"Zero\u200bwidth\u200b spaces. The\u200d ministry\ufeff said 12 died on Monday.",
		"“Quoted” — 😀 東京で地震。Ελλάδα: 5 νεκροί. Правительство заявило 1200.",
		"U.S. Gen. J.R.R. Dr. No. 3 a.m. p.m. e.g. i.e. etc. vs. Dec. 5 ... … ?! “”‘’ ()",
		"EASTBROOK, Norland (Wire) — The authority said on Tuesday that 2,400 homes lost water.",
		"• Officials said 10 people died.\n- Police said 3 were hurt.\n",
		"Advertisement\n\nRelated Articles\nA Headline Here\nA teaser said 10 things.\n\nThe story said 5 more.",
		strings.Repeat("a long line without any punctuation at all ", 500),
		strings.Repeat("No. ", 300) + strings.Repeat("...", 300),
		"\r\n\r\nCRLF line. Another\rline\u2028separator\u2029paragraph.",
		". . . ! ? 。！？ ” ) ] the end",
		"1. 2. 3.\n4.",
		"\xf0\x9f\x98",
		"“A 4% rise. It cost $4.5 million on Nov. 21, 2024,” she said. “Twice.”\n\nHe said it again.",
		"Kim said on Monday.\n\n“10,000 troops. Several hundred died.”\n\n“More,” he added.",
		"About Corvanta\nCorvanta AG makes medicine.\n\nMedia Contact:\nJane, +41 61 555.",
		"Q: Did it work?\nA: We built 2,300 homes in 2023, up 40%.",
		"\u05d4\u05de\u05de\u05e9\u05dc\u05d4 \u05d0\u05de\u05e8\u05d4 \u05e9-40 \u05d0\u05e0\u05e9\u05d9\u05dd. \u202bRTL 12 said Monday.\u202c",
		"\u200b\u200c\u200d\u2060\ufeff The\u200b ministry said\u200c 12\u200d died.\u2060",
	} {
		f.Add(s)
	}
}

// TestHugeLine runs the fuzz targets' checks on a 1 MB line with no line
// break and no sentence end. It is a test rather than a fuzz seed because
// the fuzzer would spend its short runs mutating a 1 MB input.
func TestHugeLine(t *testing.T) {
	text := strings.Repeat("The ministry said 40 people left on Monday and “quoted ", 1<<20/56)
	checkSegment(t, text)
	checkExtract(t, text)
}

func FuzzSegment(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(checkSegment)
}

func checkSegment(t *testing.T, text string) {
	ss := Segment(text)
	n := utf8.RuneCountInString(text)
	prevEnd := 0
	cps := make([]int, 0, 2*len(ss))
	for i, s := range ss {
		if s.Start < prevEnd || s.End < s.Start || s.End > n {
			t.Fatalf("sentence %d [%d:%d]: previous end %d, length %d", i, s.Start, s.End, prevEnd, n)
		}
		prevEnd = s.End
		if s.Text == "" {
			t.Fatalf("sentence %d empty", i)
		}
		cps = append(cps, s.Start, s.End)
	}
	bo := ByteOffsets(text, cps...)
	for i, s := range ss {
		if got := text[bo[2*i]:bo[2*i+1]]; got != s.Text {
			t.Fatalf("sentence %d: bytes %q != Text %q", i, got, s.Text)
		}
	}
	if utf8.ValidString(text) {
		checkSentences(t, text, ss)
	}
}

func FuzzExtract(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(checkExtract)
}

func checkExtract(t *testing.T, text string) {
	cs := Extract(text)
	n := utf8.RuneCountInString(text)
	prevEnd := 0
	cps := make([]int, 0, 4*len(cs))
	for i, c := range cs {
		if c.Start < prevEnd || c.End < c.Start || c.End > n {
			t.Fatalf("claim %d [%d:%d]: previous end %d, length %d", i, c.Start, c.End, prevEnd, n)
		}
		if c.Speaker != "" && (c.SpeakerStart < 0 || c.SpeakerEnd > n || c.SpeakerEnd <= c.SpeakerStart) {
			t.Fatalf("claim %d: speaker [%d:%d] out of range (length %d)", i, c.SpeakerStart, c.SpeakerEnd, n)
		}
		prevEnd = c.End
		cps = append(cps, c.Start, c.End)
	}
	bo := ByteOffsets(text, cps...)
	for i, c := range cs {
		if got := text[bo[2*i]:bo[2*i+1]]; got != c.Text {
			t.Fatalf("claim %d: bytes %q != Text %q", i, got, c.Text)
		}
		if c.Speaker != "" {
			sb := ByteOffsets(text, c.SpeakerStart, c.SpeakerEnd)
			if got := text[sb[0]:sb[1]]; got != c.Speaker {
				t.Fatalf("claim %d: speaker bytes %q != %q", i, got, c.Speaker)
			}
		}
		checkSpans(t, text, c)
	}
	checkClaims(t, text, cs)
}

// checkSpans asserts that a claim's numbers and dates lie inside it, in
// order, without overlap, on the text they name. It stays linear: a 1 MB
// claim can hold tens of thousands of spans.
func checkSpans(t testing.TB, text string, c Claim) {
	t.Helper()
	for _, list := range [][]Span{c.Numbers, c.Dates} {
		prev := c.Start
		cps := make([]int, 0, 2*len(list))
		for _, sp := range list {
			if sp.Start < prev || sp.End <= sp.Start || sp.End > c.End {
				t.Fatalf("span %+v out of order or outside claim [%d:%d]", sp, c.Start, c.End)
			}
			prev = sp.End
			cps = append(cps, sp.Start, sp.End)
		}
		b := ByteOffsets(text, cps...)
		for i, sp := range list {
			if got := text[b[2*i]:b[2*i+1]]; got != sp.Text {
				t.Fatalf("span bytes %q != %q", got, sp.Text)
			}
		}
	}
	// Both lists are sorted: walk them together.
	for i, j := 0, 0; i < len(c.Numbers) && j < len(c.Dates); {
		n, d := c.Numbers[i], c.Dates[j]
		if n.Start < d.End && d.Start < n.End {
			t.Fatalf("number %q overlaps date %q", n.Text, d.Text)
		}
		if n.End <= d.End {
			i++
		} else {
			j++
		}
	}
}

// FuzzByteOffsets checks the conversion against a walk of the string one
// code point at a time, for every offset of the text, in order and reversed
// (the eight-byte ASCII steps must land where the plain walk does).
func FuzzByteOffsets(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		var want []int
		for b := range text {
			want = append(want, b)
		}
		want = append(want, len(text), len(text))
		cps := make([]int, len(want))
		for i := range cps {
			cps[i] = i
		}
		got := ByteOffsets(text, cps...)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("offset %d: byte %d, want %d", i, got[i], want[i])
			}
		}
		slices.Reverse(cps)
		got = ByteOffsets(text, cps...)
		for i, cp := range cps {
			if got[i] != want[cp] {
				t.Fatalf("offset %d (reversed): byte %d, want %d", cp, got[i], want[cp])
			}
		}
	})
}
