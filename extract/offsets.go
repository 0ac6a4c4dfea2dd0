package extract

import "unicode/utf8"

// Code points here are what `for range` over a Go string yields: every valid
// UTF-8 sequence is one code point and every byte of an invalid sequence is one
// code point (utf8.RuneError). utf8.RuneCountInString and
// utf8.DecodeRuneInString agree with that, so offsets computed over the same
// string always convert back to the same bytes, even for invalid UTF-8.

// ByteOffsets converts code point offsets into byte offsets of text. Offsets
// given in ascending order are converted in a single pass over text (O(len(text)
// + len(cps))); an offset smaller than its predecessor restarts the walk, so any
// order is correct, only slower. Negative offsets map to 0 and offsets past the
// end map to len(text); callers that need to detect a mismatch between offsets
// and text should compare the resulting substring with the expected text (see
// Substring).
func ByteOffsets(text string, cps ...int) []int {
	out := make([]int, len(cps))
	b, c := 0, 0
	for i, cp := range cps {
		if cp <= 0 {
			out[i] = 0
			continue
		}
		if cp < c {
			b, c = 0, 0
		}
		for c < cp && b < len(text) {
			// Eight ASCII bytes at a time: most of a news article is ASCII,
			// and the claim page converts offsets deep into long texts.
			if cp-c >= 8 && len(text)-b >= 8 && asciiRun(text[b:b+8]) {
				b += 8
				c += 8
				continue
			}
			if text[b] < utf8.RuneSelf {
				b++
			} else {
				_, w := utf8.DecodeRuneInString(text[b:])
				b += w
			}
			c++
		}
		out[i] = b
	}
	return out
}

// Substring returns text[start:end] counted in code points. ok is false when
// the offsets are out of range or reversed.
func Substring(text string, start, end int) (s string, ok bool) {
	if start < 0 || end < start {
		return "", false
	}
	bo := ByteOffsets(text, start, end)
	if bo[1] == len(text) && utf8.RuneCountInString(text) < end {
		return "", false
	}
	return text[bo[0]:bo[1]], true
}

// cpCursor turns increasing byte offsets into code point offsets by counting
// only the runes between the previous offset and the next one, so converting
// every sentence of a text costs O(len(text)) in total, not O(n²).
type cpCursor struct {
	s    string
	b, c int
}

// at returns the code point offset of byte offset b. b must not be smaller than
// the previous b and must lie on a code point boundary.
func (k *cpCursor) at(b int) int {
	if b < k.b { // defensive: never expected, but stay correct
		k.b, k.c = 0, 0
	}
	k.c += runeCount(k.s[k.b:b])
	k.b = b
	return k.c
}

// runeCount is utf8.RuneCountInString with a fast path for ASCII runs, which
// make up nearly all of English news text.
func runeCount(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			n++
			continue
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
		n++
	}
	return n
}

// asciiRun reports whether the eight bytes of s are all ASCII.
func asciiRun(s string) bool {
	_ = s[7]
	return (s[0]|s[1]|s[2]|s[3]|s[4]|s[5]|s[6]|s[7])&0x80 == 0
}
