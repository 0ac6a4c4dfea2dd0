package db

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"factdesk/export"
	"factdesk/extract"
)

// filterFixture: one document with three claims of different kinds,
// reviewed by different people on different days.
func filterFixture(t *testing.T) (*Store, []Claim, User, User) {
	t.Helper()
	s := openTest(t)
	ctx := context.Background()
	ann := mustUser(t, s, "ann", "reviewer")
	bob := mustUser(t, s, "bob", "editor")
	claims := []extract.Claim{
		claimAt(t, testBody, "“Prices rose 3.5% in May,” the minister said — officials disagree."),
		claimAt(t, testBody, "В Москве 10,000 человек вышли на улицы."),
		claimAt(t, testBody, "東京の人口は1400万人です。"),
	}
	claims[0].Kind, claims[1].Kind, claims[2].Kind = "quote", "quantity", "quantity"
	claims[0].Speaker = "the minister"
	day := func(d int) func() time.Time {
		return func() time.Time { return time.Date(2026, 3, d, 12, 0, 0, 0, time.UTC) }
	}
	s.SetClock(day(1))
	docID, _, err := s.createDocument(ctx, NewDocument{Title: "T", URL: "https://example.org/a", PublishedAt: "2026-02-27",
		Publisher: "Daily", Body: testBody}, claims)
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := s.DocumentClaims(ctx, docID)
	s.SetClock(day(2))
	if _, err := s.SetStatus(ctx, cs[0].ID, ann.ID, 1, StatusDisputed, "no"); err != nil {
		t.Fatal(err)
	}
	s.SetClock(day(4))
	if _, err := s.SetStatus(ctx, cs[2].ID, bob.ID, 1, StatusConfirmed, "yes"); err != nil {
		t.Fatal(err)
	}
	s.SetClock(time.Now)
	return s, cs, ann, bob
}

func exportIDs(t *testing.T, s *Store, f ExportFilter) ([]int64, error) {
	t.Helper()
	var ids []int64
	err := s.ExportClaims(context.Background(), f, func(r *export.Record) error { ids = append(ids, r.ID); return nil })
	return ids, err
}

func TestExportFilters(t *testing.T) {
	s, cs, _, _ := filterFixture(t)
	all := []string{StatusUnverified, StatusConfirmed, StatusDisputed}
	cases := []struct {
		name string
		f    ExportFilter
		want []int64
	}{
		{"default: verified", ExportFilter{}, []int64{cs[0].ID, cs[2].ID}},
		{"status", ExportFilter{Statuses: []string{StatusUnverified}}, []int64{cs[1].ID}},
		{"kind", ExportFilter{Statuses: all, Kinds: []string{"quantity"}}, []int64{cs[1].ID, cs[2].ID}},
		{"kind and status", ExportFilter{Kinds: []string{"quantity"}}, []int64{cs[2].ID}},
		{"document", ExportFilter{Statuses: all, DocumentID: cs[0].DocumentID}, []int64{cs[0].ID, cs[1].ID, cs[2].ID}},
		{"reviewer", ExportFilter{Statuses: all, Reviewer: "ANN"}, []int64{cs[0].ID}},
		{"from", ExportFilter{Statuses: all, From: "2026-03-02"}, []int64{cs[0].ID, cs[2].ID}},
		{"to", ExportFilter{Statuses: all, To: "2026-03-02"}, []int64{cs[0].ID, cs[1].ID}},
		{"one day", ExportFilter{Statuses: all, From: "2026-03-04", To: "2026-03-04"}, []int64{cs[2].ID}},
		{"claim", ExportFilter{Statuses: all, ClaimID: cs[1].ID}, []int64{cs[1].ID}},
		{"published", ExportFilter{Statuses: all, Published: true}, nil},
	}
	for _, tc := range cases {
		got, err := exportIDs(t, s, tc.f)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v (%v), want %v", tc.name, got, err, tc.want)
		}
		// The API's list applies the same filters.
		if len(tc.f.Statuses) > 0 {
			list, _, err := s.ListClaims(context.Background(), tc.f, 0, 10)
			var ids []int64
			for _, c := range list {
				ids = append(ids, c.ID)
			}
			if err != nil || fmt.Sprint(ids) != fmt.Sprint(tc.want) {
				t.Errorf("%s: ListClaims %v (%v), want %v", tc.name, ids, err, tc.want)
			}
		}
	}
	for name, f := range map[string]ExportFilter{
		"unknown status":   {Statuses: []string{"maybe"}},
		"unknown reviewer": {Reviewer: "nobody"},
		"bad date":         {From: "03/02/2026"},
		"reversed range":   {From: "2026-03-04", To: "2026-03-01"},
		"negative id":      {DocumentID: -1},
		"unknown document": {Statuses: all, DocumentID: cs[0].DocumentID + 1},
	} {
		if _, err := exportIDs(t, s, f); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
		if _, _, err := s.ListClaims(context.Background(), f, 0, 10); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s (list): %v", name, err)
		}
	}
	if k, err := ParseKinds(" quote, ,quantity,quote "); err != nil || len(k) != 2 {
		t.Fatal(k, err)
	}
	if _, err := ParseKinds("quote,bogus"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown kind: %v", err)
	}
	if _, _, err := s.ListClaims(context.Background(), ClaimFilter{Kinds: []string{"bogus"}}, 0, 10); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown kind (list): %v", err)
	}
}

func TestListClaimsPages(t *testing.T) {
	s, cs, _, _ := filterFixture(t)
	ctx := context.Background()
	var seen []int64
	after := int64(0)
	for {
		page, more, err := s.ListClaims(ctx, ClaimFilter{}, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			seen = append(seen, c.ID)
		}
		if !more {
			break
		}
		after = page[len(page)-1].ID
	}
	if fmt.Sprint(seen) != fmt.Sprint([]int64{cs[0].ID, cs[1].ID, cs[2].ID}) {
		t.Fatalf("pages gave %v", seen)
	}
}

func TestExportQuotesAndPublication(t *testing.T) {
	s, cs, ann, bob := filterFixture(t)
	ctx := context.Background()
	var recs []export.Record
	err := s.ExportClaims(ctx, ExportFilter{Statuses: Statuses, Quotes: true}, func(r *export.Record) error {
		recs = append(recs, *r)
		return nil
	})
	if err != nil || len(recs) != 3 {
		t.Fatal(err, len(recs))
	}
	runes := []rune(testBody)
	for _, r := range recs {
		pre := string(runes[max(0, r.Start-QuoteContext):r.Start])
		suf := string(runes[r.End:min(len(runes), r.End+QuoteContext)])
		if r.Prefix != pre || r.Suffix != suf {
			t.Errorf("claim %d: prefix %q suffix %q, want %q %q", r.ID, r.Prefix, r.Suffix, pre, suf)
		}
		if r.DocumentPublishedAt != "2026-02-27" || r.DocumentPublisher != "Daily" || r.DocumentSHA256 != BodySHA256(testBody) || r.CreatedAt.IsZero() {
			t.Errorf("claim %d: document fields %+v", r.ID, r)
		}
	}
	if recs[0].Prefix != "" || recs[0].Speaker != "the minister" {
		t.Errorf("first claim: prefix %q speaker %q", recs[0].Prefix, recs[0].Speaker)
	}

	// Only reviewed claims can be published.
	if _, err := s.Publish(ctx, cs[1].ID, bob.ID, 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("publishing an unverified claim: %v", err)
	}
	if _, err := s.Publish(ctx, 999, bob.ID, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("publishing an unknown claim: %v", err)
	}
	if _, err := s.PublishedRecord(ctx, cs[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unpublished record: %v", err)
	}
	ch, stop := s.Subscribe()
	defer stop()
	at := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return at })
	if _, err := s.Publish(ctx, cs[0].ID, bob.ID, 0); err != nil {
		t.Fatal(err)
	}
	if ev := <-ch; ev.Action != "publish" || ev.ClaimID != cs[0].ID {
		t.Fatalf("change = %+v", ev)
	}
	s.SetClock(func() time.Time { return at.Add(time.Hour) })
	if _, err := s.Publish(ctx, cs[0].ID, ann.ID, 0); err != nil {
		t.Fatal(err)
	}
	p, err := s.Publication(ctx, cs[0].ID)
	if err != nil || !p.Published || !p.PublishedAt.Equal(at) || p.By != "bob" {
		t.Fatalf("publication = %+v, %v", p, err)
	}
	rec, err := s.PublishedRecord(ctx, cs[0].ID)
	if err != nil || rec.PublishedAt == nil || !rec.PublishedAt.Equal(at) || rec.Status != StatusDisputed {
		t.Fatalf("published record = %+v, %v", rec, err)
	}
	if ids, _ := exportIDs(t, s, ExportFilter{Published: true}); fmt.Sprint(ids) != fmt.Sprint([]int64{cs[0].ID}) {
		t.Fatalf("published filter = %v", ids)
	}
	// Set back to unverified: no review to show, and the page is taken
	// down with the change, recorded as an unpublishing.
	if _, err := s.SetStatus(ctx, cs[0].ID, ann.ID, 2, StatusUnverified, "reopened"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishedRecord(ctx, cs[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("reopened claim still public: %v", err)
	}
	if ev := <-ch; ev.Action != "status" {
		t.Fatalf("change = %+v", ev)
	}
	if p, _ := s.Publication(ctx, cs[0].ID); p.Published {
		t.Fatal("still published after a new verdict")
	}
	// Unpublishing it again changes nothing.
	if _, err := s.Unpublish(ctx, cs[0].ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	var events int
	s.r.QueryRow(`SELECT count(*) FROM publication_events WHERE claim_id = ?`, cs[0].ID).Scan(&events)
	if events != 2 {
		t.Fatalf("%d publication events, want publish and unpublish", events)
	}
	if _, err := s.w.Exec(`DELETE FROM publication_events`); err == nil {
		t.Fatal("publication events deleted")
	}
}

// bulkClaims fills a document with n claims, each with one history row,
// and every tenth with an answered second opinion, straight in SQL:
// extraction would take longer than the export it tests.
func bulkClaims(tb testing.TB, s *Store, n int) {
	tb.Helper()
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "bulk", "h", "reviewer")
	if err != nil {
		tb.Fatal(err)
	}
	now := formatTime(s.now())
	if _, err := s.w.ExecContext(ctx, `INSERT INTO documents (id, title, body, sha256, created_at)
		VALUES (1, 'Bulk', ?, 'bulk', ?)`, "The port handled 10,000 containers a day. ", now); err != nil {
		tb.Fatal(err)
	}
	_, err = s.w.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO claims (id, document_id, start, "end", text, score, kind, status, version, created_at, updated_at)
		SELECT i, 1, i, i + 40, 'The port handled 10,000 containers a day.', 0.5, 'quantity', 'confirmed', 2, ?, ? FROM n`, n, now, now)
	if err != nil {
		tb.Fatal(err)
	}
	// History goes through the hash chain, as every history write must.
	err = s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for id := 1; id <= n; id++ {
			if _, err := appendHistory(ctx, tx, historyRecord{ClaimID: int64(id), From: StatusUnverified, To: StatusConfirmed,
				UserID: u.ID, Note: "checked against the annual report", CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	second, err := s.CreateUser(ctx, "bulk-second", "h", "reviewer")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO second_opinions (claim_id, requested_by, requested_at, first_user_id,
			first_status, first_history_id, second_user_id, second_status, second_note, second_at)
		SELECT h.claim_id, ?1, ?3, ?1, 'confirmed', h.id, ?2, 'disputed', 'the port authority says 9,000', ?3
		FROM status_history h WHERE h.claim_id % 10 = 0`, u.ID, second.ID, now); err != nil {
		tb.Fatal(err)
	}
}

// Exports stream: the live heap after exporting many claims is what it was
// after the first few, whatever the format.
func TestExportMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 40,000 claims")
	}
	s := openTest(t)
	const n = 40000
	bulkClaims(t, s, n)
	opts := export.Options{OrgName: "Desk", OrgURL: "https://desk.example", PublicURL: "https://desk.example"}
	for _, format := range export.Formats {
		w, err := export.NewWith(format, io.Discard, opts)
		if err != nil {
			t.Fatal(err)
		}
		var early, late uint64
		count, opinions := 0, 0
		heap := func() uint64 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			return ms.HeapAlloc
		}
		err = s.ExportClaims(context.Background(), ExportFilter{Quotes: true}, func(r *export.Record) error {
			count++
			// Each batch's opinions, merged from one query, land on their
			// own claims.
			want := 0
			if r.ID%10 == 0 {
				want = 1
			}
			if len(r.SecondOpinions) != want || want == 1 && r.SecondOpinions[0].Reviewer != "bulk-second" {
				return fmt.Errorf("claim %d: opinions %+v, want %d", r.ID, r.SecondOpinions, want)
			}
			opinions += len(r.SecondOpinions)
			switch count {
			case 1000:
				early = heap()
			case n:
				late = heap()
			}
			return w.Write(r)
		})
		if err != nil || w.Close() != nil {
			t.Fatal(err)
		}
		if count != n || opinions != n/10 {
			t.Fatalf("%s: exported %d of %d claims, %d of %d opinions", format, count, n, opinions, n/10)
		}
		growth := int64(late) - int64(early)
		t.Logf("%s: live heap after 1,000 claims %d KB, after %d claims %d KB", format, early>>10, n, late>>10)
		if growth > 1<<20 {
			t.Errorf("%s: live heap grew by %d KB over %d claims: the export holds claims in memory", format, growth>>10, n-1000)
		}
	}
}

// BenchmarkExport reports allocations and bytes per exported claim (`make bench`).
func BenchmarkExport(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const n = 20000
	bulkClaims(b, s, n)
	opts := export.Options{OrgName: "Desk", OrgURL: "https://desk.example", PublicURL: "https://desk.example"}
	for _, format := range export.Formats {
		b.Run(format, func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				w, _ := export.NewWith(format, io.Discard, opts)
				if err := s.ExportClaims(context.Background(), ExportFilter{Quotes: format == "annotation"}, w.Write); err != nil {
					b.Fatal(err)
				}
				w.Close()
			}
			runtime.ReadMemStats(&after)
			claims := float64(b.N) * n
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/claims, "allocs/claim")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/claims, "B/claim")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/claims, "ns/claim")
		})
	}
}

func TestDismissedClaimsAreNotExportedOrPublished(t *testing.T) {
	s, cs, _, bob := filterFixture(t)
	ctx := context.Background()
	if _, err := s.Dismiss(ctx, cs[2].ID, bob.ID, 2, "a caption, not a claim"); err != nil {
		t.Fatal(err)
	}
	if ids, _ := exportIDs(t, s, ExportFilter{Statuses: Statuses}); fmt.Sprint(ids) != fmt.Sprint([]int64{cs[0].ID, cs[1].ID}) {
		t.Fatalf("export with a dismissed claim: %v", ids)
	}
	if list, _, _ := s.ListClaims(ctx, ClaimFilter{}, 0, 10); len(list) != 2 {
		t.Fatalf("list with a dismissed claim: %d", len(list))
	}
	if _, err := s.Publish(ctx, cs[2].ID, bob.ID, 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("publishing a dismissed claim: %v", err)
	}
}

// Dismissing a published claim takes its review off the public page and
// says so: the claim's publication and the activity feed both show it.
func TestDismissUnpublishes(t *testing.T) {
	s, cs, _, bob := filterFixture(t)
	ctx := context.Background()
	if _, err := s.Publish(ctx, cs[2].ID, bob.ID, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Dismiss(ctx, cs[2].ID, bob.ID, 2, "a caption, not a claim"); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Publication(ctx, cs[2].ID); err != nil || p.Published {
		t.Fatalf("publication after dismissal: %+v, %v", p, err)
	}
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM publication_events WHERE claim_id = ? AND action = 'unpublish'`, cs[2].ID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("unpublish events: %d, %v", n, err)
	}
	if _, err := s.Restore(ctx, cs[2].ID, bob.ID, 3, ""); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Publication(ctx, cs[2].ID); p.Published {
		t.Fatal("restoring the claim published it again")
	}
	// Dismissing an unpublished claim records no unpublishing.
	if _, err := s.Dismiss(ctx, cs[0].ID, bob.ID, 2, "a quote of a quote"); err != nil {
		t.Fatal(err)
	}
	if err := s.r.QueryRow(`SELECT count(*) FROM publication_events WHERE claim_id = ?`, cs[0].ID).Scan(&n); err != nil || n != 0 {
		t.Fatalf("publication events of a claim never published: %d, %v", n, err)
	}
}

// Second opinions go out with their claim, oldest first: answered, withdrawn
// and still waiting (without a verdict), each with who asked and when and
// the verdict it was asked on. They come from one ordered query a batch,
// so a claim the filter leaves out lends its opinions to no other. The
// reviewer who owes one gets no export of that claim, and so neither the
// first verdict nor the other opinions on it.
func TestExportSecondOpinions(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	at := func(h int) time.Time { return time.Date(2026, 3, 1, h, 0, 0, 0, time.UTC) }
	clock := func(h int) { s.SetClock(func() time.Time { return at(h) }) }
	c0, c1, c2 := f.claims[0].ID, f.claims[1].ID, f.claims[2].ID
	clock(1)
	if _, err := s.SetStatus(ctx, c0, f.ann.ID, 1, StatusDisputed, "the ministry says 3.4%"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStatus(ctx, c1, f.ann.ID, 1, StatusConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	clock(2)
	if _, err := s.RequestSecondOpinion(ctx, c0, f.ed.ID, f.bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestSecondOpinion(ctx, c1, f.ed.ID, f.bob.ID); err != nil {
		t.Fatal(err)
	}
	clock(3)
	if _, err := s.SubmitSecondOpinion(ctx, c0, f.bob.ID, StatusConfirmed, "the annual report says 3.5%"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WithdrawSecondOpinion(ctx, c1, f.ed.ID); err != nil {
		t.Fatal(err)
	}
	clock(4)
	if _, err := s.RequestSecondOpinion(ctx, c0, f.ed.ID, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	s.SetClock(time.Now)

	export1 := func(f ExportFilter) map[int64][]export.Opinion {
		t.Helper()
		out := map[int64][]export.Opinion{}
		err := s.ExportClaims(ctx, f, func(r *export.Record) error {
			out[r.ID] = r.SecondOpinions
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	t3, t4 := at(3), at(4)
	want := map[int64][]export.Opinion{
		c0: {
			{RequestedBy: "ed", RequestedAt: at(2), FirstReviewer: "ann", FirstStatus: StatusDisputed, Reviewer: "bob",
				Status: StatusConfirmed, Note: "the annual report says 3.5%", AnsweredAt: &t3},
			{RequestedBy: "ed", RequestedAt: t4, FirstReviewer: "ann", FirstStatus: StatusDisputed, Reviewer: "ada"},
		},
		c1: {{RequestedBy: "ed", RequestedAt: at(2), FirstReviewer: "ann", FirstStatus: StatusConfirmed, Reviewer: "bob",
			WithdrawnBy: "ed", WithdrawnAt: &t3}},
		c2: nil,
	}
	same := func(name string, got, want map[int64][]export.Opinion) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: claims %v, want %v", name, got, want)
		}
		for id, w := range want {
			g, ok := got[id]
			if !ok {
				t.Errorf("%s: claim %d not exported", name, id)
				continue
			}
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			if string(gj) != string(wj) {
				t.Errorf("%s: claim %d's opinions\n got %s\nwant %s", name, id, gj, wj)
			}
		}
	}
	same("every claim", export1(ExportFilter{Statuses: Statuses}), want)
	// A filter that skips the claims between: each keeps its own.
	same("disputed", export1(ExportFilter{Statuses: []string{StatusDisputed}}), map[int64][]export.Opinion{c0: want[c0]})
	same("confirmed", export1(ExportFilter{Statuses: []string{StatusConfirmed}}), map[int64][]export.Opinion{c1: want[c1]})
	same("unverified", export1(ExportFilter{Statuses: []string{StatusUnverified}}), map[int64][]export.Opinion{c2: nil})
	// ada owes an opinion on c0: it is not in her export. bob answered
	// his, and sees both, ada's request without a verdict.
	same("ada's", export1(ExportFilter{Statuses: Statuses, BlindFor: f.admin.ID}), map[int64][]export.Opinion{c1: want[c1], c2: nil})
	same("bob's", export1(ExportFilter{Statuses: Statuses, BlindFor: f.bob.ID}), want)

	// In JSON, a waiting request has no status; a claim without opinions
	// has no list.
	var buf bytes.Buffer
	w, _ := export.New("jsonl", &buf)
	if err := s.ExportClaims(ctx, ExportFilter{Statuses: Statuses}, w.Write); err != nil || w.Close() != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `{"requested_by":"ed","requested_at":"2026-03-01T04:00:00Z","first_reviewer":"ann","first_status":"disputed","reviewer":"ada"}]}`) ||
		!strings.Contains(lines[1], `"withdrawn_by":"ed","withdrawn_at":"2026-03-01T03:00:00Z"}]}`) || strings.Contains(lines[2], "second_opinions") {
		t.Errorf("JSON Lines:\n%s", buf.String())
	}
}

// Evidence given with a status change is exported in that history row,
// the claim's own in its evidence list, oldest first, under every filter;
// a reviewer who owes a blind second opinion gets neither.
func TestExportEvidence(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	at := func(h int) time.Time { return time.Date(2026, 3, 1, h, 0, 0, 0, time.UTC) }
	clock := func(h int) { s.SetClock(func() time.Time { return at(h) }) }
	c0, c1, c2 := f.claims[0].ID, f.claims[1].ID, f.claims[2].ID
	e1 := NewEvidence{URL: "https://stats.example/cpi", Title: "CPI, May", Excerpt: "prices rose 3.4% <on the year>"}
	e2 := NewEvidence{URL: "http://ministry.example/release", Title: "Press release"}
	e3 := NewEvidence{URL: "https://archive.example/x", Title: "Archived copy"}
	e4 := NewEvidence{URL: "https://moscow.example/", Title: "Городская полиция", Excerpt: "10 000"}
	clock(1)
	if _, err := s.AddEvidence(ctx, c0, f.bob.ID, e3); err != nil {
		t.Fatal(err)
	}
	clock(2)
	if _, err := s.SetStatus(ctx, c0, f.ann.ID, 1, StatusDisputed, "the ministry says 3.4%", e1, e2); err != nil {
		t.Fatal(err)
	}
	clock(3)
	if _, err := s.SetStatus(ctx, c0, f.bob.ID, 2, StatusConfirmed, "revised"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStatus(ctx, c1, f.ann.ID, 1, StatusConfirmed, "", e4); err != nil {
		t.Fatal(err)
	}
	clock(4)
	if _, err := s.AddEvidence(ctx, c0, f.ann.ID, e4); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestSecondOpinion(ctx, c0, f.ed.ID, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	s.SetClock(time.Now)

	type got struct {
		Evidence []export.Evidence
		History  [][]export.Evidence
	}
	export1 := func(f ExportFilter) map[int64]got {
		t.Helper()
		out := map[int64]got{}
		err := s.ExportClaims(ctx, f, func(r *export.Record) error {
			g := got{Evidence: r.Evidence}
			for _, e := range r.History {
				g.History = append(g.History, e.Evidence)
			}
			out[r.ID] = g
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	ev := func(e NewEvidence, user string, h int) export.Evidence {
		return export.Evidence{URL: e.URL, Title: e.Title, Excerpt: e.Excerpt, User: user, CreatedAt: at(h)}
	}
	want := map[int64]got{
		c0: {Evidence: []export.Evidence{ev(e3, "bob", 1), ev(e4, "ann", 4)},
			History: [][]export.Evidence{{ev(e1, "ann", 2), ev(e2, "ann", 2)}, nil}},
		c1: {History: [][]export.Evidence{{ev(e4, "ann", 3)}}},
		c2: {},
	}
	same := func(name string, got, want map[int64]got) {
		t.Helper()
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Errorf("%s:\n got %s\nwant %s", name, gj, wj)
		}
	}
	same("every claim", export1(ExportFilter{Statuses: Statuses}), want)
	// A filter that skips the claims between: each keeps its own.
	same("confirmed", export1(ExportFilter{Statuses: []string{StatusConfirmed}}), map[int64]got{c0: want[c0], c1: want[c1]})
	same("unverified", export1(ExportFilter{Statuses: []string{StatusUnverified}}), map[int64]got{c2: want[c2]})
	same("c1", export1(ExportFilter{Statuses: Statuses, ClaimID: c1}), map[int64]got{c1: want[c1]})
	// ada owes an opinion on c0: neither it nor its evidence is in her export.
	same("ada's", export1(ExportFilter{Statuses: Statuses, BlindFor: f.admin.ID}), map[int64]got{c1: want[c1], c2: want[c2]})

	// In JSON, with the API's names; a change without evidence and a claim
	// without any have no list.
	var buf bytes.Buffer
	w, _ := export.New("jsonl", &buf)
	if err := s.ExportClaims(ctx, ExportFilter{Statuses: Statuses}, w.Write); err != nil || w.Close() != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 ||
		!strings.Contains(lines[0], `"note":"the ministry says 3.4%","evidence":[{"url":"https://stats.example/cpi","title":"CPI, May","excerpt":"prices rose 3.4% \u003con the year\u003e","user":"ann","created_at":"2026-03-01T02:00:00Z"},{"url":"http://ministry.example/release","title":"Press release","user":"ann","created_at":"2026-03-01T02:00:00Z"}]},{"user":"bob","time":"2026-03-01T03:00:00Z","from":"disputed","to":"confirmed","note":"revised"}]`) ||
		!strings.HasSuffix(lines[0], `,"evidence":[{"url":"https://archive.example/x","title":"Archived copy","user":"bob","created_at":"2026-03-01T01:00:00Z"},{"url":"https://moscow.example/","title":"Городская полиция","excerpt":"10 000","user":"ann","created_at":"2026-03-01T04:00:00Z"}]}`) ||
		strings.Count(lines[1], `"evidence"`) != 1 || strings.Contains(lines[2], "evidence") {
		t.Errorf("JSON Lines:\n%s", buf.String())
	}
}
