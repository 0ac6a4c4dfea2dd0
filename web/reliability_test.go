package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/web"
)

// newAppFile is newApp over a database file whose path the test knows, so
// that it can change the file behind the app's back.
func newAppFile(t *testing.T) (*app, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "web.db")
	store, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	logBuf := &bytes.Buffer{}
	e := web.New(web.Config{Store: store, Log: slog.New(slog.NewTextHandler(&lockedWriter{w: logBuf}, nil)), MaxDocBytes: 1 << 20})
	srv := httptest.NewServer(e)
	t.Cleanup(func() { srv.Close(); store.Close() })
	return &app{t: t, store: store, srv: srv, log: logBuf}, path
}

// lockedWriter lets the test read the log while handlers write it.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// addReviewers creates n reviewers sharing one password hash (argon2id is
// deliberately slow; one hash is enough to test sessions).
func addReviewers(t *testing.T, store *db.Store, n int) []string {
	t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range n {
		name := fmt.Sprintf("rev%02d", i)
		if _, err := store.CreateUser(context.Background(), name, hash, "reviewer"); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	return names
}

// The claim page says that its history verifies, and says loudly when a row
// was changed behind the app's back, naming it.
func TestClaimPageShowsHistoryCheck(t *testing.T) {
	a, path := newAppFile(t)
	addReviewers(t, a.store, 1)
	c := a.client()
	c.login("rev00")
	c.importText("Port plan", article)
	id := firstClaimID(t, a)
	page := "/claims/" + itoa(id)
	if r := c.get(page); r.doc.Find("#history-check").Length() != 0 {
		t.Fatalf("unreviewed claim shows a check: %q", r.doc.Find("#history-check").Text())
	}
	for i, st := range []string{"confirmed", "disputed"} {
		tok := c.csrf(page)
		r := c.post(page+"/status", url.Values{"_csrf": {tok}, "version": {strconv.Itoa(i + 1)}, "status": {st}, "note": {"n"}})
		if r.code != http.StatusSeeOther {
			t.Fatalf("change %d: %d", i, r.code)
		}
	}
	r := c.get(page)
	if got := r.doc.Find("#history-check.chain-ok").Text(); !strings.Contains(got, "History verified") {
		t.Fatalf("history check line %q", got)
	}

	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`DROP TRIGGER status_history_no_update`, `UPDATE status_history SET to_status = 'confirmed' WHERE id = 2`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	r = c.get(page)
	alert := r.doc.Find(`#history-check[role="alert"]`).Text()
	if r.code != http.StatusOK || !strings.Contains(alert, fmt.Sprintf("history row 2 (claim %d)", id)) ||
		!strings.Contains(alert, "does not verify") || r.doc.Find("#history-check.chain-ok").Length() != 0 {
		t.Fatalf("tampered history: %d %q", r.code, alert)
	}
}

var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// reviewer is one logged-in browser in the concurrency test. Its methods
// report errors instead of failing, since they run on many goroutines.
type reviewer struct {
	base string
	http *http.Client
	tok  string
	seen map[int64]int64 // claim id -> version last seen
}

func newReviewer(base string, tr http.RoundTripper, name string) (*reviewer, error) {
	jar, _ := cookiejar.New(nil)
	rv := &reviewer{base: base, seen: map[int64]int64{}, http: &http.Client{Jar: jar, Transport: tr, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	code, body, err := rv.do(http.MethodGet, "/login", nil, nil)
	if err != nil || code != http.StatusOK {
		return nil, fmt.Errorf("login page: %d %v", code, err)
	}
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("no CSRF token on the login page")
	}
	rv.tok = m[1]
	code, _, err = rv.do(http.MethodPost, "/login", url.Values{"_csrf": {rv.tok}, "username": {name}, "password": {testPassword}}, nil)
	if err != nil || code != http.StatusSeeOther {
		return nil, fmt.Errorf("login as %s: %d %v", name, code, err)
	}
	return rv, nil
}

func (rv *reviewer) do(method, path string, form url.Values, hdr map[string]string) (int, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, rv.base+path, body)
	if err != nil {
		return 0, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := rv.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

// setStatus makes one change the way the page's htmx form does, re-reading
// the claim and retrying when someone else changed it first. It returns
// the responses it saw, for the caller to check.
func (rv *reviewer) setStatus(id int64, status, note string, check func(code int, body string)) error {
	path := "/claims/" + strconv.FormatInt(id, 10)
	for attempt := 0; attempt < 1000; attempt++ {
		v, ok := rv.seen[id]
		if !ok {
			code, body, err := rv.do(http.MethodGet, path, nil, nil)
			if err != nil {
				return err
			}
			check(code, body)
			m := versionRE.FindStringSubmatch(body)
			if code != http.StatusOK || m == nil {
				return fmt.Errorf("GET %s: %d, no version", path, code)
			}
			v, _ = strconv.ParseInt(m[1], 10, 64)
		}
		code, body, err := rv.do(http.MethodPost, path+"/status",
			url.Values{"version": {strconv.FormatInt(v, 10)}, "status": {status}, "note": {note}},
			map[string]string{"HX-Request": "true", "X-CSRF-Token": rv.tok})
		if err != nil {
			return err
		}
		check(code, body)
		m := versionRE.FindStringSubmatch(body)
		switch {
		case code == http.StatusOK && m != nil:
			rv.seen[id], _ = strconv.ParseInt(m[1], 10, 64)
			return nil
		case code == http.StatusConflict && m != nil:
			// The refusal shows the claim as it is now: retry from there.
			rv.seen[id], _ = strconv.ParseInt(m[1], 10, 64)
		default:
			return fmt.Errorf("POST %s/status: %d", path, code)
		}
	}
	return fmt.Errorf("claim %d: no change got through in 1000 attempts", id)
}

// stressChanges is how many changes the concurrency test makes: a smaller
// number on every test run, 10,000 under `make stress`.
func stressChanges(t *testing.T) int {
	if s := os.Getenv("FACTDESK_STRESS_CHANGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("FACTDESK_STRESS_CHANGES=%q", s)
		}
		return n
	}
	return 2000
}

// 64 reviewers change the statuses of 100 claims at once through the real
// router over HTTP: every acknowledged change has its history row (and no
// refused one does), each claim's status is its last row's, the chain
// verifies, and no request fails or meets a locked database.
func TestConcurrentReviewers(t *testing.T) {
	const reviewers, nClaims = 64, 100
	total := stressChanges(t)
	a, _ := newAppFile(t)
	names := addReviewers(t, a.store, reviewers)
	var art strings.Builder
	for i := range nClaims + 20 {
		fmt.Fprintf(&art, "The district council spent %d.%d million dollars on %d new roads in %d, officials said.\n\n", i+3, i%10, i+10, 1990+i%30)
	}
	imp := a.client()
	imp.login(names[0])
	if r := imp.importText("Roads", art.String()); r.code != http.StatusSeeOther {
		t.Fatalf("import: %d", r.code)
	}
	page, err := a.store.Queue(context.Background(), db.QueueFilter{Limit: nClaims})
	if err != nil || len(page.Claims) != nClaims {
		t.Fatalf("claims: %d %v", len(page.Claims), err)
	}
	var ids []int64
	for _, c := range page.Claims {
		ids = append(ids, c.ID)
	}

	tr := &http.Transport{MaxIdleConnsPerHost: reviewers, MaxConnsPerHost: reviewers}
	defer tr.CloseIdleConnections()
	revs := make([]*reviewer, reviewers)
	var wg sync.WaitGroup
	errs := make(chan error, reviewers)
	// Logins hash passwords with argon2id (19 MiB each): a few at a time.
	gate := make(chan struct{}, 4)
	loginStart := time.Now()
	for i := range revs {
		wg.Go(func() {
			gate <- struct{}{}
			defer func() { <-gate }()
			rv, err := newReviewer(a.srv.URL, tr, names[i])
			if err != nil {
				errs <- err
			}
			revs[i] = rv
		})
	}
	wg.Wait()
	t.Logf("%d reviewers logged in in %v", reviewers, time.Since(loginStart).Round(time.Millisecond))
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var problems []string
	var requests, conflicts int
	acked := map[string]bool{} // notes of acknowledged changes
	problem := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	start := time.Now()
	for w, rv := range revs {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			n, conf := 0, 0
			check := func(code int, body string) {
				n++
				if code == http.StatusConflict {
					conf++
				}
				if code >= 500 || strings.Contains(strings.ToLower(body), "database is locked") {
					problem("reviewer %d: status %d: %.200s", w, code, body)
				}
			}
			var mine []string
			for i := w; i < total; i += reviewers {
				note := fmt.Sprintf("change %d by %s", i, names[w])
				if err := rv.setStatus(ids[rng.IntN(len(ids))], db.Statuses[rng.IntN(3)], note, check); err != nil {
					problem("reviewer %d: %v", w, err)
					break
				}
				mine = append(mine, note)
			}
			mu.Lock()
			for _, note := range mine {
				acked[note] = true
			}
			requests += n
			conflicts += conf
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("%d changes by %d reviewers on %d claims: %d requests (%d refused as stale) in %v, %.0f requests/s",
		len(acked), reviewers, nClaims, requests, conflicts, elapsed.Round(time.Millisecond), float64(requests)/elapsed.Seconds())
	for _, p := range problems {
		t.Error(p)
	}
	if len(acked) != total {
		t.Fatalf("%d of %d changes acknowledged", len(acked), total)
	}

	// Every acknowledged change is in the history once; nothing else is.
	ctx := context.Background()
	rows := map[string]int{}
	last := map[int64]string{}
	for _, id := range ids {
		hist, err := a.store.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hist {
			rows[h.Note]++
		}
		cl, _ := a.store.Claim(ctx, id)
		if len(hist) > 0 {
			last[id] = hist[0].To
		} else {
			last[id] = db.StatusUnverified
		}
		if cl.Status != last[id] || cl.Version != int64(len(hist))+1 {
			t.Errorf("claim %d: status %s version %d; history has %d rows ending %s", id, cl.Status, cl.Version, len(hist), last[id])
		}
	}
	for note := range acked {
		if rows[note] != 1 {
			t.Errorf("acknowledged %q: %d history rows", note, rows[note])
		}
	}
	if len(rows) != len(acked) {
		t.Errorf("%d distinct history notes for %d acknowledged changes", len(rows), len(acked))
	}
	rep, err := a.store.VerifyHistory(ctx)
	if err != nil || rep.Rows != int64(total) {
		t.Fatalf("chain: %+v %v", rep, err)
	}
	logs := a.log.String()
	if strings.Contains(strings.ToLower(logs), "database is locked") || strings.Contains(logs, "level=ERROR") {
		i := max(strings.Index(logs, "level=ERROR"), strings.Index(strings.ToLower(logs), "database is locked"))
		t.Fatalf("the log has errors: %.500s", logs[i:])
	}
}
