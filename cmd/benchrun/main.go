// Command benchrun measures factdesk at scale on this machine and writes
// bench/results.json (one number per key) and the table in BENCHMARKS.md.
//
// It builds nothing itself: `make bench` builds bin/factdesk and bin/loadgen
// first. On a database of --docs generated articles (about 100 claims and
// 300 history rows each; cached under bench/data and made again only when the
// generator, the extractor or the schema changes) it runs, on loopback:
// the bare echo baseline and every page scenario under 32 clients with
// loadgen, a cold start, idle memory, a JSONL export of every claim and an
// import of new articles, and times extraction in-process.
//
//	benchrun [--docs 10000] [--seed 1] [--requests 20000] [--duration 20s]
//	benchrun baseline --addr ADDR   (serves the bare echo handler)
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/extract"
)

// benchPassword is the demo users' password in the generated database,
// which only ever serves loopback benchmarks.
const benchPassword = "loopback lantern orchard 7"

// reviewer is the demo account the load clients log in as.
const reviewer = "demo-reviewer-1"

type options struct {
	docs     int
	seed     uint64
	requests int
	duration time.Duration
	clients  int
	runs     int
	data     string
	out      string
	md       string
	bin      string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "baseline" {
		err = serveBaseline(ctx, os.Args[2:])
	} else {
		err = run(ctx, os.Args[1:])
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(os.Stderr, "benchrun: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("benchrun", flag.ContinueOnError)
	var o options
	fs.IntVar(&o.docs, "docs", 10000, "generated `articles` in the benchmark database")
	fs.Uint64Var(&o.seed, "seed", 1, "generator `seed`")
	fs.IntVar(&o.requests, "requests", 20000, "measured `requests` per scenario (at most)")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "longest measured `time` per scenario")
	fs.IntVar(&o.clients, "clients", 32, "concurrent `clients`")
	fs.IntVar(&o.runs, "runs", 3, "`runs` of each scenario, one after another; the figures are their medians")
	fs.StringVar(&o.data, "data", "bench/data", "`folder` for the cached database and scratch files")
	fs.StringVar(&o.out, "out", "bench/results.json", "results `file`")
	fs.StringVar(&o.md, "md", "BENCHMARKS.md", "`file` whose results table is rewritten")
	fs.StringVar(&o.bin, "bin", "bin", "`folder` holding factdesk and loadgen")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.runs < 1 || o.runs > 5 {
		return errors.New("--runs must be between 1 and 5")
	}
	// Everything below is bounded; this is the backstop.
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	b := &bench{o: o, results: map[string]float64{}, started: time.Now()}
	return b.run(ctx)
}

type bench struct {
	o       options
	results map[string]float64
	notes   []string
	size    db.Size
	started time.Time
	load    string // load average when the run started
}

func (b *bench) set(key string, v float64) {
	b.results[key] = round(v)
	fmt.Printf("  %-28s %s\n", key, num(b.results[key]))
}

// num prints a figure without an exponent.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func round(v float64) float64 {
	switch {
	case v >= 100:
		return float64(int64(v + 0.5))
	case v >= 1:
		return float64(int64(v*10+0.5)) / 10
	}
	return float64(int64(v*1000+0.5)) / 1000
}

func (b *bench) note(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	b.notes = append(b.notes, msg)
	fmt.Println("  note:", msg)
}

func (b *bench) run(ctx context.Context) error {
	b.load = loadAverage()
	fmt.Printf("benchrun: %d documents, %d clients, %s load average\n", b.o.docs, b.o.clients, b.load)
	if err := os.MkdirAll(b.o.data, 0o755); err != nil {
		return err
	}
	cached, err := b.database(ctx)
	if err != nil {
		return err
	}
	// Status changes write to the database: every run works on a copy.
	work := filepath.Join(b.o.data, "run.db")
	defer removeDB(work)
	fmt.Println("copying the database")
	if err := copyFile(cached, work); err != nil {
		return err
	}
	if err := b.inspect(ctx, work); err != nil {
		return err
	}
	if err := b.extractSpeed(ctx, work); err != nil {
		return err
	}
	if err := b.baseline(ctx); err != nil {
		return err
	}
	if err := b.server(ctx, work); err != nil {
		return err
	}
	if err := b.export(ctx, work); err != nil {
		return err
	}
	if err := b.importSpeed(ctx, work); err != nil {
		return err
	}
	b.set("bench_wall_s", time.Since(b.started).Seconds())
	return b.write()
}

// database returns the cached benchmark database, generating it when it is
// missing or was made by another generator, extractor or schema.
func (b *bench) database(ctx context.Context) (string, error) {
	key, err := sourceKey("db/demo.go", "db/demo_text.go", "db/migrations", "extract")
	if err != nil {
		return "", err
	}
	name := fmt.Sprintf("demo-%d-s%d-%s.db", b.o.docs, b.o.seed, key)
	path := filepath.Join(b.o.data, name)
	if _, err := os.Stat(path); err == nil {
		fmt.Println("using the cached database", path)
		return path, nil
	}
	// One cached database at a time: they are large.
	old, _ := filepath.Glob(filepath.Join(b.o.data, "demo-*.db"))
	for _, p := range old {
		removeDB(p)
	}
	tmp := filepath.Join(b.o.data, "generating.db")
	removeDB(tmp)
	fmt.Printf("generating %d documents into %s (cached for later runs)\n", b.o.docs, path)
	cmd := exec.CommandContext(ctx, filepath.Join(b.o.bin, "factdesk"), "demo", "--docs", strconv.Itoa(b.o.docs),
		"--seed", strconv.FormatUint(b.o.seed, 10), "--db", tmp)
	cmd.Env = append(os.Environ(), "FACTDESK_DEMO_PASSWORD="+benchPassword)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		removeDB(tmp)
		return "", fmt.Errorf("factdesk demo: %w", err)
	}
	return path, os.Rename(tmp, path)
}

// sourceKey hashes the files that decide what the demo database holds.
func sourceKey(paths ...string) (string, error) {
	h := sha256.New()
	for _, root := range paths {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s %d\n", p, len(data))
			h.Write(data)
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("run benchrun from the repository root: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:10], nil
}

// inspect records the database's size and the cursors of deep queue pages.
func (b *bench) inspect(ctx context.Context, path string) error {
	s, err := db.Open(ctx, path)
	if err != nil {
		return err
	}
	defer s.Close()
	if b.size, err = s.Size(ctx); err != nil {
		return err
	}
	fmt.Printf("database: %d documents, %d claims, %d history rows\n", b.size.Docs, b.size.Claims, b.size.History)
	b.set("db_documents", float64(b.size.Docs))
	b.set("db_claims", float64(b.size.Claims))
	b.set("db_history_rows", float64(b.size.History))
	if st, err := os.Stat(path); err == nil {
		b.set("db_file_mb", float64(st.Size())/(1<<20))
	}
	return nil
}

// deepCursors returns queue cursors deep into the confirmed claims: past 60%
// to 95% of them, so that every request is a different deep page.
func deepCursors(ctx context.Context, path string, n int) ([]string, error) {
	s, err := db.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	page, err := s.Queue(ctx, db.QueueFilter{Status: db.StatusConfirmed, Limit: 1})
	if err != nil {
		return nil, err
	}
	var out []string
	for i := range n {
		depth := page.Total * (60 + 35*i/n) / 100
		c, err := s.QueueCursorAt(ctx, db.StatusConfirmed, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, c.String())
	}
	return out, nil
}

// extractSpeed runs the extractor over the first articles of the database,
// in this process, on one core.
func (b *bench) extractSpeed(ctx context.Context, path string) error {
	bodies, err := bodies(ctx, path, 1000)
	if err != nil {
		return err
	}
	total := 0
	for _, s := range bodies {
		total += len(s)
	}
	best := 0.0
	for range 3 {
		t0 := time.Now()
		for _, s := range bodies {
			extract.Extract(s)
		}
		best = max(best, float64(total)/(1<<20)/time.Since(t0).Seconds())
	}
	b.set("extract_mb_per_s", best)
	return nil
}

func bodies(ctx context.Context, path string, n int) ([]string, error) {
	s, err := db.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var out []string
	for id := int64(1); len(out) < n && id <= int64(n)*2; id++ {
		d, err := s.Document(ctx, id)
		if errors.Is(err, db.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, d.Body)
	}
	return out, nil
}

// baseline measures a bare echo handler with the same driver and clients:
// the most this stack serves on this machine.
func (b *bench) baseline(ctx context.Context) error {
	fmt.Println("baseline: bare echo handler")
	self, err := os.Executable()
	if err != nil {
		return err
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	p, err := start(ctx, self, []string{"baseline", "--addr", addr}, nil)
	if err != nil {
		return err
	}
	defer p.stop()
	if _, err := waitReady(ctx, "http://"+addr+"/", 10*time.Second); err != nil {
		return err
	}
	var rs []loadResult
	for range b.o.runs {
		r, err := b.loadgen(ctx, addr, []string{"--server-pid", strconv.Itoa(p.cmd.Process.Pid)}, "/")
		if err != nil {
			return err
		}
		rs = append(rs, r)
	}
	b.record("baseline", rs)
	return nil
}

// record sets a scenario's figures from its runs: the median of each (a
// stall of the machine in one run moves its p99 by half or more), and the
// lowest and highest p99, so that the spread shows.
func (b *bench) record(name string, rs []loadResult) {
	med := func(f func(loadResult) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	b.set(name+"_rps", med(func(r loadResult) float64 { return r.RPS }))
	b.set(name+"_p50_ms", med(func(r loadResult) float64 { return r.P50 }))
	b.set(name+"_p99_ms", med(func(r loadResult) float64 { return r.P99 }))
	if cpu := med(func(r loadResult) float64 { return r.ServerCPU }); cpu > 0 {
		b.set(name+"_server_cpu_ms", cpu)
	}
	lo, hi := rs[0].P99, rs[0].P99
	errs, requests, first := 0, 0, ""
	for _, r := range rs {
		lo, hi = min(lo, r.P99), max(hi, r.P99)
		errs, requests = errs+r.Errors, requests+r.Requests
		if first == "" {
			first = r.FirstError
		}
	}
	b.set(name+"_p99_ms_min", lo)
	b.set(name+"_p99_ms_max", hi)
	if errs > 0 {
		b.set(name+"_errors", float64(errs))
		b.note("%s: %d of %d requests failed, first: %s", name, errs, requests, first)
	}
}

// serveBaseline is the baseline server: echo with one constant handler and
// no middleware.
func serveBaseline(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen `address`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	srv := &http.Server{Addr: *addr, Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// server starts factdesk on the working copy and runs every page scenario.
func (b *bench) server(ctx context.Context, path string) error {
	cursors, err := deepCursors(ctx, path, 20)
	if err != nil {
		return err
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	bin := filepath.Join(b.o.bin, "factdesk")
	serve := []string{"serve", "--db", path, "--addr", addr}

	// Cold start: from exec to the first answer, three times.
	var starts []float64
	for range 3 {
		t0 := time.Now()
		p, err := start(ctx, bin, serve, nil)
		if err != nil {
			return err
		}
		if _, err := waitReady(ctx, "http://"+addr+"/healthz", 30*time.Second); err != nil {
			p.stop()
			return err
		}
		starts = append(starts, float64(time.Since(t0).Microseconds())/1000)
		if err := p.stop(); err != nil {
			return err
		}
	}
	slices.Sort(starts)
	b.set("cold_start_ms", starts[1])

	p, err := start(ctx, bin, serve, nil)
	if err != nil {
		return err
	}
	defer p.stop()
	if _, err := waitReady(ctx, "http://"+addr+"/healthz", 30*time.Second); err != nil {
		return err
	}
	// Idle: started, one page served, nothing else.
	if _, err := waitReady(ctx, "http://"+addr+"/login", 5*time.Second); err != nil {
		return err
	}
	time.Sleep(time.Second)
	if rss, _, err := procMem(p.cmd.Process.Pid); err == nil {
		b.set("idle_rss_mb", rss)
	} else {
		return err
	}

	login := []string{"--user", reviewer}
	claims := fmt.Sprintf("1-%d", b.size.MaxClaimID)
	docs := fmt.Sprintf("1-%d", b.size.MaxDocID)
	scenarios := []struct {
		name  string
		args  []string
		paths []string
	}{
		{"claim", []string{"--ids", claims}, []string{"/claims/{id}"}},
		{"queue_first", nil, []string{"/queue"}},
		{"queue_deep", nil, deepPaths(cursors)},
		{"queue_document", []string{"--ids", docs}, []string{"/queue?document={id}"}},
		{"document", []string{"--ids", docs}, []string{"/documents/{id}"}},
		{"documents_list", nil, []string{"/"}},
		{"search", nil, []string{"/search?q=flood+barrier", "/search?q=rents", "/search?q=water+authority"}},
		{"status", []string{"--status", "--ids", claims}, nil},
		// The same changes at the rate the target names, on a schedule:
		// the latency of 1,500 changes a second, where the run above
		// measures the latency at the most the server can take.
		{"status_1500", []string{"--status", "--ids", claims, "--rate", "1500"}, nil},
	}
	writes := func(name string) bool { return strings.HasPrefix(name, "status") }
	// The runs go round the scenarios in turn, so that a slow spell of the
	// machine falls on one run of several scenarios rather than on every
	// run of one. Status changes, the one scenario that writes, run last,
	// their runs one after another: after a minute of reads this machine
	// has paged out the WAL and its index, and the next burst of changes
	// ran at two thirds of the rate (BENCHMARKS.md).
	type step struct {
		sc  int
		run int
	}
	var steps []step
	for run := 1; run <= b.o.runs; run++ {
		for i, sc := range scenarios {
			if !writes(sc.name) {
				steps = append(steps, step{i, run})
			}
		}
	}
	for i, sc := range scenarios {
		if writes(sc.name) {
			for run := 1; run <= b.o.runs; run++ {
				steps = append(steps, step{i, run})
			}
		}
	}
	runs := map[string][]loadResult{}
	failed := map[string]bool{}
	for _, st := range steps {
		sc, run := scenarios[st.sc], st.run
		if failed[sc.name] {
			continue
		}
		if sc.name == "search" && run == 1 {
			ok, why, err := b.searchExists(ctx, addr)
			if err != nil {
				return err
			}
			if !ok {
				b.note("search: not measured, the app has no search page yet (%s)", why)
				failed[sc.name] = true
				continue
			}
		}
		fmt.Printf("scenario %s, run %d of %d\n", sc.name, run, b.o.runs)
		if err := readThrough(path); err != nil {
			return err
		}
		args := append(slices.Clone(login), sc.args...)
		// Each run its own random ids, and for status changes its own
		// claims: a claim whose history an earlier run has lengthened
		// costs more to change and show.
		seed := run
		if sc.name == "status_1500" {
			seed += 100 // claims of its own, not those the saturated runs changed
		}
		args = append(args, "--server-pid", strconv.Itoa(p.cmd.Process.Pid), "--seed", strconv.Itoa(seed))
		r, err := b.loadgen(ctx, addr, args, sc.paths...)
		if err != nil {
			// One scenario that cannot finish (a page too slow to answer in
			// the bounds) is a finding, not a reason to lose the others.
			if ctx.Err() != nil {
				return err
			}
			b.note("%s: not measured: %v", sc.name, err)
			failed[sc.name] = true
			continue
		}
		runs[sc.name] = append(runs[sc.name], r)
		time.Sleep(500 * time.Millisecond)
	}
	for _, sc := range scenarios {
		if !failed[sc.name] && len(runs[sc.name]) > 0 {
			b.record(sc.name, runs[sc.name])
		}
	}
	if rss, hwm, err := procMem(p.cmd.Process.Pid); err == nil {
		b.set("loaded_rss_mb", rss)
		b.set("server_peak_rss_mb", hwm)
	}
	return p.stop()
}

func deepPaths(cursors []string) []string {
	var out []string
	for _, c := range cursors {
		out = append(out, "/queue?status=confirmed&after="+c)
	}
	return out
}

// searchExists asks for a search page as a logged-in reviewer would; a 404
// means the app has none yet.
func (b *bench) searchExists(ctx context.Context, addr string) (bool, string, error) {
	r, err := b.loadgenRaw(ctx, addr, []string{"--user", reviewer, "--clients", "1", "--requests", "1", "--warmup", "0"},
		"/search?q=water")
	if err != nil {
		return false, "", err
	}
	return r.Errors == 0, r.FirstError, nil
}

// loadResult mirrors loadgen's JSON.
type loadResult struct {
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	RPS        float64 `json:"rps"`
	P50        float64 `json:"p50_ms"`
	P99        float64 `json:"p99_ms"`
	FirstError string  `json:"first_error"`
	ServerCPU  float64 `json:"server_cpu_ms_per_request"`
}

func (b *bench) loadgen(ctx context.Context, addr string, args []string, paths ...string) (loadResult, error) {
	all := append([]string{"--clients", strconv.Itoa(b.o.clients), "--requests", strconv.Itoa(b.o.requests),
		"--duration", b.o.duration.String()}, args...)
	return b.loadgenRaw(ctx, addr, all, paths...)
}

func (b *bench) loadgenRaw(ctx context.Context, addr string, args []string, paths ...string) (loadResult, error) {
	all := append([]string{"--base", "http://" + addr, "--json"}, args...)
	all = append(all, paths...)
	cmd := exec.CommandContext(ctx, filepath.Join(b.o.bin, "loadgen"), all...)
	cmd.Env = append(os.Environ(), "LOADGEN_PASSWORD="+benchPassword)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return loadResult{}, fmt.Errorf("loadgen: %w", err)
	}
	var r loadResult
	if err := json.Unmarshal(out, &r); err != nil {
		return r, fmt.Errorf("loadgen output %q: %w", out, err)
	}
	return r, nil
}

// export writes every claim as JSON Lines with the command line, timing it
// and watching the process's peak memory.
func (b *bench) export(ctx context.Context, path string) error {
	fmt.Println("export: every claim as JSON Lines")
	out := filepath.Join(b.o.data, "export.jsonl")
	defer os.Remove(out)
	t0 := time.Now()
	p, err := start(ctx, filepath.Join(b.o.bin, "factdesk"), []string{"export", "--db", path, "--format", "jsonl",
		"--status", "unverified,confirmed,disputed", "--out", out}, nil)
	if err != nil {
		return err
	}
	hwm := 0.0
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-tick.C:
			if _, h, err := procMem(p.cmd.Process.Pid); err == nil {
				hwm = max(hwm, h)
			}
		}
	}
	secs := time.Since(t0).Seconds()
	if err != nil {
		return fmt.Errorf("factdesk export: %w", err)
	}
	// The kernel's own peak for the finished child covers the last moments
	// between two samples.
	if ru, ok := p.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		hwm = max(hwm, float64(ru.Maxrss)/1024)
	}
	lines, size, err := countLines(out)
	if err != nil {
		return err
	}
	if lines != b.size.Claims {
		b.note("export wrote %d records for %d claims", lines, b.size.Claims)
	}
	b.set("export_1m_s", secs)
	b.set("export_peak_rss_mb", hwm)
	b.set("export_claims", float64(lines))
	b.set("export_mb", float64(size)/(1<<20))
	return nil
}

func countLines(path string) (int, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	n := 0
	var size int64
	for {
		line, err := r.ReadSlice('\n')
		size += int64(len(line))
		if len(line) > 0 && line[len(line)-1] == '\n' {
			n++
		}
		if errors.Is(err, io.EOF) {
			return n, size, nil
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return n, size, err
		}
	}
}

// importSpeed imports new articles into the full database with the command
// line: extraction, the dedup check and the writes, one transaction each.
func (b *bench) importSpeed(ctx context.Context, path string) error {
	const n = 1000
	fmt.Printf("import: %d new articles into the full database\n", n)
	texts, err := bodies(ctx, path, n)
	if err != nil {
		return err
	}
	dir := filepath.Join(b.o.data, "import")
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var files []string
	for i, t := range texts {
		// A new edition of the article: different text, so not a duplicate.
		p := filepath.Join(dir, fmt.Sprintf("article-%04d.txt", i))
		if err := os.WriteFile(p, []byte(fmt.Sprintf("Edition %d.\n\n%s", i+2, t)), 0o644); err != nil {
			return err
		}
		files = append(files, p)
	}
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, filepath.Join(b.o.bin, "factdesk"), append([]string{"import", "--db", path}, files...)...)
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("factdesk import: %w", err)
	}
	secs := time.Since(t0).Seconds()
	if got := strings.Count(string(out), " claims\n"); got != len(files) {
		b.note("import: %d of %d articles imported", got, len(files))
	}
	b.set("import_docs_per_s", float64(len(files))/secs)
	return nil
}

// proc is a started child process.
type proc struct{ cmd *exec.Cmd }

func start(ctx context.Context, bin string, args, env []string) (*proc, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	// Stdout and Stderr left nil go to the null device itself: io.Discard
	// would put a pipe and a copying goroutine in this process between
	// the server and nothing, which read every request's log line on the
	// same cores as the server.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 20 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &proc{cmd: cmd}, nil
}

// stop ends a server the way an operator does, and waits for it.
func (p *proc) stop() error {
	if p.cmd.ProcessState != nil {
		return nil
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	err := p.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.Exited() && ee.ExitCode() == 0 {
		return nil
	}
	return err
}

// waitReady polls url until it answers 200.
func waitReady(ctx context.Context, url string, limit time.Duration) (time.Duration, error) {
	t0 := time.Now()
	client := &http.Client{Timeout: time.Second}
	for time.Since(t0) < limit {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		res, err := client.Get(url)
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(t0), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("%s did not answer within %s", url, limit)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// procMem reads a process's resident memory and its peak, in MiB.
func procMem(pid int) (rss, hwm float64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[0], 64)
		if k == "VmRSS" {
			rss = kb / 1024
		} else {
			hwm = kb / 1024
		}
	}
	if hwm == 0 {
		return 0, 0, fmt.Errorf("no memory figures for process %d", pid)
	}
	return rss, hwm, nil
}

func copyFile(src, dst string) error {
	removeDB(dst)
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	// Written back now, not by the kernel in the middle of a measurement
	// (where the server's checkpoints would wait on it).
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// readThrough reads the database file and its WAL once, so that a
// scenario finds them in memory as a desk in daily use does: this kind of
// machine pages out file pages left untouched for a minute (DAMON). A
// scenario run after the others read half its pages from disk, and status
// changes run after a minute of reads wrote into a WAL paged out: its
// frames do not fill whole memory pages, so each write read one from disk
// first (1,500 changes/s became 1,000).
func readThrough(path string) error {
	for _, name := range []string{path, path + "-wal"} {
		f, err := os.Open(name)
		if errors.Is(err, fs.ErrNotExist) && name != path {
			continue
		}
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// write saves results.json and rewrites the generated part of BENCHMARKS.md.
func (b *bench) write() error {
	keys := make([]string, 0, len(b.results))
	for k := range b.results {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf strings.Builder
	buf.WriteString("{\n")
	for i, k := range keys {
		v, _ := json.Marshal(b.results[k])
		fmt.Fprintf(&buf, "  %q: %s", k, v)
		if i < len(keys)-1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
	}
	buf.WriteString("}\n")
	if err := os.MkdirAll(filepath.Dir(b.o.out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(b.o.out, []byte(buf.String()), 0o644); err != nil {
		return err
	}
	fmt.Println("wrote", b.o.out)
	return b.writeMarkdown()
}

const (
	mdBegin = "<!-- benchrun:begin (generated by make bench; edits here are overwritten) -->"
	mdEnd   = "<!-- benchrun:end -->"
)

// target is one goal of the project, checked against the results.
type target struct {
	what   string
	key    string
	limit  float64
	atMost bool
}

func (b *bench) targets() []target {
	base := b.results["baseline_rps"]
	return []target{
		{"claim page p99", "claim_p99_ms", 15, true},
		{"claim page rps ≥ 25% of baseline", "claim_rps", base * 0.25, false},
		{"queue, first page p99", "queue_first_p99_ms", 25, true},
		{"queue, deep filtered page p99", "queue_deep_p99_ms", 25, true},
		{"queue, one document p99", "queue_document_p99_ms", 25, true},
		{"status change p99, at the most the server takes", "status_p99_ms", 20, true},
		{"status change p99, at 1,500 a second sustained", "status_1500_p99_ms", 20, true},
		{"status changes per second", "status_rps", 1500, false},
		{"search p99", "search_p99_ms", 50, true},
		{"export of 1M claims, seconds", "export_1m_s", 10, true},
		{"export peak RSS, MB", "export_peak_rss_mb", 100, true},
		{"import, articles per second", "import_docs_per_s", 200, false},
		{"idle RSS, MB", "idle_rss_mb", 50, true},
		{"cold start, ms", "cold_start_ms", 300, true},
	}
}

func (b *bench) writeMarkdown() error {
	var t strings.Builder
	fmt.Fprintf(&t, "%s\n\n", mdBegin)
	fmt.Fprintf(&t, "Run of %s UTC on %s, %d cores, %s RAM, Linux %s, %s. Load average at the start: %s.\n",
		b.started.UTC().Format("2006-01-02 15:04"), cpuModel(), runtime.NumCPU(), memTotal(), kernel(), runtime.Version(), b.load)
	fmt.Fprintf(&t, "Database: %d documents, %d claims, %d history rows (%.0f MB). %d concurrent clients; each scenario stops after %d requests or %s, and runs %d times in turn with the others: its figures are the medians of its runs. The whole run took %.0f s.\n\n",
		b.size.Docs, b.size.Claims, b.size.History, b.results["db_file_mb"], b.o.clients, b.o.requests, b.o.duration, b.o.runs, time.Since(b.started).Seconds())
	t.WriteString("| target | goal | measured | met |\n|---|---|---|---|\n")
	for _, g := range b.targets() {
		v, ok := b.results[g.key]
		op := "≥"
		if g.atMost {
			op = "≤"
		}
		goal := op + " " + num(round(g.limit))
		if !ok {
			fmt.Fprintf(&t, "| %s | %s | not measured | — |\n", g.what, goal)
			continue
		}
		met := (g.atMost && v <= g.limit) || (!g.atMost && v >= g.limit)
		mark := "no"
		if met {
			mark = "yes"
		}
		fmt.Fprintf(&t, "| %s | %s | %s | %s |\n", g.what, goal, num(v), mark)
	}
	t.WriteString("\n| scenario | rps | p50 ms | p99 ms | p99 ms, lowest to highest run | server CPU ms per request |\n|---|---|---|---|---|---|\n")
	for _, name := range []string{"baseline", "claim", "queue_first", "queue_deep", "queue_document", "document",
		"documents_list", "search", "status", "status_1500"} {
		rps, ok := b.results[name+"_rps"]
		if !ok {
			fmt.Fprintf(&t, "| %s | not measured | | | | |\n", name)
			continue
		}
		fmt.Fprintf(&t, "| %s | %s | %s | %s | %s to %s | %s |\n", name, num(rps), num(b.results[name+"_p50_ms"]), num(b.results[name+"_p99_ms"]),
			num(b.results[name+"_p99_ms_min"]), num(b.results[name+"_p99_ms_max"]), num(b.results[name+"_server_cpu_ms"]))
	}
	t.WriteString("\n| other | value |\n|---|---|\n")
	for _, k := range []string{"extract_mb_per_s", "import_docs_per_s", "export_1m_s", "export_peak_rss_mb", "export_claims",
		"idle_rss_mb", "loaded_rss_mb", "server_peak_rss_mb", "cold_start_ms"} {
		if v, ok := b.results[k]; ok {
			fmt.Fprintf(&t, "| %s | %s |\n", k, num(v))
		}
	}
	if len(b.notes) > 0 {
		t.WriteString("\nNotes from this run:\n\n")
		for _, n := range b.notes {
			fmt.Fprintf(&t, "- %s\n", n)
		}
	}
	fmt.Fprintf(&t, "\n%s\n", mdEnd)

	old, err := os.ReadFile(b.o.md)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	doc := string(old)
	i, j := strings.Index(doc, mdBegin), strings.Index(doc, mdEnd)
	switch {
	case i >= 0 && j > i:
		doc = doc[:i] + t.String() + strings.TrimPrefix(doc[j+len(mdEnd):], "\n")
	default:
		doc = "# Benchmarks\n\n" + t.String() + doc
	}
	if err := os.WriteFile(b.o.md, []byte(doc), 0o644); err != nil {
		return err
	}
	fmt.Println("wrote", b.o.md)
	return nil
}

func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func memTotal() string {
	data, _ := os.ReadFile("/proc/meminfo")
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == "MemTotal" {
			f := strings.Fields(v)
			if len(f) > 0 {
				kb, _ := strconv.ParseFloat(f[0], 64)
				return fmt.Sprintf("%.0f GB", kb/(1<<20))
			}
		}
	}
	return "unknown"
}

func kernel() string {
	data, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(data))
}
