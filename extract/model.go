package extract

import (
	"math"
	"strings"
)

// Scoring is logistic regression over two kinds of evidence: the hand-made
// features of features.go, and word unigrams and bigrams. The weights live in
// model_gen.go, written by cmd/cwtrain (make train) from the CheckThat!
// training data and the dev part of the labelled news corpus.

// MinScore is the check-worthiness a sentence needs to be returned as a claim.
const MinScore = 0.5

// ngramWeight is one learnt n-gram: a normalised word ("million", "0" for
// any number) or two joined by a space ("according to", "<s> i" for "I"
// opening the sentence).
type ngramWeight struct {
	key string
	w   float64
}

// ngramTable maps n-gram hashes to weights, built once from model_gen.go.
var ngramTable = func() map[uint64]float64 {
	m := make(map[uint64]float64, len(trainedNGrams))
	for _, g := range trainedNGrams {
		m[NGramHash(g.key)] += g.w
	}
	return m
}()

// score maps a sentence's features and words to a check-worthiness in [0,1].
func (x *extractor) score(f *Features, ws []word) float64 {
	return scoreWords(x.text, f, ws)
}

func scoreWords(text string, f *Features, ws []word) float64 {
	z := 0.0
	for i, v := range f {
		z += trainedFeatures[i] * v
	}
	if len(ngramTable) > 0 {
		prev := bosHash
		for _, w := range ws {
			z += ngramTable[w.h] + ngramTable[pairHash(prev, w.h)]
			prev = w.h
		}
	}
	return 1 / (1 + math.Exp(-z))
}

// Score returns the check-worthiness of one sentence of news on its own, as
// Extract scores it but without the page-furniture rules or the context of a
// document (a quotation that began in an earlier sentence, "he" meaning the
// last person named).
func Score(sentence string) float64 {
	f, ws := featuresOf(sentence, true)
	return scoreWords(sentence, &f, ws)
}

// ScoreSpoken is Score for a sentence of spoken debate, such as the
// CheckThat! data. The model learns one bias for news and another for
// debate, whose sentences are check-worthy at a different rate and in a
// different voice ("we", "I" and "you" are how politicians state facts).
func ScoreSpoken(sentence string) float64 {
	f, ws := featuresOf(sentence, false)
	return scoreWords(sentence, &f, ws)
}

// maxNormWord bounds a normalised word; longer words are cut, the same way
// for training and scoring.
const maxNormWord = 24

// normWord appends the normalised form of word w to dst: ASCII letters in
// lower case, a curly apostrophe as a straight one, no final period ("Gen."
// is "gen"), at most maxNormWord bytes, and any word with a digit reduced to
// its shape ("0" for 10,000 and 3.5, "0th" for 21st, "0x" for F-16), so that
// the model learns about numbers, not particular ones. tokenize computes the
// hash of the same form as it reads the word (word.h); the two must agree.
func normWord(dst []byte, w string, shape uint8) []byte {
	if shape&shDigit != 0 {
		switch {
		case shape&shNumber != 0:
			return append(dst, '0')
		case shape&shOrdinal != 0:
			return append(dst, "0th"...)
		}
		return append(dst, "0x"...)
	}
	if len(w) > 1 && w[len(w)-1] == '.' {
		w = w[:len(w)-1]
	}
	for i := 0; i < len(w) && len(dst) < maxNormWord; i++ {
		c := w[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == 0xE2 && i+2 < len(w) && w[i+1] == 0x80 && w[i+2] == 0x99: // ’
			c = '\''
			i += 2
		}
		dst = append(dst, c)
	}
	return dst
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnv(b []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// fnvByte adds c to the hash of a normalised word of n bytes so far,
// ignoring bytes past maxNormWord as normWord does.
func fnvByte(h uint64, n int, c byte) (uint64, int) {
	if n >= maxNormWord {
		return h, n + 1
	}
	return (h ^ uint64(c)) * fnvPrime, n + 1
}

// The hashes of the shapes that stand for words with digits.
var (
	hashNumber  = fnv([]byte("0"))
	hashOrdinal = fnv([]byte("0th"))
	hashAlnum   = fnv([]byte("0x"))
)

func pairHash(a, b uint64) uint64 {
	h := a*0x9E3779B97F4A7C15 ^ b
	h ^= h >> 29
	return h * 0xBF58476D1CE4E5B9
}

var bosHash = fnv([]byte("<s>"))

// NGrams returns the n-gram keys of a sentence as the model sees them: each
// normalised word, and each pair of neighbouring words joined by a space,
// the first pair starting with "<s>". It is meant for the training command.
func NGrams(sentence string) []string {
	ws, _, _ := tokenize(sentence, 0, len(sentence), nil, false)
	out := make([]string, 0, 2*len(ws))
	prev := "<s>"
	for _, w := range ws {
		k := string(normWord(nil, sentence[w.s:w.e], w.shape))
		out = append(out, k, prev+" "+k)
		prev = k
	}
	return out
}

// NGramHash returns the hash under which the key of an n-gram (as NGrams
// returns it) is looked up.
func NGramHash(key string) uint64 {
	if a, b, ok := strings.Cut(key, " "); ok {
		return pairHash(fnv([]byte(a)), fnv([]byte(b)))
	}
	return fnv([]byte(key))
}
