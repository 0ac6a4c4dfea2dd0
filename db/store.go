// Package db is factdesk's storage: one SQLite file behind a Store with raw SQL.
// SQLite-only parts (pragmas, DSN) live in this file.
package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Application errors. Callers map them to messages and HTTP statuses in one place.
var (
	ErrNotFound   = errors.New("not found")
	ErrDuplicate  = errors.New("already exists")
	ErrStale      = errors.New("changed by someone else")
	ErrInvalid    = errors.New("invalid input")
	ErrNotAllowed = errors.New("not allowed")
	// ErrReadOnly is an open that had to write where the user may not.
	ErrReadOnly = errors.New("read-only")
	// ErrOutdated is a database that must be updated before this version
	// can read it, which OpenReadOnly cannot do.
	ErrOutdated = errors.New("was made by an earlier version of factdesk")
)

// timeFormat is fixed-width so that stored times sort correctly as text.
const timeFormat = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// storedNow is the store's clock: the time as it is stored, to the
// millisecond, so that what a write returns (an API answer's created_at)
// equals what later reads of it give.
func storedNow() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func parseTime(s string) time.Time {
	if t, ok := parseStored(s); ok {
		return t
	}
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// parseStored reads timeFormat by position, ten times faster than
// time.Parse: every claim and history row carries times, and the export
// of a large desk parsed millions. Anything unusual (a date that does not
// exist, a stray character) goes to time.Parse, which decides.
func parseStored(s string) (time.Time, bool) {
	if len(s) != len(timeFormat) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
		s[19] != '.' || s[23] != 'Z' {
		return time.Time{}, false
	}
	var v [7]int
	for i, f := range [7][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}, {20, 23}} {
		for k := f[0]; k < f[1]; k++ {
			c := s[k]
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			v[i] = v[i]*10 + int(c-'0')
		}
	}
	if v[1] < 1 || v[1] > 12 || v[2] < 1 || v[3] > 23 || v[4] > 59 || v[5] > 59 {
		return time.Time{}, false
	}
	t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], v[6]*int(time.Millisecond), time.UTC)
	if t.Day() != v[2] { // 31 April and the like: time.Parse refuses them
		return time.Time{}, false
	}
	return t, true
}

// Store holds a one-connection writer pool beside a reader pool: SQLite allows
// one writer at a time, and queuing writers in Go avoids "database is locked".
type Store struct {
	w   *sql.DB
	r   *sql.DB
	now func() time.Time
	hub changeHub
	// stmts and wstmts keep prepared statements of the busiest queries.
	stmts, wstmts stmtCache
	ck            *checkpointer
	wr            *writer // see tx
	readOnly      bool    // see OpenReadOnly
}

// Open opens (creating if needed) the database at path and applies migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("open database: no path given")
	}
	w, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, openError(path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	s := &Store{w: w, now: storedNow}
	s.startWriter()
	abort := func() { s.wr.close(); w.Close() }
	if err := s.migrate(ctx); err != nil {
		abort()
		return nil, openError(path, err)
	}
	// History rows from before the hash chain get their hashes once.
	if err := s.sealHistory(ctx); err != nil {
		abort()
		return nil, openError(path, err)
	}
	if err := s.prepareWrites(ctx); err != nil {
		s.closeStmts()
		abort()
		return nil, openError(path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		abort()
		return nil, openError(path, err)
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s.r = r
	if err := s.startCheckpoints(path); err != nil {
		s.closeStmts()
		r.Close()
		abort()
		return nil, openError(path, err)
	}
	return s, nil
}

func dsn(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "journal_mode(WAL)")
	if writer {
		q.Set("_txlock", "immediate")
		// Checkpoints run in the background (checkpoint.go); SQLite's own,
		// on the writer, is the backstop.
		q.Add("_pragma", "wal_autocheckpoint("+strconv.Itoa(autocheckpointPages)+")")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// OpenReadOnly opens the database at path for reading only, for a file
// the user may not write or whose folder they may not write (a backup on
// read-only storage), where Open fails. It applies no migrations, so a
// database that needs them is refused with ErrOutdated; writes through the
// store fail.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	r, err := openReader(ctx, path, false)
	if err != nil {
		// A WAL database is read through a -shm file beside it, which a
		// read-only folder cannot take. With no -wal file no one has the
		// database open, and the file alone is all of it.
		if walInUse(path) {
			return nil, fmt.Errorf("cannot read the database %s: its latest changes are in %s-wal, which can be read only with a -shm file beside it, "+
				"and its folder is %w: copy the database and its -wal file to a folder you can write to", path, path, ErrReadOnly)
		}
		r, err = openReader(ctx, path, true)
	}
	if err != nil {
		return nil, err
	}
	s := &Store{w: r, r: r, now: storedNow, readOnly: true}
	s.startWriter()
	if err := s.checkCurrent(ctx, path); err != nil {
		s.wr.close()
		r.Close()
		return nil, err
	}
	return s, nil
}

// openReader opens a read-only pool on path and checks that it can read
// it; immutable tells SQLite that nothing changes the file meanwhile.
func openReader(ctx context.Context, path string, immutable bool) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	if immutable {
		q.Set("immutable", "1")
	}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, openError(path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	var n int
	if err := r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil {
		r.Close()
		return nil, openError(path, err)
	}
	return r, nil
}

// walInUse reports whether path has a -wal file with something in it,
// which an immutable open would not read.
func walInUse(path string) bool {
	st, err := os.Stat(path + "-wal")
	return err == nil && st.Size() > 0
}

// checkCurrent refuses, with ErrOutdated, a database that Open would
// change before use: one with migrations to apply or history to seal.
func (s *Store) checkCurrent(ctx context.Context, path string) error {
	applied := map[string]bool{}
	rows, err := s.r.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("%w: %s is not a factdesk database", ErrInvalid, path)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		applied[name] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	for _, name := range names {
		if !applied[strings.TrimPrefix(name, "migrations/")] {
			return fmt.Errorf("%s %w", path, ErrOutdated)
		}
	}
	var first string
	err = s.r.QueryRowContext(ctx, `SELECT hash FROM status_history ORDER BY id LIMIT 1`).Scan(&first)
	if err == nil && first == "" {
		return fmt.Errorf("%s %w", path, ErrOutdated) // see sealHistory
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}

// openError words a failure to open the database for the person who named
// it, instead of SQLite's "unable to open database file (14)".
func openError(path string, err error) error {
	var se interface{ Code() int }
	if !errors.As(err, &se) {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	switch se.Code() & 0xff { // the primary result code
	case sqliteReadOnly:
		return fmt.Errorf("cannot write to the database %s: it or its folder is %w", path, ErrReadOnly)
	case sqliteCantOpen:
		if st, serr := os.Stat(filepath.Dir(path)); serr != nil || !st.IsDir() {
			return fmt.Errorf("cannot open the database %s: there is no folder %s", path, filepath.Dir(path))
		}
		// The file or its folder (for the -wal and -shm files beside it)
		// would not let SQLite in.
		return readOnlyError{fmt.Sprintf("cannot open the database %s: it or its folder cannot be read or written", path)}
	case sqliteNotADB:
		return fmt.Errorf("%w: %s is not a factdesk database", ErrInvalid, path)
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// readOnlyError is ErrReadOnly in words of its own.
type readOnlyError struct{ msg string }

func (e readOnlyError) Error() string        { return e.msg }
func (e readOnlyError) Is(target error) bool { return target == ErrReadOnly }

// SQLite's primary result codes that openError words.
const (
	sqliteReadOnly = 8
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

// Close closes both pools; the writer last so that the WAL is checkpointed.
func (s *Store) Close() error {
	s.wr.close()
	if s.readOnly {
		return errors.Join(s.closeStmts(), s.r.Close())
	}
	var errs []error
	errs = append(errs, s.closeStmts())
	errs = append(errs, s.ck.close())
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if _, err := s.w.Exec("PRAGMA optimize"); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, s.w.Close())
	return errors.Join(errs...)
}

// SetClock replaces the clock; tests use it for deterministic times.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// WriterWait is told, through the context of a write, when the write
// starts waiting for the single writer and when its transaction has ended
// (committed or not): the server lends the request's admission turn to
// another request meanwhile (web/admit.go).
type WriterWait interface {
	WaitingForWriter()
	WriterDone()
}

// request is what a request's context carries for the writes made under
// it: whom to tell of the wait for the writer, and whether one of them has
// committed.
type request struct {
	wait      WriterWait
	committed atomic.Bool
}

type requestKey struct{}

// WithWriterWait returns ctx carrying w for the writes made under it.
//
// Once one of those writes has committed, the rest of the request's reads
// and writes run even if ctx ends: the change is made, and the answer must
// say so. Its deadline cut them short before, and a reviewer whose change
// was saved got an error page, then a conflict with their own change.
func WithWriterWait(ctx context.Context, w WriterWait) context.Context {
	return context.WithValue(ctx, requestKey{}, &request{wait: w})
}

// committed reports whether a write made under ctx has committed.
func committed(ctx context.Context) bool {
	r, ok := ctx.Value(requestKey{}).(*request)
	return ok && r.committed.Load()
}

// migrate applies embedded migrations in name order, each in its own
// transaction, and records them in schema_migrations.
func (s *Store) migrate(ctx context.Context) error {
	return s.migrateFrom(ctx, migrations)
}

// migrateFrom applies the migrations in fsys not yet applied, in name order,
// each in its own transaction.
func (s *Store) migrateFrom(ctx context.Context, fsys fs.FS) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	var applied int
	if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil {
		return err
	}
	notice, _ := ctx.Value(migrationNoticeKey{}).(func(string))
	if applied == 0 {
		notice = nil // a new database: nothing in it to convert
	}
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		err := s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, base).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			body, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			if notice != nil {
				notice(base)
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, base, formatTime(s.now()))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

type migrationNoticeKey struct{}

// WithMigrationNotice returns a context under which Open calls notice with
// the name of each migration, before applying it, to a database made by an
// earlier version: some rebuild an index, which takes seconds on a large
// desk, and a silent pause at start-up looks like a hang.
func WithMigrationNotice(ctx context.Context, notice func(name string)) context.Context {
	return context.WithValue(ctx, migrationNoticeKey{}, notice)
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}
