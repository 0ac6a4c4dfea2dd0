// Command loadgen drives a factdesk server on this machine with concurrent
// clients and reports throughput and latency. It talks to loopback addresses
// only, and every run is bounded both in requests and in time.
//
//	loadgen [--base URL] [--clients 32] [--requests N] [--duration D] [--user NAME]
//	        [--ids LO-HI] [--status] [--rate R] [--json] PATH...
//
// PATH may hold {id}, replaced by a random number from --ids on every
// request. With --user, every client logs in with its own session (the
// password comes from $LOADGEN_PASSWORD), as a browser does: it reads the
// CSRF token from the login form and posts it back. With --status, the
// clients review claims instead: each owns its own claims (from --ids),
// reads their page once for the version and the token, then posts status
// changes the way the page's htmx form does, so none is refused as stale.
//
// By default each client sends its next request as soon as the last is
// answered: the run measures the most the server gives, and the latency at
// that load. With --rate, the clients share a schedule of R requests a
// second instead, and each latency counts from when its request was due,
// so a server that falls behind is charged for the wait it caused.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Hard limits, whatever the flags say.
const (
	maxRequests = 5_000_000
	maxDuration = 10 * time.Minute
	maxClients  = 1024
)

type config struct {
	base     *url.URL
	clients  int
	requests int
	duration time.Duration
	warmup   int
	user     string
	password string
	idLo     int64
	idHi     int64
	status   bool
	pool     int
	paths    []string
	seed     uint64
	pid      int
	rate     float64 // requests a second in all; 0: as fast as answered
}

// Result is what a run measured. Latencies are in milliseconds.
type Result struct {
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"`
	Seconds     float64 `json:"seconds"`
	RPS         float64 `json:"rps"`
	P50         float64 `json:"p50_ms"`
	P99         float64 `json:"p99_ms"`
	Max         float64 `json:"max_ms"`
	BytesPerReq float64 `json:"bytes_per_request"`
	FirstError  string  `json:"first_error,omitempty"`
	// ServerCPU is the server's CPU time per measured request, from
	// /proc/PID/stat: steadier than latency on a shared machine.
	ServerCPU float64 `json:"server_cpu_ms_per_request,omitempty"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("base", "http://127.0.0.1:8080", "server `URL` (loopback only)")
	var c config
	fs.IntVar(&c.clients, "clients", 32, "concurrent `clients`")
	fs.IntVar(&c.requests, "requests", 20000, "measured `requests` in all (the run stops at this or --duration)")
	fs.DurationVar(&c.duration, "duration", 30*time.Second, "longest measured `time`")
	fs.IntVar(&c.warmup, "warmup", 500, "`requests` sent before measuring, not counted")
	fs.StringVar(&c.user, "user", "", "log every client in as `NAME` (password from $LOADGEN_PASSWORD)")
	ids := fs.String("ids", "1-1", "`LO-HI` range for {id} in paths, and the claims --status reviews")
	fs.BoolVar(&c.status, "status", false, "post status changes to claims instead of getting PATHs")
	fs.IntVar(&c.pool, "pool", 100, "claims each client reviews in turn with --status")
	fs.Uint64Var(&c.seed, "seed", 1, "random `seed` for ids")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	fs.IntVar(&c.pid, "server-pid", 0, "`PID` of the server, to report its CPU time per request")
	fs.Float64Var(&c.rate, "rate", 0, "send `R` requests a second in all, on a schedule (0: each client as fast as answered)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: loadgen [flags] PATH...   (PATH may hold {id}; --status needs no PATH)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	c.paths = fs.Args()
	u, err := url.Parse(*base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--base must be an http URL, got %q", *base)
	}
	if err := checkLoopback(u.Hostname()); err != nil {
		return err
	}
	c.base = u
	lo, hi, ok := strings.Cut(*ids, "-")
	c.idLo, err = strconv.ParseInt(lo, 10, 64)
	if err == nil {
		c.idHi, err = strconv.ParseInt(hi, 10, 64)
	}
	if !ok || err != nil || c.idLo < 1 || c.idHi < c.idLo {
		return fmt.Errorf("--ids must look like 1-1000, got %q", *ids)
	}
	switch {
	case c.clients < 1 || c.clients > maxClients:
		return fmt.Errorf("--clients must be between 1 and %d", maxClients)
	case c.requests < 1 || c.requests > maxRequests:
		return fmt.Errorf("--requests must be between 1 and %d", maxRequests)
	case c.duration <= 0 || c.duration > maxDuration:
		return fmt.Errorf("--duration must be between 0 and %s", maxDuration)
	case c.warmup < 0 || c.warmup > maxRequests:
		return fmt.Errorf("--warmup must be between 0 and %d", maxRequests)
	case c.status && c.user == "":
		return errors.New("--status needs --user: only a logged-in reviewer changes a status")
	case c.status && int64(c.clients*c.pool) > c.idHi-c.idLo+1:
		return fmt.Errorf("--status needs %d claims (clients × pool) in --ids", c.clients*c.pool)
	case c.rate < 0 || c.rate > 1e6:
		return errors.New("--rate must be between 0 and 1000000 requests a second")
	case !c.status && len(c.paths) == 0:
		return errors.New("give at least one PATH to request, or --status")
	}
	for _, p := range c.paths {
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("PATH must start with /, got %q", p)
		}
	}
	if c.user != "" {
		c.password = os.Getenv("LOADGEN_PASSWORD")
		if c.password == "" {
			return errors.New("--user needs the password in $LOADGEN_PASSWORD")
		}
	}
	res, err := drive(ctx, c)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	fmt.Fprintf(stdout, "%d requests in %.2f s: %.0f/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d errors",
		res.Requests, res.Seconds, res.RPS, res.P50, res.P99, res.Max, res.Errors)
	if res.ServerCPU > 0 {
		fmt.Fprintf(stdout, ", server CPU %.3f ms per request", res.ServerCPU)
	}
	fmt.Fprintln(stdout)
	if res.FirstError != "" {
		fmt.Fprintf(stdout, "first error: %s\n", res.FirstError)
	}
	return nil
}

// checkLoopback refuses any host that is not this machine: loadgen is a
// benchmark tool, not a way to flood someone else's server.
func checkLoopback(host string) error {
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return fmt.Errorf("%s is not a loopback address: loadgen only drives servers on this machine", host)
		}
		return nil
	}
	if host != "localhost" {
		return fmt.Errorf("%s is not a loopback address: loadgen only drives servers on this machine", host)
	}
	return nil
}

// client is one simulated user with its own cookie jar and session.
type client struct {
	c     *config
	http  *http.Client
	rng   *rand.Rand
	csrf  string
	lat   []time.Duration
	bytes int64
	errs  int
	first string
	// --status: the claims this client reviews, with what it knows of them.
	claims []*claimState
	next   int
}

type claimState struct {
	id      int64
	version int64
	status  string
}

func drive(ctx context.Context, c config) (Result, error) {
	tr := &http.Transport{
		MaxIdleConns:        c.clients * 2,
		MaxIdleConnsPerHost: c.clients * 2,
		MaxConnsPerHost:     c.clients * 2,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	clients := make([]*client, c.clients)
	for i := range clients {
		jar, _ := cookiejar.New(nil)
		clients[i] = &client{c: &c, rng: rand.New(rand.NewPCG(c.seed, uint64(i))), http: &http.Client{
			Transport: tr, Jar: jar, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
	}
	// Log in and read the claims, a few clients at a time: password
	// hashing is slow on purpose and is not what is measured.
	if err := each(ctx, clients, 4, func(k int, cl *client) error {
		if c.user != "" {
			if err := cl.login(ctx); err != nil {
				return err
			}
		}
		if c.status {
			return cl.loadClaims(ctx, k)
		}
		return nil
	}); err != nil {
		return Result{}, err
	}
	// Warm-up: connections, caches and the Go runtime settle before
	// anything is timed.
	if c.warmup > 0 {
		phase(ctx, clients, c.warmup, 10*time.Second, 0)
		for _, cl := range clients {
			cl.lat, cl.bytes, cl.errs, cl.first = cl.lat[:0], 0, 0, ""
		}
	}
	cpu0, cpuErr := procCPU(c.pid)
	start := time.Now()
	phase(ctx, clients, c.requests, c.duration, c.rate)
	elapsed := time.Since(start)
	cpu1, _ := procCPU(c.pid)
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	var all []time.Duration
	var res Result
	var bytes int64
	for _, cl := range clients {
		all = append(all, cl.lat...)
		bytes += cl.bytes
		res.Errors += cl.errs
		if res.FirstError == "" {
			res.FirstError = cl.first
		}
	}
	if len(all) == 0 {
		return res, errors.New("no request completed")
	}
	slices.Sort(all)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	res.Requests = len(all)
	res.Seconds = elapsed.Seconds()
	res.RPS = float64(len(all)) / elapsed.Seconds()
	res.P50 = ms(all[len(all)*50/100])
	res.P99 = ms(all[min(len(all)-1, len(all)*99/100)])
	res.Max = ms(all[len(all)-1])
	res.BytesPerReq = float64(bytes) / float64(len(all))
	if c.pid > 0 && cpuErr == nil {
		res.ServerCPU = float64((cpu1 - cpu0).Microseconds()) / 1000 / float64(len(all))
	}
	return res, nil
}

// each runs fn for every client, n at a time, and returns the first error.
func each(ctx context.Context, clients []*client, n int, fn func(int, *client) error) error {
	var wg sync.WaitGroup
	sem := make(chan struct{}, n)
	errs := make([]error, len(clients))
	for k, cl := range clients {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() == nil {
				errs[k] = fn(k, cl)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// phase sends up to total requests from all clients at once, for at most d:
// each client as fast as it is answered, or with rate above 0, the clients
// in turn on one schedule of rate requests a second.
func phase(ctx context.Context, clients []*client, total int, d time.Duration, rate float64) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var issued atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for k, cl := range clients {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil && issued.Add(1) <= int64(total); i++ {
				var due time.Time
				if rate > 0 {
					// Client k sends the schedule's requests k, k+n, k+2n, ...
					due = start.Add(time.Duration(float64(i*len(clients)+k) / rate * float64(time.Second)))
					if w := time.Until(due); w > 0 {
						select {
						case <-time.After(w):
						case <-ctx.Done():
							return
						}
					}
				}
				cl.one(ctx, due)
			}
		})
	}
	wg.Wait()
}

// one sends one timed request and records it, timed from due when given
// (when the schedule meant it to go), else from when it goes.
func (cl *client) one(ctx context.Context, due time.Time) {
	var req *http.Request
	var cs *claimState
	if cl.c.status {
		cs = cl.claims[cl.next%len(cl.claims)]
		cl.next++
		form := url.Values{"_csrf": {cl.csrf}, "version": {strconv.FormatInt(cs.version, 10)},
			"status": {nextStatus(cs.status)}, "note": {""}}
		req, _ = http.NewRequestWithContext(ctx, http.MethodPost, cl.url(fmt.Sprintf("/claims/%d/status", cs.id)),
			strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// As the page's htmx form sends it.
		req.Header.Set("HX-Request", "true")
		req.Header.Set("X-CSRF-Token", cl.csrf)
	} else {
		p := cl.c.paths[cl.rng.IntN(len(cl.c.paths))]
		if strings.Contains(p, "{id}") {
			id := cl.c.idLo + cl.rng.Int64N(cl.c.idHi-cl.c.idLo+1)
			p = strings.ReplaceAll(p, "{id}", strconv.FormatInt(id, 10))
		}
		req, _ = http.NewRequestWithContext(ctx, http.MethodGet, cl.url(p), nil)
	}
	t0 := time.Now()
	if !due.IsZero() && due.Before(t0) {
		t0 = due
	}
	res, err := cl.http.Do(req)
	var body []byte
	if err == nil {
		if cs != nil {
			body, err = io.ReadAll(res.Body)
			cl.bytes += int64(len(body))
		} else {
			var n int64
			n, err = io.Copy(io.Discard, res.Body)
			cl.bytes += n
		}
		res.Body.Close()
	}
	d := time.Since(t0)
	if ctx.Err() != nil {
		return // cut off by the time limit: not a measurement
	}
	cl.lat = append(cl.lat, d)
	switch {
	case err != nil:
		cl.fail(err.Error())
	case res.StatusCode != http.StatusOK:
		cl.fail(fmt.Sprintf("%s %s: %s", req.Method, req.URL.Path, res.Status))
	}
	if cs != nil && err == nil {
		// The answer carries the claim as it is now, whether the change
		// was saved or refused.
		if v, st, ok := parseClaim(body); ok {
			cs.version, cs.status = v, st
		}
	}
}

func (cl *client) fail(msg string) {
	cl.errs++
	if cl.first == "" {
		cl.first = msg
	}
}

func (cl *client) url(path string) string {
	return cl.c.base.Scheme + "://" + cl.c.base.Host + path
}

var (
	csrfRe    = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	versionRe = regexp.MustCompile(`name="version" value="(\d+)"`)
	statusRe  = regexp.MustCompile(`<mark class="hl s-(unverified|confirmed|disputed)"`)
)

// login does what a browser does: get the form, post it with its token.
func (cl *client) login(ctx context.Context) error {
	body, _, err := cl.get(ctx, "/login")
	if err != nil {
		return err
	}
	m := csrfRe.FindSubmatch(body)
	if m == nil {
		return errors.New("login form has no CSRF token")
	}
	form := url.Values{"_csrf": {string(m[1])}, "username": {cl.c.user}, "password": {cl.c.password}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, cl.url("/login"), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := cl.http.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("login as %s: %s (wrong password?)", cl.c.user, res.Status)
	}
	// The token of the page the login leads to, for the forms this client
	// posts (every logged-in page carries it in its logout form).
	next := res.Header.Get("Location")
	if !strings.HasPrefix(next, "/") {
		next = "/"
	}
	body, _, err = cl.get(ctx, next)
	if err != nil {
		return err
	}
	if m = csrfRe.FindSubmatch(body); m == nil {
		return fmt.Errorf("the page after login (%s) has no CSRF token: not logged in?", next)
	}
	cl.csrf = string(m[1])
	return nil
}

// loadClaims reads the page of each claim this client reviews. Client k
// owns the ids k, k+clients, k+2*clients... from a random start, so no two
// clients review the same claim.
func (cl *client) loadClaims(ctx context.Context, k int) error {
	span := cl.c.idHi - cl.c.idLo + 1
	off := int64(cl.c.seed*7919) % span
	for j := range cl.c.pool {
		id := cl.c.idLo + (off+int64(k)+int64(j*cl.c.clients))%span
		body, code, err := cl.get(ctx, fmt.Sprintf("/claims/%d", id))
		if err != nil {
			return err
		}
		if code != http.StatusOK {
			return fmt.Errorf("claim %d: status %d", id, code)
		}
		v, st, ok := parseClaim(body)
		if !ok {
			return fmt.Errorf("claim %d: no review form on its page (is %s a reviewer?)", id, cl.c.user)
		}
		cl.claims = append(cl.claims, &claimState{id: id, version: v, status: st})
	}
	return nil
}

func (cl *client) get(ctx context.Context, path string) ([]byte, int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, cl.url(path), nil)
	res, err := cl.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return body, res.StatusCode, err
}

func parseClaim(body []byte) (version int64, status string, ok bool) {
	v := versionRe.FindSubmatch(body)
	s := statusRe.FindSubmatch(body)
	if v == nil || s == nil {
		return 0, "", false
	}
	version, err := strconv.ParseInt(string(v[1]), 10, 64)
	return version, string(s[1]), err == nil
}

// procCPU returns the user and system CPU time process pid has used so
// far; zero for pid 0.
func procCPU(pid int) (time.Duration, error) {
	if pid <= 0 {
		return 0, nil
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, may hold spaces; fields count from after it.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0, errors.New("unreadable /proc stat")
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("unreadable /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("unreadable /proc stat")
	}
	// Linux reports clock ticks of 1/100 s (USER_HZ) on every common build.
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// nextStatus cycles a claim through the statuses, so every post changes it.
func nextStatus(s string) string {
	switch s {
	case "unverified":
		return "confirmed"
	case "confirmed":
		return "disputed"
	}
	return "unverified"
}
