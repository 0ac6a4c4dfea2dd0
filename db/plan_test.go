package db

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// fullScan matches a query plan line that reads a whole table or index of
// claims or status_history ("SCAN c", "SCAN c USING INDEX ..."): what keeps
// pages slow on a large desk. SEARCH lines are index ranges and seeks.
var fullScan = regexp.MustCompile(`\bSCAN (c|h|claims|status_history)\b`)

// planOf returns EXPLAIN QUERY PLAN's lines for query.
func planOf(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	rows, err := s.r.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, detail)
	}
	return out
}

func checkPlan(t *testing.T, s *Store, name, query string, args ...any) {
	t.Helper()
	plan := planOf(t, s, query, args...)
	if len(plan) == 0 {
		t.Fatalf("%s: no plan", name)
	}
	// Walking an index in the query's order with no condition to test and a
	// LIMIT reads one page of it, not all of it: the first page of the
	// unfiltered queue.
	ordered := !strings.Contains(query, "WHERE") && strings.Contains(query, "LIMIT") &&
		!strings.Contains(strings.Join(plan, "\n"), "TEMP B-TREE")
	for _, line := range plan {
		if ordered && strings.Contains(line, " USING ") && strings.Contains(line, "INDEX") {
			continue
		}
		if fullScan.MatchString(line) {
			t.Errorf("%s reads a whole table:\n  %s\n%s", name, strings.Join(plan, "\n  "), query)
			return
		}
	}
}

// TestQueryPlans runs EXPLAIN QUERY PLAN on the queue (every filter, first
// and later pages, both directions) and the export, and fails on a full scan
// of claims or history. Plans are checked twice: on a fresh database, and
// after ANALYZE, as a database that has run for a while has statistics
// (Close runs PRAGMA optimize) and SQLite may plan differently with them.
func TestQueryPlans(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.Demo(ctx, DemoOptions{Docs: 30, Seed: 5, PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	claims, err := s.DocumentClaims(ctx, 7)
	if err != nil || len(claims) == 0 {
		t.Fatalf("claims of document 7: %d %v", len(claims), err)
	}
	cur := &Cursor{Score: claims[0].Score, ID: claims[0].ID}
	for _, stats := range []bool{false, true} {
		if stats {
			if _, err := s.w.Exec(`ANALYZE`); err != nil {
				t.Fatal(err)
			}
		}
		for _, status := range append([]string{""}, Statuses...) {
			for _, doc := range []int64{0, 7} {
				for _, dir := range []string{"first", "after", "before"} {
					f := QueueFilter{Status: status, DocumentID: doc, Limit: 50}
					switch dir {
					case "after":
						f.After = cur
					case "before":
						f.Before = cur
					}
					name := fmt.Sprintf("queue status=%q document=%d %s page (statistics %v)", status, doc, dir, stats)
					countSQL, countArgs, pageSQL, pageArgs := queueQueries(f)
					checkPlan(t, s, name+" total", countSQL, countArgs...)
					checkPlan(t, s, name, pageSQL, pageArgs...)
					if dir != "first" && !seeksScore(planOf(t, s, pageSQL, pageArgs...)) {
						t.Errorf("%s does not seek to the cursor:\n  %s", name, strings.Join(planOf(t, s, pageSQL, pageArgs...), "\n  "))
					}
				}
			}
		}
		for _, statuses := range [][]string{DefaultExportStatuses, Statuses, {StatusDisputed}} {
			args := []any{int64(100)}
			for _, st := range statuses {
				args = append(args, st)
			}
			checkPlan(t, s, fmt.Sprintf("export claims %v (statistics %v)", statuses, stats),
				exportClaimsSQL(len(statuses)), append(args, exportBatch)...)
		}
		checkPlan(t, s, fmt.Sprintf("export history (statistics %v)", stats), exportHistorySQL, 100, 1100)
	}
}

// seeksScore reports whether every index search on claims in a plan starts
// at a score: a later queue page must seek to its cursor, not walk to it
// from the top of its status or document.
func seeksScore(plan []string) bool {
	n := 0
	for _, line := range plan {
		if strings.HasPrefix(line, "SEARCH c USING") && strings.Contains(line, "INDEX") {
			n++
			if !strings.Contains(line, "score") {
				return false
			}
		}
	}
	return n > 0
}

// The checks themselves must catch a full scan and a walk to the cursor,
// or they prove nothing. a full scan, or it proves nothing.
func TestQueryPlanCheckSeesFullScans(t *testing.T) {
	s := openTest(t)
	for _, q := range []string{
		`SELECT c.id FROM claims c WHERE c.text LIKE '%x%'`,
		`SELECT count(*) FROM claims c`,
		`SELECT h.id FROM status_history h WHERE h.note = 'x'`,
	} {
		bad := false
		for _, line := range planOf(t, s, q) {
			bad = bad || fullScan.MatchString(line)
		}
		if !bad {
			t.Errorf("full scan not seen in %s: %v", q, planOf(t, s, q))
		}
	}
	// The queue's first keyset condition: with bound values SQLite searched
	// claims_queue on status alone and walked every claim above the cursor.
	old := `SELECT c.id FROM claims c WHERE c.status = ? AND (c.score < ? OR (c.score = ? AND c.id > ?))
		ORDER BY c.score DESC, c.id LIMIT 51`
	if plan := planOf(t, s, old, "confirmed", 0.5, 0.5, 3); seeksScore(plan) {
		t.Errorf("a walk to the cursor not seen: %v", plan)
	}
}
