package strictjson

import "testing"

func TestRepeatedKey(t *testing.T) {
	for in, want := range map[string][2]string{
		`{"a":1,"b":2}`:                     {"", ""},
		`{"a":1,"a":2}`:                     {"a", "a"},
		`{"status":"x","Status":"y"}`:       {"status", "Status"},
		`{"a":{"b":1},"c":{"b":2}}`:         {"", ""}, // one key in two objects
		`{"a":[{"k":1,"k":2}]}`:             {"k", "k"},
		`[{"x":"a"},{"x":"b"}]`:             {"", ""},
		`{"a":"a","b":["a","a"],"c":"a"}`:   {"", ""},   // strings that are values
		`{"ſ":1,"S":2}`:                     {"ſ", "S"}, // folded as encoding/json folds
		`{"a":1,"a"`:                        {"a", "a"},
		`not json`:                          {"", ""},
		`{"outer":{"a":1},"outer":{"a":1}}`: {"outer", "outer"},
	} {
		if first, again := RepeatedKey([]byte(in)); first != want[0] || again != want[1] {
			t.Errorf("RepeatedKey(%s) = %q, %q; want %q, %q", in, first, again, want[0], want[1])
		}
	}
}

func TestLoneSurrogate(t *testing.T) {
	for in, want := range map[string]int{
		`{"t":"caf\u00e9"}`:          -1,
		`{"t":"\ud83d\ude00"}`:       -1, // a pair
		`{"t":"\\ud800"}`:            -1, // an escaped backslash, then text
		`{"t":"\ud800"}`:             6,
		`{"t":"\ude00x"}`:            6,
		`{"t":"a\ud83d\u0041"}`:      7,
		`{"t":"\ud83d"}`:             6,
		`{"t":"\ud83d\ude00\udc00"}`: 18,
	} {
		if got := LoneSurrogate([]byte(in)); got != want {
			t.Errorf("LoneSurrogate(%s) = %d, want %d", in, got, want)
		}
	}
}
