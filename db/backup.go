package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// IntegrityCheck runs SQLite's integrity_check and reports what it finds.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.r.QueryContext(ctx, `PRAGMA integrity_check(20)`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			return err
		}
		if msg != "ok" {
			found = append(found, msg)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(found) > 0 {
		return fmt.Errorf("database integrity check failed: %s", strings.Join(found, "; "))
	}
	return nil
}

// BackupInfo describes a backup that was written.
type BackupInfo struct {
	Path        string
	Bytes       int64
	HistoryRows int64
	Head        string // hash of the last history row in the copy
}

// Backup writes a consistent copy of the database file src to dst while
// others may be writing to it: VACUUM INTO reads one snapshot into a
// temporary file beside dst, which is checked, fsynced and then renamed into
// place, and dst's folder is fsynced, so dst is either absent or a whole,
// durable copy. An existing dst is replaced only when overwrite is set.
func Backup(ctx context.Context, src, dst string, overwrite bool) (BackupInfo, error) {
	info := BackupInfo{Path: dst}
	st, err := os.Stat(src)
	if err != nil || !st.Mode().IsRegular() {
		return info, fmt.Errorf("no database at %s", src)
	}
	if err := notTheDatabase(src, dst); err != nil {
		return info, err
	}
	dir := filepath.Dir(dst)
	if d, err := os.Stat(dst); err == nil && d.IsDir() {
		return info, fmt.Errorf("%s is a folder: give the backup a file name, such as %s", dst, filepath.Join(dst, "factdesk-backup.db"))
	}
	if d, err := os.Stat(dir); err != nil || !d.IsDir() {
		return info, fmt.Errorf("cannot write the backup %s: there is no folder %s", dst, dir)
	}
	if !overwrite {
		if _, err := os.Lstat(dst); err == nil {
			return info, fmt.Errorf("%s exists already; use --force to replace it", dst)
		}
	}
	conn, err := sql.Open("sqlite", backupDSN(src))
	if err != nil {
		return info, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		return info, fmt.Errorf("%s is not a factdesk database", src)
	}

	tmp, err := os.CreateTemp(dir, ".factdesk-backup-*.tmp")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return info, fmt.Errorf("cannot write the backup in %s: %w", dir, err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(tmpName)
		}
	}()
	// VACUUM INTO accepts an empty file as its target.
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, tmpName); err != nil {
		return info, fmt.Errorf("backup: copying the database: %w", err)
	}
	if err := checkCopy(ctx, tmpName, &info); err != nil {
		return info, err
	}
	if err := syncFile(tmpName); err != nil {
		return info, fmt.Errorf("backup: %w", err)
	}
	if overwrite {
		err = os.Rename(tmpName, dst)
	} else {
		// A hard link never replaces an existing file, even one that
		// appeared while the copy was being written.
		err = os.Link(tmpName, dst)
		if err == nil {
			os.Remove(tmpName)
		} else if errors.Is(err, fs.ErrExist) {
			return info, fmt.Errorf("%s exists already; use --force to replace it", dst)
		}
	}
	if err != nil {
		return info, fmt.Errorf("backup: %w", err)
	}
	done = true
	if err := syncFile(dir); err != nil {
		return info, fmt.Errorf("backup: %w", err)
	}
	if st, err := os.Stat(dst); err == nil {
		info.Bytes = st.Size()
	}
	return info, nil
}

// notTheDatabase refuses a dst that is the database src itself, or its
// WAL or shared-memory file, under whatever name (another path, a link):
// the rename would swap the live file for the copy, and a running server
// would go on writing to the removed one.
func notTheDatabase(src, dst string) error {
	d, err := os.Stat(dst)
	if err != nil {
		return nil // nothing there to be the database
	}
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		s, err := os.Stat(src + suffix)
		if err != nil || !os.SameFile(s, d) {
			continue
		}
		if suffix == "" {
			return fmt.Errorf("%w: %s is the database itself; write the backup to another file", ErrInvalid, dst)
		}
		return fmt.Errorf("%w: %s is the database's %s file; write the backup to another file", ErrInvalid, dst, suffix)
	}
	return nil
}

// backupDSN opens the source without changing it: no migrations, no
// journal mode change, just a wait when a writer holds a lock.
func backupDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	return "file:" + path + "?" + q.Encode()
}

// checkCopy opens the written copy, checks its integrity and reads its
// history count and chain head. The copy must verify on its own.
func checkCopy(ctx context.Context, path string, info *BackupInfo) error {
	c, err := sql.Open("sqlite", backupDSN(path))
	if err != nil {
		return err
	}
	defer c.Close()
	var res string
	if err := c.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&res); err != nil || res != "ok" {
		return fmt.Errorf("backup: the copy does not pass integrity_check (%s %v)", res, err)
	}
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM status_history`).Scan(&info.HistoryRows); err != nil {
		return fmt.Errorf("backup: reading the copy: %w", err)
	}
	err = c.QueryRowContext(ctx, `SELECT hash FROM status_history ORDER BY id DESC LIMIT 1`).Scan(&info.Head)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("backup: reading the copy: %w", err)
	}
	return nil
}

// syncFile fsyncs a file or a folder.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
