package db

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// FuzzParseCursor: any string is refused with ErrInvalid or read as a cursor
// with a positive id and a finite score, and a cursor's String reads back
// exactly.
//
//	go test ./db -run '^$' -fuzz FuzzParseCursor -fuzztime 30s
func FuzzParseCursor(f *testing.F) {
	for _, s := range []string{"0.75_12", "1_1", "-0_1", "NaN_1", "Inf_2", "1e309_1", "0.5_0", "0.5_-3", "_", "", "0.5", "0.5_1_2",
		"0x1p-2_5", " 0.5_5", "0.5_9223372036854775807", "0.5_9223372036854775808", "1E-400_1"} {
		f.Add(s, 0.5, int64(7))
	}
	f.Fuzz(func(t *testing.T, s string, score float64, id int64) {
		c, err := ParseCursor(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q: %v is not ErrInvalid", s, err)
			}
		} else {
			if c.ID <= 0 || math.IsNaN(c.Score) || math.IsInf(c.Score, 0) {
				t.Fatalf("%q read as %+v", s, c)
			}
			if again, err := ParseCursor(c.String()); err != nil || again != c {
				t.Fatalf("%q: %+v -> %q -> %+v, %v", s, c, c.String(), again, err)
			}
		}
		if id > 0 && !math.IsNaN(score) && !math.IsInf(score, 0) {
			want := Cursor{Score: score, ID: id}
			if got, err := ParseCursor(want.String()); err != nil || got != want {
				t.Fatalf("%+v -> %q -> %+v, %v", want, want.String(), got, err)
			}
		}
	})
}

// FuzzParseStatuses: the list is refused with ErrInvalid or every status in
// it is valid, in the order given.
//
//	go test ./db -run '^$' -fuzz FuzzParseStatuses -fuzztime 30s
func FuzzParseStatuses(f *testing.F) {
	for _, s := range []string{"", "disputed", "confirmed,disputed", " unverified , confirmed ", ",,", "maybe", "disputed,<script>", "DISPUTED", "disputed\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseStatuses(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q: %v is not ErrInvalid", s, err)
			}
			return
		}
		var want []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				want = append(want, p)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %q, want %q", s, got, want)
		}
		for i := range got {
			if !ValidStatus(got[i]) || got[i] != want[i] {
				t.Fatalf("%q: %q, want %q", s, got, want)
			}
		}
	})
}
