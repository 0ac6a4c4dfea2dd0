package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"syscall"
	"time"

	"factdesk/db"
	"factdesk/export"
	"factdesk/web"
)

const serveUsage = "[--addr ADDR] [--db FILE] [--max-doc-mb N] [--secure] [--org-name N] [--org-url U] [--public-url U] [--api-rate N] " +
	"[--tls-cert FILE --tls-key FILE] [--trusted-proxy CIDR,...] [--session-idle D] [--session-max D]"

func runServe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("serve", serveUsage, stdout)
	addr := fs.String("addr", envOr("FACTDESK_ADDR", "127.0.0.1:8080"), "listen `address`: a host (none for every interface) and a port, such as 127.0.0.1:8080 ($FACTDESK_ADDR)")
	secure := fs.Bool("secure", os.Getenv("FACTDESK_SECURE") == "1",
		"the app is reached over HTTPS (through a TLS proxy): Secure __Host- cookies and HSTS ($FACTDESK_SECURE=1)")
	maxDoc := maxDocFlag(fs)
	// ClaimReview, publishing and the API.
	opts := orgFlags(fs)
	apiRate := fs.Float64("api-rate", 10, "API `requests` a second allowed per token (bursts of 5 seconds' worth)")
	sec := securityFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	wcfg, err := sec.config()
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{msg: fmt.Sprintf("serve takes no arguments, got %q", fs.Arg(0))}
	}
	if err := checkAddr(fs, *addr); err != nil {
		return err
	}
	maxDocBytes, err := maxDoc()
	if err != nil {
		return err
	}
	if err := export.CheckURLs(opts()); err != nil {
		return usageError{msg: err.Error()}
	}
	if *apiRate <= 0 {
		return usageError{msg: "--api-rate must be more than 0"}
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	serverGC()
	// Listen (and load the certificate) before opening the database, which
	// makes the file: a start that fails on a busy port leaves nothing behind.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return listenError(*addr, err)
	}
	scheme := "http://"
	if wcfg.TLS {
		tln, err := web.ListenTLS(ln, *sec.cert, *sec.key)
		if err != nil {
			ln.Close()
			return err
		}
		ln, scheme = tln, "https://"
	}
	store, err := db.Open(ctx, *dbPath)
	if err != nil {
		ln.Close()
		return err
	}
	defer store.Close()
	url := scheme + displayAddr(ln.Addr().String())
	if err := printSetupLink(ctx, store, url, stdout); err != nil {
		ln.Close()
		return err
	}
	cfg := wcfg
	cfg.Store, cfg.Log, cfg.MaxDocBytes, cfg.Secure = store, log, maxDocBytes, *secure
	// Published claims are public under --public-url; without one, under
	// the address served, which suits a trial on one machine.
	cfg.Export, cfg.APIRate, cfg.APIBurst = opts(), *apiRate, max(1, int(*apiRate*5))
	if cfg.Export.PublicURL == "" {
		cfg.Export.PublicURL = url
	}
	e := web.New(cfg)
	go sweepSessions(ctx, store, log)
	log.Info("factdesk serving", "url", url, "db", *dbPath)
	err = web.Serve(ctx, e, ln, log)
	log.Info("factdesk stopped")
	return err
}

// checkAddr checks that the listen address is a host (or none, for every
// interface) and a port: a malformed one is a mistake in the command line,
// which Go's listener would report in its own words, as a failure to listen.
// Whether the host exists is for listening to find out.
func checkAddr(fs *flag.FlagSet, addr string) error {
	name := "$FACTDESK_ADDR"
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "addr" {
			name = "--addr"
		}
	})
	shown := addr
	if shown == "" {
		shown = `""`
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return usageError{msg: fmt.Sprintf("%s %s: give a host and port, such as 127.0.0.1:8080", name, shown)}
	}
	// A number, or a service name such as http.
	if _, err := net.LookupPort("tcp", port); err != nil {
		return usageError{msg: fmt.Sprintf("%s %s: the port must be a number from 0 to 65535, such as 127.0.0.1:8080", name, shown)}
	}
	return nil
}

// printSetupLink prints a one-time link to create the first admin when the
// database has no user yet. Each start makes a new link; older ones stop working.
func printSetupLink(ctx context.Context, store *db.Store, base string, stdout io.Writer) error {
	n, err := store.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	tok, err := web.NewSetupToken()
	if err != nil {
		return err
	}
	if err := store.SetSetupToken(ctx, tok); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nNo user yet. Open this link to create the first admin account (it works once):\n\n    %s/setup/%s\n\n", base, tok)
	return nil
}

// sweepSessions removes expired sessions now and then; expired ones are
// already refused, this only keeps the table small.
func sweepSessions(ctx context.Context, store *db.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := store.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
			log.Warn("removing expired sessions", "err", err)
		} else if n > 0 {
			log.Info("expired sessions removed", "count", n)
		}
		if _, err := store.DeleteForgottenLoginThrottles(ctx); err != nil && ctx.Err() == nil {
			log.Warn("removing old login throttles", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// displayAddr turns a wildcard listen address into one a browser can open.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// serveSecurity holds serve's TLS, proxy and session flags.
type serveSecurity struct {
	cert, key, proxies *string
	idle, max          *time.Duration
}

func securityFlags(fs *flag.FlagSet) serveSecurity {
	return serveSecurity{
		cert: fs.String("tls-cert", os.Getenv("FACTDESK_TLS_CERT"), "serve HTTPS with this PEM certificate `file` (and --tls-key) ($FACTDESK_TLS_CERT)"),
		key:  fs.String("tls-key", os.Getenv("FACTDESK_TLS_KEY"), "the PEM private key `file` of --tls-cert ($FACTDESK_TLS_KEY)"),
		proxies: fs.String("trusted-proxy", os.Getenv("FACTDESK_TRUSTED_PROXY"),
			"believe X-Forwarded-For and X-Forwarded-Proto only from these reverse proxies: comma-separated `CIDR`s or addresses ($FACTDESK_TRUSTED_PROXY)"),
		idle: fs.Duration("session-idle", web.DefaultSessionIdle, "end a session after this long without a request (`duration`, e.g. 12h)"),
		max:  fs.Duration("session-max", web.DefaultSessionAbsolute, "end a session this long after login, however active (`duration`, e.g. 168h)"),
	}
}

// config checks the flags and turns them into the web settings they stand for.
func (s serveSecurity) config() (web.Config, error) {
	var cfg web.Config
	if (*s.cert == "") != (*s.key == "") {
		return cfg, usageError{msg: "--tls-cert and --tls-key go together"}
	}
	cfg.TLS = *s.cert != ""
	nets, err := web.ParseCIDRs(*s.proxies)
	if err != nil {
		return cfg, usageError{msg: "--trusted-proxy: " + err.Error()}
	}
	cfg.TrustedProxies = nets
	if *s.idle < time.Minute || *s.max < time.Minute {
		return cfg, usageError{msg: "--session-idle and --session-max must be at least 1m"}
	}
	if *s.idle > *s.max {
		return cfg, usageError{msg: "--session-idle must not be longer than --session-max"}
	}
	cfg.SessionIdle, cfg.SessionAbsolute = *s.idle, *s.max
	return cfg, nil
}

// serverGC sets the collector for serving, unless GOGC or GOMEMLIMIT say
// otherwise. A server's live heap is a few MB and each page leaves some
// hundred KB of short-lived garbage, so at Go's default (collect when the
// heap doubles) the collector ran every few pages: a sixth of a claim
// page's CPU on the 1M-claim demo (0.505 -> 0.41 ms per page with 400;
// 800 took a first queue page from 0.608 to 0.575 ms, and 1600 did no
// better). The soft limit makes it collect harder again should the heap
// ever grow large, as under 32 searches at once: 256 MB held the server's
// peak RSS there to 283 MB (507 MB with 512) at the same CPU.
func serverGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(800)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}
}

// listenError says in plain words why the server cannot listen on addr.
func listenError(addr string, err error) error {
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("cannot listen on %s: another program (another factdesk?) is using that address; stop it or choose another --addr", addr)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Errorf("cannot listen on %s: that is not an address of this machine; give one of its own, such as 127.0.0.1:8080, or 0.0.0.0:8080 for all of them", addr)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("cannot listen on %s: this account may not use that port (ports below 1024 need privileges); choose another --addr, such as 127.0.0.1:8080", addr)
	case errors.As(err, &dns) && dns.IsNotFound:
		return fmt.Errorf("cannot listen on %s: there is no host named %s; give an address of this machine, such as 127.0.0.1:8080", addr, dns.Name)
	}
	var op *net.OpError
	if errors.As(err, &op) {
		err = op.Err // without Go's "listen tcp ADDR:" before it
	}
	return fmt.Errorf("cannot listen on %s: %w", addr, err)
}
