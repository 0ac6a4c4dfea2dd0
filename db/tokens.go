package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Token is a personal API token as listed; the secret itself is shown once,
// at creation, and only its hash is kept.
type Token struct {
	ID         int64
	UserID     int64
	Label      string
	Prefix     string // the token's first characters, to tell tokens apart
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
	RevokedAt  time.Time // zero while the token works
}

// Revoked reports whether the token was revoked.
func (t Token) Revoked() bool { return !t.RevokedAt.IsZero() }

// tokenPrefix marks factdesk tokens, so that secret scanners and people
// recognise one in a log or a pasted script.
const tokenPrefix = "fdk_"

// maxTokensPerUser bounds the tokens one user can hold at a time.
const maxTokensPerUser = 50

// CheckTokenLabel validates a token's label: 1 to 100 characters.
func CheckTokenLabel(label string) (string, error) {
	label = strings.TrimSpace(label)
	if label == "" || utf8.RuneCountInString(label) > 100 {
		return "", fmt.Errorf("%w: a token needs a label of 1 to 100 characters, saying what uses it", ErrInvalid)
	}
	if err := checkPlain("the label", label); err != nil {
		return "", err
	}
	return label, nil
}

// CreateToken makes a new API token for a user and returns the secret, which
// is not stored and cannot be shown again. Disabled users get no token.
func (s *Store) CreateToken(ctx context.Context, userID int64, label string) (secret string, t Token, err error) {
	label, err = CheckTokenLabel(label)
	if err != nil {
		return "", t, err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", t, err
	}
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.now()
	t = Token{UserID: userID, Label: label, Prefix: secret[:len(tokenPrefix)+6], CreatedAt: now.UTC()}
	err = s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var disabled bool
		err := tx.QueryRowContext(ctx, `SELECT disabled FROM users WHERE id = ?`, userID).Scan(&disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if disabled {
			return fmt.Errorf("%w: the user is disabled", ErrNotAllowed)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM api_tokens WHERE user_id = ? AND revoked_at = ''`, userID).Scan(&n); err != nil {
			return err
		}
		if n >= maxTokensPerUser {
			return fmt.Errorf("%w: a user can hold at most %d tokens; revoke one first", ErrInvalid, maxTokensPerUser)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, label, token_sha256, prefix, created_at)
			VALUES (?, ?, ?, ?, ?)`, userID, label, hashToken(secret), t.Prefix, formatTime(now))
		if err != nil {
			return err
		}
		t.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return "", Token{}, err
	}
	return secret, t, nil
}

// TokenUser returns the user a working token belongs to. Revoked tokens,
// unknown tokens and tokens of disabled users are all ErrNotFound, checked
// on every call, so revoking or disabling takes effect at once.
func (s *Store) TokenUser(ctx context.Context, secret string) (User, Token, error) {
	var u User
	var t Token
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return u, t, ErrNotFound
	}
	var created, tcreated, used string
	err := s.r.QueryRowContext(ctx, `SELECT u.id, u.username, u.role, u.disabled, u.created_at,
			t.id, t.label, t.prefix, t.created_at, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_sha256 = ? AND t.revoked_at = '' AND u.disabled = 0`, hashToken(secret)).
		Scan(&u.ID, &u.Username, &u.Role, &u.Disabled, &created, &t.ID, &t.Label, &t.Prefix, &tcreated, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, Token{}, ErrNotFound
	}
	if err != nil {
		return User{}, Token{}, err
	}
	u.CreatedAt = parseTime(created)
	t.UserID, t.CreatedAt, t.LastUsedAt = u.ID, parseTime(tcreated), parseTime(used)
	return u, t, nil
}

// touchEvery limits last-use writes to one a minute per token: the writer is
// shared, and the list only needs to show roughly when a token was used.
const touchEvery = time.Minute

// TouchToken records that a token was used now, unless it was recorded
// within the last minute.
func (s *Store) TouchToken(ctx context.Context, t Token) error {
	now := s.now()
	if !t.LastUsedAt.IsZero() && now.Sub(t.LastUsedAt) < touchEvery {
		return nil
	}
	return s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND last_used_at < ?`,
			formatTime(now), t.ID, formatTime(now.Add(-touchEvery)))
		return err
	})
}

// Tokens lists a user's tokens, working ones first, newest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, user_id, label, prefix, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE user_id = ? ORDER BY revoked_at != '', id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var created, used, revoked string
		if err := rows.Scan(&t.ID, &t.UserID, &t.Label, &t.Prefix, &created, &used, &revoked); err != nil {
			return nil, err
		}
		t.CreatedAt, t.LastUsedAt, t.RevokedAt = parseTime(created), parseTime(used), parseTime(revoked)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken stops one of a user's tokens from working. Another user's
// token is ErrNotFound, so ids reveal nothing. Revoking twice is harmless:
// done is false when the token was revoked already, so that nobody records
// or reports a second revocation.
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID int64) (done bool, err error) {
	err = s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var revoked string
		err := tx.QueryRowContext(ctx, `SELECT revoked_at FROM api_tokens WHERE id = ? AND user_id = ?`, tokenID, userID).Scan(&revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil || revoked != "" {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, formatTime(s.now()), tokenID)
		done = err == nil
		return err
	})
	return done, err
}
