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
}

// Session loads a live session by cookie token; expired ones are ErrNotFound.
func (s *Store) Session(ctx context.Context, token string) (Session, error) {
	var ss Session
	var uid sql.NullInt64
	var created, seen, expires string
	err := s.queryRow(ctx, `SELECT user_id, data, created_at, last_seen, expires_at
		FROM sessions WHERE id = ? AND expires_at > ?`, hashToken(token), formatTime(s.now())).
		Scan(&uid, &ss.Data, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return ss, ErrNotFound
	}
	ss.UserID = uid.Int64
	ss.CreatedAt, ss.LastSeen, ss.ExpiresAt = parseTime(created), parseTime(seen), parseTime(expires)
	return ss, err
}

// SaveSession creates or replaces the session stored under token.
func (s *Store) SaveSession(ctx context.Context, token string, userID int64, data string, expires time.Time) error {
	now := formatTime(s.now())
	uid := sql.NullInt64{Int64: userID, Valid: userID > 0}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, data, created_at, last_seen, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data,
				last_seen = excluded.last_seen, expires_at = excluded.expires_at`,
			hashToken(token), uid, data, now, now, formatTime(expires))
		return err
	})
}

// DeleteSession ends one session on the server.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, hashToken(token))
		return err
	})
}

// DeleteUserSessions ends every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		return err
	})
}

// DeleteExpiredSessions removes sessions past their expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, formatTime(s.now()))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
