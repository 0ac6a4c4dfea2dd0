package auth

import (
	"encoding/base64"
	"strings"
	"testing"
)

// An unknown user must cost a full argon2id check: the dummy hash must be
// well formed, with the parameters and lengths of a real one, or
// CheckPassword would return early and tell users apart by time.
func TestDummyHashDoesTheWorkOfARealOne(t *testing.T) {
	real, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	d, r := strings.Split(dummyHash, "$"), strings.Split(real, "$")
	if len(d) != 6 || len(r) != 6 || strings.Join(d[:4], "$") != strings.Join(r[:4], "$") {
		t.Fatalf("dummy %q, real %q", dummyHash, real)
	}
	for i := 4; i < 6; i++ {
		db, err1 := base64.RawStdEncoding.DecodeString(d[i])
		rb, err2 := base64.RawStdEncoding.DecodeString(r[i])
		if err1 != nil || err2 != nil || len(db) != len(rb) {
			t.Fatalf("part %d: dummy %q, real %q", i, d[i], r[i])
		}
	}
}
