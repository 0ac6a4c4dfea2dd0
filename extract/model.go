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
		var buf [maxNormWord]byte
		prev := bosHash
		for _, w := range ws {
			h := fnv(normWord(buf[:0], text[w.s:w.e], w.shape))
			z += ngramTable[h] + ngramTable[pairHash(prev, h)]
			prev = h
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
// lower case, a curly apostrophe as a straight one, and any word with a digit
// reduced to its shape ("0" for 10,000 and 3.5, "0th" for 21st, "0x" for
// F-16), so that the model learns about numbers, not particular ones.
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

func fnv(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

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
