package extract

import "unicode"

// Letter case and class of the runes below U+0800 (Latin, Greek, Cyrillic,
// Armenian, Hebrew, Arabic), looked up in a table: the unicode package's
// range tables cost a binary search per rune, and these scripts are most
// of the non-ASCII text news carries.
const (
	rcLetter uint8 = 1 << iota
	rcUpper
	rcLower
	rcDigit
	rcMark
)

const runeTableSize = 0x800

var runeClass = func() (t [runeTableSize]uint8) {
	for r := rune(0); r < runeTableSize; r++ {
		t[r] = classSlow(r)
	}
	return t
}()

func classSlow(r rune) uint8 {
	var c uint8
	if unicode.IsLetter(r) {
		c |= rcLetter
	}
	if unicode.IsUpper(r) {
		c |= rcUpper
	}
	if unicode.IsLower(r) {
		c |= rcLower
	}
	if unicode.IsDigit(r) {
		c |= rcDigit
	}
	if unicode.IsMark(r) {
		c |= rcMark
	}
	return c
}

func runeClassOf(r rune) uint8 {
	if r >= 0 && r < runeTableSize {
		return runeClass[r]
	}
	return classSlow(r)
}

func isLetter(r rune) bool { return runeClassOf(r)&rcLetter != 0 }
func isUpper(r rune) bool  { return runeClassOf(r)&rcUpper != 0 }
func isLower(r rune) bool  { return runeClassOf(r)&rcLower != 0 }
