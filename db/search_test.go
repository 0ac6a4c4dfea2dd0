package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"factdesk/extract"
)

func TestParseSearchQuery(t *testing.T) {
	ok := []struct{ in, want string }{
		{"reservoir", `"reservoir"`},
		{"  water   rates ", `"water" AND "rates"`},
		{`"leaking mains" repair`, `"leaking mains" AND "repair"`},
		{"reserv*", `"reserv"*`},
		{"rates OR prices", `("rates" OR "prices")`},
		{"water rates OR prices", `"water" AND ("rates" OR "prices")`},
		{"water -dam", `("water") NOT ("dam")`},
		{"water AND dam", `"water" AND "dam"`},
		{"3.5%", `"3.5%"`},
		{"water - dam", `"water" AND "dam"`}, // a lone dash is punctuation
		{"or", `"or"`},                       // lower case is a word
		{`NEAR(a b)`, `"NEAR(a" AND "b)"`},   // FTS5 syntax is text here
		{`text:water`, `"text:water"`},
		{"Москве", `"Москве"`},
	}
	for _, c := range ok {
		got, err := ParseSearchQuery(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseSearchQuery(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	bad := []struct{ in, msg string }{
		{"", "type a word"},
		{"   ", "type a word"},
		{"— &", "type a word"},
		{`"leaking mains`, "quotation mark is not closed"},
		{`a"b`, "quotation mark is not closed"},
		{"OR rates", "OR goes between"},
		{"rates OR", "OR goes between"},
		{"rates OR OR prices", "OR goes between"},
		{"-dam", "what to look for"},
		{"rates OR -dam", "OR cannot join"},
		{"*", "“*” has no letters or digits"},
		{`""`, `"" has no letters or digits`},
		{`"korea" "north"*`, "“*” has no letters or digits"},
		{`rates "—"`, `"—" has no letters or digits`},
		{"re-serv*", "prefix of one word"},
		{strings.Repeat("a ", 40), "too many words"},
		{strings.Repeat("x", 501), "too long"},
		{"port\x00", "control characters"},
		{"caf\xe9", "not valid text"},
	}
	for _, c := range bad {
		_, err := ParseSearchQuery(c.in)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ParseSearchQuery(%q) error = %v; want ErrInvalid saying %q", c.in, err, c.msg)
		}
	}
}

// searchFixture is two documents whose claims, notes and titles differ in
// what they mention.
type searchFixture struct {
	s          *Store
	doc1, doc2 int64
	byText     map[string]int64
	rita       User
}

const searchBody1 = "Water bills will rise 3.5% from July, officials said.\n\nThe reservoir held 38% of its capacity in February.\n\nCritics say <b>the discount</b> & the rebate lag inflation."
const searchBody2 = "The council voted 31 to 4 to spend $2.5 billion on the port.\n\nВ Москве 10,000 человек вышли на улицы."

func newSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	ctx := context.Background()
	s := openTest(t)
	f := &searchFixture{s: s, byText: map[string]int64{}, rita: mustUser(t, s, "rita", "reviewer")}
	day := time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return day })
	mk := func(title, body string, subs ...string) int64 {
		var cs []extract.Claim
		for i, sub := range subs {
			c := claimAt(t, body, sub)
			c.Kind = []string{"quantity", "event", "quote"}[i%3]
			cs = append(cs, c)
		}
		id, _, err := s.createDocument(ctx, NewDocument{Title: title, Body: body}, cs)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range mustClaims(t, s, id) {
			f.byText[c.Text] = c.ID
		}
		return id
	}
	f.doc1 = mk("Marlow Bay water rates rise", searchBody1,
		"Water bills will rise 3.5% from July, officials said.",
		"The reservoir held 38% of its capacity in February.",
		"Critics say <b>the discount</b> & the rebate lag inflation.")
	f.doc2 = mk("Harbour council approves port plan", searchBody2,
		"The council voted 31 to 4 to spend $2.5 billion on the port.",
		"В Москве 10,000 человек вышли на улицы.")
	return f
}

func mustClaims(t *testing.T, s *Store, docID int64) []Claim {
	t.Helper()
	cs, err := s.DocumentClaims(context.Background(), docID)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func marked(fs []Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		if f.Mark {
			b.WriteString("[" + f.Text + "]")
		} else {
			b.WriteString(f.Text)
		}
	}
	return b.String()
}

func hitIDs(r SearchResult) []int64 {
	var ids []int64
	for _, h := range r.Hits {
		ids = append(ids, h.Claim.ID)
	}
	return ids
}

func TestSearchClaimTextNotesAndTitles(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	s := f.s
	reservoir := f.byText["The reservoir held 38% of its capacity in February."]
	bills := f.byText["Water bills will rise 3.5% from July, officials said."]

	// Claim text, stemmed: "capacities" finds "capacity", marked in place.
	r, err := s.Search(ctx, SearchFilter{Query: "capacities"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 1 || len(r.Hits) != 1 || r.Hits[0].Claim.ID != reservoir {
		t.Fatalf("capacities: %+v", r)
	}
	if got := marked(r.Hits[0].Text); got != "The reservoir held 38% of its [capacity] in February." {
		t.Errorf("marked text = %q", got)
	}

	// A note written now is found at once (the trigger indexed it), and the
	// hit says who wrote it.
	if _, err := s.SetStatus(ctx, bills, f.rita.ID, 1, StatusDisputed, "Board minutes put the increase at 3.2 percent, see page four."); err != nil {
		t.Fatal(err)
	}
	r, err = s.Search(ctx, SearchFilter{Query: "minutes"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Hits) != 1 || r.Hits[0].Claim.ID != bills || r.Hits[0].Note == nil {
		t.Fatalf("minutes: %+v", r)
	}
	if n := r.Hits[0].Note; n.User != "rita" || !strings.Contains(marked(n.Snippet), "[minutes]") {
		t.Errorf("note hit = %+v (%q)", n, marked(n.Snippet))
	}
	if marked(r.Hits[0].Text) != r.Hits[0].Claim.Text {
		t.Errorf("claim text marked although only the note matched: %q", marked(r.Hits[0].Text))
	}

	// A title match brings the document's claims, with the title marked.
	r, err = s.Search(ctx, SearchFilter{Query: "harbour"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 2 {
		t.Fatalf("harbour: %d hits, want the two claims of the harbour document", r.Total)
	}
	for _, h := range r.Hits {
		if h.Claim.DocumentID != f.doc2 || marked(h.Title) != "[Harbour] council approves port plan" {
			t.Errorf("harbour hit %d in doc %d, title %q", h.Claim.ID, h.Claim.DocumentID, marked(h.Title))
		}
	}

	// A word in the claim ranks the claim above claims that only share the title.
	r, err = s.Search(ctx, SearchFilter{Query: "port"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Hits) != 2 || r.Hits[0].Claim.ID != f.byText["The council voted 31 to 4 to spend $2.5 billion on the port."] {
		t.Errorf("port: %v, want the claim naming the port first", hitIDs(r))
	}

	// Non-Latin text, phrases, prefixes, OR and NOT.
	for q, want := range map[string][]int64{
		"москве":                 {f.byText["В Москве 10,000 человек вышли на улицы."]},
		`"officials said"`:       {bills},
		`"said officials"`:       nil,
		"reserv*":                {reservoir},
		"reservoir OR inflation": {reservoir, f.byText["Critics say <b>the discount</b> & the rebate lag inflation."]},
		// Each text is matched on its own: the title has "water" and "rise".
		"water -rise": nil,
		// The title brings the harbour document's claims, but not the one
		// whose own text, which the page shows, holds the left-out word.
		"harbour -billion":      {f.byText["В Москве 10,000 человек вышли на улицы."]},
		"harbour -billion -zzz": {f.byText["В Москве 10,000 человек вышли на улицы."]},
	} {
		r, err := s.Search(ctx, SearchFilter{Query: q})
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		got := map[int64]bool{}
		for _, id := range hitIDs(r) {
			got[id] = true
		}
		if len(got) != len(want) {
			t.Errorf("%s: hits %v, want %v", q, hitIDs(r), want)
		}
		for _, id := range want {
			if !got[id] {
				t.Errorf("%s: hits %v, want %v", q, hitIDs(r), want)
			}
		}
	}
}

func TestSearchKeepsMarkupAsText(t *testing.T) {
	f := newSearchFixture(t)
	r, err := f.s.Search(context.Background(), SearchFilter{Query: "discount"})
	if err != nil || len(r.Hits) != 1 {
		t.Fatalf("discount: %+v %v", r, err)
	}
	// The <b> in the article is text: it survives as text, unmarked, and the
	// only marks are the ones around the match.
	got := marked(r.Hits[0].Text)
	if got != "Critics say <b>the [discount]</b> & the rebate lag inflation." {
		t.Errorf("marked = %q", got)
	}
	for _, fr := range r.Hits[0].Text {
		if strings.ContainsAny(fr.Text, markOpen+markClose) {
			t.Errorf("marker left in %q", fr.Text)
		}
	}
}

func TestSearchFilters(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	s := f.s
	bills := f.byText["Water bills will rise 3.5% from July, officials said."]
	s.SetClock(func() time.Time { return time.Date(2024, 6, 10, 23, 59, 0, 0, time.UTC) })
	if _, err := s.SetStatus(ctx, bills, f.rita.ID, 1, StatusConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	all, err := s.Search(ctx, SearchFilter{})
	if err != nil || all.Total != 5 || all.Hits[0].Claim.ID != bills {
		t.Fatalf("no query, no filter: %d hits %v, %v; want all 5, last changed first", all.Total, hitIDs(all), err)
	}
	cases := []struct {
		name string
		f    SearchFilter
		want int
	}{
		{"status", SearchFilter{Status: StatusConfirmed}, 1},
		{"status and query", SearchFilter{Query: "water", Status: StatusUnverified}, 2}, // the other two water claims, by title
		{"kind", SearchFilter{Kind: "event"}, 2},
		{"document", SearchFilter{DocumentID: f.doc2}, 2},
		{"document and query", SearchFilter{Query: "council", DocumentID: f.doc1}, 0},
		{"from", SearchFilter{From: "2024-06-10"}, 1},
		{"to the same day", SearchFilter{To: "2024-06-10"}, 5},
		{"to the day before", SearchFilter{To: "2024-06-09"}, 4},
		{"day range", SearchFilter{From: "2024-06-10", To: "2024-06-10"}, 1},
		{"before import", SearchFilter{To: "2024-05-01"}, 0},
	}
	for _, c := range cases {
		r, err := s.Search(ctx, c.f)
		if err != nil || r.Total != c.want || len(r.Hits) != c.want {
			t.Errorf("%s: %d hits (%d listed), %v; want %d", c.name, r.Total, len(r.Hits), err, c.want)
		}
	}
	// Paging: the same order, no overlap.
	p1, _ := s.Search(ctx, SearchFilter{Limit: 2})
	p2, _ := s.Search(ctx, SearchFilter{Limit: 2, Offset: 2})
	if len(p1.Hits) != 2 || len(p2.Hits) != 2 || p1.Hits[1].Claim.ID == p2.Hits[0].Claim.ID {
		t.Errorf("pages %v and %v", hitIDs(p1), hitIDs(p2))
	}

	for name, bad := range map[string]SearchFilter{
		"status":    {Status: "maybe"},
		"from date": {From: "02/05/2024"},
		"to date":   {To: "2024-13-01"},
		"range":     {From: "2024-06-02", To: "2024-06-01"},
		"deep page": {Offset: MaxSearchOffset + 1},
		"syntax":    {Query: `"open`},
	} {
		if _, err := s.Search(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", name, err)
		}
	}
}

// An existing database gains search when it is upgraded: the migration
// indexes what is already there.
func TestSearchMigrationIndexesExistingRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	ctx := context.Background()
	raw, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		t.Fatal(err)
	}
	init, err := migrations.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	now := formatTime(time.Now())
	for _, q := range []string{
		`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`,
		string(init),
		`INSERT INTO schema_migrations VALUES ('0001_init.sql', '` + now + `')`,
		`INSERT INTO users (id, username, password_hash, role, created_at) VALUES (1, 'old', 'h', 'reviewer', '` + now + `')`,
		`INSERT INTO documents (id, title, body, sha256, created_at) VALUES (1, 'Lighthouse keepers', 'Ferries carried 9,000 people.', 'x', '` + now + `')`,
		`INSERT INTO claims (id, document_id, start, "end", text, created_at, updated_at) VALUES (1, 1, 0, 29, 'Ferries carried 9,000 people.', '` + now + `', '` + now + `')`,
		`INSERT INTO status_history (claim_id, from_status, to_status, user_id, note, created_at) VALUES (1, 'unverified', 'confirmed', 1, 'Timetable archive agrees.', '` + now + `')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	raw.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []string{"ferries", "timetable", "lighthouse"} {
		r, err := s.Search(ctx, SearchFilter{Query: q})
		if err != nil || r.Total != 1 {
			t.Errorf("%s after upgrade: %d hits, %v", q, r.Total, err)
		}
	}
}

// The search must use the FTS index, not read every claim.
func TestSearchUsesFTSIndex(t *testing.T) {
	f := newSearchFixture(t)
	rows, err := f.s.r.Query(`EXPLAIN QUERY PLAN SELECT rowid FROM claims_fts WHERE claims_fts MATCH '"water"'`)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	eachRow(rows, func(r *sql.Rows) error {
		var id, parent, unused int
		var detail string
		if err := r.Scan(&id, &parent, &unused, &detail); err != nil {
			return err
		}
		plan = append(plan, detail)
		return nil
	})
	if len(plan) == 0 || !strings.Contains(strings.Join(plan, "\n"), "VIRTUAL TABLE INDEX") {
		t.Errorf("plan = %q, want a virtual table index lookup", plan)
	}
}

// Comments are searched; a reviewer who owes a blind second opinion on a
// claim learns nothing of its verdict, notes or comments from search;
// dismissed sentences are found and marked; the assignee filter holds.
func TestSearchTeamRules(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	s := f.s
	ed := mustUser(t, s, "edna", "editor")
	sam := mustUser(t, s, "sam", "reviewer")
	bills := f.byText["Water bills will rise 3.5% from July, officials said."]
	reservoir := f.byText["The reservoir held 38% of its capacity in February."]
	council := f.byText["The council voted 31 to 4 to spend $2.5 billion on the port."]

	if _, err := s.AddComment(ctx, reservoir, f.rita.ID, "Ask the hydrologist about the gauge readings."); err != nil {
		t.Fatal(err)
	}
	r, err := s.Search(ctx, SearchFilter{Query: "hydrologist"})
	if err != nil || len(r.Hits) != 1 || r.Hits[0].Claim.ID != reservoir || r.Hits[0].Comment == nil ||
		r.Hits[0].Comment.User != "rita" || !strings.Contains(marked(r.Hits[0].Comment.Snippet), "[hydrologist]") {
		t.Fatalf("comment search: %+v, %v", r, err)
	}

	// rita disputes the bills claim with a note; edna asks sam for a
	// blind second opinion.
	if _, err := s.SetStatus(ctx, bills, f.rita.ID, 1, StatusDisputed, "The tariff sheet says 2.9 percent."); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddComment(ctx, bills, f.rita.ID, "Tariff sheet attached to the minutes."); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestSecondOpinion(ctx, bills, ed.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"tariff", "sheet"} {
		if r, _ := s.Search(ctx, SearchFilter{Query: q, BlindFor: sam.ID}); r.Total != 0 {
			t.Errorf("sam finds the claim he must judge blind by its note or comment %q: %d hits", q, r.Total)
		}
		if r, _ := s.Search(ctx, SearchFilter{Query: q, BlindFor: f.rita.ID}); r.Total != 1 {
			t.Errorf("rita searching %q: %d hits", q, r.Total)
		}
	}
	r, _ = s.Search(ctx, SearchFilter{Query: "bills", BlindFor: sam.ID})
	if len(r.Hits) != 1 || !r.Hits[0].Hidden || r.Hits[0].Note != nil || r.Hits[0].Comment != nil {
		t.Errorf("sam finds the claim by its text, but hidden: %+v", r.Hits)
	}
	if r, _ := s.Search(ctx, SearchFilter{Status: StatusDisputed, BlindFor: sam.ID}); r.Total != 0 {
		t.Errorf("a status filter tells sam the verdict: %d hits", r.Total)
	}
	if r, _ := s.Search(ctx, SearchFilter{Status: StatusDisputed, BlindFor: f.rita.ID}); r.Total != 1 || r.Hits[0].Hidden {
		t.Errorf("rita's disputed claims: %+v", r)
	}

	// Dismissed: still found, marked as such.
	if _, err := s.Dismiss(ctx, council, f.rita.ID, 1, "a budget line, not a claim"); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Search(ctx, SearchFilter{Query: "council"})
	if len(r.Hits) == 0 || r.Hits[0].Claim.ID != council || !r.Hits[0].Claim.Dismissed {
		t.Errorf("dismissed claim: %+v", r.Hits)
	}

	// Assignee.
	if _, err := s.AssignClaims(ctx, ed.ID, sam.ID, []int64{reservoir}); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Search(ctx, SearchFilter{AssigneeID: sam.ID}); r.Total != 1 || r.Hits[0].Claim.ID != reservoir {
		t.Errorf("assigned to sam: %+v", r)
	}
	if r, _ := s.Search(ctx, SearchFilter{Unassigned: true}); r.Total != 4 {
		t.Errorf("unassigned: %d", r.Total)
	}
}

// smallCaps makes the search's bounds small for one test.
func smallCaps(t *testing.T, cap, walk, titles, ahead int) {
	t.Helper()
	old := []int{searchCap, searchWalk, titleWalk, filterAhead}
	searchCap, searchWalk, titleWalk, filterAhead = cap, walk, titles, ahead
	t.Cleanup(func() { searchCap, searchWalk, titleWalk, filterAhead = old[0], old[1], old[2], old[3] })
}

// ferryDoc imports a document of n claims that all mention ferries, and
// returns their ids in the order of the text (oldest id first).
func ferryDoc(t *testing.T, s *Store, title string, n int) (int64, []int64) {
	t.Helper()
	var b strings.Builder
	var subs []string
	for i := range n {
		sub := fmt.Sprintf("The %s ferry carried %d passengers on route %d.", title, 100+i, i+1)
		subs = append(subs, sub)
		b.WriteString(sub + "\n\n")
	}
	body := b.String()
	var cs []extract.Claim
	for _, sub := range subs {
		cs = append(cs, claimAt(t, body, sub))
	}
	id, _, err := s.createDocument(context.Background(), NewDocument{Title: title + " report", Body: body}, cs)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range mustClaims(t, s, id) {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	return id, ids
}

// A search reads at most searchCap matches per source, newest first: the
// result says it was capped, its total is a lower bound, and its pages
// split that set without overlap. Under the cap the result is all matches.
func TestSearchCapped(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	_, old := ferryDoc(t, s, "Harbour", 3)
	_, recent := ferryDoc(t, s, "Island", 12)
	smallCaps(t, 4, 8, 2, 3)

	r, err := s.Search(ctx, SearchFilter{Query: "ferry"})
	if err != nil {
		t.Fatal(err)
	}
	newest := []int64{recent[11], recent[10], recent[9], recent[8]}
	if !r.Capped || r.Total != 4 || !slices.Equal(hitIDs(r), newest) {
		t.Fatalf("capped search: capped %v, total %d, hits %v; want capped, 4, the newest %v", r.Capped, r.Total, hitIDs(r), newest)
	}
	// Pages of the capped set: same order, no overlap, nothing past it.
	p1, err1 := s.Search(ctx, SearchFilter{Query: "ferry", Limit: 3})
	p2, err2 := s.Search(ctx, SearchFilter{Query: "ferry", Limit: 3, Offset: 3})
	p3, err3 := s.Search(ctx, SearchFilter{Query: "ferry", Limit: 3, Offset: 6})
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	if got := append(hitIDs(p1), hitIDs(p2)...); !slices.Equal(got, newest) || len(p3.Hits) != 0 || p2.Total != 4 || !p2.Capped {
		t.Errorf("pages %v %v %v (total %d), want %v split in two", hitIDs(p1), hitIDs(p2), hitIDs(p3), p2.Total, newest)
	}

	// Under the cap: every match, ranked, and not marked.
	smallCaps(t, 100, 100, 100, 100)
	r, err = s.Search(ctx, SearchFilter{Query: "ferry"})
	if err != nil || r.Capped || r.Total != 15 {
		t.Errorf("uncapped: capped %v, total %d, %v; want all 15", r.Capped, r.Total, err)
	}
	r, err = s.Search(ctx, SearchFilter{Query: "harbour"}) // the title and the claims of one document
	if err != nil || r.Capped || r.Total != 3 {
		t.Errorf("harbour uncapped: capped %v, total %d, %v; want 3", r.Capped, r.Total, err)
	}
	for _, h := range r.Hits {
		if !slices.Contains(old, h.Claim.ID) {
			t.Errorf("harbour found %d, not a claim of the harbour document", h.Claim.ID)
		}
	}
}

// A selective filter does not lose matches older than the cap: the filter
// is applied inside each source's walk, a document filter walks only that
// document's claims, and a walk that stops before the last match says so.
func TestSearchCappedFilters(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	rita := mustUser(t, s, "rita", "reviewer")
	oldDoc, old := ferryDoc(t, s, "Harbour", 3)
	_, recent := ferryDoc(t, s, "Island", 12)
	smallCaps(t, 4, 8, 2, 3)

	// The oldest document's claims, past the cap and the walk.
	r, err := s.Search(ctx, SearchFilter{Query: "ferry", DocumentID: oldDoc})
	if got := slices.Sorted(slices.Values(hitIDs(r))); err != nil || r.Capped || r.Total != 3 || !slices.Equal(got, old) {
		t.Fatalf("document filter: capped %v, total %d, hits %v, %v; want the 3 claims of the old document", r.Capped, r.Total, hitIDs(r), err)
	}
	// Its title too, though newer titles match "report".
	if r, err := s.Search(ctx, SearchFilter{Query: "report", DocumentID: oldDoc}); err != nil || r.Total != 3 || r.Capped {
		t.Errorf("title with document filter: total %d, capped %v, %v", r.Total, r.Capped, err)
	}

	// A status that one recent claim has: found, within the walk.
	later := time.Now().Add(time.Hour)
	s.SetClock(func() time.Time { return later })
	if _, err := s.SetStatus(ctx, recent[6], rita.ID, 1, StatusDisputed, ""); err != nil {
		t.Fatal(err)
	}
	r, err = s.Search(ctx, SearchFilter{Query: "ferry", Status: StatusDisputed})
	if err != nil || r.Total != 1 || r.Hits[0].Claim.ID != recent[6] {
		t.Fatalf("status within the walk: total %d, hits %v, %v", r.Total, hitIDs(r), err)
	}
	// The walk (8 matches) stopped before the oldest: the total is marked
	// as a lower bound rather than passed off as all there is.
	if !r.Capped {
		t.Errorf("a filtered walk that stopped early is not marked capped")
	}
	// An old disputed claim, past the walk: not found, but the result says
	// it may be incomplete; a document filter finds it.
	s.SetClock(func() time.Time { return later.Add(time.Hour) })
	if _, err := s.SetStatus(ctx, old[0], rita.ID, 1, StatusDisputed, ""); err != nil {
		t.Fatal(err)
	}
	r, err = s.Search(ctx, SearchFilter{Query: "ferry", Status: StatusDisputed})
	if err != nil || !r.Capped {
		t.Errorf("status past the walk: capped %v, %v", r.Capped, err)
	}
	r, err = s.Search(ctx, SearchFilter{Query: "ferry", Status: StatusDisputed, DocumentID: oldDoc})
	if err != nil || r.Capped || r.Total != 1 || r.Hits[0].Claim.ID != old[0] {
		t.Errorf("status and document: capped %v, total %d, hits %v, %v", r.Capped, r.Total, hitIDs(r), err)
	}

	// A walk long enough for every match: exact again.
	smallCaps(t, 4, 100, 100, 3)
	r, err = s.Search(ctx, SearchFilter{Query: "ferry", Status: StatusDisputed})
	if err != nil || r.Capped || r.Total != 2 {
		t.Errorf("status, full walk: capped %v, total %d, %v; want 2", r.Capped, r.Total, err)
	}

	// Without words: the newest changes first, counted a few pages ahead.
	r, err = s.Search(ctx, SearchFilter{Limit: 2})
	if err != nil || !r.Capped || r.Total != 3 || len(r.Hits) != 2 || r.Hits[0].Claim.ID != old[0] {
		t.Errorf("filter-only: capped %v, total %d, hits %v, %v; want 3+ with the last changed first", r.Capped, r.Total, hitIDs(r), err)
	}
	r, err = s.Search(ctx, SearchFilter{Status: StatusDisputed})
	if err != nil || r.Capped || r.Total != 2 {
		t.Errorf("filter-only, disputed: capped %v, total %d, %v", r.Capped, r.Total, err)
	}
}

// A reviewer who owes a blind opinion finds nothing by its notes in a
// capped search either.
func TestSearchCappedBlind(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	rita, ed, sam := mustUser(t, s, "rita", "reviewer"), mustUser(t, s, "edna", "editor"), mustUser(t, s, "sam", "reviewer")
	_, ids := ferryDoc(t, s, "Island", 6)
	for _, id := range ids {
		if _, err := s.SetStatus(ctx, id, rita.ID, 1, StatusConfirmed, "The timetable agrees."); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RequestSecondOpinion(ctx, ids[5], ed.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	smallCaps(t, 2, 8, 2, 3)
	for _, who := range []User{rita, sam} {
		r, err := s.Search(ctx, SearchFilter{Query: "timetable", BlindFor: who.ID, Limit: 10})
		if err != nil || !r.Capped {
			t.Fatalf("%s: capped %v, %v", who.Username, r.Capped, err)
		}
		for _, h := range r.Hits {
			if who.ID == sam.ID && h.Claim.ID == ids[5] {
				t.Errorf("sam finds the claim he must judge blind by its note")
			}
			if h.Note == nil && who.ID == rita.ID {
				t.Errorf("rita's hit %d has no note", h.Claim.ID)
			}
		}
	}
	// Under the cap: every note but the one sam must not see.
	smallCaps(t, 100, 100, 100, 100)
	for who, want := range map[User]int{rita: 6, sam: 5} {
		r, err := s.Search(ctx, SearchFilter{Query: "timetable", BlindFor: who.ID})
		if err != nil || r.Capped || r.Total != want {
			t.Errorf("%s, uncapped: capped %v, total %d, %v; want %d", who.Username, r.Capped, r.Total, err, want)
		}
	}
}

// Kinds come from an index, one seek per kind.
func TestSearchKinds(t *testing.T) {
	f := newSearchFixture(t)
	got, err := f.s.Kinds(context.Background())
	if err != nil || !slices.Equal(got, []string{"event", "quantity", "quote"}) {
		t.Errorf("kinds = %v, %v", got, err)
	}
}
