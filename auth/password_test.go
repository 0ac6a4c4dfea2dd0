package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
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
		"short":            false,
		"elevenchars":      false,
		"twelve chars":     true,
		"ünïcödé pässwörd": true,
		strings.Repeat("abcdefgh jklmnopq rstuvwxy ", 5)[:128]: true,
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

func TestCommonPasswordsRefused(t *testing.T) {
	for _, pw := range []string{
		"password1234", "Password123!", "P@ssw0rd-2024!", "pass word 12345", "qwertyuiop12",
		"123456789012", "111111111111", "abcabcabcabc", "abcdefghijkl", "1qaz2wsx3edc",
		"dragondragon", "Monkey123456", "iloveyou2024", "Summer2024!!", "administrator",
		"letmein!!!!!", "Sunshine_1990", "zaq12wsxcde3", "factdesk2024!", "0987654321098",
		"trustno1trustno1", "ilovejennifer", "aaaaaaaaaaaaaaaa", "12121212121212",
		"iloveyouforever", "passwordpassword", "jennifer12345", "M1chael!!!!!2",
	} {
		if err := CheckPasswordRules(pw); !errors.Is(err, ErrWeakPassword) || !strings.Contains(err.Error(), "common") {
			t.Errorf("%q accepted (%v)", pw, err)
		}
	}
	// Built on the user's own name.
	for _, pw := range []string{"maria1234567", "Maria!2024-xyz", "xx-MARIA-xx-2024"} {
		if err := CheckPasswordRules(pw, "maria"); !errors.Is(err, ErrWeakPassword) {
			t.Errorf("%q accepted for maria", pw)
		}
	}
	// Long, uncommon passwords pass, whatever they are made of.
	for _, pw := range []string{
		"correct horse battery", "plum tractor anthem velvet", "Zx7#kq9!Lm2@", "Meine Katze heißt Pünktchen",
		"晚上好世界你好吗今天天气", "river-lamp-orbit-cedar", "a long passphrase here", "Ann's long passphrase", // "ann" is too short to count
		"rita-reads-the-footnotes",
	} {
		if err := CheckPasswordRules(pw, "ann"); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
}

// The list is what its header says: lowercase, one per line, thousands.
func TestCommonPasswordList(t *testing.T) {
	set := commonSet()
	if len(set) < 2000 {
		t.Fatalf("only %d common passwords", len(set))
	}
	for w := range set {
		if w != strings.ToLower(w) || strings.TrimSpace(w) != w {
			t.Errorf("entry %q is not a lowercase word", w)
		}
	}
	for _, w := range []string{"password", "qwerty", "iloveyou", "dragon", "factdesk"} {
		if !set[w] {
			t.Errorf("%q missing", w)
		}
	}
}

// Unknown users cost the same work as known ones: the dummy hash uses the
// parameters every new hash uses.
func TestDummyHashMatchesParameters(t *testing.T) {
	h, _ := HashPassword("x")
	params := func(s string) string { return strings.Join(strings.Split(s, "$")[:4], "$") }
	if params(dummyHash) != params(h) {
		t.Fatalf("dummy hash %q has other parameters than %q", params(dummyHash), params(h))
	}
}

func TestThrottleDelays(t *testing.T) {
	th := Throttle{Free: 2, First: time.Second, Max: 10 * time.Second}
	want := []time.Duration{0, 0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for f, w := range want {
		if got := th.Delay(f); got != w {
			t.Errorf("Delay(%d) = %v, want %v", f, got, w)
		}
	}
	if th.Delay(1000) != 10*time.Second {
		t.Error("no cap for many failures")
	}
	for _, p := range []Throttle{AccountThrottle, ClientThrottle} {
		if p.Forget <= p.Max {
			t.Errorf("%+v: waiting out the longest delay would reset the count", p)
		}
	}
	if AccountKey("Ann") != AccountKey("ann") || AccountKey("Änn") == AccountKey("änn") {
		t.Error("account keys must fold ASCII case only, as the users table does")
	}
	if ClientKey("2001:db8:1:2:3:4:5:6") != ClientKey("2001:db8:1:2:ffff::1") || ClientKey("2001:db8:1:3::1") == ClientKey("2001:db8:1:2::1") {
		t.Error("IPv6 clients must count per /64")
	}
	if ClientKey("192.0.2.1") == ClientKey("192.0.2.2") || ClientKey("::ffff:192.0.2.1") != ClientKey("192.0.2.1") {
		t.Error("IPv4 clients must count per address")
	}
}

// Hashes beyond the slots wait for one: memory stays bounded under a burst.
func TestHashingIsBounded(t *testing.T) {
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	done := make(chan bool)
	go func() { done <- CheckPassword(dummyHash, "x") }()
	select {
	case <-done:
		t.Fatal("a hash ran while every slot was taken")
	case <-time.After(100 * time.Millisecond):
	}
	<-hashSlots
	<-done
	for range cap(hashSlots) - 1 {
		<-hashSlots
	}
}
