package db

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"factdesk/export"
	"factdesk/extract"
)

// The queue's keyset queries and its totals must give exactly what a plain
// ORDER BY over the table gives, for every filter, paging both ways, on data
// with many tied scores, and the totals must follow status changes,
// dismissals, assignments and second opinions.
func TestQueueMatchesPlainOrder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	st, err := s.Demo(ctx, DemoOptions{Docs: 12, Seed: 9, PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	admin, rev1, rev2, rev3 := st.Users[0].ID, st.Users[2].ID, st.Users[3].ID, st.Users[4].ID
	// Changes after the demo, so that the totals are the triggers' work.
	for id := int64(1); id <= 40; id++ {
		c, err := s.Claim(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		to := StatusDisputed
		if c.Status == StatusDisputed {
			to = StatusConfirmed
		}
		if _, err := s.SetStatus(ctx, id, rev1, c.Version, to, ""); err != nil {
			t.Fatal(err)
		}
	}
	for id := int64(30); id <= 45; id++ {
		c, _ := s.Claim(ctx, id)
		if _, err := s.Dismiss(ctx, id, rev1, c.Version, "not a claim"); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := s.Claim(ctx, 44)
	if _, err := s.Restore(ctx, 44, admin, c.Version, ""); err != nil {
		t.Fatal(err)
	}
	var assign []int64
	for id := int64(20); id <= 120; id++ {
		assign = append(assign, id)
	}
	if _, err := s.AssignClaims(ctx, admin, rev2, assign); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AssignClaims(ctx, admin, 0, []int64{100, 101}); err != nil {
		t.Fatal(err)
	}
	// Eight blind requests to rev3, on claims rev3 has given no verdict on.
	asked := 0
	for id := int64(1); id < 30 && asked < 8; id++ {
		_, err := s.RequestSecondOpinion(ctx, id, admin, rev3)
		if errors.Is(err, ErrInvalid) && strings.Contains(err.Error(), "has seen a verdict") {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		asked++
	}
	if asked < 8 {
		t.Fatalf("only %d claims to ask rev3 about", asked)
	}

	check := func(f QueueFilter) {
		t.Helper()
		q := `SELECT id FROM claims c WHERE dismissed = 0`
		var args []any
		if f.Status != "" {
			q += ` AND status = ?`
			args = append(args, f.Status)
		}
		if f.DocumentID > 0 {
			q += ` AND document_id = ?`
			args = append(args, f.DocumentID)
		}
		if f.AssigneeID > 0 {
			q += ` AND assignee_id = ?`
			args = append(args, f.AssigneeID)
		}
		if f.Unassigned {
			q += ` AND assignee_id IS NULL`
		}
		if f.BlindFor > 0 && f.Status != "" {
			q += ` AND id NOT IN (SELECT claim_id FROM second_opinions WHERE second_user_id = ? AND second_at IS NULL)`
			args = append(args, f.BlindFor)
		}
		rows, err := s.r.Query(q+` ORDER BY score DESC, id`, args...)
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			want = append(want, id)
		}
		rows.Close()
		name := fmt.Sprintf("%+v", f)

		// Forward to the end, then back to the start.
		var got []int64
		var pages []QueuePage
		f.Limit = 37
		for {
			p, err := s.Queue(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != len(want) {
				t.Fatalf("%s: total %d, the table holds %d", name, p.Total, len(want))
			}
			pages = append(pages, p)
			for _, c := range p.Claims {
				got = append(got, c.ID)
			}
			if p.Next == nil {
				break
			}
			f.After, f.Before = p.Next, nil
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: pages give %d claims in another order than the table's %d", name, len(got), len(want))
		}
		for i := len(pages) - 1; i > 0; i-- {
			f.After, f.Before = nil, pages[i].Prev
			p, err := s.Queue(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(ids(p.Claims)) != fmt.Sprint(ids(pages[i-1].Claims)) {
				t.Fatalf("%s: page %d going back differs from going forward", name, i-1)
			}
		}
	}
	for _, status := range append([]string{""}, Statuses...) {
		for _, doc := range []int64{0, 1, 3} {
			check(QueueFilter{Status: status, DocumentID: doc})
			check(QueueFilter{Status: status, DocumentID: doc, AssigneeID: rev2})
			check(QueueFilter{Status: status, DocumentID: doc, Unassigned: true})
			check(QueueFilter{Status: status, DocumentID: doc, BlindFor: rev3})
			check(QueueFilter{Status: status, DocumentID: doc, Unassigned: true, BlindFor: rev3})
		}
	}
	// The triggers' counts agree with a count of the table.
	rows, err := s.r.Query(`SELECT k.status, k.assigned, sum(k.n), (SELECT count(*) FROM claims c WHERE c.dismissed = 0
		AND c.status = k.status AND (c.assignee_id IS NOT NULL) = k.assigned) FROM claim_counts k GROUP BY k.status, k.assigned`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var assigned, n, want int
		rows.Scan(&status, &assigned, &n, &want)
		if n != want {
			t.Errorf("claim_counts %s/%d = %d, the table holds %d", status, assigned, n, want)
		}
	}
	checkKindCounts(t, s)
	// So do the per-document ones, and the document list shows them, on
	// every page of it.
	var docs []DocumentSummary
	for before := int64(0); ; {
		page, err := s.ListDocuments(ctx, before, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		docs = append(docs, page...)
		before = page[len(page)-1].ID
	}
	if len(docs) != 12 {
		t.Fatalf("documents: %d, want 12", len(docs))
	}
	for _, d := range docs {
		var want Progress
		if err := s.r.QueryRow(`SELECT count(*) FILTER (WHERE status = 'unverified'), count(*) FILTER (WHERE status = 'confirmed'),
			count(*) FILTER (WHERE status = 'disputed') FROM claims WHERE document_id = ? AND dismissed = 0`, d.ID).
			Scan(&want.Unverified, &want.Confirmed, &want.Disputed); err != nil {
			t.Fatal(err)
		}
		if d.Progress != want {
			t.Errorf("document %d: progress %+v, the table holds %+v", d.ID, d.Progress, want)
		}
	}
}

// checkKindCounts checks that the dashboard's progress by kind, which the
// triggers keep in claim_counts, agrees with a count of the claims.
func checkKindCounts(t *testing.T, s *Store) {
	t.Helper()
	rows, err := s.r.Query(`SELECT kind, count(*) FILTER (WHERE status = 'unverified'), count(*) FILTER (WHERE status = 'confirmed'),
		count(*) FILTER (WHERE status = 'disputed') FROM claims WHERE dismissed = 0 GROUP BY kind ORDER BY kind`)
	if err != nil {
		t.Fatal(err)
	}
	var want []KindProgress
	for rows.Next() {
		var k KindProgress
		if err := rows.Scan(&k.Kind, &k.Progress.Unverified, &k.Progress.Confirmed, &k.Progress.Disputed); err != nil {
			t.Fatal(err)
		}
		want = append(want, k)
	}
	rows.Close()
	got, err := s.ProgressByKind(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("progress by kind %v, the table holds %v", got, want)
	}
}

func ids(cs []Claim) []int64 {
	var out []int64
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// History is packed into one value per claim for the export: notes holding
// the separators, digits, newlines and non-Latin text come back intact.
func TestExportHistoryWithAwkwardNotes(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ann := mustUser(t, s, "ann", "reviewer")
	bob := mustUser(t, s, "bob", "reviewer")
	id, _, _, err := s.ImportDocument(ctx, NewDocument{Title: "t", Body: "The city spent $4.2 million on the bridge in 2023, officials said."})
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := s.DocumentClaims(ctx, id)
	notes := []string{"3,4,5,", "", "line\nbreak, “quoted”, 12,unverified,", strings.Repeat("Ж,", 300), ",,,,,"}
	users := []User{ann, bob, ann, bob, ann}
	to := []string{StatusConfirmed, StatusDisputed, StatusConfirmed, StatusUnverified, StatusConfirmed}
	for i, n := range notes {
		if _, err := s.SetStatus(ctx, cs[0].ID, users[i].ID, int64(i+1), to[i], n); err != nil {
			t.Fatal(err)
		}
	}
	var got []export.Record
	if err := s.ExportClaims(ctx, ExportFilter{Statuses: Statuses}, func(r *export.Record) error {
		got = append(got, *r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].History) != len(notes) {
		t.Fatalf("export: %+v", got)
	}
	for i, e := range got[0].History {
		from := StatusUnverified
		if i > 0 {
			from = to[i-1]
		}
		if e.Note != notes[i] || e.User != users[i].Username || e.To != to[i] || e.From != from || e.Time.IsZero() {
			t.Errorf("history %d = %+v", i, e)
		}
	}
	if got[0].LastReviewer != "ann" || got[0].Status != StatusConfirmed {
		t.Errorf("record %+v", got[0])
	}
}

// Packed history rows may come out of SQLite in any order; they are put
// back in id order.
func TestUnpackHistoryOrdersByID(t *testing.T) {
	users := map[int64]string{1: "ann", 2: "bob"}
	packed := "9,2,2024-01-02T00:00:00.000Z,confirmed,disputed,status,3,b,c" +
		"4,1,2024-01-01T00:00:00.000Z,unverified,confirmed,status,0," +
		"12,1,2024-01-03T00:00:00.000Z,disputed,disputed,dismiss,2,é"
	got, err := unpackHistory(packed, users)
	if err != nil || len(got) != 3 {
		t.Fatalf("%+v %v", got, err)
	}
	if got[0].User != "ann" || got[0].To != "confirmed" || got[1].Note != "b,c" || got[1].User != "bob" || got[2].Note != "é" ||
		got[1].Time.Day() != 2 || got[0].Action != "" || got[2].Action != "dismiss" {
		t.Fatalf("%+v", got)
	}
	for _, bad := range []string{"1,2,3", "x,1,t,a,b,status,0,", "1,1,t,a,b,status,9,short"} {
		if _, err := unpackHistory(bad, users); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The writer leaves checkpoints to the background but for a backstop.
func TestWriterCheckpointInterval(t *testing.T) {
	s := openTest(t)
	var n int
	if err := s.w.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&n); err != nil || n != autocheckpointPages {
		t.Fatalf("writer wal_autocheckpoint = %d, %v", n, err)
	}
}

// parseStored must agree with time.Parse on everything it accepts.
func FuzzParseStored(f *testing.F) {
	for _, s := range []string{"2024-02-29T23:59:59.999Z", "2023-02-29T00:00:00.000Z", "2024-04-31T10:00:00.000Z",
		"0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "2024-13-01T00:00:00.000Z", "2024-01-01T24:00:00.000Z",
		"2024-01-01T00:60:00.000Z", "2024-01-01 00:00:00.000Z", "2024-1-01T00:00:00.000Z", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := time.Parse(timeFormat, s)
		got, ok := parseStored(s)
		if ok && (err != nil || got != want) {
			t.Fatalf("%q: parseStored %v, time.Parse %v %v", s, got, want, err)
		}
		if p := parseTime(s); (err == nil && p != want) || (err != nil && !p.IsZero()) {
			t.Fatalf("%q: parseTime %v, time.Parse %v %v", s, p, want, err)
		}
	})
}

func TestParseStoredTakesStoredTimes(t *testing.T) {
	now := time.Now()
	for i := range 2000 {
		at := now.Add(time.Duration(i) * 7919 * time.Hour).Add(time.Duration(i) * time.Millisecond)
		s := formatTime(at)
		got, ok := parseStored(s)
		if !ok || !got.Equal(at.Truncate(time.Millisecond)) || got.Location() != time.UTC {
			t.Fatalf("%s: %v %v", s, got, ok)
		}
	}
}

// ExtractDocument and ImportExtracted, the two halves of an import, store
// what ImportDocument stores, and refuse what it refuses.
func TestImportInTwoHalves(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	body := "The council approved the $1.2 billion budget by 9 votes to 2 on Dec. 5, officials said.\n\nПравительство заявило, что 1200 человек эвакуированы."
	x, err := ExtractDocument(NewDocument{Title: " Budget ", URL: "https://example.org/b", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	id, n, existed, err := s.ImportExtracted(ctx, x)
	if err != nil || existed || n == 0 {
		t.Fatalf("import: %d %d %v %v", id, n, existed, err)
	}
	claims, _ := s.DocumentClaims(ctx, id)
	want := extract.Extract(body)
	if len(claims) != n || len(want) != n || claims[0].Text != want[0].Text || claims[0].DocumentTitle != "Budget" {
		t.Fatalf("claims %+v, extractor %+v", claims, want)
	}
	// The same text again: nothing new, the first document's id.
	id2, n2, existed, err := s.ImportExtracted(ctx, x)
	if err != nil || !existed || id2 != id || n2 != 0 {
		t.Fatalf("again: %d %d %v %v", id2, n2, existed, err)
	}
	id3, _, existed, err := s.ImportDocument(ctx, NewDocument{Title: "again", Body: body})
	if err != nil || !existed || id3 != id {
		t.Fatalf("ImportDocument after: %d %v %v", id3, existed, err)
	}
	for _, bad := range []NewDocument{{Body: ""}, {Body: "caf\xe9"}, {Body: "x", URL: "ftp://x"}, {Body: "x", PublishedAt: "soon"}} {
		if _, err := ExtractDocument(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
