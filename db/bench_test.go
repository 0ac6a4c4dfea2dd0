package db

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"factdesk/export"
)

// benchStore is a demo database of 200 articles (about 20,000 claims and
// 60,000 history rows), made once per test binary: big enough for index
// depth to matter, small enough to make in a few seconds. make bench runs
// the full-size measurements with the whole app.
var benchStore = sync.OnceValues(func() (*Store, error) {
	dir, err := os.MkdirTemp("", "factdesk-bench-")
	if err != nil {
		return nil, err
	}
	benchDir = dir
	s, err := Open(context.Background(), filepath.Join(dir, "bench.db"))
	if err != nil {
		return nil, err
	}
	_, err = s.Demo(context.Background(), DemoOptions{Docs: 200, Seed: 3, PasswordHash: "h"})
	return s, err
})

// TestMain removes the benchmark database after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

var benchDir string

func openBench(b *testing.B) *Store {
	b.Helper()
	s, err := benchStore()
	if err != nil {
		b.Fatal(err)
	}
	// CPU time per operation beside the wall time: on a machine shared
	// with other work, wall time says more about the neighbours.
	var ru0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	b.Cleanup(func() {
		var ru1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		cpu := ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano()
		if b.N > 0 {
			b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
		}
	})
	return s
}

// The claim page's reads: the claim in its document's text, and its
// history checked against the chain.
func BenchmarkClaimPageQueries(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	id := int64(0)
	for b.Loop() {
		id = id%19000 + 1
		if _, _, _, err := s.ClaimInText(ctx, id); err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.ClaimHistory(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// A deep page of a status, as a reviewer reads it: leaving out the claims
// they owe a blind second opinion on.
func BenchmarkQueueDeepPage(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	cur, err := s.QueueCursorAt(ctx, StatusConfirmed, 4000)
	if err != nil {
		b.Fatal(err)
	}
	u, err := s.UserByName(ctx, "demo-reviewer-1")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Queue(ctx, QueueFilter{Status: StatusConfirmed, After: &cur, BlindFor: u.ID}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQueueFirstPage(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Queue(ctx, QueueFilter{Status: StatusConfirmed}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDocumentClaims(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	id := int64(0)
	for b.Loop() {
		id = id%200 + 1
		if _, err := s.DocumentClaims(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSetStatus(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	id := int64(0)
	for b.Loop() {
		id = id%19000 + 1
		if err := flipStatus(ctx, s, id); err != nil {
			b.Fatal(err)
		}
	}
}

// flipStatus reads claim id and sets it confirmed, or disputed if it is
// confirmed already, as a demo reviewer: every call changes the claim.
func flipStatus(ctx context.Context, s *Store, id int64) error {
	c, err := s.Claim(ctx, id)
	if err != nil {
		return err
	}
	to := StatusConfirmed
	if c.Status == StatusConfirmed {
		to = StatusDisputed
	}
	_, err = s.SetStatus(ctx, id, 3, c.Version, to, "")
	return err
}

// BenchmarkSetStatusConcurrent changes statuses from 32 goroutines at
// once, as 32 reviewers saving do: the writer commits the changes queued
// beside each other together. Each goroutine cycles claims of its own, so
// none is refused as stale.
func BenchmarkSetStatusConcurrent(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		base := next.Add(1) * 500
		i := int64(0)
		for pb.Next() {
			id := (base+i%500)%19000 + 1
			i++
			// With more goroutines than 32, two may share a claim.
			if err := flipStatus(ctx, s, id); err != nil && !errors.Is(err, ErrStale) {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkExportJSONL reports claims exported per second.
func BenchmarkExportJSONL(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		w, _ := export.New("jsonl", io.Discard)
		if err := s.ExportClaims(ctx, ExportFilter{Statuses: Statuses}, func(r *export.Record) error {
			n++
			return w.Write(r)
		}); err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "claims/s")
}

func BenchmarkParseTime(b *testing.B) {
	s := formatTime(time.Now())
	b.ReportAllocs()
	for b.Loop() {
		parseTime(s)
	}
}

func BenchmarkTimeParse(b *testing.B) {
	s := formatTime(time.Now())
	b.ReportAllocs()
	for b.Loop() {
		time.Parse(timeFormat, s)
	}
}
