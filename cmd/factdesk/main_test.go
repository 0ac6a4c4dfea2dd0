package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"factdesk/auth"
	"factdesk/db"
)

// cli runs the program in-process with the database in a temp folder.
type cli struct {
	t  *testing.T
	db string
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, db: filepath.Join(t.TempDir(), "cli.db")}
}

func (c *cli) run(stdin string, args ...string) (stdout, stderr string, err error) {
	c.t.Helper()
	var out, errb bytes.Buffer
	c.t.Setenv("FACTDESK_DB", c.db)
	err = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The text carries a BOM and CRLF line ends: offsets count code points in
// the stored text, where both are gone.
const cliArticle = "\ufeffCity budget passes\r\n\r\n“We will hire 200 teachers,” the mayor said on Monday — a pledge critics call vague.\r\n\r\nΗ πόλη ξόδεψε 3,5 εκατομμύρια ευρώ το 2023, σύμφωνα με την υπηρεσία.\r\n\r\nThe council approved the $1.2 billion budget by 9 votes to 2 on Dec. 5, officials said.\r\n"

func TestExtractJSONOffsets(t *testing.T) {
	c := newCLI(t)
	p := writeFile(t, "a.txt", cliArticle)
	out, _, err := c.run("", "extract", "--json", p)
	if err != nil {
		t.Fatal(err)
	}
	stored := strings.ReplaceAll(strings.TrimPrefix(cliArticle, "\ufeff"), "\r\n", "\n")
	runes := []rune(strings.TrimSpace(stored))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 {
		t.Fatalf("extract found %d claims:\n%s", len(lines), out)
	}
	for _, l := range lines {
		var cl struct {
			Start, End int
			Text       string
			Score      *float64
		}
		if err := json.Unmarshal([]byte(l), &cl); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if cl.Score == nil || cl.Start < 0 || cl.End > len(runes) || string(runes[cl.Start:cl.End]) != cl.Text {
			t.Errorf("claim %q at %d..%d does not match the stored text", cl.Text, cl.Start, cl.End)
		}
	}
	// The same file on stdin gives the same answer.
	out2, _, err := c.run(cliArticle, "extract", "--json", "-")
	if err != nil || out2 != out {
		t.Fatalf("stdin differs: %v", err)
	}
}

// extract takes --max-doc-mb as import does: its 5 MB limit could not be
// raised, nor lowered.
func TestExtractMaxDocMB(t *testing.T) {
	c := newCLI(t)
	line := "The council voted 31 to 4 on Tuesday to close the port, officials said.\n"
	big := writeFile(t, "big.txt", strings.Repeat(line, 5<<20/len(line)+1))
	if _, _, err := c.run("", "extract", big); err == nil || !strings.HasSuffix(err.Error(), "too large: the limit is 5 MB; raise it with --max-doc-mb") {
		t.Errorf("extract of more than 5 MB: %v", err)
	}
	if out, _, err := c.run("", "extract", "--max-doc-mb", "6", big); err != nil || !strings.HasPrefix(out, "0..71\t") {
		t.Errorf("extract --max-doc-mb 6: %.100q %v", out, err)
	}
	small := writeFile(t, "small.txt", strings.Repeat(line, 20))
	if _, _, err := c.run("", "extract", "--max-doc-mb", "0.001", small); err == nil || !strings.HasSuffix(err.Error(), "too large: the limit is 1.0 KB; raise it with --max-doc-mb") {
		t.Errorf("extract --max-doc-mb 0.001: %v", err)
	}
	for _, mb := range []string{"0", "2000", "NaN"} {
		_, _, err := c.run("", "extract", "--max-doc-mb", mb, small)
		if code := exitCode(err, io.Discard); code != 2 || !strings.Contains(err.Error(), "--max-doc-mb must be between 0.001 and 1024") {
			t.Errorf("extract --max-doc-mb %s: exit %d, %v", mb, code, err)
		}
	}
	// The flag reads the same in the help of every command that has it,
	// with its default.
	for _, cmd := range []string{"extract", "import", "serve"} {
		out, _, _ := c.run("", cmd, "-h")
		if !strings.Contains(out, "[--max-doc-mb N]") || !strings.Contains(out, "  -max-doc-mb MB\n    \tlargest document accepted, in MB (default 5)\n") {
			t.Errorf("%s -h: %q", cmd, out)
		}
	}
}

func TestImportExportAndUser(t *testing.T) {
	c := newCLI(t)
	out, _, err := c.run("a long enough password\n", "user", "add", "--role", "reviewer", "maria")
	if err != nil || !strings.Contains(out, "maria") {
		t.Fatalf("user add: %q %v", out, err)
	}
	// Named as it exists, as the users page and the API name it.
	if _, _, err := c.run("a long enough password\n", "user", "add", "MARIA"); err == nil || message(err) != `a user named "maria" exists already` {
		t.Fatalf("duplicate user: %v", err)
	}
	if _, _, err := c.run("short\n", "user", "add", "tom"); err == nil || !strings.Contains(err.Error(), "12") {
		t.Fatalf("short password: %v", err)
	}
	if _, _, err := c.run("a long enough password\n", "user", "add", "--role", "god", "tom"); err == nil {
		t.Fatal("unknown role accepted")
	}

	p := writeFile(t, "budget.txt", cliArticle)
	out, _, err = c.run("", "import", "--url", "https://example.org/budget", "--published", "2024-12-06", p)
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Split(strings.TrimSpace(out), "\t")
	if len(fields) != 3 || fields[0] != "1" || fields[1] != "City budget passes" || !strings.HasSuffix(fields[2], "claims") {
		t.Fatalf("import printed %q", out)
	}
	out, _, err = c.run("", "import", p)
	if err != nil || !strings.Contains(out, "exists already") || !strings.HasPrefix(out, "1\t") {
		t.Fatalf("reimport: %q %v", out, err)
	}

	// Review one claim through the store, then export it.
	ctx := context.Background()
	store, err := db.Open(ctx, c.db)
	if err != nil {
		t.Fatal(err)
	}
	claims, _ := store.DocumentClaims(ctx, 1)
	u, _ := store.UserByName(ctx, "maria")
	if _, err := store.SetStatus(ctx, claims[0].ID, u.ID, 1, "disputed", "=cmd|' /C calc'!A0"); err != nil {
		t.Fatal(err)
	}
	store.Close()

	out, _, err = c.run("", "export", "--format", "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &rec); err != nil {
		t.Fatalf("jsonl %q: %v", out, err)
	}
	hist := rec["history"].([]any)
	if rec["status"] != "disputed" || rec["document_url"] != "https://example.org/budget" || len(hist) != 1 ||
		hist[0].(map[string]any)["user"] != "maria" {
		t.Fatalf("record = %v", rec)
	}
	dst := filepath.Join(t.TempDir(), "out.csv")
	if _, _, err := c.run("", "export", "--format", "csv", "--status", "disputed,unverified", "--out", dst); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(dst)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != len(claims)+1 {
		t.Fatalf("csv rows = %d, %v", len(rows), err)
	}
	if h := rows[1][13]; !strings.Contains(h, "'=cmd") && !strings.HasPrefix(h, "[") {
		t.Fatalf("history cell %q", h)
	}
	out, _, _ = c.run("", "export", "--status", "unverified", "--format", "json")
	var arr []map[string]any
	if err := json.Unmarshal([]byte(out), &arr); err != nil || len(arr) != len(claims)-1 {
		t.Fatalf("json export: %d records, %v", len(arr), err)
	}
	// Nothing is assigned: all of them are no one's, none is maria's.
	for a, want := range map[string]int{"none": len(claims) - 1, "maria": 0} {
		out, _, err := c.run("", "export", "--status", "unverified", "--format", "jsonl", "--assignee", a)
		if n := strings.Count(out, "\n"); err != nil || n != want {
			t.Errorf("export --assignee %s: %d records, %v", a, n, err)
		}
	}
	if _, _, err := c.run("", "export", "--assignee", "ghost"); err == nil || !strings.Contains(err.Error(), "no user named") {
		t.Errorf("export --assignee ghost: %v", err)
	}
}

func TestErrorsAreOneLine(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	cases := []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"frobnicate"}, "", "unknown command"},
		{[]string{"import"}, "", "at least one FILE"},
		{[]string{"import", filepath.Join(dir, "missing.txt")}, "", "no such file"},
		{[]string{"import", writeFile(t, "empty.txt", "")}, "", "empty"},
		{[]string{"import", writeFile(t, "bad.txt", "caf\xe9")}, "", "UTF-8"},
		{[]string{"import", writeFile(t, "x.exe", "MZ\x90\x00")}, "", ".exe"},
		{[]string{"import", "--published", "yesterday", writeFile(t, "ok.txt", "Text 1.")}, "", "2024-12-31"},
		{[]string{"import", "--published", "2099-01-01", writeFile(t, "ok2.txt", "Text 1.")}, "", "in the future"},
		{[]string{"extract", "--json"}, "", "exactly one FILE"},
		{[]string{"export", "--format", "xml"}, "", "json, jsonl, csv"},
		{[]string{"export", "--status", "maybe"}, "", "unknown status"},
		{[]string{"export", "--format", "csv", "--document", "99999"}, "", "no document 99999"},
		{[]string{"user", "add"}, "", "one user name"},
		{[]string{"serve", "--addr", "256.0.0.1:99999"}, "", "--addr 256.0.0.1:99999: the port must be a number"},
		{[]string{"import", writeFile(t, "late.txt", "Text 1."), "--db", filepath.Join(dir, "other.db")}, "", "put flags before"},
		{[]string{"user", "add", "rob", "--role=admin"}, "", "put flags before"},
		// "--" as a flag's value does not end the flags.
		{[]string{"import", "--title", "--", writeFile(t, "dash.txt", "Text 1."), "--db", filepath.Join(dir, "other.db")}, "", "put flags before"},
		{[]string{"import", "--max-doc-mb", "-3", writeFile(t, "neg.txt", "Text 1.")}, "", "--max-doc-mb must be between 0.001 and 1024"},
		{[]string{"serve", "--max-doc-mb", "0"}, "", "--max-doc-mb must be between 0.001 and 1024"},
		{[]string{"serve", "--max-doc-mb", "NaN"}, "", "--max-doc-mb must be between 0.001 and 1024"},
	}
	for _, tc := range cases {
		out, errOut, err := c.run(tc.stdin, tc.args...)
		msg := errOut
		if err != nil && !errors.Is(err, errReported) {
			msg += err.Error()
		}
		if err == nil || !strings.Contains(msg, tc.want) {
			t.Errorf("%v: err %v, stderr %q, want %q", tc.args, err, errOut, tc.want)
		}
		if strings.Contains(msg, "goroutine") || strings.Contains(msg, "panic") || out != "" {
			t.Errorf("%v: stdout %q stderr %q", tc.args, out, errOut)
		}
		if err != nil && strings.Count(strings.TrimSpace(err.Error()), "\n") > 0 {
			t.Errorf("%v: message not one line: %q", tc.args, err)
		}
	}
}

func TestHelp(t *testing.T) {
	c := newCLI(t)
	out, _, err := c.run("", "help")
	if err != nil || !strings.Contains(out, "import") || !strings.Contains(out, "FACTDESK_DB") {
		t.Fatalf("help: %q %v", out, err)
	}
	// The general help names every flag of export, as export -h does.
	for _, f := range []string{"--assignee NAME|none", "--org-url U", "--max-doc-mb N] FILE..."} {
		if !strings.Contains(out, f) {
			t.Errorf("help leaves out %s:\n%s", f, out)
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if len(l) > 100 && !strings.HasPrefix(l, "           ") {
			t.Errorf("help line of %d characters: %q", len(l), l)
		}
	}
	// Help asked for goes to stdout with exit status 0, by -h, --help or
	// 'help COMMAND' alike.
	for _, cmd := range []string{"serve", "import", "extract", "export", "verify", "backup", "reextract", "demo"} {
		for _, args := range [][]string{{cmd, "-h"}, {cmd, "--help"}, {"help", cmd}} {
			out, errOut, err := c.run("", args...)
			if exitCode(err, io.Discard) != 0 || !strings.HasPrefix(out, "Usage: factdesk "+cmd+" ") || errOut != "" {
				t.Errorf("%v: %v stdout %q stderr %q", args, err, out, errOut)
			}
		}
	}
	for want, args := range map[string][]string{
		"user COMMAND": {"help", "user"}, "user add [": {"help", "user", "add"}, "token COMMAND": {"help", "token"},
		"token list --user": {"help", "token", "list"}, "user COMMAND ": {"user", "-h"}, "token COMMAND ": {"token", "--help"},
	} {
		out, errOut, err := c.run("", args...)
		if exitCode(err, io.Discard) != 0 || !strings.HasPrefix(out, "Usage: factdesk "+want) || errOut != "" {
			t.Errorf("%v: %v stdout %q stderr %q", args, err, out, errOut)
		}
	}
	if out, _, _ := c.run("", "help", "export"); !strings.Contains(out, "--assignee") || !strings.Contains(out, "-org-url") {
		t.Errorf("help export: %q", out)
	}
	// extract needs no database, and its help does not offer one.
	if out, _, _ := c.run("", "extract", "-h"); strings.Contains(out, "-db") {
		t.Errorf("extract -h: %q", out)
	}
	for _, args := range [][]string{{"help", "bogus"}, {"help", "export", "extra"}, {"help", "user", "bogus"}} {
		out, _, err := c.run("", args...)
		if exitCode(err, io.Discard) != 2 || out != "" {
			t.Errorf("%v: %v %q", args, err, out)
		}
	}
	if _, _, err := c.run("", "help", "bogus"); err == nil || !strings.Contains(err.Error(), `unknown command "bogus"`) {
		t.Errorf("help bogus: %v", err)
	}
	if _, err := os.Stat(c.db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("help made the database: %v", err)
	}
}

func TestUserCommands(t *testing.T) {
	c := newCLI(t)
	for _, a := range [][]string{
		{"a long enough password\n", "add", "--role", "admin", "ada"},
		{"a long enough password\n", "add", "--role", "editor", "ed"},
		{"a long enough password\n", "add", "rita"},
	} {
		if _, _, err := c.run(a[0], append([]string{"user"}, a[1:]...)...); err != nil {
			t.Fatalf("user %v: %v", a[1:], err)
		}
	}
	// A live session for rita, to see disable and passwd end it.
	ctx := context.Background()
	session := func(tok string) {
		s, err := db.Open(ctx, c.db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		u, _ := s.UserByName(ctx, "rita")
		if err := s.CreateSession(ctx, tok, u.ID, "{}", db.SessionTimeouts{Idle: time.Hour, Absolute: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	alive := func(tok string) bool {
		s, err := db.Open(ctx, c.db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		_, err = s.Session(ctx, tok)
		return err == nil
	}
	session("t1")
	out, _, err := c.run("", "user", "disable", "RITA")
	if err != nil || !strings.Contains(out, "rita is disabled") || alive("t1") {
		t.Fatalf("disable: %q %v (session alive %v)", out, err, alive("t1"))
	}
	out, _, err = c.run("", "user", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 4 || !strings.HasPrefix(lines[0], "NAME") ||
		!strings.Contains(lines[1], "ada") || !strings.Contains(lines[1], "admin") || !strings.Contains(lines[3], "disabled") {
		t.Fatalf("list: %q %v", out, err)
	}
	if out, _, err := c.run("", "user", "enable", "rita"); err != nil || !strings.Contains(out, "enabled") {
		t.Fatalf("enable: %q %v", out, err)
	}
	if out, _, err := c.run("", "user", "role", "rita", "editor"); err != nil || !strings.Contains(out, "role editor") {
		t.Fatalf("role: %q %v", out, err)
	}
	session("t2")
	if out, _, err := c.run("another long password\n", "user", "passwd", "rita"); err != nil || !strings.Contains(out, "new password") || alive("t2") {
		t.Fatalf("passwd: %q %v", out, err)
	}
	s, _ := db.Open(ctx, c.db)
	u, _ := s.UserByName(ctx, "rita")
	s.Close()
	if !auth.CheckPassword(u.PasswordHash, "another long password") || u.Role != "editor" || u.Disabled {
		t.Fatalf("rita = %+v", u)
	}
	// Mistakes: one line, exit status 1 or 2, nothing changed.
	bad := []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"user", "role", "rita", "god"}, "", "unknown role"},
		{[]string{"user", "role", "rita"}, "", "a user name and a role"},
		{[]string{"user", "role", "nobody", "viewer"}, "", "no user named"},
		{[]string{"user", "role", "ada", "viewer"}, "", "only admin"},
		{[]string{"user", "disable", "ada"}, "", "only admin"},
		{[]string{"user", "passwd", "rita"}, "short\n", "12"},
		{[]string{"user", "passwd"}, "", "one user name"},
		{[]string{"user", "enable", "nobody"}, "", "no user named"},
		{[]string{"user", "list", "extra"}, "", "no arguments"},
		{[]string{"user", "delete", "rita"}, "", "unknown user subcommand"},
		{[]string{"user"}, "", "subcommand"},
	}
	for _, tc := range bad {
		out, _, err := c.run(tc.stdin, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || out != "" || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v (stdout %q), want %q", tc.args, err, out, tc.want)
		}
		if strings.Contains(err.Error(), "invalid input") {
			t.Errorf("%v: internal wording in %q", tc.args, err)
		}
	}
	s, _ = db.Open(ctx, c.db)
	defer s.Close()
	if u, _ := s.UserByName(ctx, "ada"); u.Role != "admin" || u.Disabled {
		t.Fatalf("a refused command changed ada: %+v", u)
	}
	for _, sub := range []string{"add", "list", "role", "passwd", "disable", "enable"} {
		out, _, err := c.run("", "user", sub, "-h")
		if !errors.Is(err, errHelp) || !strings.Contains(out, "Usage: factdesk user "+sub) {
			t.Errorf("user %s -h: %v %q", sub, err, out)
		}
	}
}

// A flag after a file name is refused before any database is opened:
// taken as a file name, it left the import to the default database.
func TestFlagAfterFileWritesNothing(t *testing.T) {
	c := newCLI(t)
	other := filepath.Join(t.TempDir(), "other.db")
	_, _, err := c.run("", "import", writeFile(t, "a.txt", "The council voted 31 to 4 on Tuesday, officials said."), "--db", other)
	if err == nil || !strings.Contains(err.Error(), "--db comes after") {
		t.Fatalf("err %v", err)
	}
	for _, p := range []string{c.db, other} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was made: %v", p, err)
		}
	}
	// After "--" a name that looks like a flag is a file name.
	if _, errOut, err := c.run("", "import", "--", "--db"); err == nil || !strings.Contains(errOut+err.Error(), "--db") || strings.Contains(err.Error(), "comes after") {
		t.Errorf("import -- --db: %v %q", err, errOut)
	}
}

// What the command prints is a sentence for people: the "invalid input"
// category that the web app turns into a status code is left out.
func TestExitMessage(t *testing.T) {
	var b bytes.Buffer
	err := fmt.Errorf("a.txt: %w: the title holds control characters; use plain text", db.ErrInvalid)
	if code := exitCode(err, &b); code != 1 || b.String() != "factdesk: a.txt: the title holds control characters; use plain text\n" {
		t.Errorf("exit %d, printed %q", code, b.String())
	}
	b.Reset()
	if code := exitCode(usageError{msg: "import needs at least one FILE"}, &b); code != 2 || !strings.HasPrefix(b.String(), "factdesk: import needs at least one FILE") {
		t.Errorf("usage: exit %d, printed %q", code, b.String())
	}
}

// Commands that work on what a database holds refuse a missing one and make
// no file: a mistyped --db printed an empty user list and left a new
// database behind. The commands that make a database still do.
func TestMissingDatabaseIsNotCreated(t *testing.T) {
	c := newCLI(t)
	claims := writeFile(t, "claims.jsonl", `{"text": "The council voted 31 to 4"}`)
	for _, tc := range []struct {
		stdin string
		args  []string
	}{
		{"", []string{"user", "list"}},
		{"", []string{"user", "role", "ada", "viewer"}},
		{"a long enough password\n", []string{"user", "passwd", "ada"}},
		{"", []string{"user", "disable", "ada"}},
		{"", []string{"user", "enable", "ada"}},
		{"", []string{"token", "create", "--user", "ada", "scripts"}},
		{"", []string{"token", "list", "--user", "ada"}},
		{"", []string{"token", "revoke", "--user", "ada", "1"}},
		{"", []string{"reextract"}},
		{"", []string{"import", "--claims", claims, "--user", "ada", "1"}},
		{"", []string{"export"}},
		{"", []string{"verify"}},
	} {
		out, _, err := c.run(tc.stdin, tc.args...)
		if err == nil || err.Error() != "no database at "+c.db || out != "" {
			t.Errorf("%v: %q %v", tc.args, out, err)
		}
		if _, err := os.Stat(c.db); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%v made the database: %v", tc.args, err)
		}
	}
	dir := t.TempDir()
	if _, _, err := c.run("", "user", "list", "--db", dir); err == nil || err.Error() != dir+" is a folder, not a database file" {
		t.Errorf("user list --db DIR: %v", err)
	}
	// An empty file, such as a copy that failed, is no desk: verify must not
	// pass it as an intact empty one, nor any command fill it with tables.
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"verify"}, {"export"}, {"reextract"}, {"user", "list"}} {
		out, _, err := c.run("", append(args, "--db", empty)...)
		if err == nil || err.Error() != empty+" is empty, not a factdesk database" || out != "" {
			t.Errorf("%v on an empty file: %q %v", args, out, err)
		}
		if st, err := os.Stat(empty); err != nil || st.Size() != 0 {
			t.Fatalf("%v wrote to the empty file: %v", args, err)
		}
	}
	if _, _, err := c.run("a long enough password\n", "user", "add", "ada"); err != nil {
		t.Fatalf("user add on a new database: %v", err)
	}
	if out, _, err := c.run("", "user", "list"); err != nil || !strings.Contains(out, "ada") {
		t.Fatalf("user list: %q %v", out, err)
	}
}

// serve on an address that is not this machine's says so in plain words,
// and makes no database.
func TestServeOnAForeignAddressSaysSo(t *testing.T) {
	c := newCLI(t)
	addr := "203.0.113.5:8080" // TEST-NET-3: no machine's own
	out, _, err := c.run("", "serve", "--addr", addr)
	if err == nil || err.Error() != "cannot listen on "+addr+": that is not an address of this machine; give one of its own, such as 127.0.0.1:8080, or 0.0.0.0:8080 for all of them" || out != "" {
		t.Fatalf("serve on a foreign address: %q %v", out, err)
	}
	if _, err := os.Stat(c.db); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the database was made: %v", err)
	}
}

// serve on a busy port fails before it opens the database, so a failed
// start leaves no new file.
func TestServeOnBusyPortMakesNoDatabase(t *testing.T) {
	c := newCLI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	out, _, err := c.run("", "serve", "--addr", addr)
	if err == nil || !strings.Contains(err.Error(), "cannot listen on "+addr+": another program") || out != "" {
		t.Fatalf("serve on a busy port: %q %v", out, err)
	}
	if _, err := os.Stat(c.db); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the database was made: %v", err)
	}
}

// A malformed listen address is a wrong command line, found before the
// database is opened: it was a failure to listen, in Go's words, with exit
// status 1.
func TestServeMalformedAddr(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		addr, env, want string
	}{
		{"bogus", "", "factdesk: --addr bogus: give a host and port, such as 127.0.0.1:8080 (see 'factdesk help serve')\n"},
		{"127.0.0.1", "", "factdesk: --addr 127.0.0.1: give a host and port, such as 127.0.0.1:8080 (see 'factdesk help serve')\n"},
		{"127.0.0.1:", "", "factdesk: --addr 127.0.0.1:: give a host and port, such as 127.0.0.1:8080 (see 'factdesk help serve')\n"},
		{"::1:8080", "", "factdesk: --addr ::1:8080: give a host and port, such as 127.0.0.1:8080 (see 'factdesk help serve')\n"},
		{"127.0.0.1:80800", "", "factdesk: --addr 127.0.0.1:80800: the port must be a number from 0 to 65535, such as 127.0.0.1:8080 (see 'factdesk help serve')\n"},
		{"", "localhost", "factdesk: $FACTDESK_ADDR localhost: give a host and port, such as 127.0.0.1:8080 (see 'factdesk help serve')\n"},
	} {
		t.Setenv("FACTDESK_ADDR", tc.env)
		args := []string{"serve", "--db", c.db}
		if tc.addr != "" {
			args = append(args, "--addr", tc.addr)
		}
		// Some of these would serve, on a port picked at random: stop them.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		var out, errOut, b bytes.Buffer
		err := run(ctx, args, strings.NewReader(""), &out, &errOut)
		cancel()
		if code := exitCode(err, &b); code != 2 || out.String() != "" || errOut.String()+b.String() != tc.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q, want %q", args, code, out.String(), errOut.String()+b.String(), tc.want)
		}
		if _, err := os.Stat(c.db); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%v made the database: %v", args, err)
		}
	}
}

// A mistake in the flags is one line on stderr that names it and points to
// the command's help, as the README promises: Go's flag package printed
// its error, the whole usage, then the error again.
func TestFlagMistakesAreOneLine(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--bogus"}, "factdesk: unknown flag --bogus (see 'factdesk help export')\n"},
		{[]string{"export", "-bogus=1"}, "factdesk: unknown flag --bogus (see 'factdesk help export')\n"},
		{[]string{"export", "--out"}, "factdesk: --out needs a value (see 'factdesk help export')\n"},
		{[]string{"export", "--document", "x"}, "factdesk: --document takes a whole number, not \"x\" (see 'factdesk help export')\n"},
		{[]string{"serve", "--session-idle", "5"}, "factdesk: --session-idle takes a length of time such as 90s, 30m or 12h, not \"5\" (see 'factdesk help serve')\n"},
		{[]string{"extract", "--json=maybe", "a.txt"}, "factdesk: --json takes true or false, not \"maybe\" (see 'factdesk help extract')\n"},
		{[]string{"extract", "--db", "x.db", "a.txt"}, "factdesk: unknown flag --db (see 'factdesk help extract')\n"},
		{[]string{"user", "add", "--bogus", "rob"}, "factdesk: unknown flag --bogus (see 'factdesk help user add')\n"},
		{[]string{"user"}, "factdesk: user needs a subcommand: add, list, role, passwd, disable or enable (see 'factdesk help user')\n"},
		{[]string{"token"}, "factdesk: token needs a subcommand: create, list or revoke (see 'factdesk help token')\n"},
		{[]string{"export", "extra"}, "factdesk: export takes no arguments, got \"extra\" (see 'factdesk help export')\n"},
		{[]string{"frobnicate"}, "factdesk: unknown command \"frobnicate\" (see 'factdesk help')\n"},
	} {
		out, errOut, err := c.run("", tc.args...)
		var b bytes.Buffer
		code := exitCode(err, &b)
		if code != 2 || out != "" || errOut+b.String() != tc.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q, want %q", tc.args, code, out, errOut+b.String(), tc.want)
		}
	}
}

// export --out - writes to standard output, as - means for every file the
// commands take; it made a file named "-". A folder as --out is named as
// one, not reported as a failed rename.
func TestExportOutDashAndFolder(t *testing.T) {
	c, _ := reviewedCLI(t)
	want, _, err := c.run("", "export", "--format", "jsonl")
	if err != nil || want == "" {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	out, _, err := c.run("", "export", "--format", "jsonl", "--out", "-")
	if err != nil || out != want {
		t.Errorf("--out -: %q %v, want %q", out, err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "-")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file named - was made: %v", err)
	}
	out, _, err = c.run("", "export", "--out", dir)
	if err == nil || err.Error() != dir+" is a folder: give --out the name of a file to write" || out != "" {
		t.Errorf("--out DIR: %q %v", out, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left in the folder: %v", entries)
	}
}

// extract and import --claims write a span the same way, START..END: extract
// wrote 29-106 where import --claims wrote 127..138.
func TestSpansWrittenAlike(t *testing.T) {
	c := newCLI(t)
	p := writeFile(t, "one.txt", "The council voted 31 to 4 on Tuesday to close the port, officials said.\n")
	out, _, err := c.run("", "extract", p)
	if err != nil || !strings.HasPrefix(out, "0..71\t") {
		t.Fatalf("extract: %q %v", out, err)
	}
	if _, _, err := c.run("", "import", "--no-extract", p); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.run("a long enough password\n", "user", "add", "maria"); err != nil {
		t.Fatal(err)
	}
	out, _, err = c.run(`{"start": 0, "end": 71}`, "import", "--claims", "-", "--user", "maria", "1")
	if err != nil || !strings.HasPrefix(out, "0\tcreated\t") || !strings.Contains(out, "\t0..71\t") {
		t.Fatalf("import --claims: %q %v", out, err)
	}
}

// extract's plain output is one line of four tab-separated fields per
// claim, whatever the claim holds: a tab or a line break inside a claim is
// written escaped, as is a backslash.
func TestExtractLinesEscapeTabsAndBreaks(t *testing.T) {
	c := newCLI(t)
	p := writeFile(t, "a.html", "<html><head><title>Port</title></head><body><pre>The port took 3,000 ships\tin 2021,\n the authority said.</pre>"+
		`<p>Fees rose 9% to C:\ports in 2022, the authority said.</p></body></html>`)
	out, _, err := c.run("", "extract", p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), out)
	}
	for _, l := range lines {
		if f := strings.Split(l, "\t"); len(f) != 4 {
			t.Errorf("%d fields in %q", len(f), l)
		}
	}
	if !strings.Contains(lines[0], `3,000 ships\tin 2021,\n the authority`) || !strings.Contains(lines[1], `C:\\ports`) {
		t.Errorf("escapes:\n%s", out)
	}
}
