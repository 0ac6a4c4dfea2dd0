package db

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// User is an account. PasswordHash never leaves the server.
type User struct {
	ID           int64
	Username     string
	PasswordHash string
	Role         string
	Disabled     bool
	CreatedAt    time.Time
}

// ValidUsername checks the rule every entry point shares: 1 to 64 characters
// of letters, digits, '.', '_' and '-'.
func ValidUsername(name string) error {
	if name == "" || utf8.RuneCountInString(name) > 64 {
		return fmt.Errorf("%w: a user name has 1 to 64 characters", ErrInvalid)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-", r) {
			return fmt.Errorf("%w: a user name may hold letters, digits, '.', '_' and '-' only", ErrInvalid)
		}
	}
	return nil
}

const userCols = `id, username, password_hash, role, disabled, created_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var created string
	err := row.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.Role, &u.Disabled, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	u.CreatedAt = parseTime(created)
	return u, err
}

// CreateUser adds an account; the username must be new (case-insensitively).
func (s *Store) CreateUser(ctx context.Context, username, passwordHash, role string) (User, error) {
	var u User
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		u, err = createUser(ctx, tx, username, passwordHash, role, s.now())
		return err
	})
	return u, err
}

// reservedNames are the words the assignee filters give a meaning of their
// own (assignee=me, assignee=none): a user by that name could not be
// filtered for.
var reservedNames = map[string]bool{"me": true, "none": true}

// scripts are the writing systems a new user name may be written in, one at
// a time: a name mixing them ("аdmin" with a Cyrillic а) reads as another
// user's in history and audit rows.
var scripts = []*unicode.RangeTable{unicode.Latin, unicode.Cyrillic, unicode.Greek, unicode.Armenian,
	unicode.Hebrew, unicode.Arabic, unicode.Devanagari, unicode.Thai, unicode.Georgian, unicode.Hangul,
	unicode.Han, unicode.Hiragana, unicode.Katakana}

// checkNewUsername adds to ValidUsername what only a new name must meet.
func checkNewUsername(name string) error {
	if err := ValidUsername(name); err != nil {
		return err
	}
	if reservedNames[strings.ToLower(name)] {
		return fmt.Errorf("%w: %q is a word the queue's filters use; choose another user name", ErrInvalid, name)
	}
	seen, any := 0, false
	for _, r := range name {
		if !unicode.IsLetter(r) {
			continue
		}
		k := -1 // a script not listed: its own group
		for i, t := range scripts {
			if unicode.Is(t, r) {
				k = i
				break
			}
		}
		// Japanese mixes Han, Hiragana and Katakana in one name.
		if k >= 10 {
			k = 10
		}
		if any && k != seen {
			return fmt.Errorf("%w: a user name is written in one alphabet; %q mixes two, so it could pass for another name", ErrInvalid, name)
		}
		seen, any = k, true
	}
	return nil
}

func createUser(ctx context.Context, tx *sql.Tx, username, passwordHash, role string, now time.Time) (User, error) {
	if err := checkNewUsername(username); err != nil {
		return User{}, err
	}
	// The name as it exists, which may differ in letter case from the one
	// given: every way in says what is there.
	var existing string
	err := tx.QueryRowContext(ctx, `SELECT username FROM users WHERE username = ?`, username).Scan(&existing)
	if err == nil {
		return User{}, fmt.Errorf("%w: a user named %q exists already", ErrDuplicate, existing)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return User{}, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)`,
		username, passwordHash, role, formatTime(now))
	if err != nil {
		return User{}, err
	}
	id, err := res.LastInsertId()
	return User{ID: id, Username: username, PasswordHash: passwordHash, Role: role, CreatedAt: now.UTC()}, err
}

// UserByName finds a user by name, case-insensitively.
func (s *Store) UserByName(ctx context.Context, username string) (User, error) {
	return scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, username))
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	return scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
}

// CountUsers returns how many accounts exist.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// The one-time setup token lets the first visitor create the first admin.
// Only its hash is stored.
const setupKey = "setup_token_sha256"

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SetSetupToken records token as the one valid setup token, replacing any
// earlier one. It fails with ErrNotAllowed once a user exists.
func (s *Store) SetSetupToken(ctx context.Context, token string) error {
	return s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrNotAllowed
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, setupKey, hashToken(token))
		return err
	})
}

// SetupTokenValid reports whether token is the current setup token and no
// user exists yet.
func (s *Store) SetupTokenValid(ctx context.Context, token string) bool {
	var want string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ? AND NOT EXISTS (SELECT 1 FROM users)`, setupKey).Scan(&want)
	return err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(hashToken(token))) == 1
}

// CreateFirstAdmin uses up the setup token to create the first admin. It
// fails with ErrNotAllowed when the token is wrong or a user already exists.
func (s *Store) CreateFirstAdmin(ctx context.Context, token, username, passwordHash string) (User, error) {
	var u User
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var want string
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, setupKey).Scan(&want)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotAllowed
		}
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(hashToken(token))) != 1 {
			return ErrNotAllowed
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrNotAllowed
		}
		if u, err = createUser(ctx, tx, username, passwordHash, "admin", s.now()); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM meta WHERE key = ?`, setupKey)
		return err
	})
	return u, err
}

// --- Managing users (admin pages and `factdesk user`) ---

// ListUsers returns every account, by name.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY username`)
	if err != nil {
		return nil, err
	}
	return collectUsers(rows)
}

// keepAnAdmin refuses a change that would leave no enabled admin, so that
// nobody is locked out of managing users.
func keepAnAdmin(ctx context.Context, tx *sql.Tx, u User) error {
	if u.Role != "admin" || u.Disabled {
		return nil
	}
	var others int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?`,
		u.ID).Scan(&others); err != nil {
		return err
	}
	if others == 0 {
		return fmt.Errorf("%w: user %s is the only admin left; make someone else an admin first", ErrInvalid, u.Username)
	}
	return nil
}

func userForUpdate(ctx context.Context, tx *sql.Tx, id int64) (User, error) {
	return scanUser(tx.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
}

// SetRole changes a user's role; it takes effect on their next request.
func (s *Store) SetRole(ctx context.Context, userID int64, role string) (User, error) {
	if rank[role] == 0 {
		return User{}, fmt.Errorf("%w: unknown role %q (use admin, editor, reviewer or viewer)", ErrInvalid, role)
	}
	var u User
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if u, err = userForUpdate(ctx, tx, userID); err != nil {
			return err
		}
		if u.Role == role {
			return nil
		}
		if role != "admin" {
			if err := keepAnAdmin(ctx, tx, u); err != nil {
				return err
			}
		}
		u.Role = role
		_, err = tx.ExecContext(ctx, `UPDATE users SET role = ? WHERE id = ?`, role, userID)
		return err
	})
	return u, err
}

// SetPassword replaces a user's password hash, ends their sessions and
// revokes their API tokens in the same transaction, so a leaked password
// stops working everywhere, tokens made with it included.
func (s *Store) SetPassword(ctx context.Context, userID int64, passwordHash string) (User, error) {
	var u User
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if u, err = userForUpdate(ctx, tx, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, passwordHash, userID); err != nil {
			return err
		}
		u.PasswordHash = passwordHash
		return s.endAccess(ctx, tx, userID)
	})
	return u, err
}

// SetDisabled disables or enables a user. Disabling ends their sessions
// and revokes their API tokens in the same transaction: they are logged out
// at once, and enabling them again brings back neither.
func (s *Store) SetDisabled(ctx context.Context, userID int64, disabled bool) (User, error) {
	var u User
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if u, err = userForUpdate(ctx, tx, userID); err != nil {
			return err
		}
		if u.Disabled == disabled {
			return nil
		}
		if disabled {
			if err := keepAnAdmin(ctx, tx, u); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, userID); err != nil {
			return err
		}
		u.Disabled = disabled
		if disabled {
			return s.endAccess(ctx, tx, userID)
		}
		return nil
	})
	return u, err
}

// endAccess ends a user's sessions and revokes their live API tokens.
func (s *Store) endAccess(ctx context.Context, tx *sql.Tx, userID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = ''`,
		formatTime(s.now()), userID)
	return err
}
