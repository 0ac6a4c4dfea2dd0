package web

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Every server timeout is set, so no client can hold a connection open
// forever by sending slowly, reading slowly or idling.
func TestServerTimeoutsAreSet(t *testing.T) {
	srv := &http.Server{}
	configureServer(srv, http.NotFoundHandler(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
	} {
		if d <= 0 || d > 10*time.Minute {
			t.Errorf("%s = %v", name, d)
		}
	}
	if srv.ReadHeaderTimeout > 30*time.Second {
		t.Errorf("ReadHeaderTimeout %v lets slow-header clients hold connections", srv.ReadHeaderTimeout)
	}
	if srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 1<<20 {
		t.Errorf("MaxHeaderBytes = %d", srv.MaxHeaderBytes)
	}
}

// A client that sends its headers a byte at a time is cut off once the
// header timeout passes (shortened here from its real value).
func TestSlowHeadersAreCutOff(t *testing.T) {
	srv := &http.Server{}
	configureServer(srv, http.NotFoundHandler(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv.ReadHeaderTimeout = 200 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n"))
	start := time.Now()
	go func() {
		for range 50 {
			time.Sleep(50 * time.Millisecond)
			if _, err := conn.Write([]byte("X")); err != nil {
				return
			}
		}
	}()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = bufio.NewReader(conn).ReadByte()
	if err == nil {
		// The server may answer 408 before closing; that is a cut-off too.
		err = io.EOF
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server kept a slow-header connection open for %v", time.Since(start))
	}
}

// Every form of the pages has a page to go back to (see formPages).
func TestEveryFormAddressHasItsPage(t *testing.T) {
	e := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	n := 0
	page := map[string]bool{}
	for _, rt := range e.Routes() {
		if rt.Method == http.MethodGet && formPages[rt.Path] == "" {
			page[rt.Path] = true
		}
	}
	for _, rt := range e.Routes() {
		if rt.Method != http.MethodPost || strings.HasPrefix(rt.Path, "/api/") || page[rt.Path] {
			continue // the API, and forms sent to their own page's address
		}
		n++
		if _, ok := formPages[rt.Path]; !ok {
			t.Errorf("POST %s has no page to go back to", rt.Path)
		}
	}
	if n < 20 {
		t.Fatalf("only %d forms found in the route table", n)
	}
}
