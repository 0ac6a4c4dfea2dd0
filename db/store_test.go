package db

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"factdesk/export"
	"factdesk/extract"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustUser(t *testing.T, s *Store, name, role string) User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), name, "hash", role)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// claimAt builds an extract.Claim for the first occurrence of sub in body.
func claimAt(t *testing.T, body, sub string) extract.Claim {
	t.Helper()
	i := strings.Index(body, sub)
	if i < 0 {
		t.Fatalf("%q not in body", sub)
	}
	start := len([]rune(body[:i]))
	return extract.Claim{Start: start, End: start + len([]rune(sub)), Text: sub, Score: 0.5}
}

const testBody = "“Prices rose 3.5% in May,” the minister said — officials disagree.\n\nВ Москве 10,000 человек вышли на улицы.\n\n東京の人口は1400万人です。"

func TestOpenTwiceKeepsDataAndPragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "ann", "h", "admin"); err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := s.r.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	var fk int
	if err := s.r.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v", fk, err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, _ := s.CountUsers(ctx); n != 1 {
		t.Fatalf("users after reopen = %d", n)
	}
	var migs int
	s.r.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&migs)
	if migs == 0 {
		t.Fatal("migrations not recorded")
	}
}

// Upgrading a desk names each migration before it runs, since some take
// seconds on a large one; a new database is made without a word.
func TestMigrationNotice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	var names []string
	ctx := WithMigrationNotice(context.Background(), func(name string) { names = append(names, name) })
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(names) != 0 {
		t.Fatalf("a new database announced %v", names)
	}
	later := fstest.MapFS{
		"migrations/0001_init.sql":  {Data: []byte("this is not run again")},
		"migrations/9001_later.sql": {Data: []byte("CREATE TABLE later (x INTEGER)")},
	}
	if err := s.migrateFrom(ctx, later); err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0] != "9001_later.sql" {
		t.Fatalf("upgrade announced %v, want [9001_later.sql]", names)
	}
	if _, err := s.w.Exec("INSERT INTO later (x) VALUES (1)"); err != nil {
		t.Fatalf("the migration did not run: %v", err)
	}
	if err := s.migrateFrom(ctx, later); err != nil || len(names) != 1 {
		t.Fatalf("applied twice: %v, %v", names, err)
	}
}

func TestUsers(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "Ann", "admin")
	if _, err := s.CreateUser(ctx, "ann", "h", "viewer"); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("case-insensitive duplicate: %v", err)
	}
	for _, bad := range []string{"", "a b", "x<script>", strings.Repeat("a", 65),
		"me", "None", // words of the assignee filters
		"аdmin", "pаypal.2", "ann-Ωmega", // a Cyrillic а or a Greek Ω among Latin letters
	} {
		if _, err := s.CreateUser(ctx, bad, "h", "viewer"); !errors.Is(err, ErrInvalid) {
			t.Errorf("username %q: %v", bad, err)
		}
	}
	for _, good := range []string{"józef.k", "Иван_2", "Σοφία", "田中さん", "李明", "m.e", "nonexistent"} {
		if _, err := s.CreateUser(ctx, good, "h", "viewer"); err != nil {
			t.Errorf("username %q: %v", good, err)
		}
	}
	if _, err := s.CreateUser(ctx, "bob", "h", "root"); err == nil {
		t.Error("unknown role stored")
	}
	got, err := s.UserByName(ctx, "ANN")
	if err != nil || got.ID != u.ID || got.Role != "admin" {
		t.Fatalf("UserByName = %+v, %v", got, err)
	}
	if _, err := s.UserByID(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
}

func TestSetupToken(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.SetSetupToken(ctx, "tok1"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetupToken(ctx, "tok2"); err != nil {
		t.Fatal(err)
	}
	if s.SetupTokenValid(ctx, "tok1") || !s.SetupTokenValid(ctx, "tok2") {
		t.Fatal("only the newest token is valid")
	}
	if _, err := s.CreateFirstAdmin(ctx, "tok1", "ann", "h"); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("old token used: %v", err)
	}
	u, err := s.CreateFirstAdmin(ctx, "tok2", "ann", "h")
	if err != nil || u.Role != "admin" {
		t.Fatalf("first admin: %+v %v", u, err)
	}
	if s.SetupTokenValid(ctx, "tok2") {
		t.Fatal("token still valid after use")
	}
	if _, err := s.CreateFirstAdmin(ctx, "tok2", "eve", "h"); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("token reused: %v", err)
	}
	if err := s.SetSetupToken(ctx, "tok3"); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("setup token set with a user present: %v", err)
	}
}

func TestSessions(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "ann", "reviewer")
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	hour := SessionTimeouts{Idle: time.Hour, Absolute: 24 * time.Hour}
	if err := s.CreateSession(ctx, "tokA", u.ID, `{"k":"v"}`, hour); err != nil {
		t.Fatal(err)
	}
	ss, err := s.Session(ctx, "tokA")
	if err != nil || ss.UserID != u.ID || ss.Data != `{"k":"v"}` {
		t.Fatalf("Session = %+v, %v", ss, err)
	}
	var stored string
	s.r.QueryRow("SELECT id FROM sessions").Scan(&stored)
	if stored == "tokA" || len(stored) != 64 {
		t.Fatalf("session id stored as %q, want a hash", stored)
	}
	now = now.Add(2 * time.Hour)
	if _, err := s.Session(ctx, "tokA"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired session returned: %v", err)
	}
	if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 1 {
		t.Fatalf("DeleteExpiredSessions = %d, %v", n, err)
	}
	s.CreateSession(ctx, "t1", u.ID, "{}", hour)
	s.CreateSession(ctx, "t2", u.ID, "{}", hour)
	s.DeleteSession(ctx, "t1")
	if _, err := s.Session(ctx, "t1"); !errors.Is(err, ErrNotFound) {
		t.Fatal("deleted session still there")
	}
	s.DeleteUserSessions(ctx, u.ID)
	if _, err := s.Session(ctx, "t2"); !errors.Is(err, ErrNotFound) {
		t.Fatal("user's sessions survived DeleteUserSessions")
	}
	// A request that loaded its session before the session was ended
	// (a password reset, say) saves it afterwards: it must stay ended.
	if err := s.UpdateSession(ctx, "t2", u.ID, `{"flash":"x"}`, hour); !errors.Is(err, ErrNotFound) {
		t.Fatalf("UpdateSession of an ended session = %v, want ErrNotFound", err)
	}
	if _, err := s.Session(ctx, "t2"); !errors.Is(err, ErrNotFound) {
		t.Fatal("an ended session came back when saved")
	}
}

func TestCreateDocumentDedupAndOffsets(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	claims := []extract.Claim{
		claimAt(t, testBody, "“Prices rose 3.5% in May,” the minister said — officials disagree."),
		claimAt(t, testBody, "В Москве 10,000 человек вышли на улицы."),
		claimAt(t, testBody, "東京の人口は1400万人です。"),
	}
	id, existed, err := s.createDocument(ctx, NewDocument{Title: "T", Body: testBody}, claims)
	if err != nil || existed {
		t.Fatal(err, existed)
	}
	id2, existed, err := s.createDocument(ctx, NewDocument{Title: "Again", Body: testBody}, claims)
	if err != nil || !existed || id2 != id {
		t.Fatalf("reimport: id %d existed %v err %v", id2, existed, err)
	}
	got, err := s.DocumentClaims(ctx, id)
	if err != nil || len(got) != 3 {
		t.Fatalf("claims = %d, %v", len(got), err)
	}
	doc, _ := s.Document(ctx, id)
	runes := []rune(doc.Body)
	for _, c := range got {
		if string(runes[c.Start:c.End]) != c.Text {
			t.Errorf("claim %d: body[%d:%d] = %q, text %q", c.ID, c.Start, c.End, string(runes[c.Start:c.End]), c.Text)
		}
	}
	// A claim whose offsets do not match its text is refused and nothing is stored.
	bad := extract.Claim{Start: 0, End: 5, Text: "wrong"}
	if _, _, err := s.createDocument(ctx, NewDocument{Body: "other text"}, []extract.Claim{bad}); err == nil {
		t.Fatal("mismatched claim stored")
	}
	bad = extract.Claim{Start: 5, End: 50, Text: "x"}
	if _, _, err := s.createDocument(ctx, NewDocument{Body: "short"}, []extract.Claim{bad}); err == nil {
		t.Fatal("out-of-range claim stored")
	}
	list, _ := s.ListDocuments(ctx, 0, 10)
	if len(list) != 1 || list[0].Progress.Unverified != 3 {
		t.Fatalf("documents = %+v", list)
	}
	if _, err := s.w.Exec("UPDATE documents SET body = 'changed'"); err == nil {
		t.Fatal("document body was changed")
	}
	if _, err := s.Document(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatal("unknown document")
	}
	// The first import's title stays: the same text again is the same document.
	if title, err := s.DocumentTitle(ctx, id); err != nil || title != "T" {
		t.Fatalf("DocumentTitle = %q, %v; want the stored title", title, err)
	}
	if _, err := s.DocumentTitle(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("DocumentTitle of an unknown document: %v, want ErrNotFound", err)
	}
}

func TestSetStatusHistoryAndStale(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ann := mustUser(t, s, "ann", "reviewer")
	bob := mustUser(t, s, "bob", "reviewer")
	id, _, err := s.createDocument(ctx, NewDocument{Title: "T", Body: testBody},
		[]extract.Claim{claimAt(t, testBody, "В Москве 10,000 человек вышли на улицы.")})
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := s.DocumentClaims(ctx, id)
	c := cs[0]
	if c.Status != StatusUnverified || c.Version != 1 {
		t.Fatalf("new claim = %+v", c)
	}
	c2, err := s.SetStatus(ctx, c.ID, ann.ID, 1, StatusDisputed, "  source says 8,000  ")
	if err != nil || c2.Status != StatusDisputed || c2.Version != 2 {
		t.Fatalf("SetStatus = %+v, %v", c2, err)
	}
	// Bob saw version 1: refused, with the current state.
	_, err = s.SetStatus(ctx, c.ID, bob.ID, 1, StatusConfirmed, "")
	var stale *StaleError
	if !errors.As(err, &stale) || !errors.Is(err, ErrStale) || stale.Current.Status != StatusDisputed || stale.Current.Version != 2 {
		t.Fatalf("stale change: %v", err)
	}
	if _, err := s.SetStatus(ctx, c.ID, bob.ID, 2, "false", ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown status: %v", err)
	}
	if _, err := s.SetStatus(ctx, c.ID, bob.ID, 2, StatusDisputed, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("no-op without note: %v", err)
	}
	if _, err := s.SetStatus(ctx, 999, bob.ID, 1, StatusConfirmed, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown claim: %v", err)
	}
	if _, err := s.SetStatus(ctx, c.ID, bob.ID, 2, StatusConfirmed, "checked"); err != nil {
		t.Fatal(err)
	}
	h, err := s.History(ctx, c.ID)
	if err != nil || len(h) != 2 {
		t.Fatalf("history = %+v, %v", h, err)
	}
	if h[0].Username != "bob" || h[0].From != StatusDisputed || h[0].To != StatusConfirmed ||
		h[1].Username != "ann" || h[1].Note != "source says 8,000" {
		t.Fatalf("history not newest first or wrong: %+v", h)
	}
	if _, err := s.w.Exec("UPDATE status_history SET note = 'rewritten'"); err == nil {
		t.Fatal("history row updated")
	}
	if _, err := s.w.Exec("DELETE FROM status_history"); err == nil {
		t.Fatal("history row deleted")
	}
	final, _ := s.Claim(ctx, c.ID)
	if final.Status != StatusConfirmed || final.Version != 3 || final.DocumentTitle != "T" {
		t.Fatalf("final claim = %+v", final)
	}
}

func TestQueueKeysetPagination(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var body strings.Builder
	var claims []extract.Claim
	for i := range 23 {
		sent := "Claim number " + strings.Repeat("x", i) + "."
		start := len([]rune(body.String()))
		body.WriteString(sent + "\n")
		// Ties on purpose: pages must still not repeat or skip a claim.
		claims = append(claims, extract.Claim{Start: start, End: start + len([]rune(sent)), Text: sent, Score: float64(i%4) / 4})
	}
	if _, _, err := s.createDocument(ctx, NewDocument{Title: "Q", Body: body.String()}, claims); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	var pages []QueuePage
	f := QueueFilter{Limit: 5}
	for {
		p, err := s.Queue(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 23 {
			t.Fatalf("total = %d", p.Total)
		}
		pages = append(pages, p)
		for i, c := range p.Claims {
			if seen[c.ID] {
				t.Fatalf("claim %d on two pages", c.ID)
			}
			seen[c.ID] = true
			if i > 0 && c.Score > p.Claims[i-1].Score {
				t.Fatal("not sorted by score")
			}
		}
		if p.Next == nil {
			break
		}
		f.After, f.Before = p.Next, nil
	}
	if len(seen) != 23 || len(pages) != 5 {
		t.Fatalf("saw %d claims on %d pages", len(seen), len(pages))
	}
	// Walking back from the last page gives the previous pages exactly.
	back, err := s.Queue(ctx, QueueFilter{Limit: 5, Before: pages[4].Prev})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Claims) != 5 || back.Claims[0].ID != pages[3].Claims[0].ID || back.Next == nil || back.Prev == nil {
		t.Fatalf("previous page differs: %+v", back)
	}
	first, _ := s.Queue(ctx, QueueFilter{Limit: 5, Before: pages[1].Prev})
	if first.Prev != nil || first.Claims[0].ID != pages[0].Claims[0].ID {
		t.Fatal("back to the first page")
	}
	if _, err := s.Queue(ctx, QueueFilter{Status: "bogus"}); !errors.Is(err, ErrInvalid) {
		t.Fatal("bad status accepted")
	}
	cur, err := ParseCursor(pages[0].Next.String())
	if err != nil || cur != *pages[0].Next {
		t.Fatal("cursor round trip", err)
	}
	for _, bad := range []string{"", "x", "1_", "_3", "0.5_-1", "a_b", "NaN_1", "Inf_2", "-Inf_2"} {
		if _, err := ParseCursor(bad); err == nil {
			t.Errorf("cursor %q accepted", bad)
		}
	}
}

func TestExportClaims(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ann := mustUser(t, s, "ann", "reviewer")
	claims := []extract.Claim{
		claimAt(t, testBody, "“Prices rose 3.5% in May,” the minister said — officials disagree."),
		claimAt(t, testBody, "В Москве 10,000 человек вышли на улицы."),
		claimAt(t, testBody, "東京の人口は1400万人です。"),
	}
	docID, _, _ := s.createDocument(ctx, NewDocument{Title: "T", URL: "https://example.org/a", Body: testBody}, claims)
	cs, _ := s.DocumentClaims(ctx, docID)
	s.SetStatus(ctx, cs[0].ID, ann.ID, 1, StatusDisputed, "first")
	s.SetStatus(ctx, cs[0].ID, ann.ID, 2, StatusConfirmed, "second")
	s.SetStatus(ctx, cs[2].ID, ann.ID, 1, StatusDisputed, "")

	var got []export.Record
	collect := func(r *export.Record) error { got = append(got, *r); return nil }
	if err := s.ExportClaims(ctx, ExportFilter{}, collect); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != cs[0].ID || got[1].ID != cs[2].ID {
		t.Fatalf("default export = %+v", got)
	}
	r := got[0]
	if r.Status != "confirmed" || len(r.History) != 2 || r.History[0].Note != "first" || r.History[1].To != "confirmed" ||
		r.LastReviewer != "ann" || r.LastReviewedAt == nil || r.DocumentURL != "https://example.org/a" ||
		r.Text != cs[0].Text || r.Start != cs[0].Start || r.End != cs[0].End {
		t.Fatalf("record = %+v", r)
	}
	got = nil
	if err := s.ExportClaims(ctx, ExportFilter{Statuses: []string{"unverified"}}, collect); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != cs[1].ID || len(got[0].History) != 0 || got[0].LastReviewedAt != nil {
		t.Fatalf("unverified export = %+v", got)
	}
}

func TestSubscribeSeesCommittedStatusChange(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "rita", "reviewer")
	docID, _, _, err := s.ImportDocument(ctx, NewDocument{Title: "t", Body: "The city spent $4.2 million on the bridge in 2023, officials said.", CreatedBy: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := s.DocumentClaims(ctx, docID)
	if err != nil || len(claims) == 0 {
		t.Fatalf("claims: %v %d", err, len(claims))
	}
	ch, stop := s.Subscribe()
	defer stop()
	c := claims[0]
	if _, err := s.SetStatus(ctx, c.ID, u.ID, c.Version, "disputed", "wrong figure"); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	if got.ClaimID != c.ID || got.DocumentID != docID || got.Status != "disputed" || got.Version != c.Version+1 || got.UserID != u.ID {
		t.Fatalf("change = %+v", got)
	}
	// A refused change publishes nothing.
	if _, err := s.SetStatus(ctx, c.ID, u.ID, c.Version, "confirmed", ""); !errors.Is(err, ErrStale) {
		t.Fatalf("stale: %v", err)
	}
	select {
	case extra := <-ch:
		t.Fatalf("refused change was published: %+v", extra)
	default:
	}
}

// A time a write returns is the time later reads give: stored to the
// millisecond, so the API's answer to a new comment and the comment listed
// afterwards agree.
func TestWrittenTimesMatchReadTimes(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "ann", "reviewer")
	id, _, _, err := s.ImportDocument(ctx, NewDocument{Title: "Port", Body: "The council voted 31 to 4 on Tuesday to spend $2.5 billion on the port, officials said."})
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := s.DocumentClaims(ctx, id)
	if len(cs) == 0 {
		t.Fatal("no claims")
	}
	for i := 0; i < 20; i++ { // a clock that lands on a whole millisecond would hide it
		c, err := s.AddComment(ctx, cs[0].ID, u.ID, "checking")
		if err != nil {
			t.Fatal(err)
		}
		list, _ := s.Comments(ctx, cs[0].ID)
		if got := list[len(list)-1]; got.ID != c.ID || !got.CreatedAt.Equal(c.CreatedAt) {
			t.Fatalf("written at %v, read back as %v", c.CreatedAt, got.CreatedAt)
		}
	}
}

// OpenReadOnly reads a database as it is, refuses writes, and refuses one
// that Open would first update.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ro.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustUser(t, s, "ada", "admin")
	s.Close()

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := ro.UserByName(ctx, "ada"); err != nil || u.Role != "admin" {
		t.Errorf("read: %+v %v", u, err)
	}
	if _, err := ro.CreateUser(ctx, "bob", "hash", "viewer"); err == nil {
		t.Error("a read-only store wrote")
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}

	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE name = (SELECT max(name) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenReadOnly(ctx, path); !errors.Is(err, ErrOutdated) {
		t.Errorf("a migration behind: %v", err)
	}
}
