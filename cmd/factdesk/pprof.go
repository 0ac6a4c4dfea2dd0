//go:build pprof

package main

import (
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
)

// Profiling builds (go build -tags pprof) serve net/http/pprof on the
// loopback address in $FACTDESK_PPROF, apart from the app's own server.
// Release builds hold none of this.
func init() {
	addr := os.Getenv("FACTDESK_PPROF")
	if addr == "" {
		return
	}
	if host, _, err := net.SplitHostPort(addr); err != nil || !net.ParseIP(host).IsLoopback() {
		slog.Error("FACTDESK_PPROF must be a loopback address such as 127.0.0.1:6060", "addr", addr)
		return
	}
	go func() {
		if err := http.ListenAndServe(addr, nil); err != nil {
			slog.Error("pprof server", "err", err)
		}
	}()
}
