package db

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"factdesk/extract"
)

// feed returns the actions of a document's activity feed as user:action
// pairs, newest first, as viewer sees them.
func feed(t *testing.T, s *Store, docID, viewer int64) []string {
	t.Helper()
	entries, _, err := s.Activity(context.Background(), ActivityFilter{DocumentID: docID, ViewerID: viewer, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, fmt.Sprintf("%s:%s:%d:%s", e.User, e.Action, e.ClaimID, e.Detail))
	}
	return out
}

// Publishing and unpublishing are in the activity feed, hidden like a
// verdict from a reviewer who owes a second opinion on the claim.
func TestPublishingIsInTheActivityFeed(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	c := f.claims[0]
	if _, err := s.SetStatus(ctx, c.ID, f.ann.ID, 1, StatusDisputed, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(ctx, c.ID, f.ed.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(ctx, c.ID, f.ed.ID, 0); err != nil { // already published: no second row
		t.Fatal(err)
	}
	if _, err := s.Unpublish(ctx, c.ID, f.ed.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unpublish(ctx, c.ID, f.ed.ID); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint([]string{
		fmt.Sprintf("ed:unpublish:%d:", c.ID), fmt.Sprintf("ed:publish:%d:", c.ID), fmt.Sprintf("ann:status:%d:", c.ID),
	})
	if got := fmt.Sprint(feed(t, s, f.docID, 0)); got != want {
		t.Fatalf("feed = %s, want %s", got, want)
	}
	if _, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, f.bob.ID); err != nil {
		t.Fatal(err)
	}
	want = fmt.Sprint([]string{fmt.Sprintf("ed:opinion_request:%d:", c.ID)})
	if got := fmt.Sprint(feed(t, s, f.docID, f.bob.ID)); got != want {
		t.Fatalf("blind feed = %s, want %s", got, want)
	}
}

// Claims added by other tools make one feed row per batch that added any,
// naming who added them and how many.
func TestAddedClaimsAreInTheActivityFeed(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "tool", "reviewer")
	docID, _, err := s.ImportBareDocument(ctx, NewDocument{Title: "Bare", Body: testBody})
	if err != nil {
		t.Fatal(err)
	}
	ru := claimAt(t, testBody, "В Москве 10,000 человек вышли на улицы.")
	jp := claimAt(t, testBody, "東京の人口は1400万人です。")
	if _, err := s.AddClaims(ctx, docID, 0, []extract.Claim{ru}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("nobody adding claims: %v", err)
	}
	if _, err := s.AddClaims(ctx, docID, u.ID, []extract.Claim{ru, jp}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddClaims(ctx, docID, u.ID, []extract.Claim{jp}); err != nil { // there already
		t.Fatal(err)
	}
	got := fmt.Sprint(feed(t, s, docID, 0))
	if want := fmt.Sprint([]string{"tool:import_claims:0:2 claims"}); got != want {
		t.Fatalf("feed = %s, want %s", got, want)
	}
}

// Exports leave out, for a reviewer who owes a second opinion, the claims
// it is about; for everyone else, and for them once they answer, nothing
// changes.
func TestExportBlindForPendingSecondOpinion(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	for _, c := range f.claims {
		if _, err := s.SetStatus(ctx, c.ID, f.ann.ID, 1, StatusConfirmed, ""); err != nil {
			t.Fatal(err)
		}
	}
	target := f.claims[1].ID
	if _, err := s.RequestSecondOpinion(ctx, target, f.ed.ID, f.bob.ID); err != nil {
		t.Fatal(err)
	}
	all := fmt.Sprint([]int64{f.claims[0].ID, f.claims[1].ID, f.claims[2].ID})
	others := fmt.Sprint([]int64{f.claims[0].ID, f.claims[2].ID})
	for _, tc := range []struct {
		blindFor int64
		want     string
	}{{0, all}, {f.ann.ID, all}, {f.bob.ID, others}} {
		ids, err := exportIDs(t, s, ExportFilter{BlindFor: tc.blindFor})
		if err != nil || fmt.Sprint(ids) != tc.want {
			t.Errorf("export blind for %d: %v %v, want %s", tc.blindFor, ids, err, tc.want)
		}
		listed, _, err := s.ListClaims(ctx, ClaimFilter{BlindFor: tc.blindFor, Statuses: []string{StatusConfirmed}}, 0, 10)
		var lids []int64
		for _, c := range listed {
			lids = append(lids, c.ID)
		}
		if err != nil || fmt.Sprint(lids) != tc.want {
			t.Errorf("list blind for %d: %v %v, want %s", tc.blindFor, lids, err, tc.want)
		}
	}
	if _, err := s.SubmitSecondOpinion(ctx, target, f.bob.ID, StatusDisputed, ""); err != nil {
		t.Fatal(err)
	}
	if ids, err := exportIDs(t, s, ExportFilter{BlindFor: f.bob.ID}); err != nil || fmt.Sprint(ids) != all {
		t.Fatalf("after answering: %v %v", ids, err)
	}
}
