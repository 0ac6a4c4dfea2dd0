package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestDashboardCounts(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	s := f.s
	bob := mustUser(t, s, "bob", "reviewer")
	at := func(d string) { // 10:00 UTC on day d
		tm, _ := time.Parse(time.DateOnly, d)
		s.SetClock(func() time.Time { return tm.Add(10 * time.Hour) })
	}
	set := func(text string, u User, ver int64, to string) {
		t.Helper()
		if _, err := s.SetStatus(ctx, f.byText[text], u.ID, ver, to, ""); err != nil {
			t.Fatal(err)
		}
	}
	bills := "Water bills will rise 3.5% from July, officials said."
	reservoir := "The reservoir held 38% of its capacity in February."
	council := "The council voted 31 to 4 to spend $2.5 billion on the port."
	at("2024-06-01")
	set(bills, f.rita, 1, StatusConfirmed)
	set(reservoir, f.rita, 1, StatusDisputed)
	at("2024-06-03")
	set(bills, bob, 2, StatusDisputed)
	set(council, f.rita, 1, StatusConfirmed)
	at("2024-05-31") // before the range below
	set(reservoir, bob, 2, StatusConfirmed)

	p, err := s.OverallProgress(ctx)
	if err != nil || p != (Progress{Unverified: 2, Confirmed: 2, Disputed: 1}) {
		t.Errorf("overall = %+v, %v", p, err)
	}

	docs, total, err := s.ProgressByDocument(ctx, 10)
	if err != nil || total != 2 || len(docs) != 2 {
		t.Fatalf("by document = %+v (%d), %v", docs, total, err)
	}
	if docs[0].ID != f.doc2 || docs[0].Progress != (Progress{Unverified: 1, Confirmed: 1}) ||
		docs[1].ID != f.doc1 || docs[1].Progress != (Progress{Unverified: 1, Confirmed: 1, Disputed: 1}) {
		t.Errorf("by document = %+v", docs)
	}
	// A document without claims is listed with zero counts; the limit holds.
	if _, _, err := s.createDocument(ctx, NewDocument{Title: "Empty", Body: "Nothing to check here."}, nil); err != nil {
		t.Fatal(err)
	}
	docs, total, _ = s.ProgressByDocument(ctx, 2)
	if total != 3 || len(docs) != 2 || docs[0].Title != "Empty" || docs[0].Progress != (Progress{}) {
		t.Errorf("with an empty document, limit 2: %+v (%d)", docs, total)
	}

	kinds, err := s.ProgressByKind(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(kinds)
	// Kinds cycle quantity, event, quote in each fixture document.
	want := "[{event {1 1 0 0}} {quantity {0 1 1 0}} {quote {1 0 0 0}}]"
	if got != want {
		t.Errorf("by kind = %s, want %s", got, want)
	}

	first, _ := time.Parse(time.DateOnly, "2024-06-01")
	last, _ := time.Parse(time.DateOnly, "2024-06-03")
	work, err := s.WorkByReviewer(ctx, first, last)
	if err != nil {
		t.Fatal(err)
	}
	if len(work) != 2 || work[0].Username != "rita" || fmt.Sprint(work[0].PerDay) != "[2 0 1]" || work[0].Total != 3 ||
		work[1].Username != "bob" || fmt.Sprint(work[1].PerDay) != "[0 0 1]" || work[1].Total != 1 {
		t.Errorf("work = %+v", work)
	}
	if _, err := s.WorkByReviewer(ctx, last, first); !errors.Is(err, ErrInvalid) {
		t.Errorf("reversed range: %v", err)
	}

	// A dismissed sentence is not a claim: it leaves every progress count.
	moscow := f.byText["В Москве 10,000 человек вышли на улицы."]
	if _, err := s.Dismiss(ctx, moscow, f.rita.ID, 1, "a crowd estimate, not checkable"); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.OverallProgress(ctx); p != (Progress{Unverified: 1, Confirmed: 2, Disputed: 1}) {
		t.Errorf("overall after a dismissal = %+v", p)
	}
	docs, _, _ = s.ProgressByDocument(ctx, 10)
	if docs[1].ID != f.doc2 || docs[1].Progress != (Progress{Confirmed: 1}) {
		t.Errorf("by document after a dismissal = %+v", docs)
	}
	kinds, _ = s.ProgressByKind(ctx)
	if got := fmt.Sprint(kinds); got != "[{event {0 1 0 0}} {quantity {0 1 1 0}} {quote {1 0 0 0}}]" {
		t.Errorf("by kind after a dismissal = %s", got)
	}
}

// queryPlan returns SQLite's plan for q, one line per step.
func queryPlan(t *testing.T, s *Store, q string, args ...any) string {
	t.Helper()
	rows, err := s.r.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	err = eachRow(rows, func(r *sql.Rows) error {
		var id, parent, unused int
		var detail string
		if err := r.Scan(&id, &parent, &unused, &detail); err != nil {
			return err
		}
		plan = append(plan, detail)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}

// The dashboard reads counter tables, never claims or history, so it costs
// the same on a desk of any size; the work per reviewer reads a range of
// days, not every day.
func TestDashboardReadsCounters(t *testing.T) {
	s := openTest(t)
	for name, q := range map[string]struct {
		sql  string
		args []any
	}{
		"overall":     {sqlOverallProgress, nil},
		"documents":   {sqlDocumentCount, nil},
		"by document": {sqlProgressByDocument, []any{50}},
		"by kind":     {sqlProgressByKind, nil},
		"work":        {sqlWorkByReviewer, []any{"2024-06-01", "2024-06-30"}},
	} {
		plan := queryPlan(t, s, q.sql, q.args...)
		for _, table := range []string{"claims", "status_history"} {
			for _, line := range strings.Split(plan, "\n") {
				if strings.Contains(line, "SCAN "+table) || strings.Contains(line, "SEARCH "+table) {
					t.Errorf("%s reads %s: %q in\n%s", name, table, line, plan)
				}
			}
		}
		if name == "work" && !strings.Contains(plan, "SEARCH w USING PRIMARY KEY (day>? AND day<?)") {
			t.Errorf("work per reviewer does not read a range of days:\n%s", plan)
		}
	}
}

// The claims a reader owes a blind second opinion on are found from their
// open requests (a partial index), each claim by its key: never a walk of
// claims, so that the dashboard stays as cheap as its counter tables.
func TestOwedCountsReadsRequests(t *testing.T) {
	s := openTest(t)
	plan := queryPlan(t, s, sqlOwedCounts, int64(1))
	if !strings.Contains(plan, "SEARCH o USING INDEX second_opinions_pending") ||
		!strings.Contains(plan, "SEARCH c USING INTEGER PRIMARY KEY") || strings.Contains(plan, "SCAN") {
		t.Errorf("owed counts plan:\n%s", plan)
	}
}
