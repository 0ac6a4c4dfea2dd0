package db

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Session is a server-side session. The cookie holds a random token; rows are
// keyed by its hash.
type Session struct {
	UserID    int64 // 0 when nobody is logged in
	Data      string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
	// User is the session's user as the database holds them now (nil when
	// nobody is logged in or the user is gone), read with the session so
	// that a page does not take a second statement for it.
	User *User
}

// Session loads a live session by cookie token; expired ones are ErrNotFound.
func (s *Store) Session(ctx context.Context, token string) (Session, error) {
	var ss Session
	var uid sql.NullInt64
	var created, seen, expires, userCreated string
	var hasUser bool
	var u User
	err := s.queryRow(ctx, `SELECT s.user_id, s.data, s.created_at, s.last_seen, s.expires_at,
			u.id IS NOT NULL, coalesce(u.id, 0), coalesce(u.username, ''), coalesce(u.password_hash, ''),
			coalesce(u.role, ''), coalesce(u.disabled, 0), coalesce(u.created_at, '')
		FROM sessions s LEFT JOIN users u ON u.id = s.user_id
		WHERE s.id = ? AND s.expires_at > ?`, hashToken(token), formatTime(s.now())).
		Scan(&uid, &ss.Data, &created, &seen, &expires,
			&hasUser, &u.ID, &u.Username, &u.PasswordHash, &u.Role, &u.Disabled, &userCreated)
	if errors.Is(err, sql.ErrNoRows) {
		return ss, ErrNotFound
	}
	ss.UserID = uid.Int64
	ss.CreatedAt, ss.LastSeen, ss.ExpiresAt = parseTime(created), parseTime(seen), parseTime(expires)
	if hasUser {
		u.CreatedAt = parseTime(userCreated)
		ss.User = &u
	}
	return ss, err
}

// SessionTimeouts bound a session's life: it ends after Idle without a
// request, and after Absolute in any case.
type SessionTimeouts struct {
	Idle     time.Duration
	Absolute time.Duration
}

// expiry is when a session created at created and last seen at seen ends.
func (t SessionTimeouts) expiry(created, seen time.Time) time.Time {
	idle, abs := seen.Add(t.Idle), created.Add(t.Absolute)
	if abs.Before(idle) {
		return abs
	}
	return idle
}

// CreateSession stores a new session under token.
func (s *Store) CreateSession(ctx context.Context, token string, userID int64, data string, t SessionTimeouts) error {
	now := s.now()
	uid := sql.NullInt64{Int64: userID, Valid: userID > 0}
	return s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, data, created_at, last_seen, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			hashToken(token), uid, data, formatTime(now), formatTime(now), formatTime(t.expiry(now, now)))
		return err
	})
}

// UpdateSession replaces the data of the live session stored under token.
// It keeps the session's creation time, so saving never extends its
// absolute lifetime, and it never brings back a session that has ended
// (logged out elsewhere, or every session of its user ended by a password
// reset) while the request that saves it ran: that is ErrNotFound.
func (s *Store) UpdateSession(ctx context.Context, token string, userID int64, data string, t SessionTimeouts) error {
	now := s.now()
	uid := sql.NullInt64{Int64: userID, Valid: userID > 0}
	return s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var c string
		err := tx.QueryRowContext(ctx, `SELECT created_at FROM sessions WHERE id = ? AND expires_at > ?`,
			hashToken(token), formatTime(now)).Scan(&c)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET user_id = ?, data = ?, last_seen = ?, expires_at = ? WHERE id = ?`,
			uid, data, formatTime(now), formatTime(t.expiry(parseTime(c), now)), hashToken(token))
		return err
	})
}

// TouchSession records a request on a live session, moving its idle expiry
// on (never past its absolute one).
func (s *Store) TouchSession(ctx context.Context, token string, t SessionTimeouts) error {
	now := s.now()
	return s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var c string
		err := tx.QueryRowContext(ctx, `SELECT created_at FROM sessions WHERE id = ? AND expires_at > ?`,
			hashToken(token), formatTime(now)).Scan(&c)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id = ?`,
			formatTime(now), formatTime(t.expiry(parseTime(c), now)), hashToken(token))
		return err
	})
}

// CountUserSessions returns how many live sessions a user has.
func (s *Store) CountUserSessions(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE user_id = ? AND expires_at > ?`,
		userID, formatTime(s.now())).Scan(&n)
	return n, err
}

// DeleteSession ends one session on the server.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, hashToken(token))
		return err
	})
}

// DeleteUserSessions ends every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	return s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		return err
	})
}

// DeleteExpiredSessions removes sessions past their expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, formatTime(s.now()))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// Now is the store's clock, so that decisions about session age made outside
// the store agree with it (tests set the clock with SetClock).
func (s *Store) Now() time.Time { return s.now() }
