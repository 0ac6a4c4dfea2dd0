package db

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestChangesReachTheFileWithoutClosing checks the background checkpoint:
// a write reaches the database file itself (not only the WAL) while the
// store stays open, so a desk that runs for months does not depend on the
// writer stopping to copy its WAL back.
func TestChangesReachTheFileWithoutClosing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "desk.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.CreateUser(ctx, "writer-in-the-wal", "h", "admin")
	if err != nil {
		t.Fatal(err)
	}

	// The file alone, without its WAL, as a copy: does it hold the user?
	inFile := func() bool {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		cp := filepath.Join(dir, "copy.db")
		if err := os.WriteFile(cp, b, 0o600); err != nil {
			t.Fatal(err)
		}
		os.Remove(cp + "-wal")
		db, err := sql.Open("sqlite", "file:"+cp+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM users WHERE id = ? AND username = ?`, u.ID, u.Username).Scan(&n); err != nil {
			return false // the file's first pages are not written yet
		}
		return n == 1
	}
	deadline := time.Now().Add(10 * checkpointEvery)
	for !inFile() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v the user is still only in the WAL", 10*checkpointEvery)
		}
		time.Sleep(checkpointEvery / 5)
	}
}
