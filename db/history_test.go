package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"factdesk/extract"
)

// reviewed opens a store with one document of three claims and some history:
// claim 1 confirmed then disputed, claim 2 confirmed, claim 3 untouched.
func reviewed(t *testing.T) (*Store, []Claim) {
	t.Helper()
	s := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "ann", "reviewer")
	docID, _, err := s.createDocument(ctx, NewDocument{Title: "T", Body: testBody}, []extract.Claim{
		claimAt(t, testBody, "“Prices rose 3.5% in May,” the minister said — officials disagree."),
		claimAt(t, testBody, "В Москве 10,000 человек вышли на улицы."),
		claimAt(t, testBody, "東京の人口は1400万人です。"),
	})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.DocumentClaims(ctx, docID)
	if err != nil || len(cs) != 3 {
		t.Fatalf("claims: %d %v", len(cs), err)
	}
	steps := []struct {
		claim    int
		to, note string
	}{{0, StatusConfirmed, "two sources"}, {1, StatusConfirmed, ""}, {0, StatusDisputed, "the ministry corrected it"}}
	for _, st := range steps {
		c, _ := s.Claim(ctx, cs[st.claim].ID)
		if _, err := s.SetStatus(ctx, c.ID, u.ID, c.Version, st.to, st.note); err != nil {
			t.Fatal(err)
		}
	}
	return s, cs
}

// tamper runs SQL behind the app's back, with the append-only triggers gone.
func tamper(t *testing.T, s *Store, stmts ...string) {
	t.Helper()
	all := append([]string{
		`DROP TRIGGER IF EXISTS status_history_no_update`,
		`DROP TRIGGER IF EXISTS status_history_no_delete`,
		`DROP TRIGGER IF EXISTS status_history_chain_insert`,
	}, stmts...)
	for _, q := range all {
		if _, err := s.w.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func chainErr(t *testing.T, err error) *ChainError {
	t.Helper()
	var ce *ChainError
	if !errors.As(err, &ce) {
		t.Fatalf("want a *ChainError, got %v", err)
	}
	return ce
}

func TestHistoryChainVerifies(t *testing.T) {
	s, cs := reviewed(t)
	ctx := context.Background()
	rep, err := s.VerifyHistory(ctx)
	if err != nil || rep.Rows != 3 || rep.Claims != 3 {
		t.Fatalf("VerifyHistory = %+v, %v", rep, err)
	}
	var prev, head string
	rows, _ := s.r.Query(`SELECT prev_hash, hash FROM status_history ORDER BY id`)
	for rows.Next() {
		var p, h string
		rows.Scan(&p, &h)
		if p != prev || len(h) != 64 {
			t.Fatalf("row links to %q after %q, hash %q", p, prev, h)
		}
		prev, head = h, h
	}
	rows.Close()
	if rep.Head != head {
		t.Fatalf("head %q, last row %q", rep.Head, head)
	}
	for i, want := range []int{2, 1, 0} {
		if n, err := s.VerifyClaimHistory(ctx, cs[i].ID); err != nil || n != want {
			t.Errorf("claim %d: %d rows, %v", cs[i].ID, n, err)
		}
	}
	if _, err := s.VerifyClaimHistory(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown claim: %v", err)
	}
}

// The database itself refuses edits, deletes and rows that skip the chain.
func TestHistoryTriggersGuardTheChain(t *testing.T) {
	s, cs := reviewed(t)
	for _, q := range []string{
		`UPDATE status_history SET note = 'rewritten' WHERE id = 1`,
		`UPDATE status_history SET hash = '` + strings.Repeat("0", 64) + `' WHERE id = 1`,
		`DELETE FROM status_history WHERE id = 3`,
		// no hash
		`INSERT INTO status_history (id, claim_id, from_status, to_status, user_id, note, created_at) VALUES (4, 1, 'disputed', 'confirmed', 1, '', 'x')`,
		// links to the wrong row
		`INSERT INTO status_history (id, claim_id, from_status, to_status, user_id, note, created_at, prev_hash, hash)
			VALUES (4, 1, 'disputed', 'confirmed', 1, '', 'x', '', '` + strings.Repeat("a", 64) + `')`,
		// reuses an id below the last
		`INSERT INTO status_history (id, claim_id, from_status, to_status, user_id, note, created_at, prev_hash, hash)
			VALUES (0, 1, 'disputed', 'confirmed', 1, '', 'x', (SELECT hash FROM status_history WHERE id = 3), '` + strings.Repeat("a", 64) + `')`,
	} {
		if _, err := s.w.Exec(q); err == nil {
			t.Errorf("allowed: %s", q)
		}
	}
	if rep, err := s.VerifyHistory(context.Background()); err != nil || rep.Rows != 3 {
		t.Fatalf("after refused writes: %+v %v", rep, err)
	}
	if n, err := s.VerifyClaimHistory(context.Background(), cs[0].ID); err != nil || n != 2 {
		t.Fatalf("claim after refused writes: %d %v", n, err)
	}
}

// Editing a row behind the app's back is found, and the row named.
func TestVerifyNamesTheTamperedRow(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		sql     []string
		row     int64 // 0: a claim is at fault
		claim   int   // index into the claims
		problem string
		pageRow int64 // the row the claim page names, when not row
	}{
		{"note edited", []string{`UPDATE status_history SET note = 'one source' WHERE id = 1`}, 1, 0, "content does not match", 0},
		{"verdict edited", []string{`UPDATE status_history SET to_status = 'confirmed' WHERE id = 3`}, 3, 0, "content does not match", 0},
		{"reviewer swapped", []string{`INSERT INTO users (username, password_hash, role, created_at) VALUES ('eve', 'h', 'admin', 'x')`,
			`UPDATE status_history SET user_id = (SELECT id FROM users WHERE username = 'eve') WHERE id = 2`}, 2, 1, "content does not match", 0},
		{"time edited", []string{`UPDATE status_history SET created_at = '2020-01-01T00:00:00.000Z' WHERE id = 2`}, 2, 1, "content does not match", 0},
		{"row removed", []string{`DELETE FROM status_history WHERE id = 2`}, 3, 0, "does not link to row 1", 1},
		{"first row removed", []string{`DELETE FROM status_history WHERE id = 1`}, 2, 1, "does not link to the start", 0},
		{"claim status edited", []string{`UPDATE claims SET status = 'confirmed' WHERE id = (SELECT min(id) FROM claims)`}, 0, 0, "its status is confirmed, but its history leaves it disputed", 0},
		{"untouched claim edited", []string{`UPDATE claims SET status = 'disputed' WHERE id = (SELECT max(id) FROM claims)`}, 0, 2, "its history leaves it unverified", 0},
		{"claim dismissed unrecorded", []string{`UPDATE claims SET dismissed = 1, dismiss_reason = 'x' WHERE id = (SELECT max(id) FROM claims)`}, 0, 2, "it is dismissed, but its history does not dismiss it", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, cs := reviewed(t)
			tamper(t, s, tc.sql...)
			_, err := s.VerifyHistory(ctx)
			ce := chainErr(t, err)
			if ce.RowID != tc.row || ce.ClaimID != cs[tc.claim].ID || !strings.Contains(ce.Problem, tc.problem) {
				t.Fatalf("got %v; want row %d claim %d %q", ce, tc.row, cs[tc.claim].ID, tc.problem)
			}
			// The claim page's cheap check sees it too.
			_, err = s.VerifyClaimHistory(ctx, cs[tc.claim].ID)
			want := tc.row
			if tc.pageRow != 0 {
				want = tc.pageRow
			}
			if ce := chainErr(t, err); ce.RowID != want {
				t.Fatalf("claim check: %v, want row %d", ce, want)
			}
			// The page still shows the whole history beside the problem,
			// the rows History lists.
			shown, _, err := s.ClaimHistory(ctx, cs[tc.claim].ID)
			if ce := chainErr(t, err); ce.RowID != want {
				t.Fatalf("claim page check: %v, want row %d", ce, want)
			}
			listed, err := s.History(ctx, cs[tc.claim].ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(shown, listed) {
				t.Fatalf("claim page history %+v\nHistory %+v", shown, listed)
			}
		})
	}
}

// A dismissal is a history row: a claim put back in the queue by hand,
// beside its history, is caught by verify and by the claim page.
func TestVerifyCatchesAnUndoneDismissal(t *testing.T) {
	ctx := context.Background()
	s, cs := reviewed(t)
	c, err := s.Claim(ctx, cs[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UserByName(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Dismiss(ctx, c.ID, u.ID, c.Version, "a caption"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyHistory(ctx); err != nil {
		t.Fatalf("before: %v", err)
	}
	tamper(t, s, `UPDATE claims SET dismissed = 0, dismiss_reason = '' WHERE id = `+strconv.FormatInt(c.ID, 10))
	for _, err := range []error{func() error { _, err := s.VerifyHistory(ctx); return err }(),
		func() error { _, _, err := s.ClaimHistory(ctx, c.ID); return err }()} {
		if ce := chainErr(t, err); ce.ClaimID != c.ID || !strings.Contains(ce.Problem, "in the queue, but its history leaves it dismissed") {
			t.Fatalf("got %v", ce)
		}
	}
}

// A claim's words or place changed outside factdesk are caught by verify:
// its verdict would stand for a sentence the article does not hold.
func TestVerifyCatchesChangedClaimText(t *testing.T) {
	ctx := context.Background()
	for _, q := range []string{
		`UPDATE claims SET text = 'at most 1,000 troops' WHERE id = %d`,
		`UPDATE claims SET start = start + 1 WHERE id = %d`,
		`UPDATE claims SET "end" = 100000 WHERE id = %d`,
	} {
		s, cs := reviewed(t)
		if _, err := s.VerifyHistory(ctx); err != nil {
			t.Fatalf("before: %v", err)
		}
		tamper(t, s, fmt.Sprintf(q, cs[1].ID))
		_, err := s.VerifyHistory(ctx)
		if ce := chainErr(t, err); ce.ClaimID != cs[1].ID || !strings.Contains(ce.Problem, "its text is not the article's text at its place") {
			t.Fatalf("%s: got %v", q, ce)
		}
	}
}

// A row rewritten with its hash recomputed still breaks the link from the
// row after it; the claim check of the rewritten row's claim sees it.
func TestVerifyCatchesRecomputedHash(t *testing.T) {
	ctx := context.Background()
	s, cs := reviewed(t)
	var r chainRow
	if err := s.r.QueryRow(`SELECT ` + chainCols() + ` FROM status_history h WHERE id = 2`).Scan(r.dest()...); err != nil {
		t.Fatal(err)
	}
	r.To, r.Note = StatusDisputed, "rewritten"
	tamper(t, s, `UPDATE status_history SET to_status = 'disputed', note = 'rewritten', hash = '`+chainHash(r)+`' WHERE id = 2`,
		`UPDATE claims SET status = 'disputed' WHERE id = `+itoa(cs[1].ID))
	ce := chainErr(t, errOnly(s.VerifyHistory(ctx)))
	if ce.RowID != 3 || !strings.Contains(ce.Problem, "row 2") {
		t.Fatalf("VerifyHistory: %v", ce)
	}
	ce = chainErr(t, errOnly(s.VerifyClaimHistory(ctx, cs[1].ID)))
	if ce.RowID != 2 || !strings.Contains(ce.Problem, "row after it") {
		t.Fatalf("VerifyClaimHistory: %v", ce)
	}
}

func errOnly[T any](_ T, err error) error { return err }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The encoding is pinned: changing it would break every stored chain.
func TestChainHashEncodingIsFixed(t *testing.T) {
	r := chainRow{ID: 7, ClaimID: 3, From: "unverified", To: "disputed", UserID: 2, Note: "“two” sources — ok",
		CreatedAt: "2026-01-02T03:04:05.000Z", PrevHash: strings.Repeat("ab", 32)}
	// Computed independently from the documented encoding (Python hashlib).
	const want = "1c8eaecc602d6f7d2dabbe82fc5686b0bd4df9c611eb0a57b658daddf2f461b4"
	if got := chainHash(r); got != want {
		t.Fatalf("chainHash = %s, want %s", got, want)
	}
	// Length prefixes keep field boundaries: moving a byte between fields changes the hash.
	a, b := r, r
	a.From, a.To = "ab", "c"
	b.From, b.To = "a", "bc"
	if chainHash(a) == chainHash(b) {
		t.Fatal("field boundaries are ambiguous")
	}
}

// A column added later joins the hash only when it differs from its
// default: old rows keep verifying, and the new column is covered.
func TestLaterColumnJoinsTheHashOnlyWhenSet(t *testing.T) {
	ctx := context.Background()
	s, cs := reviewed(t)
	saved := laterColumns
	t.Cleanup(func() { laterColumns = saved })
	if _, err := s.w.Exec(`ALTER TABLE status_history ADD COLUMN reason TEXT NOT NULL DEFAULT ''`); err != nil {
		t.Fatal(err)
	}
	laterColumns = []laterColumn{{Name: "reason", Default: ""}}
	if _, err := s.VerifyHistory(ctx); err != nil {
		t.Fatalf("old rows after the column was added: %v", err)
	}
	var id int64
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		id, err = appendHistory(ctx, tx, historyRecord{ClaimID: cs[2].ID, From: StatusUnverified, To: StatusUnverified, UserID: 1,
			Note: "checked", CreatedAt: formatTime(time.Now()), Later: map[string]string{"reason": "source retracted"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyHistory(ctx); err != nil {
		t.Fatalf("with a set later column: %v", err)
	}
	var r chainRow
	s.r.QueryRow(`SELECT `+chainCols()+` FROM status_history h WHERE id = ?`, id).Scan(r.dest()...)
	if r.Later[0] != "source retracted" {
		t.Fatalf("reason = %q", r.Later[0])
	}
	r.Later[0] = ""
	if chainHash(r) == r.Hash {
		t.Fatal("the later column is not in the hash")
	}
	tamper(t, s, `UPDATE status_history SET reason = 'x' WHERE id = 1`)
	if ce := chainErr(t, errOnly(s.VerifyHistory(ctx))); ce.RowID != 1 {
		t.Fatalf("tampered later column: %v", ce)
	}
}

// A database from before the chain gets its history sealed on open, once,
// and the sealed rows then refuse every change.
func TestOldHistoryIsSealedOnOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		t.Fatal(err)
	}
	init, _ := migrations.ReadFile("migrations/0001_init.sql")
	for _, q := range []string{
		`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`,
		string(init),
		`INSERT INTO schema_migrations VALUES ('0001_init.sql', 'x')`,
		`INSERT INTO users (id, username, password_hash, role, created_at) VALUES (1, 'ann', 'h', 'reviewer', 'x')`,
		`INSERT INTO documents (id, title, body, sha256, created_at) VALUES (1, 'T', 'The port moved 10,000 boxes.', 'x', 'x')`,
		`INSERT INTO claims (id, document_id, start, "end", text, status, version, created_at, updated_at)
			VALUES (1, 1, 0, 28, 'The port moved 10,000 boxes.', 'disputed', 3, 'x', 'x')`,
		`INSERT INTO status_history (claim_id, from_status, to_status, user_id, note, created_at) VALUES
			(1, 'unverified', 'confirmed', 1, 'a', '2025-01-01T00:00:00.000Z'),
			(1, 'confirmed', 'disputed', 1, 'b', '2025-01-02T00:00:00.000Z')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	raw.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := s.VerifyHistory(ctx)
	if err != nil || rep.Rows != 2 {
		t.Fatalf("after sealing: %+v %v", rep, err)
	}
	if _, err := s.w.Exec(`UPDATE status_history SET prev_hash = '', hash = '` + strings.Repeat("0", 64) + `' WHERE id = 1`); err == nil {
		t.Fatal("a sealed row was resealed")
	}
	c, _ := s.Claim(ctx, 1)
	if _, err := s.SetStatus(ctx, 1, 1, c.Version, StatusConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	if rep, err = s.VerifyHistory(ctx); err != nil || rep.Rows != 3 {
		t.Fatalf("after a new change: %+v %v", rep, err)
	}
	s.Close()
	s, err = Open(ctx, path) // nothing left to seal
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rep2, err := s.VerifyHistory(ctx); err != nil || rep2.Head != rep.Head {
		t.Fatalf("reopened: %+v %v", rep2, err)
	}
}

// Someone with the file can rewrite the chain consistently from an edited
// row on; it then verifies, but a head noted before the rewrite is gone.
func TestConsistentRewriteLosesTheNotedHead(t *testing.T) {
	ctx := context.Background()
	s, _ := reviewed(t)
	rep, err := s.VerifyHistory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := s.HistoryRowWithHash(ctx, rep.Head); err != nil || id != 3 {
		t.Fatalf("noted head: %d %v", id, err)
	}
	rows, err := chainBatch(ctx, s.r, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var stmts []string
	prev := ""
	for _, r := range rows {
		if r.ID == 2 {
			r.Note = "rewritten"
		}
		r.PrevHash = prev
		r.Hash = chainHash(r)
		stmts = append(stmts, fmt.Sprintf(`UPDATE status_history SET note = '%s', prev_hash = '%s', hash = '%s' WHERE id = %d`, r.Note, r.PrevHash, r.Hash, r.ID))
		prev = r.Hash
	}
	tamper(t, s, stmts...)
	if _, err := s.VerifyHistory(ctx); err != nil {
		t.Fatalf("a consistent rewrite should verify on its own: %v", err)
	}
	if _, err := s.HistoryRowWithHash(ctx, rep.Head); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the noted head survived the rewrite: %v", err)
	}
}
