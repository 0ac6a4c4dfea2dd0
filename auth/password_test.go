package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestHashAndCheck(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected hash format %q", h)
	}
	if !CheckPassword(h, "correct horse battery") {
		t.Error("the right password was refused")
	}
	for _, wrong := range []string{"", "correct horse batter", "correct horse battery ", "CORRECT HORSE BATTERY"} {
		if CheckPassword(h, wrong) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
	for _, bad := range []string{"", "$argon2id$", "plain", "$argon2id$v=19$m=0,t=0,p=0$AA$AA"} {
		if CheckPassword(bad, "x") {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
	if CheckNoUser("anything") {
		t.Error("CheckNoUser must fail")
	}
}

func TestPasswordRules(t *testing.T) {
	long := strings.Repeat("a", 129)
	for pw, ok := range map[string]bool{
		"short":                  false,
		"elevenchars":            false,
		"twelve chars":           true,
		"ünïcödé pässwörd":       true,
		strings.Repeat("b", 128): true,
		long:                     false,
		"\xff\xfe invalid utf8!": false,
	} {
		err := CheckPasswordRules(pw)
		if ok && err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
		if !ok && !errors.Is(err, ErrWeakPassword) {
			t.Errorf("%q accepted", pw)
		}
	}
}

func TestRoles(t *testing.T) {
	if !Allows(RoleAdmin, RoleReviewer) || !Allows(RoleReviewer, RoleReviewer) || Allows(RoleViewer, RoleReviewer) {
		t.Error("role order wrong")
	}
	if Allows("", RoleViewer) || Allows("root", RoleViewer) || ValidRole("root") {
		t.Error("unknown role allowed")
	}
}
