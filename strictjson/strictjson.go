// Package strictjson finds what encoding/json lets pass without a word in
// a JSON text: a key given twice in one object (it keeps the last) and half
// of a UTF-16 surrogate pair (it reads U+FFFD). The API's bodies and the
// claims other tools send are checked with it.
package strictjson

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
)

// RepeatedKey finds the first key of an object in data (valid JSON) that
// repeats an earlier key of the same object, as encoding/json matches
// fields: whatever the letter case. It returns both spellings, or "" when
// no key repeats.
func RepeatedKey(data []byte) (first, again string) {
	// One frame per open object (keys set) or array (keys nil); wantKey
	// says the object's next string is a key.
	type frame struct {
		keys    map[string]string // folded key -> as given
		wantKey bool
	}
	var stack []frame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].keys != nil {
			stack[n-1].wantKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", ""
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{keys: map[string]string{}, wantKey: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].keys != nil && stack[n-1].wantKey {
				top := &stack[n-1]
				f := foldKey(t)
				if prev, ok := top.keys[f]; ok {
					return prev, t
				}
				top.keys[f], top.wantKey = t, false
				continue
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// foldKey maps every letter of s to the smallest of its case variants, as
// encoding/json does to match a key to a field.
func foldKey(s string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, s)
}

// LoneSurrogate is the offset of the first \u escape in data that is a
// high surrogate not followed by an escaped low one, or a low surrogate
// not preceded by a high one; -1 when there is none. Every backslash in
// valid JSON begins an escape in a string, so no other state is needed.
func LoneSurrogate(data []byte) int {
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		r := escapedRune(data[i:])
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return i
		case r >= 0xD800 && r <= 0xDBFF:
			if lo := escapedRune(data[i+6:]); lo < 0xDC00 || lo > 0xDFFF {
				return i
			}
			i += 11 // past both escapes
		default:
			i++ // past the escaped character, which may be a backslash
		}
	}
	return -1
}

// escapedRune is the code unit of a \uXXXX escape at the start of b, or -1.
func escapedRune(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	n, err := strconv.ParseUint(string(b[2:6]), 16, 16)
	if err != nil {
		return -1
	}
	return rune(n)
}
