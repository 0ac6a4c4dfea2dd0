package db

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fullScan matches a query plan line that reads a whole table or index of
// claims or status_history ("SCAN c", "SCAN c USING INDEX ..."): what keeps
// pages slow on a large desk. SEARCH lines are index ranges and seeks.
var fullScan = regexp.MustCompile(`\bSCAN (c|h|claims|status_history)\b`)

// planLine is one row of EXPLAIN QUERY PLAN.
type planLine struct {
	id, parent int
	detail     string
}

// planOf returns EXPLAIN QUERY PLAN's lines for query.
func planOf(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	var out []string
	for _, l := range planTree(t, s, query, args...) {
		out = append(out, l.detail)
	}
	return out
}

func planTree(t *testing.T, s *Store, query string, args ...any) []planLine {
	t.Helper()
	rows, err := s.r.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
	defer rows.Close()
	var out []planLine
	for rows.Next() {
		var l planLine
		var notused int
		if err := rows.Scan(&l.id, &l.parent, &notused, &l.detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

// checkPlan fails on a full scan of claims or history, and on a sort of a
// table's rows below the top level of the query, or on any sort when topSort
// is false: such a sort orders a whole range of claims to return a page of
// them, or holds a whole export.
func checkPlan(t *testing.T, s *Store, name string, topSort bool, query string, args ...any) {
	t.Helper()
	tree := planTree(t, s, query, args...)
	if len(tree) == 0 {
		t.Fatalf("%s: no plan", name)
	}
	var plan []string
	for _, l := range tree {
		plan = append(plan, l.detail)
	}
	// Walking an index in the query's order up to a LIMIT, with no sort,
	// reads a page, divided by the share of rows its other conditions keep
	// (not dismissed, not owed a blind opinion: nearly all): the first page
	// of the unfiltered queue.
	ordered := strings.Contains(query, "LIMIT") && !strings.Contains(strings.Join(plan, "\n"), "TEMP B-TREE")
	// One document's claims are a few hundred at most: sorting them is a page.
	oneDoc := strings.Contains(strings.Join(plan, "\n"), "(document_id=?")
	// A sort whose input is a subquery's output (its siblings read
	// "SCAN (subquery-N)") orders what that subquery's LIMIT let through,
	// as the two halves of a cursor page are merged.
	ofSubquery := map[int]bool{}
	for _, l := range tree {
		if strings.HasPrefix(l.detail, "SCAN (subquery-") {
			ofSubquery[l.parent] = true
		}
	}
	for _, l := range tree {
		bad := fullScan.MatchString(l.detail) && !(ordered && strings.Contains(l.detail, "INDEX"))
		if strings.Contains(l.detail, "TEMP B-TREE FOR ORDER BY") && !oneDoc &&
			(!topSort || (l.parent != 0 && !ofSubquery[l.parent])) {
			bad = true
		}
		if bad {
			t.Errorf("%s: %q in its plan:\n  %s\n%s", name, l.detail, strings.Join(plan, "\n  "), query)
			return
		}
	}
}

// statistics are three states of the planner's knowledge of a database:
// none (a new desk), exact (ANALYZE), and what PRAGMA optimize, which Close
// runs, left on the 1M-claim benchmark database: it samples a few hundred
// rows, and believed 2,001 claims per status where there are 300,000.
var statistics = []struct {
	name string
	sql  string
}{
	{"none", ""},
	{"ANALYZE", "ANALYZE"},
	{"PRAGMA optimize on 1M claims", `ANALYZE; DELETE FROM sqlite_stat1;
		INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
			('status_history', 'status_history_claim', '3045446 5 1'),
			('documents', 'documents_created', '10000 1 1'),
			('documents', 'sqlite_autoindex_documents_1', '10000 1'),
			('claims', 'claims_doc_score', '1014793 112 4 1'),
			('claims', 'claims_score_live', '1014793 1334 1'),
			('claims', 'claims_doc_queue', '1014793 112 38 2 1'),
			('claims', 'claims_queue_live', '1014793 2001 2001 1'),
			('claims', 'sqlite_autoindex_claims_1', '1014793 112 1 1');`},
}

// eachStatistics opens a 30-article demo desk and calls fn with a store
// that plans under each state of statistics in turn.
func eachStatistics(t *testing.T, fn func(s *Store, stats string)) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "plans.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Demo(ctx, DemoOptions{Docs: 30, Seed: 5, PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	for _, st := range statistics {
		if st.sql != "" {
			if _, err := s.w.Exec(st.sql); err != nil {
				t.Fatal(err)
			}
		}
		// Connections read the statistics when they first need the schema:
		// a new store plans with these. Close would run PRAGMA optimize and
		// change them, so the store is closed part by part; its checkpoint
		// loop too, which went on writing beside the test's cleanup of the
		// folder ("directory not empty", now and then).
		s.wr.close()
		s.closeStmts()
		s.ck.close()
		s.r.Close()
		s.w.Close()
		if s, err = Open(ctx, path); err != nil {
			t.Fatal(err)
		}
		fn(s, st.name)
	}
	s.Close()
}

// TestQueryPlans runs EXPLAIN QUERY PLAN on the queue (every filter, first
// and later pages, both directions) and the export under each state of
// statistics, and fails on a full scan of claims or history, on a sort of
// more than a page, and on a later page that does not seek to its cursor.
func TestQueryPlans(t *testing.T) {
	ctx := context.Background()
	eachStatistics(t, func(s *Store, stats string) {
		claims, err := s.DocumentClaims(ctx, 7)
		if err != nil || len(claims) == 0 {
			t.Fatalf("claims of document 7: %d %v", len(claims), err)
		}
		cur := &Cursor{Score: claims[0].Score, ID: claims[0].ID}
		for _, status := range append([]string{""}, Statuses...) {
			for _, doc := range []int64{0, 7} {
				for _, who := range []string{"anyone", "assigned", "unassigned", "blind"} {
					for _, dir := range []string{"first", "after", "before"} {
						f := QueueFilter{Status: status, DocumentID: doc, Limit: 50}
						switch who {
						case "assigned":
							f.AssigneeID = 3
						case "unassigned":
							f.Unassigned = true
						case "blind":
							f.BlindFor = 3
						}
						switch dir {
						case "after":
							f.After = cur
						case "before":
							f.Before = cur
						}
						if dir == "first" {
							checkNeighbourPlan(t, s, f, fmt.Sprintf("neighbours status=%q document=%d %s (statistics: %s)", status, doc, who, stats))
						}
						name := fmt.Sprintf("queue status=%q document=%d %s %s page (statistics: %s)", status, doc, who, dir, stats)
						countSQL, countArgs, parts := queueQueries(f)
						checkPlan(t, s, name+" total", false, countSQL, countArgs...)
						checkTotalPlan(t, s, name+" total", countSQL, countArgs...)
						for i, part := range parts {
							name := fmt.Sprintf("%s, part %d", name, i+1)
							// Walked in the page's order: a sort would read the
							// whole range before its LIMIT (but for one document's
							// few hundred claims).
							plan := planOf(t, s, part.sql, part.args...)
							checkPlan(t, s, name, false, part.sql, part.args...)
							if doc == 0 && strings.Contains(strings.Join(plan, "\n"), "TEMP B-TREE") {
								t.Errorf("%s sorts:\n  %s", name, strings.Join(plan, "\n  "))
							}
							if dir != "first" && !seeksScore(plan) {
								t.Errorf("%s does not seek to the cursor:\n  %s", name, strings.Join(plan, "\n  "))
							}
							// A later page of the whole queue or of a status walks
							// the queue's own index, whose entries are all claims
							// in the queue (0012_queue_live.sql): no row is read to
							// test dismissed. A status's index holds the rows'
							// columns too (0017_queue_covering.sql).
							if dir != "first" && doc == 0 && who == "anyone" {
								want := "USING INDEX claims_score_live"
								if status != "" {
									want = "USING COVERING INDEX claims_queue_live"
								}
								if !strings.Contains(strings.Join(plan, "\n"), want) {
									t.Errorf("%s does not use %s:\n  %s", name, want, strings.Join(plan, "\n  "))
								}
							}
						}
					}
				}
			}
		}
		for _, f := range []ExportFilter{{Statuses: DefaultExportStatuses}, {Statuses: Statuses}, {Statuses: []string{StatusDisputed}},
			{Statuses: Statuses, DocumentID: 7}, {Statuses: Statuses, Kinds: []string{"quantity"}},
			{Statuses: Statuses, Reviewer: "demo-reviewer-2"}, {Statuses: Statuses, Published: true},
			{Statuses: Statuses, BlindFor: 3, Quotes: true}, {Statuses: Statuses, From: "2020-01-01", To: "2030-01-01"}} {
			f.walk = true // as ExportClaims sets it
			where, args, err := f.where(ctx, s.r)
			if err != nil {
				t.Fatal(err)
			}
			checkPlan(t, s, fmt.Sprintf("export claims %+v (statistics: %s)", f, stats), false,
				exportClaimsSQL(where, f.Quotes), append(args, int64(100), exportBatch)...)
		}
		checkPlan(t, s, fmt.Sprintf("export history (statistics: %s)", stats), false, exportHistorySQL, 100, 1100)
		// A batch's second opinions are one range of their index, read in
		// its order: no scan of the table, no sort.
		checkPlan(t, s, fmt.Sprintf("export opinions (statistics: %s)", stats), false, exportOpinionsSQL, 100, 1100)
		if plan := strings.Join(planOf(t, s, exportOpinionsSQL, 100, 1100), "\n"); !strings.Contains(plan, "SEARCH o USING INDEX second_opinions_claim (claim_id>? AND claim_id<?)") ||
			strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("export opinions (statistics: %s) do not read one range of second_opinions_claim:\n  %s", stats, plan)
		}
		// So is a batch's evidence.
		checkPlan(t, s, fmt.Sprintf("export evidence (statistics: %s)", stats), false, exportEvidenceSQL, 100, 1100)
		if plan := strings.Join(planOf(t, s, exportEvidenceSQL, 100, 1100), "\n"); !strings.Contains(plan, "SEARCH e USING INDEX evidence_claim (claim_id>? AND claim_id<?)") ||
			strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("export evidence (statistics: %s) does not read one range of evidence_claim:\n  %s", stats, plan)
		}
		// The documents list and the export read no document's row, whose
		// body spans pages, and the list reads its counts as one range.
		list := strings.Join(planOf(t, s, sqlListDocuments, int64(100), 51), "\n")
		if !strings.Contains(list, "COVERING INDEX documents_list") {
			t.Errorf("documents list (statistics: %s) reads the documents' rows:\n  %s", stats, list)
		}
		if doc := strings.Join(planOf(t, s, exportDocumentSQL, 7), "\n"); !strings.Contains(doc, "COVERING INDEX documents_list") {
			t.Errorf("export's document fields (statistics: %s) read the document's row:\n  %s", stats, doc)
		}
		counts := strings.Join(planOf(t, s, sqlDocumentCounts, 1, 50), "\n")
		if !strings.Contains(counts, "SEARCH") || !strings.Contains(counts, "document_id>? AND document_id<?") {
			t.Errorf("documents list counts (statistics: %s) do not read one range:\n  %s", stats, counts)
		}
	})
}

// checkTotalPlan fails when a queue's total counts a range of claims
// other than one document's or one reviewer's, or the few owed a second
// opinion found by their ids: a range of one status is a third of the desk
// (the count of claims owed a blind opinion once started from claims and
// probed second_opinions for each claim of the status).
func checkTotalPlan(t *testing.T, s *Store, name, query string, args ...any) {
	t.Helper()
	plan := planOf(t, s, query, args...)
	for _, l := range plan {
		if strings.HasPrefix(l, "SEARCH c ") && !strings.Contains(l, "PRIMARY KEY") &&
			!strings.Contains(l, "document_id=") && !strings.Contains(l, "assignee_id=") {
			t.Errorf("%s counts a whole range of claims: %q in\n  %s", name, l, strings.Join(plan, "\n  "))
			return
		}
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

// checkNeighbourPlan checks the claim page's queue-neighbour statement for
// filter f: each of its parts must seek an index to the claim's score,
// never walk or sort the queue.
func checkNeighbourPlan(t *testing.T, s *Store, f QueueFilter, name string) {
	t.Helper()
	f.Limit = 0
	q, args := neighbourQuery(f, 0.5, 10)
	checkPlan(t, s, name, false, q, args...)
	for _, l := range planOf(t, s, q, args...) {
		if strings.Contains(l, "TEMP B-TREE") && f.DocumentID == 0 {
			t.Errorf("%s sorts: %q", name, l)
		}
	}
}

// The checks themselves must catch a full scan and a walk to the cursor,
// or they prove nothing.
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

// TestSearchQueryPlans runs EXPLAIN QUERY PLAN on every statement a search
// runs (each source's walk with and without filters, the walk's count, the
// search without words, the page, bm25, highlights, snippets, the blind
// check, kinds and the document menu) under each state of statistics, and
// fails on a full scan of claims or history or a sort of more than a page.
func TestSearchQueryPlans(t *testing.T) {
	filters := []SearchFilter{{}, {BlindFor: 3}, {Status: StatusDisputed}, {Status: StatusDisputed, BlindFor: 3},
		{Kind: "quantity"}, {DocumentID: 7}, {DocumentID: 7, Status: StatusConfirmed}, {AssigneeID: 3}, {Unassigned: true},
		{From: "2020-01-01", To: "2030-01-01"}, {Status: StatusUnverified, Kind: "quote", From: "2020-01-01"}}
	ids := []int64{1, 2, 3, 5, 8, 13, 21, 34, 55}
	in, inArgs := inList(ids)
	match := `"water" AND "rates"`
	eachStatistics(t, func(s *Store, stats string) {
		for _, f := range filters {
			where, args := f.where()
			name := fmt.Sprintf("search %+v (statistics: %s)", f, stats)
			for _, src := range searchSources {
				checkPlan(t, s, name+" "+src.table, false, sourceSQL(src, where, f.DocumentID > 0, f.BlindFor > 0),
					sourceArgs(src, f, match, searchWalk, args)...)
				checkPlan(t, s, name+" "+src.table+" walk", false, `SELECT count(*) FROM `+walkSQL(src, f.DocumentID > 0),
					walkArgs(src, f, match, searchWalk)...)
			}
			page, count := searchFilteredSQL(f, where)
			// Walked in order of change; one assignee's claims are sorted.
			checkPlan(t, s, name+" without words", f.AssigneeID > 0, page, append(args, 50, 950)...)
			checkPlan(t, s, name+" without words, count", false, count, append(args, 1001)...)
		}
		name := fmt.Sprintf("(statistics: %s)", stats)
		checkPlan(t, s, "search page "+name, false, searchPageSQL(in), inArgs...)
		for _, src := range searchSources {
			checkPlan(t, s, "bm25 "+src.table+" "+name, false, bm25SQL(src.table, in), append([]any{match, 1, 55}, inArgs...)...)
		}
		for _, table := range []string{"claims_fts", "titles_fts"} {
			checkPlan(t, s, "highlight "+table+" "+name, false, highlightSQL(table, "highlight("+table+", 0, ?, ?)", "", in, false),
				append([]any{markOpen, markClose, match, 1, 55}, inArgs...)...)
		}
		for _, src := range snippetSources {
			checkPlan(t, s, "snippet "+src.table+" "+name, false,
				highlightSQL(src.table, "x.claim_id, u.username, snippet("+src.table+", 0, ?, ?, '…', 24)", src.join, in, true),
				append([]any{markOpen, markClose, match, 1, 55}, inArgs...)...)
		}
		checkPlan(t, s, "blind "+name, false, hiddenSQL(in), append([]any{3}, inArgs...)...)
		checkPlan(t, s, "kinds "+name, false, kindsSQL)
		checkPlan(t, s, "document menu "+name, false, documentOptionsSQL, 200)
	})
}
