package extract

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// tokenize hashes each word as it reads it; the training command hashes
// the keys NGrams gives. Both must agree, or the model's n-grams are never
// found.
func TestWordHashMatchesNGramKeys(t *testing.T) {
	texts := []string{
		fixtureArticle,
		"The U.S. Gen. Smith’s 10,000 troops, 21st-century F-16s and Korea’s “KIA” — Ελλάδα 東京 Москва's naïve café.",
		"Supercalifragilisticexpialidociouslylong words are cut at the same place; so is Ünïcödé-Wörds-Ünïcödé-Wörds.",
		"It’s the authority's and the authorities’ decision: don't, won't, O'Brien.",
	}
	for _, text := range texts {
		ws, _, _ := tokenize(text, 0, len(text), nil, false)
		for _, w := range ws {
			s := text[w.s:w.e]
			if want := fnv(normWord(nil, s, w.shape)); w.h != want {
				t.Errorf("%q: hash %x, key %q hashes to %x", s, w.h, normWord(nil, s, w.shape), want)
			}
			if w.shape&shDigit == 0 && !strings.ContainsAny(s, ".") {
				if fl := lookupWord(s); fl != w.flags {
					t.Errorf("%q: flags %b, lookupWord %b", s, w.flags, fl)
				}
			}
		}
		keys := NGrams(text)
		if len(keys) != 2*len(ws) {
			t.Fatalf("%d keys for %d words", len(keys), len(ws))
		}
		prev := bosHash
		for i, w := range ws {
			if NGramHash(keys[2*i]) != w.h || NGramHash(keys[2*i+1]) != pairHash(prev, w.h) {
				t.Errorf("keys %q %q do not hash as the word %q", keys[2*i], keys[2*i+1], text[w.s:w.e])
			}
			prev = w.h
		}
	}
	// Lexicon flags through the hash: case, curly apostrophes, possessives.
	for w, want := range map[string]uint32{"Said": lxAttrib, "authority’s": lxRole, "Dec.": lxMonth, "WON’T": lxPredict} {
		if lookupWord(w)&want == 0 {
			t.Errorf("lookupWord(%q) lacks %b", w, want)
		}
	}
}

func TestScoreInRange(t *testing.T) {
	for _, s := range []string{"", "x", "The ministry said 40 people died on Monday.", strings.Repeat("million ", 1000)} {
		for _, v := range []float64{Score(s), ScoreSpoken(s)} {
			if !(v >= 0 && v <= 1) {
				t.Errorf("score of %.20q = %v", s, v)
			}
		}
	}
}

func TestRuneClassTable(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		if isLetter(r) != unicode.IsLetter(r) || isUpper(r) != unicode.IsUpper(r) || isLower(r) != unicode.IsLower(r) {
			t.Fatalf("rune %U: table and unicode disagree", r)
		}
	}
	if isLetter(-1) || isLetter(utf8.MaxRune+1) {
		t.Fatal("invalid runes are letters")
	}
}
