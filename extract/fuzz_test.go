package extract

import (
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
	} {
		f.Add(s)
	}
}

func FuzzSegment(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
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
	})
}

func FuzzExtract(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
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
		}
		checkClaims(t, text, cs)
	})
}
