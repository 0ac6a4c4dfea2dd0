package db

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTokens(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ann := mustUser(t, s, "ann", "reviewer")
	bob := mustUser(t, s, "bob", "viewer")

	if _, _, err := s.CreateToken(ctx, ann.ID, "  "); !errors.Is(err, ErrInvalid) {
		t.Fatalf("blank label: %v", err)
	}
	secret, tok, err := s.CreateToken(ctx, ann.ID, " nightly export ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "fdk_") || len(secret) < 40 || tok.Label != "nightly export" || !strings.HasPrefix(secret, tok.Prefix) {
		t.Fatalf("secret %q, token %+v", secret, tok)
	}
	// Only the hash is stored.
	var stored string
	s.r.QueryRow(`SELECT token_sha256 FROM api_tokens WHERE id = ?`, tok.ID).Scan(&stored)
	if stored == secret || stored != hashToken(secret) {
		t.Fatalf("stored %q", stored)
	}

	u, got, err := s.TokenUser(ctx, secret)
	if err != nil || u.ID != ann.ID || u.Role != "reviewer" || got.ID != tok.ID {
		t.Fatalf("TokenUser = %+v %+v %v", u, got, err)
	}
	for _, bad := range []string{"", "fdk_", secret + "x", strings.TrimPrefix(secret, "fdk_"), strings.Repeat("fdk_", 40)} {
		if _, _, err := s.TokenUser(ctx, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("TokenUser(%q) = %v", bad, err)
		}
	}

	// Last use is recorded, at most once a minute.
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return at })
	if err := s.TouchToken(ctx, got); err != nil {
		t.Fatal(err)
	}
	list, _ := s.Tokens(ctx, ann.ID)
	if len(list) != 1 || !list[0].LastUsedAt.Equal(at) {
		t.Fatalf("tokens = %+v", list)
	}

	// Bob cannot see or revoke Ann's token.
	if l, _ := s.Tokens(ctx, bob.ID); len(l) != 0 {
		t.Fatalf("bob sees %d tokens", len(l))
	}
	if _, err := s.RevokeToken(ctx, bob.ID, tok.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob revoked ann's token: %v", err)
	}
	if _, _, err := s.TokenUser(ctx, secret); err != nil {
		t.Fatal("token stopped working after a refused revoke")
	}

	// A disabled user's token stops at once, whatever revoked it or not
	// (SetDisabled also revokes it: TestEndAccessRevokesTokens).
	s.w.Exec(`UPDATE users SET disabled = 1 WHERE id = ?`, ann.ID)
	if _, _, err := s.TokenUser(ctx, secret); !errors.Is(err, ErrNotFound) {
		t.Fatalf("disabled user's token works: %v", err)
	}
	if _, _, err := s.CreateToken(ctx, ann.ID, "another"); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("disabled user got a token: %v", err)
	}
	s.w.Exec(`UPDATE users SET disabled = 0 WHERE id = ?`, ann.ID)
	if _, _, err := s.TokenUser(ctx, secret); err != nil {
		t.Fatalf("re-enabled user's token: %v", err)
	}

	// Revoking ends it for good.
	if done, err := s.RevokeToken(ctx, ann.ID, tok.ID); err != nil || !done {
		t.Fatal(done, err)
	}
	if done, err := s.RevokeToken(ctx, ann.ID, tok.ID); err != nil || done {
		t.Fatalf("second revoke: done %v, %v", done, err)
	}
	if _, _, err := s.TokenUser(ctx, secret); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoked token works: %v", err)
	}
	list, _ = s.Tokens(ctx, ann.ID)
	if len(list) != 1 || !list[0].Revoked() {
		t.Fatalf("after revoke: %+v", list)
	}
	if _, _, err := s.CreateToken(ctx, 999, "ghost"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("token for unknown user: %v", err)
	}
}

// Disabling a user or resetting their password revokes their API tokens,
// as it ends their sessions: a token made by whoever had the password must
// not outlive it, and enabling the user again brings neither back.
func TestEndAccessRevokesTokens(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ann := mustUser(t, s, "ann", "reviewer")
	bob := mustUser(t, s, "bob", "reviewer")
	annSecret, _, err := s.CreateToken(ctx, ann.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	bobSecret, _, err := s.CreateToken(ctx, bob.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetDisabled(ctx, ann.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetDisabled(ctx, ann.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.TokenUser(ctx, annSecret); !errors.Is(err, ErrNotFound) {
		t.Fatalf("token of a user disabled and enabled again: %v", err)
	}
	if list, _ := s.Tokens(ctx, ann.ID); len(list) != 1 || !list[0].Revoked() {
		t.Fatalf("ann's tokens: %+v", list)
	}
	if _, err := s.SetPassword(ctx, bob.ID, "new hash"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.TokenUser(ctx, bobSecret); !errors.Is(err, ErrNotFound) {
		t.Fatalf("token after a password reset: %v", err)
	}
	// A token made after the reset works.
	fresh, _, err := s.CreateToken(ctx, bob.ID, "new script")
	if err != nil {
		t.Fatal(err)
	}
	if u, _, err := s.TokenUser(ctx, fresh); err != nil || u.ID != bob.ID {
		t.Fatalf("fresh token: %+v %v", u, err)
	}
}
