package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"factdesk/db"
)

// reviewedCLI imports an article and records three reviews.
func reviewedCLI(t *testing.T) (*cli, []db.Claim) {
	t.Helper()
	c := newCLI(t)
	if _, _, err := c.run("a long enough password\n", "user", "add", "--role", "reviewer", "maria"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.run("", "import", writeFile(t, "budget.txt", cliArticle)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := db.Open(ctx, c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	claims, _ := store.DocumentClaims(ctx, 1)
	u, _ := store.UserByName(ctx, "maria")
	for i, to := range []string{"confirmed", "disputed", "confirmed"} {
		cl := claims[i%2]
		cl, _ = store.Claim(ctx, cl.ID)
		if _, err := store.SetStatus(ctx, cl.ID, u.ID, cl.Version, to, fmt.Sprintf("review %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	return c, claims
}

func TestVerifyCommand(t *testing.T) {
	c, claims := reviewedCLI(t)
	out, _, err := c.run("", "verify")
	if err != nil || !strings.HasPrefix(out, "OK: database intact; 3 history rows and ") ||
		!regexp.MustCompile(`chain head: [0-9a-f]{64}\n$`).MatchString(out) {
		t.Fatalf("verify: %q %v", out, err)
	}
	// Reading only: a second run says the same.
	if out2, _, _ := c.run("", "verify"); out2 != out {
		t.Fatalf("second run: %q", out2)
	}

	// A head noted earlier is still in the chain after more reviews.
	head := strings.TrimSpace(out[strings.Index(out, "chain head: ")+len("chain head: "):])
	addReview(t, c.db, claims[2].ID, "disputed")
	out, _, err = c.run("", "verify", "--head", head)
	if err != nil || !strings.HasPrefix(out, "history up to row 3 is unchanged since chain head "+head+"\nOK: database intact; 4 history rows") {
		t.Fatalf("verify --head: %q %v", out, err)
	}
	if _, _, err := c.run("", "verify", "--head", strings.Repeat("0", 64)); err == nil || !strings.Contains(err.Error(), "was rewritten") {
		t.Fatalf("verify --head unknown: %v", err)
	}
	if _, _, err := c.run("", "verify", "--head", "abc"); err == nil || !strings.Contains(err.Error(), "64 hex digits") {
		t.Fatalf("verify --head abc: %v", err)
	}

	// Someone edits the second review behind the app's back.
	raw, err := sql.Open("sqlite", c.db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER status_history_no_update`, `UPDATE status_history SET note = 'review 1, all fine' WHERE id = 2`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	out, _, err = c.run("", "verify")
	want := fmt.Sprintf("history does not verify: history row 2 (claim %d): its content does not match its hash", claims[1].ID)
	if err == nil || !strings.Contains(err.Error(), want) || out != "" {
		t.Fatalf("after tampering: out %q err %v\nwant %q", out, err, want)
	}
	if code := exitCode(err, devNull(t)); code != 1 {
		t.Fatalf("exit status %d", code)
	}
	for _, cmd := range []string{"verify", "backup"} {
		out, _, err := c.run("", cmd, "-h")
		if !errors.Is(err, errHelp) || !strings.Contains(out, "Usage: factdesk "+cmd) {
			t.Errorf("%s -h: %v %q", cmd, err, out)
		}
	}
}

func TestVerifyAndBackupRefuseMissingDatabase(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{{"verify"}, {"backup", filepath.Join(t.TempDir(), "b.db")}} {
		_, _, err := c.run("", args...)
		if err == nil || !strings.Contains(err.Error(), "no database at") {
			t.Errorf("%v: %v", args, err)
		}
		if _, serr := os.Stat(c.db); !os.IsNotExist(serr) {
			t.Fatalf("%v created the database", args)
		}
	}
	if _, _, err := c.run("", "backup"); err == nil || !strings.Contains(err.Error(), "one FILE") {
		t.Errorf("backup without FILE: %v", err)
	}
}

func TestBackupCommandRestores(t *testing.T) {
	c, _ := reviewedCLI(t)
	want, _, err := c.run("", "verify")
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "backup.db")
	out, _, err := c.run("", "backup", dst)
	if err != nil || !strings.HasPrefix(out, "backup written: "+dst) || !strings.Contains(out, "3 history rows") {
		t.Fatalf("backup: %q %v", out, err)
	}
	if _, _, err := c.run("", "backup", dst); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second backup over the first: %v", err)
	}
	if _, _, err := c.run("", "backup", "--force", dst); err != nil {
		t.Fatalf("--force: %v", err)
	}
	// Restore: the copy is used as the database and verifies the same.
	// Checking it writes nothing to it: a checksum taken of the backup
	// still holds afterwards.
	sum := func() [32]byte {
		b, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(b)
	}
	before := sum()
	restored := &cli{t: t, db: dst}
	got, _, err := restored.run("", "verify")
	if err != nil || got != want {
		t.Fatalf("restored verify %q %v, want %q", got, err, want)
	}
	if sum() != before {
		t.Error("verify changed the backup's bytes")
	}
	exp1, _, _ := c.run("", "export", "--format", "jsonl", "--status", "unverified,confirmed,disputed")
	exp2, _, _ := restored.run("", "export", "--format", "jsonl", "--status", "unverified,confirmed,disputed")
	if exp1 == "" || exp1 != exp2 {
		t.Fatal("the restored export differs")
	}
}

func devNull(t *testing.T) *os.File {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// addReview records one more review of a claim through the store.
func addReview(t *testing.T, path string, claimID int64, to string) {
	t.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	u, _ := store.UserByName(ctx, "maria")
	cl, _ := store.Claim(ctx, claimID)
	if _, err := store.SetStatus(ctx, claimID, u.ID, cl.Version, to, "one more"); err != nil {
		t.Fatal(err)
	}
}

// A backup over the database itself, by another path, a symlink or a hard
// link, is refused and leaves the live file as it was: --force replaced it,
// and a running server went on writing to the removed file.
func TestBackupRefusesTheDatabaseItself(t *testing.T) {
	c, _ := reviewedCLI(t)
	before, err := os.Stat(c.db)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(c.db)
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(c.db, link); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.db")
	if err := os.Link(c.db, hard); err != nil {
		t.Fatal(err)
	}
	// The WAL is there while a store has the file open.
	store, err := db.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, dst := range []string{c.db, filepath.Join(dir, ".", "..", filepath.Base(dir), "cli.db"), link, hard, c.db + "-wal"} {
		for _, args := range [][]string{{"backup", "--force", dst}, {"backup", dst}} {
			out, _, err := c.run("", args...)
			if err == nil || !strings.Contains(err.Error(), "write the backup to another file") || out != "" {
				t.Errorf("%v: %q %v", args, out, err)
				continue
			}
			if code := exitCode(err, devNull(t)); code != 1 {
				t.Errorf("%v: exit status %d", args, code)
			}
		}
	}
	after, err := os.Stat(c.db)
	if err != nil || !os.SameFile(before, after) {
		t.Fatalf("the database file was replaced: %v", err)
	}
	if out, _, err := c.run("", "verify"); err != nil || !strings.HasPrefix(out, "OK") {
		t.Fatalf("verify after: %q %v", out, err)
	}
}
