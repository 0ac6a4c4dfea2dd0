package db

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"
)

// benchDesk fills a database with docs documents of perDoc claims each and
// one history row with a note per claim, spread over 90 days and 20
// reviewers, straight through SQL (the triggers still index everything).
func benchDesk(b *testing.B, docs, perDoc int) *Store {
	b.Helper()
	s, err := Open(context.Background(), b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	words := []string{"reservoir", "council", "budget", "harbour", "ferry", "school", "hospital", "rainfall", "bridge", "tax"}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tx, err := s.w.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for u := 1; u <= 20; u++ {
		if _, err := tx.Exec(`INSERT INTO users (id, username, password_hash, role, created_at) VALUES (?, ?, 'h', 'reviewer', '2024')`, u, fmt.Sprintf("user%d", u)); err != nil {
			b.Fatal(err)
		}
	}
	id := 0
	for d := 1; d <= docs; d++ {
		w := words[d%len(words)]
		if _, err := tx.Exec(`INSERT INTO documents (id, title, body, sha256, created_at) VALUES (?, ?, 'x', ?, '2024')`,
			d, fmt.Sprintf("The %s report, part %d", w, d), fmt.Sprint(d)); err != nil {
			b.Fatal(err)
		}
		for c := 0; c < perDoc; c++ {
			id++
			text := fmt.Sprintf("Officials said the %s cost %d million in %d, up %d%% on the year before.", words[(d+c)%len(words)], c, 2000+c%25, c%40)
			at := formatTime(start.Add(time.Duration(id%(90*24)) * time.Hour))
			if _, err := tx.Exec(`INSERT INTO claims (id, document_id, start, "end", text, score, kind, status, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, d, c*100, c*100+50, text, float64(id%1000)/1000,
				[]string{"quantity", "event", "quote"}[id%3], Statuses[id%3], at, at); err != nil {
				b.Fatal(err)
			}
			if _, err := appendHistory(context.Background(), tx, historyRecord{ClaimID: int64(id), From: StatusUnverified, To: Statuses[id%3],
				UserID: int64(1 + id%20), Note: fmt.Sprintf("Checked against the %s minutes, page %d.", words[id%len(words)], id%300),
				CreatedAt: at}); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return s
}

// go test -run='^$' -bench=Search -benchtime=50x ./db/
func BenchmarkSearch(b *testing.B) {
	s := benchDesk(b, 400, 50) // 20,000 claims, 20,000 notes
	ctx := context.Background()
	for _, q := range []SearchFilter{
		{Query: "reservoir"},                     // about a tenth of everything matches, by text, note or title
		{Query: "reservoir", Status: "disputed"}, // narrowed
		{Query: `"harbour cost 7 million"`},      // a phrase: few hits
		{Query: "bridg*"},                        // a prefix
		{Status: "confirmed", From: "2024-02-01", To: "2024-02-07"},
		{Query: "reservoir", BlindFor: 3},     // as a reviewer searches: notes of claims owed a blind opinion left out
		{Query: "reservoir", DocumentID: 117}, // one document, older than the cap reaches
		{Kind: "quote"},                       // no words, a kind: walks claims by time
		{Query: "reservoir", Offset: 950},     // the last page
	} {
		b.Run(fmt.Sprintf("%s/%s/%s/doc%d/blind%d/offset%d", q.Query, q.Status, q.From+q.Kind, q.DocumentID, q.BlindFor, q.Offset), func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSearchDesk runs the searches of a large desk on a copy of its
// database (it is migrated, so never the original), and reports the CPU
// time of each search besides its wall time, which a busy machine blurs:
//
//	cp desk.db /tmp/desk.db
//	FACTDESK_SEARCH_DB=/tmp/desk.db go test -run='^$' -bench=SearchDesk -benchtime=200x ./db/
func BenchmarkSearchDesk(b *testing.B) {
	path := os.Getenv("FACTDESK_SEARCH_DB")
	if path == "" {
		b.Skip("set FACTDESK_SEARCH_DB to a copy of a large desk's database")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for _, f := range []SearchFilter{
		{Query: "flood barrier"}, {Query: "rents"}, {Query: "water authority"}, // as make bench searches
		{Query: `"flood barrier"`}, {Query: "bridg*"}, {Query: "said"}, {Query: "rents", Offset: 950},
		{Query: "rents", Status: StatusDisputed}, {Query: "rents", DocumentID: 5000},
		{Status: StatusDisputed}, {Kind: "law"}, {DocumentID: 5000},
	} {
		f.BlindFor = 2 // a reviewer, as on the search page
		b.Run(fmt.Sprintf("%s/%s/%s/doc%d/offset%d", f.Query, f.Status, f.Kind, f.DocumentID, f.Offset), func(b *testing.B) {
			var r SearchResult
			var err error
			cpu0 := cpuTime()
			for b.Loop() {
				if r, err = s.Search(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(r.Total), "total")
			if r.Capped {
				b.ReportMetric(1, "capped")
			}
		})
	}
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

// go test -run='^$' -bench=Dashboard -benchtime=50x ./db/
func BenchmarkDashboard(b *testing.B) {
	s := benchDesk(b, 400, 50)
	ctx := context.Background()
	first := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	b.Run("work per reviewer, 30 days", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.WorkByReviewer(ctx, first, first.AddDate(0, 0, 29)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("progress by kind", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.ProgressByKind(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("progress by document, 20", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.ProgressByDocument(ctx, 20); err != nil {
				b.Fatal(err)
			}
		}
	})
}
