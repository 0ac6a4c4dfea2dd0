//go:build unix

package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// readOnlyDir is a folder, and files in it, that the user running
// asReader may read but not write, as backups on read-only storage are.
type readOnlyDir struct {
	t    *testing.T
	dir  string
	bin  string
	user *syscall.Credential // nil: the tests' own user, who is not root
}

// newReadOnlyDir copies the named database files into a new folder that
// is made read-only once they are in. Root may write anything, so when the
// tests run as root the binary runs as nobody; all the folders on the way
// are then opened to everyone.
func newReadOnlyDir(t *testing.T, files map[string]string) *readOnlyDir {
	t.Helper()
	base, err := os.MkdirTemp("", "factdesk-ro-")
	if err != nil {
		t.Fatal(err)
	}
	r := &readOnlyDir{t: t, dir: filepath.Join(base, "backups"), bin: filepath.Join(base, "factdesk")}
	t.Cleanup(func() {
		os.Chmod(r.dir, 0o755)
		os.RemoveAll(base)
	})
	if os.Geteuid() == 0 {
		r.user = &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}}
	}
	copyFile(t, binary(t), r.bin, 0o755)
	if err := os.Mkdir(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, from := range files {
		copyFile(t, from, filepath.Join(r.dir, name), 0o444)
	}
	for _, p := range []string{base, r.dir} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(r.dir, 0o555); err != nil {
		t.Fatal(err)
	}
	return r
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(to, mode); err != nil {
		t.Fatal(err)
	}
}

// run runs the binary on the database name in the folder ($FACTDESK_DB).
func (r *readOnlyDir) run(name string, args ...string) (stdout, stderr string, err error) {
	r.t.Helper()
	cmd := exec.Command(r.bin, args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "FACTDESK_DB=" + filepath.Join(r.dir, name)}
	cmd.Dir = r.dir
	if r.user != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: r.user}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		r.t.Skipf("cannot run factdesk as another user: %v", err)
	}
	return out.String(), errb.String(), err
}

// snapshot lists the folder's files with their contents.
func (r *readOnlyDir) snapshot() map[string]string {
	r.t.Helper()
	m := map[string]string{}
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(r.dir, e.Name()))
		m[e.Name()] = string(b)
	}
	return m
}

// A backup on read-only storage verifies and exports, as the README's
// restore asks, and stays as it was: both failed with "attempt to write a
// readonly database (1544)", since opening wrote to it.
func TestReadOnlyDatabaseVerifiesAndExports(t *testing.T) {
	c, _ := reviewedCLI(t)
	wantVerify, _, err := c.run("", "verify")
	if err != nil {
		t.Fatal(err)
	}
	wantExport, _, err := c.run("", "export", "--format", "jsonl", "--status", "unverified,confirmed,disputed")
	if err != nil || wantExport == "" {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, _, err := c.run("", "backup", backup); err != nil {
		t.Fatal(err)
	}
	// A database one migration behind, as an earlier version left it.
	old := filepath.Join(t.TempDir(), "old.db")
	if _, _, err := c.run("", "backup", old); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE name = (SELECT max(name) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	// The backup (rollback journal) and the live file itself (WAL), closed.
	r := newReadOnlyDir(t, map[string]string{"backup.db": backup, "live.db": c.db, "old.db": old})
	if err := os.WriteFile(r.dir+"-unreadable.db", nil, 0o000); err != nil {
		t.Fatal(err)
	}
	before := r.snapshot()
	for _, name := range []string{"backup.db", "live.db"} {
		out, errOut, err := r.run(name, "verify")
		if err != nil || out != wantVerify {
			t.Errorf("verify %s: %q %q %v, want %q", name, out, errOut, err, wantVerify)
		}
		out, errOut, err = r.run(name, "export", "--format", "jsonl", "--status", "unverified,confirmed,disputed")
		if err != nil || out != wantExport {
			t.Errorf("export %s: %q %v", name, errOut, err)
		}
	}
	if after := r.snapshot(); !equalFiles(before, after) {
		t.Errorf("reading changed the folder: %d files before, %d after", len(before), len(after))
	}

	// What cannot be read is said in plain words, with what to do.
	for _, tc := range []struct{ name, want string }{
		{"old.db", "old.db was made by an earlier version of factdesk and must be updated before this version can read it, which needs write access: " +
			"copy it to a folder you can write to and run the command on the copy"},
		{"../backups-unreadable.db", "cannot read the database " + r.dir + "-unreadable.db: permission denied"},
	} {
		for _, cmd := range []string{"verify", "export"} {
			_, errOut, err := r.run(tc.name, cmd)
			if err == nil || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
				t.Errorf("%s %s: %v %q, want %q", cmd, tc.name, err, errOut, tc.want)
			}
		}
	}
	if r.user == nil {
		return
	}
	// A command that writes says why it cannot.
	_, errOut, err := r.run("backup.db", "user", "disable", "maria")
	if err == nil || errOut != "factdesk: cannot write to the database "+filepath.Join(r.dir, "backup.db")+": it or its folder is read-only\n" {
		t.Errorf("user disable: %v %q", err, errOut)
	}
}

func equalFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// SQLite's own words for a failed open ("unable to open database file
// (14)") do not reach the user.
func TestOpenErrorsInPlainWords(t *testing.T) {
	dir := t.TempDir()
	notDB := writeFile(t, "notes.db", strings.Repeat("not a database at all\n", 100))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "no", "x.db")},
			"cannot open the database " + filepath.Join(dir, "no", "x.db") + ": there is no folder " + filepath.Join(dir, "no")},
		{[]string{"verify", "--db", notDB}, notDB + " is not a factdesk database"},
		{[]string{"user", "list", "--db", notDB}, notDB + " is not a factdesk database"},
	} {
		err := run(context.Background(), tc.args, strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || message(err) != tc.want {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}
