package auth

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

// commonPasswords is a short list of passwords and password cores that are
// guessed first; see the file's header for where it came from.
//
//go:embed common-passwords.txt
var commonPasswords string

var commonSet = sync.OnceValue(func() map[string]bool {
	set := make(map[string]bool, 3000)
	for _, line := range strings.Split(commonPasswords, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			set[line] = true
		}
	}
	return set
})

// sequences are runs people type instead of choosing: a password that is
// part of one (after squashing) is refused.
var sequences = []string{
	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
	"zyxwvutsrqponmlkjihgfedcbazyxwvutsrqponmlkjihgfedcba",
	"01234567890123456789012345678901234567890",
	"98765432109876543210987654321098765432109",
	"qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
	"qwertzuiopasdfghjklyxcvbnm", "azertyuiopqsdfghjklmwxcvbn",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "zaq12wsxcde34rfvbgt56yhnmju78ik,lo90p;/",
	"1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6u7i8o9p0", "1a2b3c4d5e6f7g8h9i10j",
	"mnbvcxzlkjhgfdsapoiuytrewq", "poiuytrewqlkjhgfdsamnbvcxz",
}

// separators are dropped before comparing: "pass word" is "password".
const separators = " \t-_.,;:'\"/\\|+*~"

// leet reads look-alike characters as the letters they stand for.
var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', '$': 's', '!': 'i', '|': 'l', '€': 'e'}

// isGuessable reports whether pw is common or made the way common passwords
// are made. context holds words that must not be the password either, such
// as the user's name.
func isGuessable(pw string, context []string) bool {
	set := commonSet()
	low := strings.ToLower(pw)
	squashed := strings.Map(func(r rune) rune {
		if strings.ContainsRune(separators, r) {
			return -1
		}
		return r
	}, low)
	if set[low] || set[squashed] {
		return true
	}
	if distinct(squashed) < 5 || repeats(squashed, set) {
		return true
	}
	for _, seq := range sequences {
		if strings.Contains(seq, squashed) {
			return true
		}
	}
	ctx := []string{"factdesk"}
	for _, c := range context {
		if c = strings.ToLower(strings.TrimSpace(c)); c != "" {
			ctx = append(ctx, c)
		}
	}
	for _, core := range cores(squashed) {
		if set[core] || repeats(core, set) {
			return true
		}
		for _, c := range ctx {
			if core == c {
				return true
			}
		}
	}
	for _, c := range ctx {
		// A name inside the password gives it away; very short names are
		// left out, as they turn up inside ordinary words.
		if len([]rune(c)) >= 4 && strings.Contains(squashed, c) {
			return true
		}
	}
	return false
}

// cores returns the ways of reading s as a word dressed up: leading and
// trailing non-letters cut off, look-alike digits read as letters, in both
// orders and with '1' read as 'i' or 'l'.
func cores(s string) []string {
	trim := func(s string) string { return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) }
	unleet := func(s string, one rune) string {
		return strings.Map(func(r rune) rune {
			if r == '1' {
				return one
			}
			if l, ok := leet[r]; ok {
				return l
			}
			return r
		}, s)
	}
	var out []string
	for _, one := range []rune{'i', 'l'} {
		out = append(out, unleet(trim(s), one), trim(unleet(s, one)))
	}
	return out
}

// distinct counts the different characters in s.
func distinct(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

// repeats reports whether s is one short or common unit said again and
// again: "abcabcabcabc", "dragondragon".
func repeats(s string, set map[string]bool) bool {
	rs := []rune(s)
	for n := 1; n <= len(rs)/2; n++ {
		if len(rs)%n != 0 {
			continue
		}
		unit := string(rs[:n])
		if strings.Repeat(unit, len(rs)/n) == s && (n <= 4 || set[unit]) {
			return true
		}
	}
	return false
}
