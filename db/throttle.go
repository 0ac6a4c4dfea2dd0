package db

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// LoginLimit is one key a login attempt counts against (an account, a client
// address) with its policy.
type LoginLimit struct {
	Key string
	// Delay is how long after the last attempt the next one may come, given
	// the failures in a row so far.
	Delay func(failures int) time.Duration
	// Forget: a key left alone this long starts over.
	Forget time.Duration
}

// ReserveLoginAttempt decides whether a login attempt may go ahead, in one
// transaction over all its keys. Each key allows its next attempt
// Delay(failures) after its last one. When every key allows it within
// maxWait, the attempt is counted as a failure on every key before the
// password is checked, so that parallel attempts cannot share one slot; ok
// is true and wait is how long the caller must hold the attempt back
// (LoginSucceeded takes the failure back). Otherwise nothing is written, ok
// is false and wait is how long until an attempt would be allowed.
func (s *Store) ReserveLoginAttempt(ctx context.Context, limits []LoginLimit, maxWait time.Duration) (wait time.Duration, ok bool, err error) {
	now := s.now()
	// A look from the reader pool first: refusing a flood of attempts then
	// costs no write transaction.
	at, _, err := loginSlot(ctx, s.r, limits, now)
	if err != nil {
		return 0, false, err
	}
	if wait = at.Sub(now); wait > maxWait {
		return wait, false, nil
	}
	err = s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		at, failures, err := loginSlot(ctx, tx, limits, now)
		if err != nil {
			return err
		}
		if wait = at.Sub(now); wait > maxWait {
			return nil
		}
		ok = true
		for i, l := range limits {
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_throttle (key, failures, last_attempt, forget_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
					last_attempt = excluded.last_attempt, forget_at = excluded.forget_at`,
				l.Key, failures[i]+1, formatTime(at), formatTime(at.Add(l.Forget))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return wait, ok, nil
}

// loginSlot is the earliest time an attempt may run under every key, and
// each key's failures so far (0 for a key not seen or forgotten).
func loginSlot(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, limits []LoginLimit, now time.Time) (time.Time, []int, error) {
	failures := make([]int, len(limits))
	at := now
	for i, l := range limits {
		var f int
		var last, forget string
		err := q.QueryRowContext(ctx, `SELECT failures, last_attempt, forget_at FROM login_throttle WHERE key = ?`, l.Key).
			Scan(&f, &last, &forget)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !parseTime(forget).After(now)) {
			continue
		}
		if err != nil {
			return at, nil, err
		}
		failures[i] = f
		if next := parseTime(last).Add(l.Delay(f)); next.After(at) {
			at = next
		}
	}
	return at, failures, nil
}

// LoginSucceeded clears the keys in reset (the account: its count starts
// over) and takes back the failure ReserveLoginAttempt counted on the keys in
// undo (the client address: other attempts from there still count).
func (s *Store) LoginSucceeded(ctx context.Context, reset, undo []string) error {
	return s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, k := range reset {
			if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = ?`, k); err != nil {
				return err
			}
		}
		for _, k := range undo {
			if _, err := tx.ExecContext(ctx, `UPDATE login_throttle SET failures = failures - 1 WHERE key = ? AND failures > 0`, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteForgottenLoginThrottles removes keys past their forget time; they
// count as new already, this only keeps the table small.
func (s *Store) DeleteForgottenLoginThrottles(ctx context.Context) (int64, error) {
	var n int64
	err := s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE forget_at <= ?`, formatTime(s.now()))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
