package db

import (
	"context"
	"errors"
	"testing"
	"time"

	"factdesk/extract"
)

const reextractBody = "The port handled 4.1 million containers in 2023, the authority said.\n\n" +
	"Dock workers voted on Monday to strike for 48 hours.\n\n" +
	"“Wages have fallen 6% since 2020,” the union’s leader, Ana Ruiz, said.\n\n" +
	"The strike would cost the port 12 million euros a day, according to Norbank.\n\n" +
	"A new law requires ships to plug into shore power from 2026."

func TestReextract(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	rita := mustUser(t, s, "rita", "reviewer")
	body := reextractBody
	a := claimAt(t, body, "The port handled 4.1 million containers in 2023, the authority said.")
	b := claimAt(t, body, "Dock workers voted on Monday to strike for 48 hours.")
	c := claimAt(t, body, "“Wages have fallen 6% since 2020,” the union’s leader, Ana Ruiz, said.")
	d := claimAt(t, body, "The strike would cost the port 12 million euros a day")
	e := claimAt(t, body, "A new law requires ships to plug into shore power from 2026.")
	a.Kind, b.Kind, c.Kind, d.Kind, e.Kind = "quantity", "event", "quote", "quantity", "law"
	docID, _, err := s.createDocument(ctx, NewDocument{Title: "Port strike", Body: body}, []extract.Claim{a, b, c, d, e})
	if err != nil {
		t.Fatal(err)
	}
	before := claimsByText(t, s, docID)
	// d has been reviewed (confirmed); e was reviewed and set back to
	// unverified, so it has history but its status is the default.
	if _, err := s.SetStatus(ctx, before[d.Text].ID, rita.ID, 1, StatusConfirmed, "checked with Norbank"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStatus(ctx, before[e.Text].ID, rita.ID, 1, StatusUnverified, "needs the statute number"); err != nil {
		t.Fatal(err)
	}
	before = claimsByText(t, s, docID)

	// The new extractor: a again as it was; b with another kind; c no
	// longer; the whole of d's sentence (overlapping the reviewed d); e with
	// another score; and a new claim f.
	b2 := b
	b2.Kind = "prediction"
	dWhole := claimAt(t, body, "The strike would cost the port 12 million euros a day, according to Norbank.")
	e2 := e
	e2.Score = 0.9
	f := claimAt(t, body, "Wages have fallen 6% since 2020")
	f.Kind = "quantity"
	find := func(text string) []extract.Claim {
		if text != body {
			t.Fatalf("extractor called with another text")
		}
		return []extract.Claim{a, b2, f, dWhole, e2}
	}
	sub, stop := s.Subscribe()
	defer stop()
	res, err := s.reextract(ctx, docID, find)
	if err != nil {
		t.Fatal(err)
	}
	want := ReextractResult{DocumentID: docID, Title: "Port strike", Added: 1, Removed: 1, Updated: 1, Unchanged: 1, Reviewed: 2, Skipped: 1}
	if res != want {
		t.Fatalf("result %+v, want %+v", res, want)
	}
	after := claimsByText(t, s, docID)
	if len(after) != 5 {
		t.Fatalf("%d claims after, want 5: %v", len(after), after)
	}
	if _, ok := after[c.Text]; ok {
		t.Errorf("unreviewed claim no longer found was kept")
	}
	if _, ok := after[dWhole.Text]; ok {
		t.Errorf("a claim overlapping a reviewed claim was added")
	}
	if got := after[f.Text]; got.Kind != "quantity" || got.Status != StatusUnverified || got.Version != 1 {
		t.Errorf("new claim: %+v", got)
	}
	if got := after[b.Text]; got.Kind != "prediction" || got.ID != before[b.Text].ID || got.Version != before[b.Text].Version+1 {
		t.Errorf("updated claim: %+v (before %+v)", got, before[b.Text])
	}
	if after[a.Text] != before[a.Text] {
		t.Errorf("unchanged claim changed: %+v -> %+v", before[a.Text], after[a.Text])
	}
	for _, txt := range []string{d.Text, e.Text} {
		if after[txt] != before[txt] {
			t.Errorf("reviewed claim changed: %+v -> %+v", before[txt], after[txt])
		}
	}
	for _, txt := range []string{d.Text, e.Text} {
		h, err := s.History(ctx, before[txt].ID)
		if err != nil || len(h) != 1 {
			t.Errorf("history of %q: %d rows, %v", txt, len(h), err)
		}
	}
	// Subscribers hear of every change, after the commit.
	got := map[string]int{}
	for len(got) < 3 {
		select {
		case ch := <-sub:
			got[ch.Action]++
			if ch.DocumentID != docID {
				t.Errorf("change for document %d", ch.DocumentID)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("changes published: %v", got)
		}
	}
	if got["create"] != 1 || got["delete"] != 1 || got["reextract"] != 1 {
		t.Errorf("changes published: %v", got)
	}
	// Claims added, removed and given another kind are counted by kind.
	checkKindCounts(t, s)

	// Running it again changes nothing.
	res, err = s.reextract(ctx, docID, find)
	if err != nil {
		t.Fatal(err)
	}
	want = ReextractResult{DocumentID: docID, Title: "Port strike", Unchanged: 3, Reviewed: 2, Skipped: 1}
	if res != want {
		t.Fatalf("second run %+v, want %+v", res, want)
	}

	if _, err := s.Reextract(ctx, docID+100); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown document: %v", err)
	}
}

// A claim whose offsets do not match the text is a bug upstream: nothing of
// the document's re-extraction is written.
func TestReextractRefusesBadOffsets(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a := claimAt(t, reextractBody, "Dock workers voted on Monday to strike for 48 hours.")
	docID, _, err := s.createDocument(ctx, NewDocument{Title: "Port", Body: reextractBody}, []extract.Claim{a})
	if err != nil {
		t.Fatal(err)
	}
	bad := a
	bad.Start++
	good := claimAt(t, reextractBody, "A new law requires ships to plug into shore power from 2026.")
	if _, err := s.reextract(ctx, docID, func(string) []extract.Claim { return []extract.Claim{good, bad} }); err == nil {
		t.Fatal("bad offsets accepted")
	}
	after := claimsByText(t, s, docID)
	if len(after) != 1 || after[a.Text].Version != 1 {
		t.Fatalf("claims after a failed re-extraction: %v", after)
	}
}

// With the real extractor, re-extracting what was just imported changes
// nothing, and every stored claim is one the extractor finds.
func TestReextractWithExtractor(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	id, n, _, err := s.ImportDocument(ctx, NewDocument{Title: "Port", Body: reextractBody})
	if err != nil || n == 0 {
		t.Fatalf("import: %d claims, %v", n, err)
	}
	ids, err := s.DocumentIDs(ctx)
	if err != nil || len(ids) != 1 || ids[0] != id {
		t.Fatalf("DocumentIDs = %v, %v", ids, err)
	}
	res, err := s.Reextract(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 0 || res.Removed != 0 || res.Updated != 0 || res.Unchanged != n {
		t.Fatalf("re-extracting a fresh import: %+v (%d claims)", res, n)
	}
}

func claimsByText(t *testing.T, s *Store, docID int64) map[string]Claim {
	t.Helper()
	cs, err := s.DocumentClaims(context.Background(), docID)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]Claim{}
	for _, c := range cs {
		m[c.Text] = c
	}
	return m
}

// Any kind of work on a claim keeps it, not only a status change; and a
// claim placed by another tool is never replaced by the extractor's view.
func TestReextractKeepsWorkAndOtherTools(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	rita := mustUser(t, s, "rita", "editor")
	body := reextractBody
	commented := claimAt(t, body, "The port handled 4.1 million containers in 2023, the authority said.")
	assigned := claimAt(t, body, "Dock workers voted on Monday to strike for 48 hours.")
	plain := claimAt(t, body, "A new law requires ships to plug into shore power from 2026.")
	docID, _, err := s.createDocument(ctx, NewDocument{Title: "Port", Body: body}, []extract.Claim{commented, assigned, plain})
	if err != nil {
		t.Fatal(err)
	}
	// Another tool places a claim over part of a sentence.
	tool := claimAt(t, body, "12 million euros a day")
	tool.Kind = "quantity"
	if _, err := s.AddClaims(ctx, docID, rita.ID, []extract.Claim{tool}); err != nil {
		t.Fatal(err)
	}
	before := claimsByText(t, s, docID)
	if _, err := s.AddComment(ctx, before[commented.Text].ID, rita.ID, "Which authority?"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AssignClaims(ctx, rita.ID, rita.ID, []int64{before[assigned.Text].ID}); err != nil {
		t.Fatal(err)
	}
	before = claimsByText(t, s, docID)

	// The extractor now finds none of the first three, and the whole
	// sentence around the tool's claim.
	whole := claimAt(t, body, "The strike would cost the port 12 million euros a day, according to Norbank.")
	res, err := s.reextract(ctx, docID, func(string) []extract.Claim { return []extract.Claim{whole} })
	if err != nil {
		t.Fatal(err)
	}
	want := ReextractResult{DocumentID: docID, Title: "Port", Removed: 1, Reviewed: 2, Others: 1, Skipped: 1}
	if res != want {
		t.Fatalf("result %+v, want %+v", res, want)
	}
	after := claimsByText(t, s, docID)
	for _, txt := range []string{commented.Text, assigned.Text, tool.Text} {
		if after[txt] != before[txt] {
			t.Errorf("claim %q changed: %+v -> %+v", txt, before[txt], after[txt])
		}
	}
	if _, ok := after[plain.Text]; ok || len(after) != 3 {
		t.Errorf("claims after: %v", after)
	}
}

// A document imported without extraction keeps exactly the claims it was
// given.
func TestReextractLeavesBareDocuments(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	id, _, err := s.ImportBareDocument(ctx, NewDocument{Title: "Bare", Body: reextractBody})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Reextract(ctx, id)
	if err != nil || !res.NoExtract || res.Added != 0 {
		t.Fatalf("bare document: %+v %v", res, err)
	}
	if cs := claimsByText(t, s, id); len(cs) != 0 {
		t.Fatalf("claims added to a bare document: %v", cs)
	}
}
