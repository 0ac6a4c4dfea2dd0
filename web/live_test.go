package web_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/web"
)

// syncBuffer is a log buffer the server writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLiveApp is newApp with a configurable server (live tests shorten the
// keep-alive), returning the echo instance too.
func newLiveApp(t *testing.T, cfg web.Config) (*app, *syncBuffer, *echo.Echo) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "live.db")
	store, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cfg.Store, cfg.Log, cfg.MaxDocBytes = store, slog.New(slog.NewTextHandler(logs, nil)), 64<<10
	e := web.New(cfg)
	srv := httptest.NewServer(e)
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close(); store.Close() })
	a := &app{t: t, store: store, srv: srv, log: &bytes.Buffer{}}
	appDBPath[a] = path
	for name, role := range map[string]string{"rita": "reviewer", "vic": "viewer", "rob": "reviewer"} {
		hash, err := auth.HashPassword(testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.CreateUser(ctx, name, hash, role); err != nil {
			t.Fatal(err)
		}
	}
	return a, logs, e
}

// stream is an open /events response read line by line.
type stream struct {
	t      *testing.T
	res    *http.Response
	lines  chan string
	cancel context.CancelFunc
}

func (c *client) openEvents(query string) *stream {
	c.a.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.a.srv.URL+"/events"+query, nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := c.http.Do(req)
	if err != nil {
		cancel()
		c.a.t.Fatal(err)
	}
	s := &stream{t: c.a.t, res: res, lines: make(chan string, 100), cancel: cancel}
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	c.a.t.Cleanup(s.close)
	return s
}

func (s *stream) close() { s.cancel(); s.res.Body.Close() }

// next returns the next event (name and data) or comment line, skipping
// blank lines and retry: hints; ok is false when the stream ended.
func (s *stream) next(timeout time.Duration) (line string, ok bool) {
	s.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l, open := <-s.lines:
			if !open {
				return "", false
			}
			if l == "" || strings.HasPrefix(l, "retry:") {
				continue
			}
			if strings.HasPrefix(l, "event: ") {
				select {
				case d := <-s.lines:
					return l + " " + d, true
				case <-deadline:
					s.t.Fatalf("event %q without data", l)
				}
			}
			return l, true
		case <-deadline:
			s.t.Fatalf("no event within %s", timeout)
			return "", false
		}
	}
}

// nextEvent skips comments (keep-alives) to the next event.
func (s *stream) nextEvent(timeout time.Duration) string {
	s.t.Helper()
	for {
		l, ok := s.next(timeout)
		if !ok {
			s.t.Fatal("the stream ended before the event came")
		}
		if strings.HasPrefix(l, "event: ") {
			return l
		}
	}
}

// ended waits for the stream to end, skipping keep-alives.
func (s *stream) ended(timeout time.Duration) bool {
	s.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case _, open := <-s.lines:
			if !open {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

func setStatusHX(t *testing.T, c *client, id int64, version, status string) resp {
	t.Helper()
	tok := c.csrf("/claims/" + itoa(id))
	return c.post("/claims/"+itoa(id)+"/status", url.Values{"version": {version}, "status": {status}},
		"HX-Request", "true", "X-CSRF-Token", tok)
}

func TestEventsStreamClaimChanges(t *testing.T) {
	a, _, _ := newLiveApp(t, web.Config{})
	rita, rob := a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	rita.importText("Port plan", article)
	page, err := a.store.Queue(context.Background(), db.QueueFilter{Limit: 3})
	if err != nil || len(page.Claims) < 3 {
		t.Fatalf("claims: %v", err)
	}
	watched, other, third := page.Claims[0].ID, page.Claims[1].ID, page.Claims[2].ID

	s := rob.openEvents("?claims=" + itoa(watched) + ".1," + itoa(third))
	if s.res.StatusCode != http.StatusOK || s.res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %q", s.res.StatusCode, s.res.Header.Get("Content-Type"))
	}
	if l, _ := s.next(5 * time.Second); l != ": connected" {
		t.Fatalf("first line %q", l)
	}
	// A change to a claim the page does not show is not sent; one to a
	// claim it shows is, named after the claim, with the new version.
	if r := setStatusHX(t, rita, other, "1", "confirmed"); r.code != http.StatusOK {
		t.Fatalf("change: %d", r.code)
	}
	if r := setStatusHX(t, rita, watched, "1", "disputed"); r.code != http.StatusOK {
		t.Fatalf("change: %d", r.code)
	}
	if ev := s.nextEvent(5 * time.Second); ev != "event: claim-"+itoa(watched)+" data: 2" {
		t.Fatalf("event = %q", ev)
	}
	if r := setStatusHX(t, rita, third, "1", "disputed"); r.code != http.StatusOK {
		t.Fatalf("change: %d", r.code)
	}
	if ev := s.nextEvent(5 * time.Second); ev != "event: claim-"+itoa(third)+" data: 2" {
		t.Fatalf("event = %q", ev)
	}

	// A page that (re)connects showing an old version hears about it at once.
	s2 := rob.openEvents("?claims=" + itoa(watched) + ".1," + itoa(other) + ".2," + itoa(third) + ".1")
	got := map[string]bool{}
	got[s2.nextEvent(5*time.Second)] = true
	got[s2.nextEvent(5*time.Second)] = true
	if !got["event: claim-"+itoa(watched)+" data: changed"] || !got["event: claim-"+itoa(third)+" data: changed"] {
		t.Fatalf("on connect: %v, want events for the two claims shown at an old version", got)
	}

	// Without a list, every change is sent.
	all := rob.openEvents("")
	all.next(5 * time.Second) // ": connected"
	if r := setStatusHX(t, rita, other, "2", "disputed"); r.code != http.StatusOK {
		t.Fatalf("change: %d", r.code)
	}
	if ev := all.nextEvent(5 * time.Second); ev != "event: claim-"+itoa(other)+" data: 3" {
		t.Fatalf("event = %q", ev)
	}
}

func TestEventsNeedLoginAndGoodInput(t *testing.T) {
	a, _, _ := newLiveApp(t, web.Config{})
	anon := a.client()
	r := anon.get("/events")
	if r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/login") {
		t.Fatalf("anonymous /events: %d %q", r.code, r.hdr.Get("Location"))
	}
	c := a.client()
	c.login("vic") // viewers may follow changes too
	for _, q := range []string{"?claims=x", "?claims=1.0", "?claims=-3", "?claims=1.x"} {
		if r := c.get("/events" + q); r.code != http.StatusBadRequest || !strings.Contains(r.body, "claim numbers") {
			t.Errorf("/events%s: %d", q, r.code)
		}
	}
	many := make([]string, 201)
	for i := range many {
		many[i] = itoa(int64(i + 1))
	}
	if r := c.get("/events?claims=" + strings.Join(many, ",")); r.code != http.StatusBadRequest {
		t.Errorf("201 claims: %d", r.code)
	}
}

// A stream has no deadline of its own, so what ends it matters: the client
// leaving, the session ending (checked at each keep-alive) and shutdown.
func TestEventsEnd(t *testing.T) {
	a, logs, e := newLiveApp(t, web.Config{KeepAlive: 20 * time.Millisecond})

	// Keep-alive comments flow while nothing changes.
	rob := a.client()
	rob.login("rob")
	s := rob.openEvents("")
	s.next(5 * time.Second)
	if l, ok := s.next(5 * time.Second); !ok || l != ": keep-alive" {
		t.Fatalf("idle stream sent %q, %v; want a keep-alive comment", l, ok)
	}

	// The client goes away: the handler returns (the request is logged).
	s.close()
	waitFor(t, "the stream's request to end after the client left", func() bool {
		return strings.Contains(logs.String(), "path=/events status=200")
	})

	// Logging out ends the session's open streams.
	rita := a.client()
	rita.login("rita")
	s = rita.openEvents("")
	s.next(5 * time.Second)
	if r := rita.post("/logout", url.Values{"_csrf": {rita.csrf("/")}}); r.code != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.code)
	}
	if !s.ended(5 * time.Second) {
		t.Fatal("the stream outlived the session")
	}

	// Shutdown ends the rest.
	vic := a.client()
	vic.login("vic")
	s1, s2 := vic.openEvents(""), rob.openEvents("?claims=1")
	s1.next(5 * time.Second)
	s2.next(5 * time.Second)
	// The hooks of e.Server run when a shutdown begins (web.Serve serves
	// through it); this test's server is httptest's, so start one by hand.
	if err := e.Server.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !s1.ended(5*time.Second) || !s2.ended(5*time.Second) {
		t.Fatal("streams outlived the shutdown signal")
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The real server: Serve drains in-flight requests on shutdown, and open
// streams end instead of holding it up until its deadline.
func TestServeEndsStreamsOnShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "serve.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	hash, _ := auth.HashPassword(testPassword)
	if _, err := store.CreateUser(ctx, "rita", hash, "reviewer"); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(&syncBuffer{}, nil))
	e := web.New(web.Config{Store: store, Log: log})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- web.Serve(ctx, e, ln, log) }()

	a := &app{t: t, store: store, srv: &httptest.Server{URL: "http://" + ln.Addr().String()}}
	c := a.client()
	c.login("rita")
	s := c.openEvents("")
	if l, _ := s.next(5 * time.Second); l != ": connected" {
		t.Fatalf("first line %q", l)
	}
	cancel()
	if !s.ended(10 * time.Second) {
		t.Fatal("the stream did not end on shutdown")
	}
	// Serve would give up waiting after 15s with a deadline error.
	if err := <-served; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("Serve: %v", err)
	}
}

func TestClaimLiveFragment(t *testing.T) {
	a, _, _ := newLiveApp(t, web.Config{})
	rita, rob := a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	rita.importText("Port plan", article)
	id := firstClaimID(t, a)
	path := "/claims/" + itoa(id)

	// The page follows its claim at the version it shows.
	page := rob.get(path)
	if sse, _ := page.doc.Find("[sse-connect]").Attr("sse-connect"); sse != "/events?claims="+itoa(id)+".1" {
		t.Fatalf("sse-connect = %q", sse)
	}
	if trig, _ := page.doc.Find("#claim-state").Attr("hx-trigger"); trig != "sse:claim-"+itoa(id) {
		t.Fatalf("#claim-state hx-trigger = %q", trig)
	}
	if get, _ := page.doc.Find("#claim-state").Attr("hx-get"); get != path+"/live?shown=1&seen="+itoa(newestActivity(t, a))+"&assigned=0&mode=review" {
		t.Fatalf("#claim-state hx-get = %q", get)
	}
	if r := rob.get(path + "/live?shown=1"); r.code != http.StatusNoContent {
		t.Fatalf("nothing changed: %d, want 204", r.code)
	}

	tok := rita.csrf(path)
	if r := rita.post(path+"/status", url.Values{"_csrf": {tok}, "version": {"1"}, "status": {"confirmed"}, "note": {"Minutes of the 4 June meeting <agree>."}}); r.code != http.StatusSeeOther {
		t.Fatalf("change: %d", r.code)
	}
	r := rob.get(path + "/live?shown=1")
	if r.code != http.StatusOK {
		t.Fatalf("after a change: %d", r.code)
	}
	state := r.doc.Find("#claim-state")
	if strings.TrimSpace(state.Find("dl.facts .badge").Text()) != "Confirmed" || !strings.Contains(state.AttrOr("hx-get", ""), "shown=2") {
		t.Fatalf("state = %q (hx-get %q)", state.Text(), state.AttrOr("hx-get", ""))
	}
	if h := r.doc.Find(`#claim-history[hx-swap-oob="true"]`); !strings.Contains(h.Text(), "Minutes of the 4 June meeting <agree>.") {
		t.Fatalf("history (out of band) = %q", h.Text())
	}
	if r.doc.Find(`#verdicts[hx-swap-oob="true"] button.current[value="confirmed"]`).Length() != 1 {
		t.Fatal("the verdict buttons do not show the new status")
	}
	notice := r.doc.Find(`#live-notice[hx-swap-oob="true"]`).Text()
	if !strings.Contains(notice, "rita changed this claim to Confirmed") {
		t.Fatalf("notice = %q", notice)
	}
	// The form is not part of it: what rob typed and the version he saw stay.
	if r.doc.Find("form, textarea, input").Length() != 0 {
		t.Fatalf("the live update carries a form: %s", r.body)
	}
	if r := rob.get(path + "/live?shown=2"); r.code != http.StatusNoContent {
		t.Fatalf("up to date: %d", r.code)
	}
	// rita's own other window is told it was her.
	if r := rita.get(path + "/live?shown=1"); !strings.Contains(r.doc.Find("#live-notice").Text(), "You changed this claim") {
		t.Fatalf("own change notice = %q", r.doc.Find("#live-notice").Text())
	}
	// A viewer gets no verdict buttons (there is no form to put them in).
	vic := a.client()
	vic.login("vic")
	if r := vic.get(path + "/live?shown=1"); r.code != http.StatusOK || r.doc.Find("#verdicts").Length() != 0 {
		t.Fatalf("viewer: %d, %d verdict groups", r.code, r.doc.Find("#verdicts").Length())
	}
	for _, bad := range []string{"/live", "/live?shown=x", "/live?shown=0"} {
		if r := rob.get(path + bad); r.code != http.StatusBadRequest {
			t.Errorf("GET %s%s: %d", path, bad, r.code)
		}
	}
	if r := rob.get("/claims/99999/live?shown=1"); r.code != http.StatusNotFound {
		t.Errorf("missing claim: %d", r.code)
	}
}

func TestQueueRowsFollowChanges(t *testing.T) {
	a, _, _ := newLiveApp(t, web.Config{})
	rita, rob := a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	rita.importText("Port plan", article)
	q := rob.get("/queue?status=unverified")
	rows := q.doc.Find("tr[data-claim]")
	if rows.Length() < 2 {
		t.Fatalf("queue rows: %d", rows.Length())
	}
	first := rows.First()
	id := first.AttrOr("data-claim", "")
	// The queue follows every claim it shows, at its version.
	sse := q.doc.Find("[sse-connect]").AttrOr("sse-connect", "")
	if !strings.HasPrefix(sse, "/events?claims="+id+".1,") || strings.Count(sse, ",") != rows.Length()-1 {
		t.Fatalf("sse-connect = %q for %d rows", sse, rows.Length())
	}
	if first.AttrOr("hx-trigger", "") != "sse:claim-"+id || first.AttrOr("hx-get", "") != "/claims/"+id+"/row?shown=1&assigned=0&status=unverified" {
		t.Fatalf("row attributes: %v %v", first.AttrOr("hx-trigger", ""), first.AttrOr("hx-get", ""))
	}
	// Claim links keep the queue's filter, for j and k on the claim page.
	if href := first.Find("td.claim-text a").AttrOr("href", ""); href != "/claims/"+id+"?status=unverified" {
		t.Fatalf("claim link = %q", href)
	}
	if r := rob.get("/claims/" + id + "/row?shown=1&assigned=0&status=unverified"); r.code != http.StatusNoContent {
		t.Fatalf("unchanged row: %d", r.code)
	}
	var cid int64
	for _, ch := range id {
		cid = cid*10 + int64(ch-'0')
	}

	// An assignment leaves the version alone; the row follows it too.
	robID := a.user("rob").ID
	if _, err := a.store.AssignClaims(context.Background(), a.user("rita").ID, robID, []int64{cid}); err != nil {
		t.Fatal(err)
	}
	ar := rob.get("/claims/" + id + "/row?shown=1&assigned=0&status=unverified")
	arow := rowDoc(t, ar).Find("tr#claim-row-" + id)
	if ar.code != http.StatusOK || !strings.Contains(arow.Text(), "rob") ||
		!strings.Contains(arow.Find(".live-note").Text(), "Assigned to rob") ||
		!strings.Contains(arow.AttrOr("hx-get", ""), "&assigned="+itoa(robID)) {
		t.Fatalf("row after assignment: %d %s", ar.code, ar.body)
	}
	if r := rob.get("/claims/" + id + "/row?shown=1&assigned=" + itoa(robID) + "&status=unverified"); r.code != http.StatusNoContent {
		t.Fatalf("row showing the assignee: %d", r.code)
	}

	// rita changes it: rob's row, re-fetched, says so.
	if r := setStatusHX(t, rita, cid, "1", "disputed"); r.code != http.StatusOK {
		t.Fatalf("change: %d", r.code)
	}
	r := rob.get("/claims/" + id + "/row?shown=1&status=unverified")
	row := rowDoc(t, r).Find("tr#claim-row-" + id)
	if r.code != http.StatusOK || row.Length() != 1 || !strings.Contains(row.Find(".badge").Text(), "Disputed") ||
		!strings.Contains(row.Find(".live-note").Text(), "Disputed: changed by rita") || row.AttrOr("data-version", "") != "2" {
		t.Fatalf("row after change: %d %s", r.code, r.body)
	}
	if strings.Contains(r.body, "<html") {
		t.Fatal("the row came back as a whole page")
	}

	// Setting a status from the queue (c, d, u) answers with the row. rob's
	// row was at version 1: refused, showing the newer state.
	tok := rob.csrf("/queue")
	stale := rob.post("/claims/"+id+"/status", url.Values{"version": {"1"}, "status": {"confirmed"}, "q": {"status=unverified"}},
		"HX-Request", "true", "X-CSRF-Token", tok, "HX-Target", "claim-row-"+id)
	staleRow := rowDoc(t, stale).Find("tr#claim-row-" + id)
	if stale.code != http.StatusConflict || !strings.Contains(staleRow.Find(".row-error").Text(), "It is now Disputed") ||
		staleRow.AttrOr("data-version", "") != "2" {
		t.Fatalf("stale change from the queue: %d %s", stale.code, stale.body)
	}
	ok := rob.post("/claims/"+id+"/status", url.Values{"version": {"2"}, "status": {"confirmed"}, "q": {"status=unverified"}},
		"HX-Request", "true", "X-CSRF-Token", tok, "HX-Target", "claim-row-"+id)
	okRow := rowDoc(t, ok).Find("tr#claim-row-" + id)
	if ok.code != http.StatusOK || !strings.Contains(okRow.Find(".badge").Text(), "Confirmed") ||
		!strings.Contains(okRow.Find(".live-note").Text(), "Saved: Confirmed") ||
		okRow.Find("td.claim-text a").AttrOr("href", "") != "/claims/"+id+"?status=unverified" {
		t.Fatalf("change from the queue: %d %s", ok.code, ok.body)
	}
	if cl, _ := a.store.Claim(context.Background(), cid); cl.Status != "confirmed" || cl.Version != 3 {
		t.Fatalf("claim = %s v%d", cl.Status, cl.Version)
	}
	// A viewer cannot, from the queue either.
	vic := a.client()
	vic.login("vic")
	if r := vic.post("/claims/"+id+"/status", url.Values{"version": {"3"}, "status": {"disputed"}},
		"HX-Request", "true", "X-CSRF-Token", vic.csrf("/queue"), "HX-Target", "claim-row-"+id); r.code != http.StatusForbidden {
		t.Fatalf("viewer from the queue: %d", r.code)
	}
}

// rowDoc parses a table row fragment: an HTML parser drops a <tr> that
// stands outside a table, as htmx does not.
func rowDoc(t *testing.T, r resp) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<table><tbody>" + r.body + "</tbody></table>"))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestClaimPageStepsThroughTheQueue(t *testing.T) {
	a, _, _ := newLiveApp(t, web.Config{})
	rita := a.client()
	rita.login("rita")
	rita.importText("Port plan", article)
	page, _ := a.store.Queue(context.Background(), db.QueueFilter{Limit: 50})
	if len(page.Claims) < 3 {
		t.Fatalf("%d claims", len(page.Claims))
	}
	ids := page.Claims
	// Through the whole queue, in its order.
	mid := rita.get("/claims/" + itoa(ids[1].ID))
	if p := mid.doc.Find(`.claim-nav a[rel="prev"]`).AttrOr("href", ""); p != "/claims/"+itoa(ids[0].ID) {
		t.Errorf("prev = %q", p)
	}
	if n := mid.doc.Find(`.claim-nav a[rel="next"]`).AttrOr("href", ""); n != "/claims/"+itoa(ids[2].ID) {
		t.Errorf("next = %q", n)
	}
	first := rita.get("/claims/" + itoa(ids[0].ID))
	if first.doc.Find(`.claim-nav a[rel="prev"]`).Length() != 0 {
		t.Error("the first claim has a previous one")
	}
	if e := strings.TrimSpace(first.doc.Find(`.claim-nav [data-end="prev"]`).Text()); e != "First in this queue" {
		t.Errorf("the first claim's page says %q where the previous link would be", e)
	}
	if mid.doc.Find(`.claim-nav [data-end]`).Length() != 0 {
		t.Error("a claim in the middle of the queue is shown at an end of it")
	}
	// Within a filtered queue, keeping the filter.
	if _, err := a.store.SetStatus(context.Background(), ids[1].ID, 1, 1, "confirmed", ""); err != nil {
		t.Fatal(err)
	}
	f := rita.get("/claims/" + itoa(ids[0].ID) + "?status=unverified")
	if n := f.doc.Find(`.claim-nav a[rel="next"]`).AttrOr("href", ""); n != "/claims/"+itoa(ids[2].ID)+"?status=unverified" {
		t.Errorf("next unverified = %q", n)
	}
	if r := rita.get("/claims/" + itoa(ids[0].ID) + "?status=maybe"); r.code != http.StatusBadRequest {
		t.Errorf("bad filter on the claim page: %d", r.code)
	}
}

// A reviewer who owes a blind second opinion on a claim learns nothing of
// its verdict from live updates, queue rows or search either.
func TestLiveAndSearchKeepSecondOpinionsBlind(t *testing.T) {
	a, _, _ := newLiveApp(t, web.Config{})
	ctx := context.Background()
	eddie := a.addUser("eddie", "editor")
	rita, rob := a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	rita.importText("Port plan", article)
	id := firstClaimID(t, a)
	path := "/claims/" + itoa(id)
	ritaU, _ := a.store.UserByName(ctx, "rita")
	robU, _ := a.store.UserByName(ctx, "rob")
	const secret = "Harbourmaster logbook contradicts this"
	if _, err := a.store.SetStatus(ctx, id, ritaU.ID, 1, "disputed", secret); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.RequestSecondOpinion(ctx, id, eddie.ID, robU.ID); err != nil {
		t.Fatal(err)
	}
	cl, _ := a.store.Claim(ctx, id)
	shown := itoa(cl.Version)
	// The claim changes while rob's page is open: rita comments, and adds a
	// note to her verdict (a new verdict, or a dismissal, would withdraw the
	// request).
	if _, err := a.store.AddComment(ctx, id, ritaU.ID, "Second look: the logbook was misread."); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.SetStatus(ctx, id, ritaU.ID, cl.Version, "disputed", "The logbook again"); err != nil {
		t.Fatal(err)
	}

	leaks := func(what, html string) {
		t.Helper()
		for _, s := range []string{"Disputed", "Confirmed", "logbook", "rita", "s-disputed", "s-confirmed"} {
			if strings.Contains(html, s) {
				t.Errorf("%s shows rob %q:\n%s", what, s, html)
			}
		}
	}
	r := rob.get(path + "/live?shown=" + shown)
	if r.code != http.StatusOK || !strings.Contains(r.doc.Find("#live-notice").Text(), "stays hidden") {
		t.Fatalf("live update: %d %q", r.code, r.doc.Find("#live-notice").Text())
	}
	leaks("the live update", r.body)
	if r.doc.Find("#verdicts").Length() != 0 {
		t.Error("the live update carries status buttons for a blind reviewer")
	}

	row := rob.get(path + "/row?shown=" + shown)
	leaks("the queue row", row.body)
	if !strings.Contains(row.body, "Hidden") {
		t.Errorf("queue row: %s", row.body)
	}

	s := rob.get("/search?q=logbook")
	if s.code != http.StatusOK || s.doc.Find("ol.results li").Length() != 0 {
		t.Errorf("rob finds the claim by rita's notes: %d results", s.doc.Find("ol.results li").Length())
	}
	s = rob.get("/search?q=council+voted")
	leaks("search results", s.doc.Find("ol.results").Text())
	if !strings.Contains(s.doc.Find("ol.results").Text(), "Hidden") {
		t.Errorf("search result badge: %q", s.doc.Find("ol.results").Text())
	}
	if s := rob.get("/search?status=disputed"); s.doc.Find(`ol.results a[href="`+path+`"]`).Length() != 0 {
		t.Error("a status filter in search tells rob the verdict")
	}
	// rita, who is not blind, sees it all.
	if s := rita.get("/search?q=logbook"); s.doc.Find("ol.results li").Length() != 1 {
		t.Errorf("rita's search: %d results", s.doc.Find("ol.results li").Length())
	}
}
