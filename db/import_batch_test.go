package db

import (
	"context"
	"fmt"
	"testing"

	"factdesk/extract"
)

func batchBody(i int) string {
	return fmt.Sprintf("Harbour %d report.\n\nThe port authority said %d ships docked in 2024, up 12%% on the year before.\n\n"+
		"Officials said the new crane cost $%d million, the mayor told reporters on Monday.", i, 100+i, 20+i)
}

// A batch stores what one import per document stores: the same ids in the
// same order, the same claims, the same progress counts and a full-text
// index that finds every claim.
func TestImportBatchMatchesOneByOne(t *testing.T) {
	ctx := context.Background()
	one, batch := openTest(t), openTest(t)
	var xs []Extracted
	for i := range 7 {
		x, err := ExtractDocument(NewDocument{Title: fmt.Sprintf(" Harbour %d ", i), URL: "https://example.org/h", Body: batchBody(i)})
		if err != nil {
			t.Fatal(err)
		}
		if len(x.claims) < 2 {
			t.Fatalf("document %d: %d claims; the test needs several", i, len(x.claims))
		}
		xs = append(xs, x)
	}
	res := batch.ImportBatch(ctx, xs)
	for i, x := range xs {
		id, n, existed, err := one.ImportExtracted(ctx, x)
		r := res[i]
		if err != nil || r.Err != nil || existed || r.Existed || r.ID != id || r.Claims != n || n != len(x.claims) {
			t.Fatalf("document %d: one by one %d %d %v %v, batch %+v", i, id, n, existed, err, r)
		}
		a, err := one.DocumentClaims(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := batch.DocumentClaims(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != len(b) {
			t.Fatalf("document %d: %d claims one by one, %d in a batch", i, len(a), len(b))
		}
		for k := range a {
			if a[k].ID != b[k].ID || a[k].Text != b[k].Text || a[k].Start != b[k].Start || a[k].DocumentTitle != b[k].DocumentTitle {
				t.Fatalf("document %d claim %d: %+v vs %+v", i, k, a[k], b[k])
			}
		}
	}
	for _, s := range []*Store{one, batch} {
		docs, err := s.ListDocuments(ctx, 0, 50)
		if err != nil || len(docs) != len(xs) {
			t.Fatalf("documents: %d %v", len(docs), err)
		}
		for _, d := range docs {
			if want := len(xs[d.ID-1].claims); d.Progress.Unverified != want {
				t.Fatalf("document %d progress %+v, want %d unverified", d.ID, d.Progress, want)
			}
		}
		got, err := s.Search(ctx, SearchFilter{Query: "crane"})
		if err != nil || got.Total != len(xs) {
			t.Fatalf("search crane: %d hits, %v", got.Total, err)
		}
		got, err = s.Search(ctx, SearchFilter{Query: "Harbour"})
		if err != nil || got.Total == 0 {
			t.Fatalf("search by title: %d hits, %v", got.Total, err)
		}
	}
}

// A document that cannot be stored leaves the rest of its batch stored in
// full, and leaves nothing of its own behind; text that comes twice in a
// batch, or is there already, is the existing document.
func TestImportBatchFailedDocumentKeepsTheOthers(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	before, err := ExtractDocument(NewDocument{Title: "Before", Body: batchBody(99)})
	if err != nil {
		t.Fatal(err)
	}
	first := s.ImportBatch(ctx, []Extracted{before})[0]
	if first.Err != nil {
		t.Fatal(first.Err)
	}
	var xs []Extracted
	for i := range 3 {
		x, err := ExtractDocument(NewDocument{Title: fmt.Sprintf("Good %d", i), Body: batchBody(i)})
		if err != nil {
			t.Fatal(err)
		}
		xs = append(xs, x)
	}
	badBody := batchBody(50)
	// A claim whose offsets do not match its text: the store refuses the
	// document, and with it the batch's transaction.
	bad := Extracted{doc: NewDocument{Title: "Bad", Body: badBody},
		claims: append(extract.Extract(badBody), extract.Claim{Start: 3, End: 9, Text: "nothing like it"})}
	again, err := ExtractDocument(NewDocument{Title: "Good 0 again", Body: batchBody(0)})
	if err != nil {
		t.Fatal(err)
	}
	empty := Extracted{doc: NewDocument{Title: "Empty"}}
	batch := []Extracted{xs[0], xs[1], bad, before, again, empty, xs[2]}
	res := s.ImportBatch(ctx, batch)

	if res[2].Err == nil || res[5].Err == nil {
		t.Fatalf("bad documents stored: %+v, %+v", res[2], res[5])
	}
	if !res[3].Existed || res[3].ID != first.ID || !res[4].Existed || res[4].ID != res[0].ID {
		t.Fatalf("same text: %+v %+v (want ids %d, %d)", res[3], res[4], first.ID, res[0].ID)
	}
	seen := map[int64]bool{first.ID: true}
	for _, k := range []int{0, 1, 6} {
		r := res[k]
		if r.Err != nil || r.Existed || seen[r.ID] || r.Claims != len(batch[k].claims) {
			t.Fatalf("document %d: %+v", k, r)
		}
		seen[r.ID] = true
		cs, err := s.DocumentClaims(ctx, r.ID)
		if err != nil || len(cs) != r.Claims {
			t.Fatalf("document %d: %d claims stored, %d reported, %v", k, len(cs), r.Claims, err)
		}
	}
	var docs, claims, counted, indexed int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM documents`).Scan(&docs); err != nil {
		t.Fatal(err)
	}
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM claims`).Scan(&claims); err != nil {
		t.Fatal(err)
	}
	if err := s.r.QueryRowContext(ctx, `SELECT sum(n) FROM claim_counts`).Scan(&counted); err != nil {
		t.Fatal(err)
	}
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'crane'`).Scan(&indexed); err != nil {
		t.Fatal(err)
	}
	want := len(before.claims) + len(xs[0].claims) + len(xs[1].claims) + len(xs[2].claims)
	if docs != 4 || claims != want || counted != want || indexed != 4 {
		t.Fatalf("stored %d documents, %d claims, %d counted, %d indexed; want 4, %d, %d, 4", docs, claims, counted, indexed, want, want)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE sha256 = ?`, BodySHA256(badBody)).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the refused document is stored (%d, %v)", n, err)
	}
}

// More documents than one INSERT can carry (9 variables each, SQLite takes
// 32,766) are stored all the same.
func TestImportBatchLargerThanOneTransaction(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var xs []Extracted
	for i := range 32766/9 + 10 {
		xs = append(xs, Extracted{doc: NewDocument{Title: fmt.Sprint(i), Body: fmt.Sprintf("Document %d.", i)}})
	}
	res := s.ImportBatch(ctx, xs)
	if len(res) != len(xs) {
		t.Fatalf("%d results for %d documents", len(res), len(xs))
	}
	for i, r := range res {
		if r.Err != nil || r.Existed || r.ID != int64(i+1) {
			t.Fatalf("document %d: %+v", i, r)
		}
	}
}
