//go:build pprof

package main

import (
	"log/slog"
	"os"
	"runtime/pprof"
	"strconv"
	"time"
)

// FACTDESK_CPUPROFILE=file writes a CPU profile of any subcommand (import,
// export, reextract: the ones that serve no /debug/pprof) for its first
// FACTDESK_CPUPROFILE_SECS seconds, 30 by default. The profile is written
// when that time is up, so the command must run at least that long.
func init() {
	path := os.Getenv("FACTDESK_CPUPROFILE")
	if path == "" {
		return
	}
	secs, err := strconv.Atoi(os.Getenv("FACTDESK_CPUPROFILE_SECS"))
	if err != nil || secs <= 0 {
		secs = 30
	}
	f, err := os.Create(path)
	if err != nil {
		slog.Error("FACTDESK_CPUPROFILE", "err", err)
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		slog.Error("FACTDESK_CPUPROFILE", "err", err)
		f.Close()
		return
	}
	time.AfterFunc(time.Duration(secs)*time.Second, func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			slog.Error("FACTDESK_CPUPROFILE", "err", err)
		}
	})
}
