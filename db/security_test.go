package db

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAuditLogAppendOnlyAndPaged(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	for i := 0; i < 25; i++ {
		ev := AuditEvent{Event: AuditLoginFailed, Actor: "ann", IP: "192.0.2.7", Detail: "wrong password"}
		if i%5 == 0 {
			ev = AuditEvent{Event: AuditLogin, ActorID: 1, Actor: "ann", IP: "192.0.2.7"}
		}
		if err := s.RecordAudit(ctx, ev); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	// Newest first, in keyset pages that neither skip nor repeat.
	seen := map[int64]bool{}
	var before int64
	pages := 0
	for {
		page, err := s.AuditLog(ctx, AuditFilter{Before: before, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		pages++
		for i, ev := range page {
			if seen[ev.ID] {
				t.Fatalf("event %d on two pages", ev.ID)
			}
			seen[ev.ID] = true
			if i > 0 && ev.ID >= page[i-1].ID {
				t.Fatalf("page not newest first: %d after %d", ev.ID, page[i-1].ID)
			}
		}
		before = page[len(page)-1].ID
	}
	if len(seen) != 25 || pages != 3 {
		t.Fatalf("%d events on %d pages, want 25 on 3", len(seen), pages)
	}
	logins, err := s.AuditLog(ctx, AuditFilter{Event: AuditLogin})
	if err != nil || len(logins) != 5 || logins[0].At != time.Date(2026, 3, 1, 9, 20, 0, 0, time.UTC) || logins[0].IP != "192.0.2.7" {
		t.Fatalf("login events = %+v, %v", logins, err)
	}

	// Nothing edits or removes an event, not even SQL behind the app's back.
	for _, q := range []string{`UPDATE audit_log SET actor = 'mallory'`, `DELETE FROM audit_log`} {
		if _, err := s.w.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
	if err := s.RecordAudit(ctx, AuditEvent{Event: "Login'; DROP TABLE users; --"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("odd event kind accepted: %v", err)
	}
	if _, err := s.AuditLog(ctx, AuditFilter{Event: "' OR 1=1 --"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("odd event filter accepted: %v", err)
	}
}

func TestAuditTextIsClippedAndVisible(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	name := "admin\u202egnp.exe\x00\x1b[31m\u200b" + strings.Repeat("x", 5000) + "\xff"
	if err := s.RecordAudit(ctx, AuditEvent{Event: AuditLoginFailed, Actor: name, Detail: strings.Repeat("d", 10000)}); err != nil {
		t.Fatal(err)
	}
	evs, err := s.AuditLog(ctx, AuditFilter{})
	if err != nil || len(evs) != 1 {
		t.Fatalf("%v %v", evs, err)
	}
	a := evs[0].Actor
	if !strings.HasPrefix(a, `admin\u202egnp.exe\u0000\u001b[31m\u200b`) {
		t.Errorf("control and bidi characters not written out: %q", a)
	}
	if n := len([]rune(a)); n > 200 || !strings.HasSuffix(a, "…") {
		t.Errorf("actor not clipped: %d runes", n)
	}
	if n := len([]rune(evs[0].Detail)); n > auditDetailMax+1 {
		t.Errorf("detail not clipped: %d runes", n)
	}
}

// policy: 2 free failures, then 1s, 2s, 4s ... capped at 1 minute.
func testLimit(key string) LoginLimit {
	return LoginLimit{Key: key, Forget: time.Hour, Delay: func(f int) time.Duration {
		if f <= 2 {
			return 0
		}
		d := time.Second << (f - 3)
		if d > time.Minute {
			d = time.Minute
		}
		return d
	}}
}

func TestLoginThrottleRisesAndForgets(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	limits := []LoginLimit{testLimit("account:ann"), testLimit("client:192.0.2.7")}
	try := func() (time.Duration, bool) {
		t.Helper()
		w, ok, err := s.ReserveLoginAttempt(ctx, limits, 0)
		if err != nil {
			t.Fatal(err)
		}
		return w, ok
	}
	for i := 0; i < 3; i++ {
		if w, ok := try(); !ok || w != 0 {
			t.Fatalf("free attempt %d: wait %v ok %v", i+1, w, ok)
		}
	}
	// The 4th must wait 1s; refused attempts write nothing, so hammering
	// does not push the wait further out.
	for i := 0; i < 5; i++ {
		if w, ok := try(); ok || w != time.Second {
			t.Fatalf("4th attempt at once: wait %v ok %v", w, ok)
		}
	}
	now = now.Add(time.Second)
	if w, ok := try(); !ok || w != 0 {
		t.Fatalf("4th attempt after 1s: wait %v ok %v", w, ok)
	}
	if w, ok := try(); ok || w != 2*time.Second {
		t.Fatalf("5th attempt: wait %v, want 2s", w)
	}
	// A caller that may hold the attempt back for up to 2s gets the slot
	// 2s ahead; a parallel attempt then sees that slot taken.
	w, ok, err := s.ReserveLoginAttempt(ctx, limits, 2*time.Second)
	if err != nil || !ok || w != 2*time.Second {
		t.Fatalf("reserve ahead: %v %v %v", w, ok, err)
	}
	if w, ok, _ := s.ReserveLoginAttempt(ctx, limits, 2*time.Second); ok || w != 6*time.Second {
		t.Fatalf("parallel attempt: wait %v ok %v, want refused for 6s", w, ok)
	}
	// A success resets the account and takes back the client's failure.
	if err := s.LoginSucceeded(ctx, []string{"account:ann"}, []string{"client:192.0.2.7"}); err != nil {
		t.Fatal(err)
	}
	var acct, client int
	s.r.QueryRow(`SELECT count(*) FROM login_throttle WHERE key = 'account:ann'`).Scan(&acct)
	s.r.QueryRow(`SELECT failures FROM login_throttle WHERE key = 'client:192.0.2.7'`).Scan(&client)
	if acct != 0 || client != 4 {
		t.Fatalf("after success: account rows %d, client failures %d (want 0, 4)", acct, client)
	}
	// The client key alone still throttles another account.
	other := []LoginLimit{testLimit("account:bob"), testLimit("client:192.0.2.7")}
	if w, ok, _ := s.ReserveLoginAttempt(ctx, other, 0); ok || w <= 0 {
		t.Fatalf("client key ignored: wait %v ok %v", w, ok)
	}
	// After the forget time everything starts over, and the sweep removes it.
	now = now.Add(time.Hour + 3*time.Second)
	if w, ok, _ := s.ReserveLoginAttempt(ctx, other, 0); !ok || w != 0 {
		t.Fatalf("not forgotten: wait %v ok %v", w, ok)
	}
	now = now.Add(2 * time.Hour)
	if n, err := s.DeleteForgottenLoginThrottles(ctx); err != nil || n != 2 {
		t.Fatalf("sweep removed %d, %v", n, err)
	}
}

// Many parallel attempts on one account: only the free ones get through,
// however they interleave.
func TestLoginThrottleParallel(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := s.ReserveLoginAttempt(ctx, []LoginLimit{testLimit("account:ann")}, 0)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != 3 {
		t.Fatalf("%d of 32 parallel attempts allowed, want the 3 free ones", allowed)
	}
}

func TestSessionIdleAndAbsoluteTimeouts(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "ann", "reviewer")
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	now := start
	s.SetClock(func() time.Time { return now })
	tm := SessionTimeouts{Idle: time.Hour, Absolute: 3 * time.Hour}
	if err := s.CreateSession(ctx, "tok", u.ID, "{}", tm); err != nil {
		t.Fatal(err)
	}
	// Requests every 50 minutes keep it alive, up to the absolute limit.
	for now.Sub(start) < 3*time.Hour-50*time.Minute {
		now = now.Add(50 * time.Minute)
		if _, err := s.Session(ctx, "tok"); err != nil {
			t.Fatalf("session ended at +%v despite activity: %v", now.Sub(start), err)
		}
		if err := s.TouchSession(ctx, "tok", tm); err != nil {
			t.Fatal(err)
		}
	}
	// Saving (a flash message, say) does not extend the absolute limit.
	if err := s.UpdateSession(ctx, "tok", u.ID, `{"flash":"x"}`, tm); err != nil {
		t.Fatal(err)
	}
	ss, _ := s.Session(ctx, "tok")
	if !ss.CreatedAt.Equal(start) || !ss.ExpiresAt.Equal(start.Add(3*time.Hour)) {
		t.Fatalf("created %v expires %v, want %v and +3h", ss.CreatedAt, ss.ExpiresAt, start)
	}
	now = start.Add(3 * time.Hour)
	if _, err := s.Session(ctx, "tok"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("session outlived its absolute timeout: %v", err)
	}
	if err := s.TouchSession(ctx, "tok", tm); !errors.Is(err, ErrNotFound) {
		t.Fatalf("touching an ended session: %v", err)
	}

	// Idle: a session not used for an hour ends.
	bob := mustUser(t, s, "bob", "viewer")
	now = start
	s.CreateSession(ctx, "idle", bob.ID, "{}", tm)
	now = now.Add(59 * time.Minute)
	if n, _ := s.CountUserSessions(ctx, bob.ID); n != 1 {
		t.Fatalf("live sessions = %d, want 1", n)
	}
	now = now.Add(time.Minute)
	if _, err := s.Session(ctx, "idle"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("idle session still live: %v", err)
	}
}

// Titles and notes are plain text: white space is tidied, anything else that
// is not text is refused and nothing is written.
func TestTitleAndNoteMustBeText(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "ann", "reviewer")
	body := "The council voted 31 to 4 on Tuesday to spend $2.5 billion on the port, officials said."
	for _, bad := range []string{"nul\x00byte", "bell\x07", "esc\x1b[31m", "caf\xe9", strings.Repeat("t", 501)} {
		if _, _, _, err := s.ImportDocument(ctx, NewDocument{Title: bad, Body: body}); !errors.Is(err, ErrInvalid) {
			t.Errorf("title %q: %v", bad, err)
		}
	}
	id, _, _, err := s.ImportDocument(ctx, NewDocument{Title: " Port\tvote\v\f\u0085\r\n<script>x</script> ", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := s.Document(ctx, id)
	if d.Title != "Port vote <script>x</script>" {
		t.Errorf("title stored as %q", d.Title)
	}
	claims, _ := s.DocumentClaims(ctx, id)
	if len(claims) == 0 {
		t.Fatal("no claims")
	}
	for _, bad := range []string{"nul\x00byte", "bell\x07", "caf\xe9", "del\x7f"} {
		if _, err := s.SetStatus(ctx, claims[0].ID, u.ID, 1, StatusConfirmed, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("note %q: %v", bad, err)
		}
	}
	if c, _ := s.Claim(ctx, claims[0].ID); c.Version != 1 {
		t.Fatal("a refused note changed the claim")
	}
	if _, err := s.SetStatus(ctx, claims[0].ID, u.ID, 1, StatusConfirmed, "line one\r\n\tline two <b>"); err != nil {
		t.Fatalf("tabs and line breaks refused: %v", err)
	}
}

// Everything else a user writes is plain text too: reasons, comments,
// evidence, second opinions, source links and token labels. A refusal
// writes nothing.
func TestWhatUsersWriteMustBeText(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ed := mustUser(t, s, "ed", "editor")
	bob := mustUser(t, s, "bob", "reviewer")
	body := "The council voted 31 to 4 on Tuesday to spend $2.5 billion on the port, officials said."
	id, _, _, err := s.ImportDocument(ctx, NewDocument{Title: "Port", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	claims, _ := s.DocumentClaims(ctx, id)
	if len(claims) == 0 {
		t.Fatal("no claims")
	}
	cid := claims[0].ID
	if _, err := s.SetStatus(ctx, cid, ed.ID, 1, StatusConfirmed, "first"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestSecondOpinion(ctx, cid, ed.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	before := historyRows(t, s)
	for _, bad := range []string{"nul\x00byte", "bell\x07", "esc\x1b[31m", "caf\xe9", "del\x7f"} {
		link := NewEvidence{URL: "https://example.org/a", Title: "Source", Excerpt: "quoted"}
		for name, err := range map[string]error{
			"dismiss reason": func() error { _, err := s.Dismiss(ctx, cid, ed.ID, 2, bad); return err }(),
			"bulk reason": func() error {
				_, err := s.Bulk(ctx, ed.ID, BulkAction{Kind: BulkDismiss, Note: bad}, []BulkItem{{ClaimID: cid, Version: 2}})
				return err
			}(),
			"comment":          func() error { _, err := s.AddComment(ctx, cid, ed.ID, bad); return err }(),
			"evidence title":   func() error { ev := link; ev.Title = bad; _, err := s.AddEvidence(ctx, cid, ed.ID, ev); return err }(),
			"evidence excerpt": func() error { ev := link; ev.Excerpt = bad; _, err := s.AddEvidence(ctx, cid, ed.ID, ev); return err }(),
			"evidence link":    func() error { ev := link; ev.URL += bad; _, err := s.AddEvidence(ctx, cid, ed.ID, ev); return err }(),
			"opinion note":     func() error { _, err := s.SubmitSecondOpinion(ctx, cid, bob.ID, StatusDisputed, bad); return err }(),
			"source URL":       CheckMeta("https://example.org/"+bad, ""),
			"token label":      func() error { _, _, err := s.CreateToken(ctx, ed.ID, bad); return err }(),
		} {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%s %q: %v, want ErrInvalid", name, bad, err)
			}
		}
	}
	if after := historyRows(t, s); after != before {
		t.Errorf("refused text wrote history: %d rows, then %d", before, after)
	}
	if c, _ := s.Claim(ctx, cid); c.Version != 2 || c.Dismissed {
		t.Errorf("refused text changed the claim: version %d, dismissed %v", c.Version, c.Dismissed)
	}
	if cs, _ := s.Comments(ctx, cid); len(cs) != 0 {
		t.Errorf("refused comment stored: %+v", cs)
	}
	if _, err := s.Dismiss(ctx, cid, ed.ID, 2, "a headline,\n\tnot a claim"); err != nil {
		t.Fatalf("tabs and line breaks refused in a reason: %v", err)
	}
}

func historyRows(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM status_history`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A session comes with its user as the database holds them at that moment:
// a role change shows on the next read, an anonymous session has none.
func TestSessionCarriesItsCurrentUser(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "ann", "reviewer")
	tm := SessionTimeouts{Idle: time.Hour, Absolute: 3 * time.Hour}
	if err := s.CreateSession(ctx, "tok", u.ID, "{}", tm); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, "anon", 0, `{"flash":"x"}`, tm); err != nil {
		t.Fatal(err)
	}
	ss, err := s.Session(ctx, "tok")
	if err != nil || ss.User == nil || ss.User.ID != u.ID || ss.User.Username != "ann" || ss.User.Role != "reviewer" || ss.User.Disabled {
		t.Fatalf("session user = %+v, %v", ss.User, err)
	}
	if _, err := s.SetRole(ctx, u.ID, "viewer"); err != nil {
		t.Fatal(err)
	}
	if ss, err = s.Session(ctx, "tok"); err != nil || ss.User == nil || ss.User.Role != "viewer" {
		t.Fatalf("after the role change: %+v, %v", ss.User, err)
	}
	if ss, err = s.Session(ctx, "anon"); err != nil || ss.User != nil || ss.UserID != 0 {
		t.Fatalf("anonymous session: user %+v, id %d, %v", ss.User, ss.UserID, err)
	}
}

// Links are bounded as the forms bound them: a 900,000-character source
// URL went into the database through the API.
func TestLongLinksRefused(t *testing.T) {
	long := "https://example.org/" + strings.Repeat("a", maxURLBytes)
	if err := CheckMeta(long, ""); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "2,000") {
		t.Errorf("long source URL: %v", err)
	}
	if err := CheckMeta(long[:maxURLBytes], ""); err != nil {
		t.Errorf("a source URL of %d characters: %v", maxURLBytes, err)
	}
	ev := NewEvidence{URL: long, Title: "Report"}
	if err := ev.normalize(); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "2,000") {
		t.Errorf("long evidence link: %v", err)
	}
}
