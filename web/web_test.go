package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/web"
)

const testPassword = "correct horse battery"

// app is the real router over a real SQLite file.
type app struct {
	t     *testing.T
	store *db.Store
	srv   *httptest.Server
	log   *bytes.Buffer
}

func newApp(t *testing.T) *app {
	t.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	logBuf := &bytes.Buffer{}
	e := web.New(web.Config{Store: store, Log: slog.New(slog.NewTextHandler(logBuf, nil)), MaxDocBytes: 64 << 10})
	srv := httptest.NewServer(e)
	t.Cleanup(func() { srv.Close(); store.Close() })
	a := &app{t: t, store: store, srv: srv, log: logBuf}
	for name, role := range map[string]string{"rita": "reviewer", "vic": "viewer", "rob": "reviewer"} {
		hash, err := auth.HashPassword(testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.CreateUser(ctx, name, hash, role); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// client is one browser: a cookie jar, no automatic redirects. Like a Go
// client (and unlike a browser) it sends no Sec-Fetch-Site header, so every
// state-changing request exercises the CSRF token path.
type client struct {
	a    *app
	http *http.Client
}

func (a *app) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{a: a, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type resp struct {
	code int
	hdr  http.Header
	body string
	doc  *goquery.Document
}

func (c *client) do(req *http.Request) resp {
	c.a.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(b))
	return resp{code: res.StatusCode, hdr: res.Header, body: string(b), doc: doc}
}

func (c *client) get(path string) resp {
	c.a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.a.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values, hdr ...string) resp {
	c.a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.do(req)
}

// csrf GETs a page with a form and reads its token, as a browser would.
func (c *client) csrf(path string) string {
	c.a.t.Helper()
	r := c.get(path)
	tok, ok := r.doc.Find(`input[name="_csrf"]`).Attr("value")
	if !ok || tok == "" {
		c.a.t.Fatalf("no CSRF token on %s (%d): %s", path, r.code, r.body)
	}
	return tok
}

func (c *client) login(name string) {
	c.a.t.Helper()
	r := c.post("/login", url.Values{"_csrf": {c.csrf("/login")}, "username": {name}, "password": {testPassword}})
	if r.code != http.StatusSeeOther {
		c.a.t.Fatalf("login as %s: %d %s", name, r.code, r.body)
	}
}

func (c *client) importText(title, text string) resp {
	c.a.t.Helper()
	return c.upload(title, "", []byte(text))
}

// upload posts the import form as multipart, with text or a file.
func (c *client) upload(title, filename string, data []byte) resp {
	c.a.t.Helper()
	tok := c.csrf("/documents/new")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("_csrf", tok)
	mw.WriteField("title", title)
	if filename == "" {
		mw.WriteField("text", string(data))
	} else {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+"/documents", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func (a *app) documentCount() int {
	docs, err := a.store.ListDocuments(context.Background(), 0, 1000)
	if err != nil {
		a.t.Fatal(err)
	}
	return len(docs)
}

const article = `Harbour city council approves “green port” plan

Advertisement

The council voted 31 to 4 on Tuesday to spend $2.5 billion on the port, officials said.

Mayor Ana Ruiz said the plan would cut emissions by 40% by 2030 — a figure the port authority disputes.

Photo: Harbour Daily/Getty Images

The port handled 10,000 containers a day in 2023, according to the port authority.`

func firstClaimID(t *testing.T, a *app) int64 {
	t.Helper()
	return firstClaimIDOf(t, a.store)
}

// firstClaimIDOf is the claim at the top of the queue.
func firstClaimIDOf(t *testing.T, store *db.Store) int64 {
	t.Helper()
	page, err := store.Queue(context.Background(), db.QueueFilter{Limit: 1})
	if err != nil || len(page.Claims) == 0 {
		t.Fatalf("no claims: %v", err)
	}
	return page.Claims[0].ID
}

func TestAnonymousIsSentToLogin(t *testing.T) {
	a := newApp(t)
	c := a.client()
	for _, path := range []string{"/", "/queue?status=disputed", "/claims/1", "/documents/1", "/documents/new", "/export"} {
		r := c.get(path)
		loc := r.hdr.Get("Location")
		if r.code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("GET %s: %d to %q", path, r.code, loc)
		}
		if next, _ := url.Parse(loc); next.Query().Get("next") != path {
			t.Errorf("GET %s: next = %q", path, next.Query().Get("next"))
		}
	}
	// A state change without a session is refused, whatever the token.
	tok := c.csrf("/login")
	r := c.post("/claims/1/status", url.Values{"_csrf": {tok}, "status": {"confirmed"}, "version": {"1"}})
	if r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/login") {
		t.Errorf("anonymous POST: %d %s", r.code, r.hdr.Get("Location"))
	}
	r = c.get("/healthz")
	if r.code != http.StatusOK {
		t.Errorf("healthz = %d", r.code)
	}
}

func TestLoginSessionAndLogout(t *testing.T) {
	a := newApp(t)
	c := a.client()

	// No token, a forged token: refused before the password is looked at.
	if r := c.post("/login", url.Values{"username": {"rita"}, "password": {testPassword}}); r.code != http.StatusForbidden {
		t.Fatalf("login without CSRF token: %d", r.code)
	}
	tok := c.csrf("/login")
	if r := c.post("/login", url.Values{"_csrf": {tok + "x"}, "username": {"rita"}, "password": {testPassword}}); r.code != http.StatusForbidden ||
		!strings.Contains(r.body, "Reload the page") {
		t.Fatalf("login with forged CSRF token: %d", r.code)
	}

	// Wrong password and unknown user get the same answer.
	wrong := c.post("/login", url.Values{"_csrf": {tok}, "username": {"rita"}, "password": {"not the password"}})
	unknown := c.post("/login", url.Values{"_csrf": {tok}, "username": {"nobody"}, "password": {testPassword}})
	if wrong.code != http.StatusUnauthorized || unknown.code != http.StatusUnauthorized ||
		wrong.doc.Find("#login-error").Text() != unknown.doc.Find("#login-error").Text() {
		t.Fatalf("wrong password %d / unknown user %d differ", wrong.code, unknown.code)
	}
	// The name typed is kept, and the keyboard is where to type again.
	if _, ok := a.client().get("/login").doc.Find("#username").Attr("autofocus"); !ok {
		t.Error("the login form does not start in the user name")
	}
	_, nameFocus := wrong.doc.Find("#username").Attr("autofocus")
	_, passFocus := wrong.doc.Find("#password").Attr("autofocus")
	if wrong.doc.Find("#username").AttrOr("value", "") != "rita" || nameFocus || !passFocus {
		t.Errorf("after a wrong password: name %q, autofocus on name %v, on password %v; want rita, false, true",
			wrong.doc.Find("#username").AttrOr("value", ""), nameFocus, passFocus)
	}

	// A session id planted before login is replaced at login.
	c.get("/login")
	r := c.post("/login", url.Values{"_csrf": {tok}, "username": {"rita"}, "password": {testPassword}, "next": {"/queue"}})
	if r.code != http.StatusSeeOther || r.hdr.Get("Location") != "/queue" {
		t.Fatalf("login: %d %q", r.code, r.hdr.Get("Location"))
	}
	var sessCookie *http.Cookie
	for _, ck := range r.hdrCookies() {
		if ck.Name == "factdesk_session" {
			sessCookie = ck
		}
	}
	if sessCookie == nil || !sessCookie.HttpOnly || sessCookie.SameSite != http.SameSiteLaxMode || sessCookie.Secure {
		t.Fatalf("session cookie = %+v", sessCookie)
	}
	if r := c.get("/"); r.code != http.StatusOK || !strings.Contains(r.doc.Find(".who").Text(), "rita") {
		t.Fatalf("after login: %d", r.code)
	}
	// A login link followed once logged in (in another tab) goes on to
	// where it led.
	if r := c.get("/login?ended=unsaved&next=%2Fqueue%3Fstatus%3Ddisputed"); r.code != http.StatusSeeOther || r.hdr.Get("Location") != "/queue?status=disputed" {
		t.Errorf("login page when logged in: %d %q", r.code, r.hdr.Get("Location"))
	}
	// Logging in again rotates the id: the old cookie no longer works.
	old := sessCookie.Value
	if r := c.post("/login", url.Values{"_csrf": {c.csrf("/")}, "username": {"rita"}, "password": {testPassword}}); r.code != http.StatusSeeOther {
		t.Fatalf("second login: %d", r.code)
	}
	if _, err := a.store.Session(context.Background(), old); err == nil {
		t.Fatal("session id not rotated at login")
	}

	// Logout ends the session on the server: replaying the cookie fails.
	u, _ := url.Parse(a.srv.URL)
	var current string
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "factdesk_session" {
			current = ck.Value
		}
	}
	if r := c.post("/logout", url.Values{"_csrf": {c.csrf("/")}}); r.code != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.code)
	}
	replay := a.client()
	replay.http.Jar.SetCookies(u, []*http.Cookie{{Name: "factdesk_session", Value: current}})
	if r := replay.get("/"); r.code != http.StatusSeeOther {
		t.Fatalf("replayed cookie after logout: %d", r.code)
	}
	if r := c.post("/login", url.Values{"_csrf": {tok}, "username": {"rita"}, "password": {testPassword}, "next": {"//evil.example/x"}}); r.hdr.Get("Location") != "/" {
		t.Fatalf("open redirect: %q", r.hdr.Get("Location"))
	}
}

func (r resp) hdrCookies() []*http.Cookie {
	return (&http.Response{Header: r.hdr}).Cookies()
}

func TestSetupLinkWorksOnce(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "setup.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewServer(web.New(web.Config{Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	a := &app{t: t, store: store, srv: srv}
	tok, _ := web.NewSetupToken()
	if err := store.SetSetupToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	c := a.client()
	if r := c.get("/setup/wrong"); r.code != http.StatusNotFound {
		t.Fatalf("wrong token: %d", r.code)
	}
	csrf := c.csrf("/setup/" + tok)
	form := url.Values{"_csrf": {csrf}, "username": {"ann"}, "password": {"short"}, "password2": {"short"}}
	if r := c.post("/setup/"+tok, form); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "at least 12") {
		t.Fatalf("short password: %d", r.code)
	}
	form.Set("password", testPassword)
	form.Set("password2", testPassword+"!")
	if r := c.post("/setup/"+tok, form); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "differ") {
		t.Fatalf("mismatched passwords: %d", r.code)
	}
	form.Set("password2", testPassword)
	if r := c.post("/setup/"+tok, form); r.code != http.StatusSeeOther {
		t.Fatalf("setup: %d %s", r.code, r.body)
	}
	if r := c.get("/"); r.code != http.StatusOK || !strings.Contains(r.doc.Find(".who").Text(), "admin") {
		t.Fatalf("admin not logged in after setup: %d", r.code)
	}
	if r := a.client().get("/setup/" + tok); r.code != http.StatusNotFound {
		t.Fatalf("setup link reused: %d", r.code)
	}
	if n, _ := store.CountUsers(ctx); n != 1 {
		t.Fatalf("users = %d", n)
	}
}

func TestImportReviewAndExport(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.login("rita")

	r := c.importText("Port plan", article)
	if r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/documents/") {
		t.Fatalf("import: %d %s", r.code, r.body)
	}
	docPath := r.hdr.Get("Location")
	doc := c.get(docPath)
	if doc.code != http.StatusOK || !strings.Contains(doc.doc.Find(".flash").Text(), "claims found") {
		t.Fatalf("document page: %d flash %q", doc.code, doc.doc.Find(".flash").Text())
	}
	// The body is shown whole, with each highlight exactly the claim's text.
	if got := doc.doc.Find("article.doc-body").Text(); got != article {
		t.Fatalf("document text differs:\n%q\n%q", got, article)
	}
	hl := doc.doc.Find("a.hl")
	if hl.Length() < 3 {
		t.Fatalf("only %d highlights", hl.Length())
	}
	ctx := context.Background()
	hl.Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		var id int64
		for _, ch := range strings.TrimPrefix(href, "/claims/") {
			id = id*10 + int64(ch-'0')
		}
		cl, err := a.store.Claim(ctx, id)
		if err != nil || cl.Text != s.Text() {
			t.Errorf("highlight %q links to claim %q (%v)", s.Text(), cl.Text, err)
		}
		if strings.Contains(s.Text(), "Advertisement") || strings.Contains(s.Text(), "Getty") {
			t.Errorf("boilerplate highlighted: %q", s.Text())
		}
	})

	// Same text again: no second document, the user is told which one.
	again := c.importText("Copy", article)
	if again.hdr.Get("Location") != docPath || a.documentCount() != 1 {
		t.Fatalf("reimport made a second document: %s", again.hdr.Get("Location"))
	}
	if f := c.get(docPath).doc.Find(".flash").Text(); !strings.Contains(f, "imported before") {
		t.Fatalf("reimport flash = %q", f)
	}

	// The claim page shows the claim in its paragraph and the form.
	id := firstClaimID(t, a)
	cl, _ := a.store.Claim(ctx, id)
	page := c.get("/claims/" + itoa(id))
	if page.code != http.StatusOK || page.doc.Find("mark.hl").Text() != cl.Text {
		t.Fatalf("claim page: %d mark %q", page.code, page.doc.Find("mark.hl").Text())
	}
	passage := page.doc.Find("blockquote.source").Text()
	if !strings.Contains(article, passage) || len(passage) <= len(cl.Text) && !strings.Contains(article, "\n\n"+cl.Text+"\n\n") {
		t.Fatalf("passage %q is not the claim's paragraph", passage)
	}
	if link, _ := page.doc.Find(`a[href^="/documents/"][href*="#claim-"]`).Attr("href"); link != docPath+"#claim-"+itoa(id) {
		t.Fatalf("document link = %q", link)
	}
	if page.doc.Find(`button[name="status"]`).Length() != 3 || page.doc.Find(`textarea[name="note"]`).Length() != 1 {
		t.Fatal("status form missing")
	}

	// Mark it disputed with a note: one history row, status and version move.
	tok, _ := page.doc.Find(`#review input[name="_csrf"]`).Attr("value")
	ver, _ := page.doc.Find(`#review input[name="version"]`).Attr("value")
	r = c.post("/claims/"+itoa(id)+"/status", url.Values{"_csrf": {tok}, "version": {ver}, "status": {"disputed"}, "note": {"Port authority says 8,000 — see “annual report”."}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("status change: %d %s", r.code, r.body)
	}
	page = c.get("/claims/" + itoa(id))
	if !strings.Contains(page.doc.Find(".flash").Text(), "Disputed") || strings.TrimSpace(page.doc.Find("dl.facts .badge").Text()) != "Disputed" {
		t.Fatalf("after change: flash %q", page.doc.Find(".flash").Text())
	}
	hist := page.doc.Find("ol.history li")
	if hist.Length() != 1 || !strings.Contains(hist.Text(), "rita") || !strings.Contains(hist.Text(), "Port authority says 8,000 — see “annual report”.") ||
		!strings.Contains(hist.Text(), "Unverified") {
		t.Fatalf("history = %q", hist.Text())
	}

	// Export (default: verified claims) carries the claim and its history.
	exp := c.get("/export?format=json")
	if exp.code != http.StatusOK || !strings.HasPrefix(exp.hdr.Get("Content-Type"), "application/json") ||
		!strings.Contains(exp.hdr.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(exp.hdr.Get("Content-Disposition"), `filename="factdesk-claims-`) {
		t.Fatalf("export: %d %v", exp.code, exp.hdr)
	}
	var recs []map[string]any
	if err := json.Unmarshal([]byte(exp.body), &recs); err != nil || len(recs) != 1 {
		t.Fatalf("export body %q: %v", exp.body, err)
	}
	rec := recs[0]
	runes := []rune(article)
	if rec["status"] != "disputed" || rec["text"] != cl.Text || rec["last_reviewer"] != "rita" ||
		string(runes[int(rec["start"].(float64)):int(rec["end"].(float64))]) != cl.Text || rec["document_title"] != "Port plan" {
		t.Fatalf("record = %v", rec)
	}
	csvResp := c.get("/export?format=csv&status=disputed,unverified")
	rows, err := csv.NewReader(strings.NewReader(csvResp.body)).ReadAll()
	if err != nil || len(rows) < 3 || rows[0][0] != "id" {
		t.Fatalf("csv export: %v %d rows", err, len(rows))
	}
	if r := c.get("/export?format=xml"); r.code != http.StatusBadRequest || !strings.Contains(r.body, "json, jsonl, csv") {
		t.Fatalf("bad export format: %d", r.code)
	}
	if r := c.get("/export?status=maybe"); r.code != http.StatusBadRequest || !strings.Contains(strings.ToLower(r.body), "unknown status") {
		t.Fatalf("bad export status: %d", r.code)
	}

	// Queue filters and shows the claim.
	q := c.get("/queue?status=disputed")
	if q.code != http.StatusOK || q.doc.Find("table.queue tbody tr").Length() != 1 {
		t.Fatalf("disputed queue: %d", q.code)
	}
	if r := c.get("/queue?status=bogus"); r.code != http.StatusBadRequest {
		t.Fatalf("bogus status filter: %d", r.code)
	}
}

func TestStaleChangeIsRefused(t *testing.T) {
	a := newApp(t)
	rita, rob := a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	rita.importText("Port plan", article)
	id := firstClaimID(t, a)
	path := "/claims/" + itoa(id)

	// Both open the claim at version 1.
	rp, bp := rita.get(path), rob.get(path)
	rtok, _ := rp.doc.Find(`#review input[name="_csrf"]`).Attr("value")
	btok, _ := bp.doc.Find(`#review input[name="_csrf"]`).Attr("value")
	if r := rita.post(path+"/status", url.Values{"_csrf": {rtok}, "version": {"1"}, "status": {"confirmed"}}); r.code != http.StatusSeeOther {
		t.Fatalf("first change: %d", r.code)
	}
	r := rob.post(path+"/status", url.Values{"_csrf": {btok}, "version": {"1"}, "status": {"disputed"}, "note": {"my careful note"}})
	if r.code != http.StatusConflict {
		t.Fatalf("stale change: %d", r.code)
	}
	msg := r.doc.Find("#review-error").Text()
	if !strings.Contains(msg, "someone else changed") || !strings.Contains(msg, "Confirmed") {
		t.Fatalf("stale message %q", msg)
	}
	if r.doc.Find("#note").Text() != "my careful note" {
		t.Fatalf("note lost: %q", r.doc.Find("#note").Text())
	}
	if v, _ := r.doc.Find(`#review input[name="version"]`).Attr("value"); v != "2" {
		t.Fatalf("form not at the new version: %q", v)
	}
	cl, _ := a.store.Claim(context.Background(), id)
	hist, _ := a.store.History(context.Background(), id)
	if cl.Status != "confirmed" || len(hist) != 1 {
		t.Fatalf("stale change overwrote: %s, %d rows", cl.Status, len(hist))
	}

	// htmx: the same refusal comes back as the fragment, with the header token.
	hx := rob.post(path+"/status", url.Values{"version": {"1"}, "status": {"disputed"}}, "HX-Request", "true", "X-CSRF-Token", btok)
	if hx.code != http.StatusConflict || strings.Contains(hx.body, "<html") || hx.doc.Find("#claim-main").Length() != 1 {
		t.Fatalf("htmx stale: %d %s", hx.code, hx.body)
	}
	ok := rob.post(path+"/status", url.Values{"version": {"2"}, "status": {"disputed"}}, "HX-Request", "true", "X-CSRF-Token", btok)
	if ok.code != http.StatusOK || ok.doc.Find("ol.history li").Length() != 2 {
		t.Fatalf("htmx change: %d %s", ok.code, ok.body)
	}
}

func TestViewerCannotChangeAnything(t *testing.T) {
	a := newApp(t)
	rita := a.client()
	rita.login("rita")
	rita.importText("Port plan", article)
	id := firstClaimID(t, a)
	vic := a.client()
	vic.login("vic")
	page := vic.get("/claims/" + itoa(id))
	if page.code != http.StatusOK || page.doc.Find(`button[name="status"]`).Length() != 0 {
		t.Fatalf("viewer sees the status form (%d)", page.code)
	}
	tok := vic.csrf("/claims/" + itoa(id))
	r := vic.post("/claims/"+itoa(id)+"/status", url.Values{"_csrf": {tok}, "version": {"1"}, "status": {"confirmed"}})
	if r.code != http.StatusForbidden {
		t.Fatalf("viewer status change: %d", r.code)
	}
	if r := vic.get("/documents/new"); r.code != http.StatusForbidden {
		t.Fatalf("viewer import page: %d", r.code)
	}
	if r := vic.upload("x", "", []byte("Ships carried 5 tonnes of grain in 2023, officials said.")); r.code != http.StatusForbidden {
		t.Fatalf("viewer import: %d", r.code)
	}
	cl, _ := a.store.Claim(context.Background(), id)
	if cl.Status != "unverified" || cl.Version != 1 || a.documentCount() != 1 {
		t.Fatal("viewer changed something")
	}
	if r := vic.get("/export?format=csv"); r.code != http.StatusOK {
		t.Fatalf("viewer export: %d", r.code)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.login("rita")
	big := bytes.Repeat([]byte("The port handled 10,000 containers. "), 3000) // over the 64 KB test limit
	cases := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"empty text", "", []byte("   \n "), "Paste the article text"},
		{"empty file", "a.txt", []byte{}, "empty"},
		{"binary", "a.txt", []byte("PK\x03\x04\x00\x00binary\x00\x01"), "not text"},
		{"invalid UTF-8", "a.txt", []byte("caf\xe9 au lait, 3 euros"), "UTF-8"},
		{"wrong type", "report.pdf", []byte("%PDF-1.4 ..."), ""},
		{"too large", "big.txt", big, "64 KB"},
	}
	for _, tc := range cases {
		r := c.upload("T", tc.file, tc.data)
		if r.code != http.StatusUnprocessableEntity && r.code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: %d", tc.name, r.code)
			continue
		}
		msg := r.doc.Find(".error").Text()
		if msg == "" || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q", tc.name, msg)
		}
	}
	if n := a.documentCount(); n != 0 {
		t.Fatalf("%d documents stored from bad input", n)
	}
	tok := c.csrf("/documents/new")
	bad := c.post("/documents", url.Values{"_csrf": {tok}, "text": {article}, "url": {"javascript:alert(1)"}})
	if bad.code != http.StatusUnprocessableEntity || !strings.Contains(bad.doc.Find(".error").Text(), "http") {
		t.Fatalf("javascript: URL: %d", bad.code)
	}
	if bad.doc.Find("#text").Text() != article {
		t.Fatal("the pasted text was lost on error")
	}
	for date, want := range map[string]string{
		"31/12/2024": "must look like 2024-12-31",
		"2024-02-30": "2024-02-30 is not a day of the calendar",
	} {
		bad = c.post("/documents", url.Values{"_csrf": {tok}, "text": {article}, "published": {date}})
		if msg := bad.doc.Find(".error").Text(); bad.code != http.StatusUnprocessableEntity || !strings.Contains(msg, want) {
			t.Fatalf("date %s: %d %q, want 422 saying %q", date, bad.code, msg, want)
		}
	}

	c.importText("Port plan", article)
	id := firstClaimID(t, a)
	path := "/claims/" + itoa(id)
	tok = c.csrf(path)
	if r := c.post(path+"/status", url.Values{"_csrf": {tok}, "version": {"1"}, "status": {"true"}}); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(strings.ToLower(r.doc.Find("#review-error").Text()), "unknown status") {
		t.Fatalf("unknown status: %d", r.code)
	}
	if r := c.post(path+"/status", url.Values{"version": {"1"}, "status": {"confirmed"}}); r.code != http.StatusForbidden {
		t.Fatalf("missing CSRF token: %d", r.code)
	}
	if r := c.post(path+"/status", url.Values{"_csrf": {"forged"}, "version": {"1"}, "status": {"confirmed"}}); r.code != http.StatusForbidden {
		t.Fatalf("forged CSRF token: %d", r.code)
	}
	if r := c.post(path+"/status", url.Values{"_csrf": {tok}, "status": {"confirmed"}}); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("missing version: %d", r.code)
	}
	if r := c.post("/claims/999999/status", url.Values{"_csrf": {tok}, "version": {"1"}, "status": {"confirmed"}}); r.code != http.StatusNotFound {
		t.Fatalf("unknown claim: %d", r.code)
	}
	cl, _ := a.store.Claim(context.Background(), id)
	if cl.Status != "unverified" || cl.Version != 1 {
		t.Fatalf("bad input changed the claim: %+v", cl)
	}
	for _, p := range []string{"/claims/999999", "/documents/999999", "/claims/abc", "/documents/-1", "/nowhere"} {
		r := c.get(p)
		if r.code != http.StatusNotFound || r.doc.Find("h1").Text() != "Not found" {
			t.Errorf("GET %s: %d %q", p, r.code, r.doc.Find("h1").Text())
		}
	}
	// A bad page cursor is refused on every list, not read as the first page.
	for _, p := range []string{"/?before=abc", "/inbox?before=xyz", "/activity?before=-1", "/?before=1&before=2"} {
		if r := c.get(p); r.code != http.StatusBadRequest {
			t.Errorf("GET %s: %d %q", p, r.code, r.doc.Find("main").Text())
		}
	}
	// An unknown kind is refused as an unknown status is, not read as
	// "no claims".
	for _, p := range []string{"/search?kind=bogus", "/export?kind=quantity,bogus", "/search?status=bogus", "/export?status=bogus"} {
		if r := c.get(p); r.code != http.StatusBadRequest || !strings.Contains(r.body, "Unknown") {
			t.Errorf("GET %s: %d %q", p, r.code, r.doc.Find("main").Text())
		}
	}
}

func TestInternalErrorsStayInTheLog(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.login("rita")
	a.store.Close() // every query now fails
	r := c.get("/queue")
	if r.code != http.StatusInternalServerError {
		t.Fatalf("status %d", r.code)
	}
	rid := r.doc.Find("code").Text()
	// The request id is random letters, which may spell "sql".
	shown := strings.ReplaceAll(r.body, rid, "")
	if strings.Contains(strings.ToLower(shown), "sql") || strings.Contains(shown, "goroutine") || rid == "" {
		t.Fatalf("internal details shown or request id missing: %s", r.body)
	}
	if !strings.Contains(a.log.String(), rid) || !strings.Contains(a.log.String(), "level=ERROR") {
		t.Fatalf("request id %s not in the log", rid)
	}
}

func TestSecurityHeaders(t *testing.T) {
	a := newApp(t)
	r := a.client().get("/login")
	csp := r.hdr.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("CSP = %q", csp)
	}
	if r.hdr.Get("X-Content-Type-Options") != "nosniff" || r.hdr.Get("Referrer-Policy") == "" {
		t.Fatalf("headers = %v", r.hdr)
	}
	// The page itself has no inline script to need it.
	r.doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if src, _ := s.Attr("src"); src == "" {
			t.Errorf("inline script: %q", s.Text())
		}
	})
	asset := a.client().get("/assets/js/htmx.min.js")
	if asset.code != http.StatusOK || !strings.Contains(asset.body, "htmx") {
		t.Fatalf("htmx asset: %d", asset.code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The seed articles (real scraped news, kept outside the project) import
// through the form and show every claim with an exact highlight.
func TestSeedArticles(t *testing.T) {
	files, _ := filepath.Glob("../../shared/seeds/*.txt")
	if len(files) == 0 {
		t.Skip("no seed articles at ../../shared/seeds")
	}
	a := newApp(t)
	c := a.client()
	c.login("rita")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := c.upload("", filepath.Base(f), data)
		if r.code != http.StatusSeeOther {
			t.Fatalf("%s: import %d %s", f, r.code, r.doc.Find(".error").Text())
		}
		page := c.get(r.hdr.Get("Location"))
		hl := page.doc.Find("a.hl")
		if hl.Length() == 0 {
			t.Errorf("%s: no claims highlighted", f)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(r.hdr.Get("Location"), "/documents/"), 10, 64)
		claims, _ := a.store.DocumentClaims(context.Background(), id)
		if hl.Length() != len(claims) {
			t.Errorf("%s: %d highlights for %d claims", f, hl.Length(), len(claims))
		}
		hl.Each(func(i int, s *goquery.Selection) {
			if i < len(claims) && s.Text() != claims[i].Text {
				t.Errorf("%s: highlight %q != claim %q", f, s.Text(), claims[i].Text)
			}
			for _, bp := range []string{"Advertisement", "Most Commented", "AFP PHOTO", "Getty Images", "[Warning"} {
				if strings.Contains(s.Text(), bp) {
					t.Errorf("%s: boilerplate in claim %q", f, s.Text())
				}
			}
		})
	}
	if strings.Contains(a.log.String(), "level=ERROR") {
		t.Fatalf("errors in the log:\n%s", a.log.String())
	}
}

func TestLimitsAndUnknownRoutes(t *testing.T) {
	a := newApp(t)
	anon := a.client()
	// A body over the limit is refused before anything reads it, even from
	// someone not logged in and without a token.
	big := strings.Repeat("x", 2<<20)
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/documents", strings.NewReader(big))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	if r := anon.do(req); r.code != http.StatusRequestEntityTooLarge {
		t.Fatalf("anonymous 2 MB upload: %d", r.code)
	}
	vic := a.client()
	vic.login("vic")
	for _, p := range []string{"/nonexistent", "/documents/1/nothing"} {
		if r := vic.get(p); r.code != http.StatusNotFound {
			t.Errorf("viewer GET %s: %d", p, r.code)
		}
	}
	if r := anon.post("/nonexistent", url.Values{}); r.code != http.StatusNotFound && r.code != http.StatusMethodNotAllowed {
		t.Errorf("anonymous POST to an unknown path: %d", r.code)
	}
	req, _ = http.NewRequest(http.MethodHead, a.srv.URL+"/healthz", nil)
	if r := anon.do(req); r.code != http.StatusOK {
		t.Errorf("HEAD /healthz: %d", r.code)
	}

	rita := a.client()
	rita.login("rita")
	rita.importText("Port plan", article)
	id := firstClaimID(t, a)
	path := "/claims/" + itoa(id) + "/status"
	tok := rita.csrf("/claims/" + itoa(id))
	r := rita.post(path, url.Values{"_csrf": {tok}, "version": {"1"}, "status": {"confirmed"}, "note": {strings.Repeat("n", 100<<10)}})
	if r.code != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "larger than this form accepts") {
		t.Errorf("100 KB note: %d", r.code)
	}
	// A browser that says the request came from another site is refused,
	// token or not.
	r = rita.post(path, url.Values{"_csrf": {tok}, "version": {"1"}, "status": {"confirmed"}}, "Sec-Fetch-Site", "same-site")
	if r.code != http.StatusForbidden {
		t.Errorf("same-site POST: %d", r.code)
	}
	r = rita.post(path, url.Values{"version": {"1"}, "status": {"confirmed"}}, "Sec-Fetch-Site", "cross-site")
	if r.code != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", r.code)
	}
	if cl, _ := a.store.Claim(context.Background(), id); cl.Version != 1 {
		t.Fatal("a refused request changed the claim")
	}
	// A same-origin browser request needs no token (the browser vouches).
	r = rita.post(path, url.Values{"version": {"1"}, "status": {"confirmed"}}, "Sec-Fetch-Site", "same-origin")
	if r.code != http.StatusSeeOther {
		t.Errorf("same-origin POST: %d", r.code)
	}
}

func TestSecureCookies(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "tls.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	hash, _ := auth.HashPassword(testPassword)
	store.CreateUser(ctx, "rita", hash, "reviewer")
	srv := httptest.NewServer(web.New(web.Config{Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Secure: true}))
	defer srv.Close()
	a := &app{t: t, store: store, srv: srv}
	c := a.client()
	r := c.get("/login")
	if r.hdr.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS under --secure")
	}
	tok, _ := r.doc.Find(`input[name="_csrf"]`).Attr("value")
	r = c.post("/login", url.Values{"_csrf": {tok}, "username": {"rita"}, "password": {testPassword}})
	var found bool
	for _, ck := range r.hdrCookies() {
		if ck.Name == "__Host-factdesk_session" {
			found = true
			if !ck.Secure || !ck.HttpOnly || ck.Path != "/" || ck.Domain != "" {
				t.Errorf("session cookie = %+v", ck)
			}
		}
	}
	if !found {
		t.Errorf("no __Host- session cookie: %v", r.hdr["Set-Cookie"])
	}
}

// One claim is "1 claim", in the import's message, the document's list
// and the queue.
func TestOneClaimIsSingular(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.login("rita")
	r := c.importText("Port vote", "The council voted 31 to 4 on Tuesday to spend $2.5 billion on the port, officials said.")
	if r.code != http.StatusSeeOther {
		t.Fatalf("import: %d", r.code)
	}
	doc := c.get(r.hdr.Get("Location"))
	if n := doc.doc.Find(".doc-claims ol.claims > li").Length(); n != 1 {
		t.Fatalf("the sentence gave %d claims, want 1", n)
	}
	for where, got := range map[string]string{
		"import message": doc.doc.Find(".flash").Text(),
		"claim list":     doc.doc.Find(".doc-claims h2").Text(),
		"queue":          c.get("/queue").doc.Find("main p.muted").First().Text(),
	} {
		if !strings.Contains(got, "1 claim") || strings.Contains(got, "1 claims") {
			t.Errorf("%s says %q", where, got)
		}
	}
}

// HEAD answers wherever GET does, with the same status and headers and no
// body, and passes the same checks: no login, no HEAD.
func TestHeadWhereverGet(t *testing.T) {
	a := newAppWith(t, nil)
	ed := a.loginAs("ed")
	ed.importText("Port plan", article)
	id := firstClaimID(t, a)
	ed.review(id, "confirmed", "")
	if r := ed.publish(id); r.code != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.code)
	}
	api := a.token("rita")
	head := func(c *client, path string, hdr ...string) (get, head resp) {
		t.Helper()
		for _, m := range []string{http.MethodGet, http.MethodHead} {
			req, _ := http.NewRequest(m, a.srv.URL+path, nil)
			for i := 0; i+1 < len(hdr); i += 2 {
				req.Header.Set(hdr[i], hdr[i+1])
			}
			if m == http.MethodGet {
				get = c.do(req)
			} else {
				head = c.do(req)
			}
		}
		return get, head
	}
	anon := a.client()
	// A HEAD shows no page, so it leaves the flash message for the next one.
	req, _ := http.NewRequest(http.MethodHead, a.srv.URL+"/claims/"+itoa(id), nil)
	ed.do(req)
	if r := ed.get("/claims/" + itoa(id)); !strings.Contains(r.body, "the review now has a public page") {
		t.Errorf("the flash message after publishing was lost to a HEAD: %q", r.doc.Find("#flash").Text())
	}
	for _, tc := range []struct {
		who  *client
		path string
		hdr  []string
		code int
	}{
		{anon, "/public/claims/" + itoa(id), nil, http.StatusOK},
		{anon, "/assets/css/app.css", nil, http.StatusOK},
		{anon, "/login", nil, http.StatusOK},
		{ed, "/claims/" + itoa(id), nil, http.StatusOK},
		{ed, "/queue", nil, http.StatusOK},
		{ed, "/export?format=csv", nil, http.StatusOK},
		{anon, "/api/v1/me", []string{"Authorization", "Bearer " + api.token}, http.StatusOK},
		{anon, "/public/claims/999999", nil, http.StatusNotFound},
		// Checks apply as to GET: to the login page, or no token.
		{anon, "/claims/" + itoa(id), nil, http.StatusSeeOther},
		{anon, "/api/v1/me", nil, http.StatusUnauthorized},
		{ed, "/admin/users", nil, http.StatusForbidden},
	} {
		g, h := head(tc.who, tc.path, tc.hdr...)
		if g.code != tc.code || h.code != tc.code {
			t.Errorf("%s: GET %d, HEAD %d, want %d", tc.path, g.code, h.code, tc.code)
			continue
		}
		if h.body != "" {
			t.Errorf("HEAD %s: a body of %d bytes", tc.path, len(h.body))
		}
		for _, k := range []string{"Content-Type", "Location", "Cache-Control", "Content-Security-Policy", "WWW-Authenticate"} {
			if g.hdr.Get(k) != h.hdr.Get(k) {
				t.Errorf("%s: %s is %q for GET, %q for HEAD", tc.path, k, g.hdr.Get(k), h.hdr.Get(k))
			}
		}
		// A streamed export has no length to give before it is read, nor
		// an empty body a length of 0 for a HEAD (net/http).
		if cl := g.hdr.Get("Content-Length"); cl != "" && cl != "0" && !strings.HasPrefix(tc.path, "/export") && cl != h.hdr.Get("Content-Length") {
			t.Errorf("%s: Content-Length %q for GET, %q for HEAD", tc.path, cl, h.hdr.Get("Content-Length"))
		}
	}
}

// A refused form shows its page again at the address it was sent to; a
// reload or a bookmark of that address leads back to the form's page, for
// every form of the pages.
func TestFormAddressesLeadBackToTheirPage(t *testing.T) {
	a := newApp(t)
	rita := a.client()
	rita.login("rita")
	if r := rita.form("/documents/new", "/documents", url.Values{"text": {"  "}}); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("empty import: %d", r.code)
	}
	for path, want := range map[string]string{
		"/documents":                         "/documents/new",
		"/documents/7/claims":                "/documents/7#add-claim",
		"/claims/12/status":                  "/claims/12",
		"/claims/12/comments":                "/claims/12#comments",
		"/claims/12/second-opinion/withdraw": "/claims/12",
		"/claims/bulk":                       "/queue",
		"/admin/users/3/role":                "/admin/users",
	} {
		r := rita.get(path)
		if r.code != http.StatusSeeOther || r.hdr.Get("Location") != want {
			t.Errorf("GET %s: %d to %q, want %q", path, r.code, r.hdr.Get("Location"), want)
		}
	}
	if r := rita.get("/claims/a%2Fb/status"); r.code != http.StatusNotFound {
		t.Errorf("GET of a form address without an id: %d %q", r.code, r.hdr.Get("Location"))
	}
}

// The message a form's redirect carries is shown by the page it leads to,
// even when the page being left re-fetched part of itself (a live update,
// sent by htmx) in between: only a whole page takes it.
func TestFlashWaitsForTheWholePage(t *testing.T) {
	a := newApp(t)
	rita := a.client()
	rita.login("rita")
	rita.importText("Rates", "Water bills will rise 3.5% from July, officials said on Tuesday.")
	path := "/claims/" + itoa(firstClaimID(t, a))
	if r := rita.form(path, path+"/status", url.Values{"version": {"1"}, "status": {"disputed"}}); r.code != http.StatusSeeOther {
		t.Fatalf("status: %d", r.code)
	}
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path+"/live?shown=1&seen=1", nil)
	req.Header.Set("HX-Request", "true")
	if r := rita.do(req); r.code != http.StatusOK {
		t.Fatalf("live re-fetch: %d", r.code)
	}
	if got := rita.get(path).doc.Find("#review-saved").Text(); !strings.Contains(got, "Saved: Disputed") {
		t.Errorf("after a live re-fetch the page says %q", got)
	}
}
