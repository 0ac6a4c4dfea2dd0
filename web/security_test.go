package web_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/web"
)

// newConfiguredApp is newApp with changes to the web settings; it also
// returns the database file, for tests that change it behind the app's back.
func newConfiguredApp(t *testing.T, mod func(*web.Config)) (*app, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "web.db")
	store, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	logBuf := &bytes.Buffer{}
	cfg := web.Config{Store: store, Log: slog.New(slog.NewTextHandler(logBuf, nil)), MaxDocBytes: 64 << 10}
	if mod != nil {
		mod(&cfg)
	}
	srv := httptest.NewServer(web.New(cfg))
	t.Cleanup(func() { srv.Close(); store.Close() })
	a := &app{t: t, store: store, srv: srv, log: logBuf}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for name, role := range map[string]string{"rita": "reviewer", "vic": "viewer", "ada": "admin"} {
		if _, err := store.CreateUser(ctx, name, hash, role); err != nil {
			t.Fatal(err)
		}
	}
	return a, path
}

// loopbackProxy trusts the test server's own address as a reverse proxy, so
// tests can play clients at different addresses with X-Forwarded-For.
func loopbackProxy(cfg *web.Config) {
	nets, err := web.ParseCIDRs("127.0.0.1/32, ::1")
	if err != nil {
		panic(err)
	}
	cfg.TrustedProxies = nets
}

func checkSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %q", what, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: CSP allows inline or eval: %q", what, csp)
	}
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
		"Cross-Origin-Opener-Policy": "same-origin",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %s = %q, want %q", what, k, got, want)
		}
	}
	if h.Get("X-Request-Id") == "" {
		t.Errorf("%s: no request id", what)
	}
}

// Every response carries the security headers: pages, redirects, assets,
// refusals and errors of every kind.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	a, _ := newConfiguredApp(t, nil)
	anon := a.client()
	rita := a.client()
	rita.login("rita")
	rita.importText("Port plan", article)
	id := firstClaimID(t, a)
	head := func(c *client, p string) resp {
		req, _ := http.NewRequest(http.MethodHead, a.srv.URL+p, nil)
		return c.do(req)
	}
	big, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/documents", strings.NewReader(strings.Repeat("x", 2<<20)))
	big.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	cases := []struct {
		what string
		r    resp
		code int
	}{
		{"login page", anon.get("/login"), 200},
		{"redirect to login", anon.get("/queue"), 303},
		{"documents", rita.get("/"), 200},
		{"document", rita.get("/documents/1"), 200},
		{"claim", rita.get("/claims/" + itoa(id)), 200},
		{"queue", rita.get("/queue"), 200},
		{"export", rita.get("/export?format=csv&status=unverified"), 200},
		{"css", anon.get("/assets/css/app.css"), 200},
		{"htmx", anon.get("/assets/js/htmx.min.js"), 200},
		{"icon", anon.get("/assets/icon.svg"), 200},
		{"healthz", anon.get("/healthz"), 200},
		{"HEAD healthz", head(anon, "/healthz"), 200},
		{"unknown page", rita.get("/nowhere"), 404},
		{"unknown asset", anon.get("/assets/nothing.js"), 404},
		{"asset folder", anon.get("/assets/js/"), 404},
		{"unknown claim", rita.get("/claims/999999"), 404},
		{"bad filter", rita.get("/queue?status=bogus"), 400},
		{"wrong method", anon.post("/healthz", url.Values{}), 405},
		{"missing CSRF token", rita.post("/claims/"+itoa(id)+"/status", url.Values{"status": {"confirmed"}}), 403},
		{"wrong role", a.loginAs("vic").get("/documents/new"), 403},
		{"too large", anon.do(big), 413},
		{"failed login", anon.post("/login", url.Values{"_csrf": {anon.csrf("/login")}, "username": {"rita"}, "password": {"wrong password!"}}), 401},
	}
	for _, tc := range cases {
		if tc.r.code != tc.code {
			t.Errorf("%s: status %d, want %d", tc.what, tc.r.code, tc.code)
		}
		checkSecurityHeaders(t, tc.what, tc.r.hdr)
		if hsts := tc.r.hdr.Get("Strict-Transport-Security"); hsts != "" {
			t.Errorf("%s: HSTS over plain HTTP: %q", tc.what, hsts)
		}
		cc := tc.r.hdr.Get("Cache-Control")
		if strings.HasPrefix(tc.what, "css") || tc.what == "htmx" || tc.what == "icon" {
			if !strings.Contains(cc, "immutable") {
				t.Errorf("%s: Cache-Control %q, want long-lived", tc.what, cc)
			}
		} else if cc != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", tc.what, cc)
		}
	}
	// An internal error, last, as it closes the store.
	a.store.Close()
	r := rita.get("/queue")
	if r.code != 500 {
		t.Fatalf("internal error: %d", r.code)
	}
	checkSecurityHeaders(t, "internal error", r.hdr)
}

// loginAs returns a new client logged in as name.
func (a *app) loginAs(name string) *client {
	c := a.client()
	c.login(name)
	return c
}

// X-Forwarded-For and X-Forwarded-Proto are believed only from a trusted
// proxy; otherwise anyone could pick their address (and so dodge the
// per-client login throttle) or claim HTTPS.
func TestForwardedHeadersOnlyFromTrustedProxies(t *testing.T) {
	loginFrom := func(a *app, fwdFor, proto string) resp {
		c := a.client()
		return c.post("/login", url.Values{"_csrf": {c.csrf("/login")}, "username": {"rita"}, "password": {testPassword}},
			"X-Forwarded-For", fwdFor, "X-Forwarded-Proto", proto)
	}
	lastLoginIP := func(a *app) string {
		evs, err := a.store.AuditLog(context.Background(), db.AuditFilter{Event: db.AuditLogin, Limit: 1})
		if err != nil || len(evs) != 1 {
			t.Fatalf("no login event: %v", err)
		}
		return evs[0].IP
	}

	direct, _ := newConfiguredApp(t, nil)
	r := loginFrom(direct, "203.0.113.9", "https")
	if r.code != http.StatusSeeOther {
		t.Fatalf("login: %d", r.code)
	}
	if ip := lastLoginIP(direct); ip != "127.0.0.1" {
		t.Errorf("without a trusted proxy the address is %q, want the connection's 127.0.0.1", ip)
	}
	if r.hdr.Get("Strict-Transport-Security") != "" {
		t.Error("X-Forwarded-Proto from an untrusted client turned on HSTS")
	}

	proxied, _ := newConfiguredApp(t, loopbackProxy)
	r = loginFrom(proxied, "198.51.100.1, 203.0.113.9", "https")
	if ip := lastLoginIP(proxied); ip != "203.0.113.9" {
		t.Errorf("behind a trusted proxy the address is %q, want the nearest untrusted hop 203.0.113.9", ip)
	}
	if r.hdr.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS when the trusted proxy says the request came over HTTPS")
	}
	if r = loginFrom(proxied, "203.0.113.10", "http"); r.hdr.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS on a request the proxy says came over plain HTTP")
	}

	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "1.2.3"} {
		if _, err := web.ParseCIDRs(bad); err == nil {
			t.Errorf("ParseCIDRs(%q) accepted", bad)
		}
	}
}

// selfSigned writes a throwaway certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "factdesk test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// Built-in TLS: HTTPS with HTTP/2, HSTS, Secure __Host- cookies, no TLS 1.1.
func TestBuiltInTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	ctx, cancel := context.WithCancel(context.Background())
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "tls.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	hash, _ := auth.HashPassword(testPassword)
	store.CreateUser(ctx, "rita", hash, "reviewer")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tln, err := web.ListenTLS(ln, certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	done := make(chan error, 1)
	go func() { done <- web.Serve(ctx, web.New(web.Config{Store: store, Log: log, TLS: true}), tln, log) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()

	base := "https://" + ln.Addr().String()
	jar := newJar()
	hc := &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Proto != "HTTP/2.0" {
		t.Errorf("GET /login over TLS: %d %s, want 200 over HTTP/2", res.StatusCode, res.Proto)
	}
	if !strings.Contains(res.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS over TLS")
	}
	checkSecurityHeaders(t, "TLS login page", res.Header)
	a := &app{t: t, store: store, srv: &httptest.Server{URL: base}}
	c := &client{a: a, http: hc}
	r := c.post("/login", url.Values{"_csrf": {c.csrf("/login")}, "username": {"rita"}, "password": {testPassword}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("login over TLS: %d", r.code)
	}
	names := map[string]bool{}
	for _, ck := range jar.all {
		names[ck.Name] = true
		if !strings.HasPrefix(ck.Name, "__Host-") || !ck.Secure || ck.Path != "/" || ck.Domain != "" || !ck.HttpOnly {
			t.Errorf("cookie %+v is not a Secure, host-only __Host- cookie", ck)
		}
	}
	if !names["__Host-factdesk_session"] || !names["__Host-factdesk_csrf"] {
		t.Errorf("cookies set: %v", names)
	}

	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}}}
	if res, err := old.Get(base + "/healthz"); err == nil {
		res.Body.Close()
		t.Error("a TLS 1.1 client was served")
	}
}

// recordingJar is a cookie jar that also keeps every Set-Cookie it saw.
type recordingJar struct {
	http.CookieJar
	all []*http.Cookie
}

func newJar() *recordingJar {
	j := &recordingJar{}
	j.CookieJar, _ = cookiejar.New(nil)
	return j
}

func (j *recordingJar) SetCookies(u *url.URL, cs []*http.Cookie) {
	j.all = append(j.all, cs...)
	j.CookieJar.SetCookies(u, cs)
}

// A handler that outlives its deadline ends in a 503 page; event streams
// have no deadline.
func TestHandlerDeadline(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	e := web.New(web.Config{Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), HandlerTimeout: 50 * time.Millisecond})
	e.GET("/slow", func(c echo.Context) error {
		<-c.Request().Context().Done()
		return c.Request().Context().Err()
	})
	e.GET("/events", func(c echo.Context) error {
		if _, ok := c.Request().Context().Deadline(); ok {
			return c.String(http.StatusOK, "deadline")
		}
		return c.String(http.StatusOK, "none")
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	c := (&app{t: t, store: store, srv: srv}).client()
	r := c.get("/slow")
	if r.code != http.StatusServiceUnavailable || !strings.Contains(r.body, "took too long") {
		t.Errorf("slow handler: %d %q", r.code, r.doc.Find("main").Text())
	}
	checkSecurityHeaders(t, "timeout page", r.hdr)
	if r := c.get("/events"); r.body != "none" {
		t.Errorf("/events got a deadline: %q", r.body)
	}
}

// The throttle in numbers (auth.AccountThrottle): 5 free failures, then
// waits of 1 s, 2 s, 4 s ...; waits up to 5 s are sat out by the server,
// longer ones are refused with 429.
func TestLoginThrottling(t *testing.T) {
	a, path := newConfiguredApp(t, loopbackProxy)
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	a.store.SetClock(func() time.Time { return now })
	c := a.client()
	tok := c.csrf("/login")
	attempt := func(from, name, pw string) resp {
		t.Helper()
		return c.post("/login", url.Values{"_csrf": {tok}, "username": {name}, "password": {pw}}, "X-Forwarded-For", from)
	}
	// The same story for a known account with wrong passwords and for an
	// unknown one: nothing tells them apart.
	run := func(from, name string) (answers []string) {
		t.Helper()
		for i := 1; i <= 6; i++ {
			r := attempt(from, name, "not the password "+strconv.Itoa(i))
			answers = append(answers, strconv.Itoa(r.code)+" "+r.doc.Find("#login-error").Text())
		}
		// The 7th attempt at once has to wait 1 s: the server holds it.
		r := attempt(from, name, "not the password 7")
		answers = append(answers, strconv.Itoa(r.code)+" "+r.doc.Find("#login-error").Text())
		// Then 2 s and 4 s, waited out by the client (the store's clock).
		now = now.Add(3 * time.Second)
		answers = append(answers, strconv.Itoa(attempt(from, name, "x").code))
		now = now.Add(4 * time.Second)
		answers = append(answers, strconv.Itoa(attempt(from, name, "x").code))
		// Now the wait is 8 s: refused, even with the right password.
		r = attempt(from, name, testPassword)
		answers = append(answers, strconv.Itoa(r.code)+" "+r.doc.Find("#login-error").Text()+" "+r.hdr.Get("Retry-After"))
		return answers
	}
	known := run("203.0.113.1", "rita")
	want := []string{"401 Wrong user name or password."}
	for len(want) < 7 {
		want = append(want, want[0])
	}
	want = append(want, "401", "401", "429 Too many attempts; try again in 1 minute. 8")
	if strings.Join(known, "|") != strings.Join(want, "|") {
		t.Errorf("known user:\n got %q\nwant %q", known, want)
	}

	// The count survives a restart: it lives in the database file.
	a.store.Close()
	store2, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer store2.Close()
	store2.SetClock(func() time.Time { return now })
	cfg := web.Config{Store: store2, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	loopbackProxy(&cfg)
	srv2 := httptest.NewServer(web.New(cfg))
	defer srv2.Close()
	a2 := &app{t: t, store: store2, srv: srv2}
	c = a2.client()
	tok = c.csrf("/login")
	r := attempt("203.0.113.3", "rita", testPassword)
	if r.code != http.StatusTooManyRequests {
		t.Fatalf("after a restart: %d", r.code)
	}
	checkSecurityHeaders(t, "429", r.hdr)

	unknown := run("203.0.113.2", "nobody")
	if strings.Join(unknown, "|") != strings.Join(known, "|") {
		t.Errorf("unknown user answered differently:\n%q\n%q", unknown, known)
	}

	// Later the waits reach minutes, and the message says so.
	for range 7 {
		now = now.Add(20 * time.Minute)
		if r := attempt("203.0.113.3", "rita", "wrong again"); r.code != 401 {
			t.Fatalf("attempt 20 minutes later: %d", r.code)
		}
	}
	if r := attempt("203.0.113.3", "rita", testPassword); r.code != 429 || !strings.Contains(r.doc.Find("#login-error").Text(), "try again in 15 minutes") {
		t.Fatalf("after more failures: %d %q", r.code, r.doc.Find("#login-error").Text())
	}
	// Once the wait is over, the right password works and the count starts over.
	now = now.Add(15 * time.Minute)
	if r := attempt("203.0.113.3", "rita", testPassword); r.code != http.StatusSeeOther {
		t.Fatalf("right password after the wait: %d %s", r.code, r.doc.Find("#login-error").Text())
	}
	c = a2.client()
	tok = c.csrf("/login")
	for i := range 5 {
		if r := attempt("203.0.113.4", "rita", "wrong"); r.code != 401 {
			t.Fatalf("failure %d after a successful login: %d", i+1, r.code)
		}
	}

	// Per client address: 21 failures on 21 different names from one
	// address, then even a right password from there waits; another address
	// is not held up.
	for i := range 21 {
		if r := attempt("198.51.100.7", "guess"+strconv.Itoa(i), "password guess"); r.code != 401 {
			t.Fatalf("spraying attempt %d: %d", i, r.code)
		}
	}
	for _, d := range []time.Duration{1, 2, 4} {
		now = now.Add(d * time.Second) // each wait sat out exactly
		if r := attempt("198.51.100.7", "guess-more", "password guess"); r.code != 401 {
			t.Fatalf("attempt after waiting %ds: %d", d, r.code)
		}
	}
	if r := attempt("198.51.100.7", "vic", testPassword); r.code != http.StatusTooManyRequests {
		t.Fatalf("right password from a throttled address: %d", r.code)
	}
	if r := attempt("198.51.100.8", "vic", testPassword); r.code != http.StatusSeeOther {
		t.Fatalf("right password from another address: %d", r.code)
	}

	// Every attempt that reached the password check is in the audit log,
	// with address and reason, and no password anywhere.
	evs, err := store2.AuditLog(context.Background(), db.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var failed, ok int
	for _, ev := range evs {
		all := ev.Actor + ev.Target + ev.IP + ev.Detail
		if strings.Contains(all, "not the password") || strings.Contains(all, "password guess") || strings.Contains(all, testPassword) {
			t.Errorf("password in the audit log: %+v", ev)
		}
		switch ev.Event {
		case db.AuditLoginFailed:
			failed++
			if ev.IP == "" || ev.Target == "" || (ev.Detail != "wrong password" && ev.Detail != "unknown user") {
				t.Errorf("failed login event %+v", ev)
			}
		case db.AuditLogin:
			ok++
		}
	}
	if failed < 40 || ok != 2 {
		t.Errorf("audit log: %d failed logins, %d logins", failed, ok)
	}
}

// A client without a trusted proxy cannot pick its address: changing
// X-Forwarded-For does not escape the per-client throttle.
func TestSpoofedAddressDoesNotEscapeThrottle(t *testing.T) {
	a, _ := newConfiguredApp(t, nil)
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	a.store.SetClock(func() time.Time { return now })
	c := a.client()
	tok := c.csrf("/login")
	try := func(i int) int {
		return c.post("/login", url.Values{"_csrf": {tok}, "username": {"u" + strconv.Itoa(i)}, "password": {"guess"}},
			"X-Forwarded-For", "192.0.2."+strconv.Itoa(i), "X-Real-Ip", "192.0.2."+strconv.Itoa(i)).code
	}
	// 21 failures (20 free), then waits of 1, 2 and 4 s sat out exactly.
	for i := range 24 {
		if i >= 21 {
			now = now.Add(time.Second << (i - 21))
		}
		if code := try(i); code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, code)
		}
	}
	// Now an 8 s wait, whatever address the client claims.
	if code := try(99); code != http.StatusTooManyRequests {
		t.Fatalf("made-up X-Forwarded-For addresses escaped the throttle: %d", code)
	}
}

// Sessions end after the idle timeout, and after the absolute timeout
// however active they are.
func TestSessionTimeouts(t *testing.T) {
	a, _ := newConfiguredApp(t, func(cfg *web.Config) {
		cfg.SessionIdle, cfg.SessionAbsolute = time.Hour, 3*time.Hour
	})
	start := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	now := start
	a.store.SetClock(func() time.Time { return now })
	busy, idle := a.loginAs("rita"), a.loginAs("vic")
	for now.Sub(start) < 3*time.Hour-50*time.Minute {
		now = now.Add(50 * time.Minute)
		if r := busy.get("/"); r.code != http.StatusOK {
			t.Fatalf("active session ended after %v", now.Sub(start))
		}
	}
	if r := idle.get("/"); r.code != http.StatusSeeOther {
		t.Fatalf("session idle for %v still works: %d", now.Sub(start), r.code)
	}
	now = start.Add(3 * time.Hour)
	if r := busy.get("/"); r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/login") {
		t.Fatalf("session outlived the absolute timeout: %d", r.code)
	}
}

// "Log out everywhere" ends every session of the user, not other users'.
func TestLogoutEverywhere(t *testing.T) {
	a, _ := newConfiguredApp(t, nil)
	laptop, phone, other := a.loginAs("rita"), a.loginAs("rita"), a.loginAs("vic")
	page := laptop.get("/")
	tok, _ := page.doc.Find(`form[action="/logout/everywhere"] input[name="_csrf"]`).Attr("value")
	if tok == "" {
		t.Fatal("no Log out everywhere form on the page")
	}
	r := laptop.post("/logout/everywhere", url.Values{"_csrf": {tok}})
	if r.code != http.StatusSeeOther || r.hdr.Get("Location") != "/login?ended=all" {
		t.Fatalf("log out everywhere: %d %q", r.code, r.hdr.Get("Location"))
	}
	if n := laptop.get(r.hdr.Get("Location")).doc.Find("#login-notice").Text(); !strings.Contains(n, "logged out everywhere") {
		t.Errorf("login page notice %q", n)
	}
	for name, c := range map[string]*client{"laptop": laptop, "phone": phone} {
		if r := c.get("/"); r.code != http.StatusSeeOther {
			t.Errorf("%s still logged in: %d", name, r.code)
		}
	}
	if r := other.get("/"); r.code != http.StatusOK {
		t.Errorf("another user's session ended: %d", r.code)
	}
	evs, _ := a.store.AuditLog(context.Background(), db.AuditFilter{Event: db.AuditLogoutEverywhere})
	if len(evs) != 1 || evs[0].Actor != "rita" || evs[0].Detail != "2 sessions ended" {
		t.Errorf("audit: %+v", evs)
	}
	// Without a session there is nothing to end: the login page, no change.
	if r := laptop.post("/logout/everywhere", url.Values{"_csrf": {tok}}); r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/login") {
		t.Errorf("logged-out POST: %d", r.code)
	}
}

// Disabling a user or changing their role takes effect on their next
// request, even when done in the database behind the app's back.
func TestRoleAndDisableTakeEffectAtOnce(t *testing.T) {
	a, path := newConfiguredApp(t, nil)
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	rita := a.loginAs("rita")
	if r := rita.get("/documents/new"); r.code != http.StatusOK {
		t.Fatalf("reviewer import page: %d", r.code)
	}
	exec(`UPDATE users SET role = 'viewer' WHERE username = 'rita'`)
	r := rita.get("/documents/new")
	if r.code != http.StatusForbidden {
		t.Fatalf("after demotion to viewer: %d", r.code)
	}
	if r.doc.Find(`a[href="/documents/new"]`).Length() != 0 || !strings.Contains(r.doc.Find(".who").Text(), "viewer") {
		t.Error("the page still shows the reviewer's menu")
	}
	exec(`UPDATE users SET role = 'admin' WHERE username = 'rita'`)
	if r := rita.get("/admin/audit"); r.code != http.StatusOK {
		t.Fatalf("after promotion to admin: %d", r.code)
	}
	exec(`UPDATE users SET disabled = 1 WHERE username = 'rita'`)
	if r := rita.get("/"); r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/login") {
		t.Fatalf("disabled user: %d", r.code)
	}
	// The session ended for good: enabling the user again does not revive it.
	exec(`UPDATE users SET disabled = 0 WHERE username = 'rita'`)
	if r := rita.get("/"); r.code != http.StatusSeeOther {
		t.Fatalf("session came back after re-enabling: %d", r.code)
	}
	var n int
	raw.QueryRow(`SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'rita'`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d sessions left for the disabled user", n)
	}
	// A disabled user cannot log in either, with the usual answer.
	exec(`UPDATE users SET disabled = 1 WHERE username = 'rita'`)
	c := a.client()
	r = c.post("/login", url.Values{"_csrf": {c.csrf("/login")}, "username": {"rita"}, "password": {testPassword}})
	if r.code != http.StatusUnauthorized || r.doc.Find("#login-error").Text() != "Wrong user name or password." {
		t.Fatalf("disabled login: %d %q", r.code, r.doc.Find("#login-error").Text())
	}
}

// The audit log is for admins only, paged newest first, and filterable.
func TestAuditPage(t *testing.T) {
	a, _ := newConfiguredApp(t, nil)
	ctx := context.Background()
	for i := range 230 {
		if err := a.store.RecordAudit(ctx, db.AuditEvent{Event: db.AuditLoginFailed, Target: "u" + strconv.Itoa(i), IP: "192.0.2.1", Detail: "wrong password"}); err != nil {
			t.Fatal(err)
		}
	}
	if r := a.client().get("/admin/audit"); r.code != http.StatusSeeOther {
		t.Errorf("anonymous: %d", r.code)
	}
	for _, name := range []string{"rita", "vic"} {
		c := a.loginAs(name)
		if r := c.get("/admin/audit"); r.code != http.StatusForbidden {
			t.Errorf("%s: %d", name, r.code)
		}
		if c.get("/").doc.Find(`a[href="/admin/audit"]`).Length() != 0 {
			t.Errorf("%s sees the audit link", name)
		}
	}
	ada := a.loginAs("ada")
	if ada.get("/").doc.Find(`nav a[href="/admin/audit"]`).Length() != 1 {
		t.Error("no audit link for the admin")
	}
	seen := map[string]bool{}
	next, pages := "/admin/audit?event=login_failed", 0
	for next != "" {
		r := ada.get(next)
		if r.code != http.StatusOK {
			t.Fatalf("GET %s: %d", next, r.code)
		}
		pages++
		r.doc.Find("table.audit tbody tr").Each(func(_ int, row *goquery.Selection) {
			name := row.Find("td").Eq(3).Text()
			if seen[name] {
				t.Errorf("%s on two pages", name)
			}
			seen[name] = true
		})
		next, _ = r.doc.Find(`a[rel="next"]`).Attr("href")
	}
	if len(seen) != 230 || pages != 3 || !seen["u0"] || !seen["u229"] {
		t.Errorf("%d events on %d pages", len(seen), pages)
	}
	r := ada.get("/admin/audit")
	if first := r.doc.Find("table.audit tbody tr").First().Find("td").Eq(1).Text(); first != "Logged in" {
		t.Errorf("newest event is %q, want ada's login", first)
	}
	for _, bad := range []string{"/admin/audit?event=nonsense", "/admin/audit?before=x", "/admin/audit?before=-4"} {
		if r := ada.get(bad); r.code != http.StatusBadRequest {
			t.Errorf("GET %s: %d", bad, r.code)
		}
	}
}

// The first admin's password follows the rules, and the setup is audited.
func TestSetupRefusesCommonPasswordAndIsAudited(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "setup.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewServer(web.New(web.Config{Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	tok, _ := web.NewSetupToken()
	store.SetSetupToken(ctx, tok)
	c := (&app{t: t, store: store, srv: srv}).client()
	form := url.Values{"_csrf": {c.csrf("/setup/" + tok)}, "username": {"anna"}}
	for _, pw := range []string{"Password1234!", "anna-2024-anna"} {
		form.Set("password", pw)
		form.Set("password2", pw)
		if r := c.post("/setup/"+tok, form); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "common or easy to guess") {
			t.Errorf("%q: %d", pw, r.code)
		}
	}
	form.Set("password", testPassword)
	form.Set("password2", testPassword)
	if r := c.post("/setup/"+tok, form); r.code != http.StatusSeeOther {
		t.Fatalf("setup: %d", r.code)
	}
	evs, _ := store.AuditLog(ctx, db.AuditFilter{Event: db.AuditUserCreated})
	if len(evs) != 1 || evs[0].Target != "anna" || evs[0].IP != "127.0.0.1" || !strings.Contains(evs[0].Detail, "setup link") {
		t.Fatalf("audit: %+v", evs)
	}
}

// Changes an admin makes to users are in the audit log, with who did them.
func TestUserChangesAreAudited(t *testing.T) {
	a, _ := newConfiguredApp(t, nil)
	ctx := context.Background()
	ada := a.loginAs("ada")
	tok := ada.csrf("/admin/users")
	if r := ada.post("/admin/users", url.Values{"_csrf": {tok}, "username": {"nina"}, "role": {"viewer"},
		"password": {"nina-2024-nina"}, "password2": {"nina-2024-nina"}}); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("password built on the name: %d", r.code)
	}
	if r := ada.post("/admin/users", url.Values{"_csrf": {tok}, "username": {"nina"}, "role": {"viewer"},
		"password": {"plum tractor anthem"}, "password2": {"plum tractor anthem"}}); r.code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.code, r.doc.Find(".error").Text())
	}
	nina, err := a.store.UserByName(ctx, "nina")
	if err != nil {
		t.Fatal(err)
	}
	base := "/admin/users/" + itoa(nina.ID)
	for _, step := range []struct {
		path string
		form url.Values
	}{
		{base + "/role", url.Values{"role": {"reviewer"}}},
		{base + "/role", url.Values{"role": {"reviewer"}}}, // no change: no event
		{base + "/password", url.Values{"password": {"velvet orbit cedar"}, "password2": {"velvet orbit cedar"}}},
		{base + "/disable", nil},
		{base + "/enable", nil},
	} {
		form := step.form
		if form == nil {
			form = url.Values{}
		}
		form.Set("_csrf", tok)
		if r := ada.post(step.path, form); r.code != http.StatusSeeOther {
			t.Fatalf("POST %s: %d %s", step.path, r.code, r.doc.Find(".error").Text())
		}
	}
	evs, err := a.store.AuditLog(ctx, db.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(evs) - 1; i >= 0; i-- {
		ev := evs[i]
		if ev.Target != "nina" {
			continue
		}
		if ev.Actor != "ada" || ev.ActorID == 0 || ev.IP != "127.0.0.1" {
			t.Errorf("event %+v: who or where missing", ev)
		}
		got = append(got, ev.Event+" "+ev.Detail)
	}
	want := []string{"user_created role viewer", "role_changed viewer -> reviewer", "password_reset sessions ended, API tokens revoked", "user_disabled ", "user_enabled "}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit:\n got %q\nwant %q", got, want)
	}
	if r := ada.get("/admin/audit?event=role_changed"); !strings.Contains(r.doc.Find("table.audit").Text(), "viewer -> reviewer") {
		t.Error("the role change is not on the audit page")
	}
}

// Creating and revoking an API token are audited; the token itself is not.
func TestTokensAreAudited(t *testing.T) {
	a, _ := newConfiguredApp(t, nil)
	ctx := context.Background()
	rita := a.loginAs("rita")
	tok := rita.csrf("/tokens")
	r := rita.post("/tokens", url.Values{"_csrf": {tok}, "label": {"newsroom <script>bot</script>"}})
	secret := strings.TrimSpace(r.doc.Find("#new-token").Text())
	if r.code != http.StatusOK || secret == "" {
		t.Fatalf("create token: %d", r.code)
	}
	created, _ := a.store.AuditLog(ctx, db.AuditFilter{Event: db.AuditTokenCreated})
	if len(created) != 1 || created[0].Actor != "rita" || created[0].TargetID == 0 || created[0].Detail != "newsroom <script>bot</script>" {
		t.Fatalf("token_created events: %+v", created)
	}
	ev := created[0]
	if strings.Contains(ev.Target+ev.Detail+ev.Actor, secret) || len(ev.Target) > len("token ")+len(secret)/2+len("…") {
		t.Fatalf("the token is in the audit log: %+v", ev)
	}
	if r := rita.post("/tokens/"+itoa(ev.TargetID)+"/revoke", url.Values{"_csrf": {tok}}); r.code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.code)
	}
	revoked, _ := a.store.AuditLog(ctx, db.AuditFilter{Event: db.AuditTokenRevoked})
	if len(revoked) != 1 || revoked[0].Actor != "rita" || revoked[0].TargetID != ev.TargetID || revoked[0].IP == "" {
		t.Fatalf("token_revoked events: %+v", revoked)
	}
	assertInert(t, "audit log", a.loginAs("ada").get("/admin/audit").doc)
}

// A request that waits for a turn (see admit) past its deadline is told the
// server is too busy: 503 with the JSON error on the API, the 503 page on
// the web, not a 500.
func TestTooBusyIs503(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	u, err := store.CreateUser(ctx, "rita", "x", "reviewer")
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := store.CreateToken(ctx, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	e := web.New(web.Config{Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		HandlerTimeout: 100 * time.Millisecond, Turns: 1})
	release, holding := make(chan struct{}), make(chan struct{})
	e.GET("/hold", func(c echo.Context) error {
		close(holding)
		<-release
		return c.NoContent(http.StatusNoContent)
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	held := make(chan struct{})
	go func() {
		defer close(held)
		if res, err := http.Get(srv.URL + "/hold"); err == nil {
			res.Body.Close()
		}
	}()
	<-holding
	defer func() { close(release); <-held }()

	a := &app{t: t, store: store, srv: srv}
	r := apiClient{a: a, token: secret}.do(http.MethodGet, "/api/v1/me", nil)
	if e := r.apiErr(t, http.StatusServiceUnavailable, "unavailable"); !strings.Contains(e.Message, "too busy") {
		t.Errorf("API: %q", e.Message)
	}
	checkSecurityHeaders(t, "API 503", r.hdr)
	p := a.client().get("/queue")
	if p.code != http.StatusServiceUnavailable || !strings.Contains(p.doc.Find("main").Text(), "too busy") {
		t.Errorf("page: %d %q", p.code, p.doc.Find("main").Text())
	}
	checkSecurityHeaders(t, "busy page", p.hdr)
}

// When a session has ended, the login page leads back to the page the user
// was on: for htmx, the page that asked for the fragment (HX-Current-URL),
// not the fragment; for a form sent, the page it came from (Referer), with
// a word that what was typed was not saved. Other sites' pages are not
// taken as the way back.
func TestEndedSessionLeadsBackToThePage(t *testing.T) {
	a, _ := newConfiguredApp(t, nil)
	rita := a.loginAs("rita")
	rita.importText("Port plan", article)
	id := itoa(firstClaimID(t, a))
	page := a.srv.URL + "/claims/" + id + "?from=queue"
	tok := rita.csrf("/claims/" + id)
	u, _ := a.store.UserByName(context.Background(), "rita")
	if err := a.store.DeleteUserSessions(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
	where := func(loc string) (next, ended string) {
		t.Helper()
		l, err := url.Parse(loc)
		if err != nil || l.Path != "/login" {
			t.Fatalf("sent to %q, not the login page", loc)
		}
		return l.Query().Get("next"), l.Query().Get("ended")
	}
	for _, tc := range []struct {
		name, method, path string
		hdr                []string
		next, ended        string
	}{
		{"live update", "GET", "/claims/" + id + "/live?v=1", []string{"HX-Request", "true", "HX-Current-URL", page}, "/claims/" + id + "?from=queue", ""},
		{"htmx form", "POST", "/claims/" + id + "/comments", []string{"HX-Request", "true", "HX-Current-URL", page}, "/claims/" + id + "?from=queue", "unsaved"},
		{"htmx from another site", "POST", "/claims/" + id + "/comments", []string{"HX-Request", "true", "HX-Current-URL", "https://evil.example/claims/" + id}, "", "unsaved"},
		{"form", "POST", "/claims/" + id + "/comments", []string{"Referer", page}, "/claims/" + id + "?from=queue", "unsaved"},
		{"form from another site", "POST", "/claims/" + id + "/comments", []string{"Referer", "https://evil.example/claims/" + id}, "", "unsaved"},
		{"form without a referrer", "POST", "/claims/" + id + "/comments", nil, "", "unsaved"},
		{"page", "GET", "/claims/" + id, nil, "/claims/" + id, ""},
	} {
		var r resp
		if tc.method == "GET" {
			req, _ := http.NewRequest(http.MethodGet, a.srv.URL+tc.path, nil)
			for i := 0; i+1 < len(tc.hdr); i += 2 {
				req.Header.Set(tc.hdr[i], tc.hdr[i+1])
			}
			r = rita.do(req)
		} else {
			r = rita.post(tc.path, url.Values{"_csrf": {tok}, "body": {"a comment"}}, tc.hdr...)
		}
		loc := r.hdr.Get("Location")
		if len(tc.hdr) > 0 && tc.hdr[0] == "HX-Request" {
			if r.code != http.StatusUnauthorized {
				t.Errorf("%s: %d, want 401 with HX-Redirect", tc.name, r.code)
			}
			loc = r.hdr.Get("HX-Redirect")
		} else if r.code != http.StatusSeeOther {
			t.Errorf("%s: %d, want a redirect", tc.name, r.code)
		}
		if next, ended := where(loc); next != tc.next || ended != tc.ended {
			t.Errorf("%s: to %q, want next %q and ended %q", tc.name, loc, tc.next, tc.ended)
		}
	}
	if cms, _ := a.store.Comments(context.Background(), firstClaimID(t, a)); len(cms) != 0 {
		t.Fatalf("%d comments stored without a session", len(cms))
	}
	// The login page says the comment was lost, and leads back to the page.
	r := rita.get("/login?ended=unsaved&next=" + url.QueryEscape("/claims/"+id+"?from=queue"))
	if n := r.doc.Find("#login-notice").Text(); !strings.Contains(n, "session had ended") || !strings.Contains(n, "not saved") {
		t.Errorf("login page notice %q", n)
	}
	tok, _ = r.doc.Find(`input[name="_csrf"]`).Attr("value")
	next, _ := r.doc.Find(`input[name="next"]`).Attr("value")
	r = rita.post("/login", url.Values{"_csrf": {tok}, "username": {"rita"}, "password": {testPassword}, "next": {next}})
	if r.code != http.StatusSeeOther || r.hdr.Get("Location") != "/claims/"+id+"?from=queue" {
		t.Errorf("after login: %d to %q", r.code, r.hdr.Get("Location"))
	}
}

// A refused request is logged once as refused, not also as "error after
// response started", which is for a handler failing once its answer has
// begun, and is logged once then.
func TestErrorsAreLoggedOnce(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var log syncBuffer
	e := web.New(web.Config{Store: store, Log: slog.New(slog.NewTextHandler(&log, nil))})
	e.GET("/partial", func(c echo.Context) error {
		c.Response().WriteHeader(http.StatusOK)
		c.Response().Write([]byte("half"))
		return errors.New("failed halfway")
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	c := (&app{t: t, store: store, srv: srv}).client()
	for _, p := range []string{"/nowhere", "/login?next=x", "/claims/1"} {
		c.get(p)
	}
	c.post("/login", url.Values{"username": {"x"}}) // no CSRF token: 403
	if strings.Contains(log.String(), "error after response started") {
		t.Errorf("refusals logged as errors after the response started:\n%s", log.String())
	}
	if n := strings.Count(log.String(), "level=WARN msg=\"request refused\""); n != 2 {
		t.Errorf("%d refusals logged, want 2 (the 404 and the 403):\n%s", n, log.String())
	}
	c.get("/partial")
	if n := strings.Count(log.String(), "error after response started"); n != 1 {
		t.Errorf("a failure after the answer began logged %d times, want once:\n%s", n, log.String())
	}
}
