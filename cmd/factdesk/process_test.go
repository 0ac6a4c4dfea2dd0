package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"factdesk/db"
)

// These tests run the real binary as a child process: they build it, serve
// on a free loopback port, and signal it as an init system or a crash would.

var built struct {
	once sync.Once
	path string
	err  error
}

// binary builds factdesk once per test run.
func binary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "factdesk-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "factdesk")
		gobin, err := exec.LookPath("go")
		if err != nil {
			gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		cmd := exec.Command(gobin, "build", "-o", built.path, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.path != "" {
		os.RemoveAll(filepath.Dir(built.path))
	}
	os.Exit(code)
}

// server is a running `factdesk serve` child process.
type server struct {
	cmd  *exec.Cmd
	url  string
	log  string // its standard error
	done chan struct{}
	err  error // its exit, once done is closed
}

var servingRE = regexp.MustCompile(`msg="factdesk serving" url=(http://\S+)`)

// startServer starts the binary on a free port over dbPath and waits until it
// serves; its log goes to logPath.
func startServer(t *testing.T, dbPath, logPath string) *server {
	t.Helper()
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(binary(t), "serve", "--addr", "127.0.0.1:0", "--db", dbPath)
	cmd.Stdout, cmd.Stderr = io.Discard, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { s.err = cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.kill() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(logPath)
		if m := servingRE.FindSubmatch(b); m != nil {
			s.url = string(m[1])
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("the server exited at start (%v):\n%s", s.err, b)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("the server did not start in 30s:\n%s", s.logText())
	return nil
}

func (s *server) logText() string {
	b, _ := os.ReadFile(s.log)
	return string(b)
}

// kill sends SIGKILL to the child, by its own pid, and waits for it.
func (s *server) kill() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Kill()
	<-s.done
}

// webClient is one logged-in browser.
type webClient struct {
	http *http.Client
	base string
	tok  string
	seen map[int64]int64
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

func newWebClient(base string) *webClient {
	jar, _ := cookiejar.New(nil)
	return &webClient{base: base, seen: map[int64]int64{}, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *webClient) do(req *http.Request) (int, http.Header, string, error) {
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b), err
}

func (c *webClient) get(path string) (int, string, error) {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	code, _, body, err := c.do(req)
	return code, body, err
}

func (c *webClient) postForm(path string, form url.Values, hdr ...string) (int, http.Header, string, error) {
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.do(req)
}

// login logs in; the session lives in the database, so it outlasts restarts.
func (c *webClient) login(name, password string) error {
	code, body, err := c.get("/login")
	m := csrfRE.FindStringSubmatch(body)
	if err != nil || code != http.StatusOK || m == nil {
		return fmt.Errorf("login page: %d %v", code, err)
	}
	c.tok = m[1]
	code, _, _, err = c.postForm("/login", url.Values{"_csrf": {c.tok}, "username": {name}, "password": {password}})
	if err != nil || code != http.StatusSeeOther {
		return fmt.Errorf("login as %s: %d %v", name, code, err)
	}
	return nil
}

// setStatus changes a claim as the page's htmx form does. acked is true only
// when the server answered that the change was saved.
func (c *webClient) setStatus(id int64, status, note string) (acked bool, code int, err error) {
	path := "/claims/" + strconv.FormatInt(id, 10)
	for range 50 {
		v, ok := c.seen[id]
		if !ok {
			code, body, err := c.get(path)
			m := versionRE.FindStringSubmatch(body)
			if err != nil || code != http.StatusOK || m == nil {
				return false, code, err
			}
			v, _ = strconv.ParseInt(m[1], 10, 64)
		}
		code, _, body, err := c.postForm(path+"/status", url.Values{"version": {strconv.FormatInt(v, 10)}, "status": {status}, "note": {note}},
			"HX-Request", "true", "X-CSRF-Token", c.tok)
		if err != nil {
			return false, code, err
		}
		m := versionRE.FindStringSubmatch(body)
		if m != nil {
			c.seen[id], _ = strconv.ParseInt(m[1], 10, 64)
		}
		switch {
		case code == http.StatusOK && m != nil:
			return true, code, nil
		case code == http.StatusConflict && m != nil:
			continue
		default:
			return false, code, nil
		}
	}
	return false, http.StatusConflict, nil
}

// importDoc posts the import form; acked when the server redirects to the
// new document.
func (c *webClient) importDoc(title, text string) (acked bool, code int, err error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("title", title)
	mw.WriteField("text", text)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/documents", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.tok)
	code, hdr, _, err := c.do(req)
	if err != nil {
		return false, code, err
	}
	return code == http.StatusSeeOther && strings.HasPrefix(hdr.Get("Location"), "/documents/"), code, nil
}

const processPassword = "a long enough password"

// preparedDB makes a database with reviewers and an article of many claims,
// through the command line.
func preparedDB(t *testing.T, reviewers int) (path string, claims []int64) {
	t.Helper()
	c := newCLI(t)
	for i := range reviewers {
		if _, _, err := c.run(processPassword+"\n", "user", "add", "--role", "reviewer", fmt.Sprintf("rev%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	var art strings.Builder
	for i := range 60 {
		fmt.Fprintf(&art, "The district council spent %d.%d million dollars on %d new roads in %d, officials said.\n\n", i+3, i%10, i+10, 1990+i%30)
	}
	if _, _, err := c.run("", "import", "--title", "Roads", writeFile(t, "roads.txt", art.String())); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := db.Open(ctx, c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cs, err := store.DocumentClaims(ctx, 1)
	if err != nil || len(cs) < 50 {
		t.Fatalf("claims: %d %v", len(cs), err)
	}
	for _, cl := range cs {
		claims = append(claims, cl.ID)
	}
	return c.db, claims
}

// SIGTERM lets a request in flight finish, refuses new connections, and
// exits 0 with the database closed cleanly.
func TestSIGTERMDrainsRequests(t *testing.T) {
	dbPath, _ := preparedDB(t, 1)
	srv := startServer(t, dbPath, filepath.Join(t.TempDir(), "serve.log"))
	c := newWebClient(srv.url)
	if err := c.login("rev0", processPassword); err != nil {
		t.Fatal(err)
	}

	// A slow upload: the form arrives in two halves, with SIGTERM between.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, _ := http.NewRequest(http.MethodPost, srv.url+"/documents", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.tok)
	type result struct {
		code int
		loc  string
		err  error
	}
	resc := make(chan result, 1)
	go func() {
		res, err := c.http.Do(req)
		if err != nil {
			resc <- result{err: err}
			return
		}
		res.Body.Close()
		resc <- result{code: res.StatusCode, loc: res.Header.Get("Location")}
	}()
	mw.WriteField("title", "Slow upload")
	tw, _ := mw.CreateFormField("text")
	io.WriteString(tw, "The harbour moved 12,000 containers in May, the port authority said. ")
	time.Sleep(300 * time.Millisecond) // the server has the request and waits for the rest

	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.url, "http://")
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			break // no longer accepting
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections 10s after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case <-srv.done:
		t.Fatalf("exited before the request in flight finished (%v):\n%s", srv.err, srv.logText())
	case r := <-resc:
		t.Fatalf("the request ended before its body was sent: %+v", r)
	case <-time.After(300 * time.Millisecond):
	}

	io.WriteString(tw, "Officials said 40% of them were empty.")
	mw.Close()
	pw.Close()
	r := <-resc
	if r.err != nil || r.code != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/documents/") {
		t.Fatalf("the drained request: %+v\n%s", r, srv.logText())
	}
	select {
	case <-srv.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("did not exit after the drain:\n%s", srv.logText())
	}
	if srv.err != nil {
		t.Fatalf("exit: %v\n%s", srv.err, srv.logText())
	}
	logText := srv.logText()
	if !strings.Contains(logText, "shutting down") || !strings.Contains(logText, "factdesk stopped") || strings.Contains(logText, "level=ERROR") {
		t.Fatalf("log:\n%s", logText)
	}
	// Closed cleanly: the WAL was checkpointed into the file and removed.
	if _, err := os.Stat(dbPath + "-wal"); !os.IsNotExist(err) {
		t.Fatalf("the -wal file is still there: %v", err)
	}
	ctx := context.Background()
	store, err := db.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	docs, _ := store.ListDocuments(ctx, 0, 10)
	if len(docs) != 2 || docs[0].Title != "Slow upload" {
		t.Fatalf("documents after the drain: %+v", docs)
	}
}

// crashIterations is how many times the crash test kills the server: a few
// on every test run, 20 or more under `make crash`.
func crashIterations(t *testing.T) int {
	if s := os.Getenv("FACTDESK_CRASH_ITERATIONS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("FACTDESK_CRASH_ITERATIONS=%q", s)
		}
		return n
	}
	return 3
}

// acks collects what the server acknowledged to clients.
type acks struct {
	mu       sync.Mutex
	notes    []string // status changes, by their unique note
	titles   []string // imports, by their unique title
	problems []string
	requests int
}

func (a *acks) add(list *[]string, s string) {
	a.mu.Lock()
	*list = append(*list, s)
	a.mu.Unlock()
}

func (a *acks) problem(format string, args ...any) {
	a.mu.Lock()
	if len(a.problems) < 20 {
		a.problems = append(a.problems, fmt.Sprintf(format, args...))
	}
	a.mu.Unlock()
}

// SIGKILL at random moments during concurrent status changes and imports:
// after each restart the file is intact, every acknowledged change and
// import is there, and history, chain and statuses agree.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	iterations := crashIterations(t)
	const changers, importers = 6, 2
	dbPath, claims := preparedDB(t, changers+importers)
	logDir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	var got acks
	var clients []*webClient
	var killedAfter []time.Duration

	for it := 0; it <= iterations; it++ {
		srv := startServer(t, dbPath, filepath.Join(logDir, fmt.Sprintf("serve-%02d.log", it)))
		// What the previous run acknowledged survived its SIGKILL.
		checkCrashState(t, dbPath, &got, it)
		if it == iterations {
			srv.cmd.Process.Signal(syscall.SIGTERM)
			<-srv.done
			break
		}
		if clients == nil {
			for i := range changers + importers {
				c := newWebClient(srv.url)
				if err := c.login(fmt.Sprintf("rev%d", i), processPassword); err != nil {
					t.Fatal(err)
				}
				clients = append(clients, c)
			}
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for i, c := range clients {
			c.base = srv.url // the port changes; the session cookie stays
			wg.Go(func() {
				wrng := rand.New(rand.NewPCG(seed, uint64(it*100+i)))
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					var ok bool
					var code int
					var err error
					label := fmt.Sprintf("run %d client %d #%d", it, i, n)
					if i < changers {
						ok, code, err = c.setStatus(claims[wrng.IntN(len(claims))], db.Statuses[wrng.IntN(3)], label)
						if ok {
							got.add(&got.notes, label)
						}
					} else {
						text := fmt.Sprintf("%s: the port handled %d containers on day %d, officials said.", label, 1000+n, n)
						ok, code, err = c.importDoc(label, text)
						if ok {
							got.add(&got.titles, label)
						}
					}
					got.mu.Lock()
					got.requests++
					got.mu.Unlock()
					if err != nil {
						return // the server is gone: this request's fate is unknown
					}
					if !ok && code != http.StatusConflict {
						got.problem("%s: status %d", label, code)
					}
				}
			})
		}
		wait := time.Duration(100+rng.IntN(700)) * time.Millisecond
		killedAfter = append(killedAfter, wait)
		time.Sleep(wait)
		srv.kill()
		close(stop)
		wg.Wait()
		if log := srv.logText(); strings.Contains(strings.ToLower(log), "database is locked") || strings.Contains(log, "level=ERROR") {
			t.Fatalf("run %d log:\n%s", it, log)
		}
	}
	for _, p := range got.problems {
		t.Error(p)
	}
	t.Logf("%d SIGKILLs (after %v): %d requests, %d status changes and %d imports acknowledged, all present after restart",
		iterations, killedAfter, got.requests, len(got.notes), len(got.titles))
	if len(got.notes) == 0 || len(got.titles) == 0 {
		t.Fatal("nothing was acknowledged: the test proved nothing")
	}
}

// checkCrashState checks the database while a freshly restarted server runs
// on it: integrity, the chain and statuses (through `factdesk verify`, a
// separate process), and every acknowledged write.
func checkCrashState(t *testing.T, dbPath string, got *acks, it int) {
	t.Helper()
	out, err := exec.Command(binary(t), "verify", "--db", dbPath).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "OK: database intact") {
		t.Fatalf("after restart %d: verify: %v\n%s", it, err, out)
	}
	raw, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var ic string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&ic); err != nil || ic != "ok" {
		t.Fatalf("after restart %d: integrity_check = %q %v", it, ic, err)
	}
	present := func(q string) map[string]int {
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[string]int{}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			m[s]++
		}
		return m
	}
	notes := present(`SELECT note FROM status_history`)
	titles := present(`SELECT title FROM documents`)
	got.mu.Lock()
	defer got.mu.Unlock()
	for _, n := range got.notes {
		if notes[n] != 1 {
			t.Fatalf("after restart %d: acknowledged change %q has %d history rows", it, n, notes[n])
		}
	}
	for _, n := range got.titles {
		if titles[n] != 1 {
			t.Fatalf("after restart %d: acknowledged import %q is there %d times", it, n, titles[n])
		}
	}
}
