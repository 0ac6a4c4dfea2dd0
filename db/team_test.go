package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"factdesk/export"
	"factdesk/extract"
)

// teamFixture is a document with three claims and a small team.
type teamFixture struct {
	s                         *Store
	docID                     int64
	claims                    []Claim
	admin, ed, ann, bob, vera User
}

func newTeam(t *testing.T) *teamFixture {
	t.Helper()
	s := openTest(t)
	ctx := context.Background()
	f := &teamFixture{s: s}
	f.admin = mustUser(t, s, "ada", "admin")
	f.ed = mustUser(t, s, "ed", "editor")
	f.ann = mustUser(t, s, "ann", "reviewer")
	f.bob = mustUser(t, s, "bob", "reviewer")
	f.vera = mustUser(t, s, "vera", "viewer")
	claims := []extract.Claim{
		claimAt(t, testBody, "“Prices rose 3.5% in May,” the minister said — officials disagree."),
		claimAt(t, testBody, "В Москве 10,000 человек вышли на улицы."),
		claimAt(t, testBody, "東京の人口は1400万人です。"),
	}
	claims[0].Score, claims[1].Score, claims[2].Score = 0.9, 0.8, 0.7
	var err error
	if f.docID, _, err = s.createDocument(ctx, NewDocument{Title: "T", Body: testBody}, claims); err != nil {
		t.Fatal(err)
	}
	if f.claims, err = s.DocumentClaims(ctx, f.docID); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *teamFixture) claim(t *testing.T, i int) Claim {
	t.Helper()
	c, err := f.s.Claim(context.Background(), f.claims[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// changes drains what was published so far.
func changes(ch <-chan Change) []Change {
	var out []Change
	for {
		select {
		case c := <-ch:
			out = append(out, c)
		default:
			return out
		}
	}
}

func TestDismissAndRestore(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	ch, stop := s.Subscribe()
	defer stop()
	c := f.claims[0]
	if _, err := s.Dismiss(ctx, c.ID, f.ann.ID, 1, "   "); !errors.Is(err, ErrInvalid) {
		t.Fatalf("dismiss without a reason: %v", err)
	}
	d, err := s.Dismiss(ctx, c.ID, f.ann.ID, 1, " a headline, not a claim ")
	if err != nil || !d.Dismissed || d.DismissReason != "a headline, not a claim" || d.Version != 2 || d.Status != StatusUnverified {
		t.Fatalf("Dismiss = %+v, %v", d, err)
	}
	if got := changes(ch); len(got) != 1 || got[0].Action != "dismiss" || got[0].ClaimID != c.ID || got[0].Version != 2 {
		t.Fatalf("published %+v", got)
	}
	// Out of the queue, out of the progress counts, out of the export; still on the document.
	q, _ := s.Queue(ctx, QueueFilter{})
	if q.Total != 2 || len(q.Claims) != 2 {
		t.Fatalf("queue after dismiss: %d", q.Total)
	}
	docs, _ := s.ListDocuments(ctx, 0, 10)
	if docs[0].Progress.Unverified != 2 {
		t.Fatalf("progress counts the dismissed sentence: %+v", docs[0].Progress)
	}
	all, _ := s.DocumentClaims(ctx, f.docID)
	if len(all) != 3 || !all[0].Dismissed {
		t.Fatal("dismissed claim missing from the document")
	}
	// Reviewing a dismissed sentence is refused; dismissing twice too; a stale version too.
	if _, err := s.SetStatus(ctx, c.ID, f.bob.ID, 2, StatusConfirmed, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("status on a dismissed claim: %v", err)
	}
	if _, err := s.Dismiss(ctx, c.ID, f.bob.ID, 2, "again"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("dismissed twice: %v", err)
	}
	if _, err := s.Restore(ctx, c.ID, f.ed.ID, 1, ""); !errors.Is(err, ErrStale) {
		t.Fatalf("stale restore: %v", err)
	}
	r, err := s.Restore(ctx, c.ID, f.ed.ID, 2, "it is a claim after all")
	if err != nil || r.Dismissed || r.DismissReason != "" || r.Version != 3 {
		t.Fatalf("Restore = %+v, %v", r, err)
	}
	if _, err := s.Restore(ctx, c.ID, f.ed.ID, 3, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("restoring a claim that is not dismissed: %v", err)
	}
	if got := changes(ch); len(got) != 1 || got[0].Action != "restore" {
		t.Fatalf("published %+v", got)
	}
	h, _ := s.History(ctx, c.ID)
	if len(h) != 2 || h[0].Action != "restore" || h[0].Username != "ed" || h[0].Note != "it is a claim after all" ||
		h[1].Action != "dismiss" || h[1].Note != "a headline, not a claim" || h[1].From != StatusUnverified || h[1].To != StatusUnverified {
		t.Fatalf("history = %+v", h)
	}
	// A status change is still recorded as one.
	if _, err := s.SetStatus(ctx, c.ID, f.ann.ID, 3, StatusConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	// The export says which rows dismissed and restored it.
	var recs []export.Record
	if err := s.ExportClaims(ctx, ExportFilter{}, func(r *export.Record) error { recs = append(recs, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || len(recs[0].History) != 3 || recs[0].History[0].Action != "dismiss" ||
		recs[0].History[1].Action != "restore" || recs[0].History[2].Action != "" {
		t.Fatalf("export = %+v", recs)
	}
	h, _ = s.History(ctx, c.ID)
	if h[0].Action != "status" || h[0].To != StatusConfirmed {
		t.Fatalf("newest row = %+v", h[0])
	}
	acts, _, _ := s.Activity(ctx, ActivityFilter{ClaimID: c.ID})
	if len(acts) != 3 || acts[0].Action != "status" || acts[1].Action != "restore" || acts[2].Action != "dismiss" || acts[2].User != "ann" {
		t.Fatalf("activity = %+v", acts)
	}
}

func TestAssignmentAndQueueFilter(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	ch, stop := s.Subscribe()
	defer stop()
	got, err := s.AssignClaims(ctx, f.ed.ID, f.ann.ID, []int64{f.claims[0].ID, f.claims[1].ID})
	if err != nil || len(got) != 2 || got[0].Assignee != "ann" || got[1].AssigneeID != f.ann.ID {
		t.Fatalf("AssignClaims = %+v, %v", got, err)
	}
	if c := f.claim(t, 0); c.AssigneeID != f.ann.ID || c.Assignee != "ann" || c.Version != 1 {
		t.Fatalf("assigned claim = %+v", c)
	}
	if pub := changes(ch); len(pub) != 2 || pub[0].Action != "assign" {
		t.Fatalf("published %+v", pub)
	}
	// Assigning again to the same reviewer changes nothing.
	if got, _ := s.AssignClaims(ctx, f.ed.ID, f.ann.ID, []int64{f.claims[0].ID}); len(got) != 0 {
		t.Fatal("reassignment to the same reviewer counted as a change")
	}
	for _, bad := range []int64{f.vera.ID, 999} {
		if _, err := s.AssignClaims(ctx, f.ed.ID, bad, []int64{f.claims[2].ID}); !errors.Is(err, ErrInvalid) {
			t.Errorf("assign to %d: %v", bad, err)
		}
	}
	if _, err := s.AssignClaims(ctx, f.ed.ID, f.bob.ID, []int64{f.claims[2].ID, 999}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown claim: %v", err)
	}
	if c := f.claim(t, 2); c.AssigneeID != 0 {
		t.Fatal("a failed assignment changed a claim")
	}
	mine, _ := s.Queue(ctx, QueueFilter{AssigneeID: f.ann.ID})
	none, _ := s.Queue(ctx, QueueFilter{Unassigned: true})
	if mine.Total != 2 || len(mine.Claims) != 2 || none.Total != 1 || none.Claims[0].ID != f.claims[2].ID {
		t.Fatalf("mine %d, unassigned %d", mine.Total, none.Total)
	}
	// A whole document: dismissed sentences stay out of it.
	if _, err := s.Dismiss(ctx, f.claims[2].ID, f.ann.ID, 1, "not a claim"); err != nil {
		t.Fatal(err)
	}
	got, err = s.AssignDocument(ctx, f.ed.ID, f.bob.ID, f.docID, false)
	if err != nil || len(got) != 2 || got[0].Assignee != "bob" {
		t.Fatalf("AssignDocument = %+v, %v", got, err)
	}
	if bobs, _ := s.Queue(ctx, QueueFilter{AssigneeID: f.bob.ID}); bobs.Total != 2 {
		t.Fatalf("bob's queue = %d", bobs.Total)
	}
	if c := f.claim(t, 2); c.AssigneeID != 0 {
		t.Fatal("a dismissed sentence was assigned")
	}
	if _, err := s.AssignDocument(ctx, f.ed.ID, f.bob.ID, 999, false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown document: %v", err)
	}
	// Unassign.
	if got, err := s.AssignClaims(ctx, f.ed.ID, 0, []int64{f.claims[0].ID}); err != nil || len(got) != 1 || f.claim(t, 0).AssigneeID != 0 {
		t.Fatalf("unassign: %v", err)
	}
	acts, _, _ := s.Activity(ctx, ActivityFilter{DocumentID: f.docID})
	if len(acts) != 5 || acts[0].Action != "assign" || acts[0].Subject != "" || acts[1].Detail != "2 claims" || acts[1].Subject != "bob" ||
		acts[1].ClaimID != 0 || acts[3].Subject != "ann" {
		t.Fatalf("activity = %+v", acts)
	}
	users, _ := s.Assignable(ctx)
	if len(users) != 4 { // ada, ann, bob, ed: not the viewer
		t.Fatalf("assignable = %+v", users)
	}
	// The menus' list is the same users, in the same order.
	names, err := s.AssignableNames(ctx)
	if err != nil || len(names) != len(users) {
		t.Fatalf("assignable names = %+v, %v", names, err)
	}
	for i, u := range users {
		if names[i] != (UserName{u.ID, u.Username}) {
			t.Fatalf("assignable names = %+v, users %+v", names, users)
		}
	}
}

func TestMentions(t *testing.T) {
	cases := map[string][]string{
		"@rob please check":                {"rob"},
		"thanks @rob.":                     {"rob"},
		"ask ann@example.com":              nil,
		"(@Ann) and @bob-smith, @x.y_z":    {"Ann", "bob-smith", "x.y_z"},
		"@ alone, @@double, trailing @":    nil,
		"Привет @Мария! 東京 @太郎":            {"Мария", "太郎"},
		"@" + strings.Repeat("a", 65) + "": nil,
	}
	for body, want := range cases {
		got := Mentions(body)
		var names []string
		for _, m := range got {
			names = append(names, m.Name)
			if body[m.Start:m.End] != "@"+m.Name {
				t.Errorf("%q: offsets %d..%d give %q", body, m.Start, m.End, body[m.Start:m.End])
			}
		}
		if strings.Join(names, ",") != strings.Join(want, ",") {
			t.Errorf("Mentions(%q) = %v, want %v", body, names, want)
		}
	}
}

func TestCommentsMentionsAndInbox(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	mustUser(t, s, "gone", "reviewer")
	gone, _ := s.UserByName(ctx, "gone")
	s.SetDisabled(ctx, gone.ID, true)
	ch, stop := s.Subscribe()
	defer stop()
	c := f.claims[0]
	if _, err := s.AddComment(ctx, c.ID, f.ann.ID, "  "); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty comment: %v", err)
	}
	if _, err := s.AddComment(ctx, c.ID, f.ann.ID, strings.Repeat("x", 5001)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("long comment: %v", err)
	}
	if _, err := s.AddComment(ctx, 999, f.ann.ID, "hi"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("comment on no claim: %v", err)
	}
	cm, err := s.AddComment(ctx, c.ID, f.ann.ID, "@BOB can you check the 3.5%? cc @ann @nobody @gone @bob")
	if err != nil || !cm.Mentioned["bob"] || !cm.Mentioned["ann"] || cm.Mentioned["nobody"] {
		t.Fatalf("AddComment = %+v, %v", cm, err)
	}
	if pub := changes(ch); len(pub) != 1 || pub[0].Action != "comment" || pub[0].ClaimID != c.ID {
		t.Fatalf("published %+v", pub)
	}
	// bob once (named twice), not the author, not the disabled user.
	for name, want := range map[string]int{"bob": 1, "ann": 0, "gone": 0} {
		u, _ := s.UserByName(ctx, name)
		if n, _ := s.UnreadCount(ctx, u.ID); n != want {
			t.Errorf("%s unread = %d, want %d", name, n, want)
		}
	}
	s.AddComment(ctx, f.claims[1].ID, f.ed.ID, "@bob and this one")
	inbox, next, err := s.Inbox(ctx, f.bob.ID, 0, 1)
	if err != nil || len(inbox) != 1 || next == 0 || inbox[0].Actor != "ed" || inbox[0].ClaimID != f.claims[1].ID || inbox[0].Read {
		t.Fatalf("inbox page 1 = %+v next %d %v", inbox, next, err)
	}
	page2, next2, _ := s.Inbox(ctx, f.bob.ID, next, 1)
	if len(page2) != 1 || next2 != 0 || page2[0].Actor != "ann" || !strings.Contains(page2[0].Comment, "3.5%") || page2[0].Kind != "mention" {
		t.Fatalf("inbox page 2 = %+v", page2)
	}
	// Marking read up to the first page's newest leaves a later one unread.
	s.AddComment(ctx, c.ID, f.ed.ID, "@bob one more")
	if n, err := s.MarkInboxRead(ctx, f.bob.ID, -1); n != 0 || !errors.Is(err, ErrInvalid) {
		t.Fatalf("marking read up to -1: %d, %v", n, err)
	}
	if n, _ := s.MarkInboxRead(ctx, f.bob.ID, inbox[0].ID); n != 2 {
		t.Fatalf("marked %d read", n)
	}
	if n, _ := s.UnreadCount(ctx, f.bob.ID); n != 1 {
		t.Fatalf("unread after mark = %d", n)
	}
	list, _ := s.Comments(ctx, c.ID)
	if len(list) != 2 || list[0].User != "ann" || !list[0].Mentioned["bob"] || list[0].Mentioned["nobody"] || list[1].User != "ed" {
		t.Fatalf("comments = %+v", list)
	}
	if _, err := s.w.Exec("UPDATE comments SET body = 'x'"); err == nil {
		t.Fatal("a comment was edited")
	}
	if acts, _, _ := s.Activity(ctx, ActivityFilter{ClaimID: c.ID}); len(acts) != 2 || acts[1].Action != "comment" ||
		!strings.HasPrefix(acts[1].Detail, "@BOB can you") {
		t.Fatalf("activity = %+v", acts)
	}
}

func TestEvidence(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	c := f.claims[0]
	bad := []NewEvidence{
		{URL: "javascript:alert(1)", Title: "x"},
		{URL: "data:text/html,hi", Title: "x"},
		{URL: "ftp://example.org/a", Title: "x"},
		{URL: "https://", Title: "x"},
		{URL: "/relative", Title: "x"},
		{URL: "https://example.org/a b", Title: "x"},
		{URL: "https://example.org/a", Title: "  "},
		{URL: "", Title: "no link"},
		{URL: "https://example.org/" + strings.Repeat("a", 2000), Title: "x"},
		{URL: "https://example.org/a", Title: "x", Excerpt: strings.Repeat("q", 2001)},
	}
	for _, ev := range bad {
		if _, err := s.AddEvidence(ctx, c.ID, f.ann.ID, ev); !errors.Is(err, ErrInvalid) {
			t.Errorf("evidence %+v: %v", ev, err)
		}
		if _, err := s.SetStatus(ctx, c.ID, f.ann.ID, 1, StatusDisputed, "", ev); !errors.Is(err, ErrInvalid) {
			t.Errorf("status with evidence %+v: %v", ev, err)
		}
	}
	if cur := f.claim(t, 0); cur.Version != 1 {
		t.Fatal("bad evidence changed the claim")
	}
	ch, stop := s.Subscribe()
	defer stop()
	if _, err := s.AddEvidence(ctx, c.ID, f.ann.ID, NewEvidence{URL: " https://stats.example.org/cpi ", Title: "CPI release", Excerpt: "“prices rose 3.4%”"}); err != nil {
		t.Fatal(err)
	}
	if pub := changes(ch); len(pub) != 1 || pub[0].Action != "evidence" {
		t.Fatalf("published %+v", pub)
	}
	if _, err := s.SetStatus(ctx, c.ID, f.ann.ID, 1, StatusDisputed, "3.4, not 3.5",
		NewEvidence{URL: "http://example.org/minutes", Title: "Minutes"}); err != nil {
		t.Fatal(err)
	}
	evs, _ := s.ClaimEvidence(ctx, c.ID)
	h, _ := s.History(ctx, c.ID)
	if len(evs) != 2 || evs[0].HistoryID != 0 || evs[0].URL != "https://stats.example.org/cpi" || evs[0].Excerpt != "“prices rose 3.4%”" ||
		evs[1].HistoryID != h[0].ID || evs[1].User != "ann" {
		t.Fatalf("evidence = %+v (history %d)", evs, h[0].ID)
	}
	if _, err := s.w.Exec("DELETE FROM evidence"); err == nil {
		t.Fatal("evidence deleted")
	}
}

func TestSecondOpinion(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	c := f.claims[0]
	if _, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, f.bob.ID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("second opinion without a first verdict: %v", err)
	}
	if _, err := s.SetStatus(ctx, c.ID, f.ann.ID, 1, StatusDisputed, "the ministry says 3.4%"); err != nil {
		t.Fatal(err)
	}
	for who, id := range map[string]int64{"first reviewer": f.ann.ID, "the editor": f.ed.ID, "a viewer": f.vera.ID, "nobody": 0} {
		if _, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, id); !errors.Is(err, ErrInvalid) {
			t.Errorf("second opinion from %s: %v", who, err)
		}
	}
	ch, stop := s.Subscribe()
	defer stop()
	o, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, f.bob.ID)
	if err != nil || o.FirstUser != "ann" || o.FirstStatus != StatusDisputed || o.SecondUser != "bob" || !o.Open() {
		t.Fatalf("request = %+v, %v", o, err)
	}
	if pub := changes(ch); len(pub) != 1 || pub[0].Action != "opinion" {
		t.Fatalf("published %+v", pub)
	}
	if _, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, f.admin.ID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("two open requests: %v", err)
	}
	if inbox, _, _ := s.Inbox(ctx, f.bob.ID, 0, 10); len(inbox) != 1 || inbox[0].Kind != "opinion" || inbox[0].Actor != "ed" || !inbox[0].Blind {
		t.Fatalf("bob's inbox = %+v", inbox)
	}
	// While bob owes his opinion he cannot set the status, and the feed
	// hides the claim's verdicts from him but not from others.
	if _, err := s.SetStatus(ctx, c.ID, f.bob.ID, 2, StatusConfirmed, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("blind reviewer set the status: %v", err)
	}
	// Nor dismiss it, which would take it out of the queue and the exports.
	if _, err := s.Dismiss(ctx, c.ID, f.bob.ID, 2, "not a claim"); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "give it before dismissing it") {
		t.Fatalf("blind reviewer dismissed the claim: %v", err)
	}
	if got, _ := s.Claim(ctx, c.ID); got.Dismissed || got.Version != 2 {
		t.Fatalf("after a refused dismissal: %+v", got)
	}
	pending, _ := s.PendingOpinions(ctx, f.bob.ID)
	if !pending[c.ID] || len(pending) != 1 {
		t.Fatalf("pending = %v", pending)
	}
	s.AddComment(ctx, c.ID, f.ann.ID, "@bob I disputed it")
	if inbox, _, _ := s.Inbox(ctx, f.bob.ID, 0, 10); inbox[0].Kind != "mention" || inbox[0].Comment != "" || !inbox[0].Blind {
		t.Fatalf("a mention showed the comment to the blind reviewer: %+v", inbox[0])
	}
	forBob, _, _ := s.Activity(ctx, ActivityFilter{ViewerID: f.bob.ID})
	for _, a := range forBob {
		if a.ClaimID == c.ID && (a.Action == "status" || a.Action == "comment") {
			t.Fatalf("the feed showed bob %+v", a)
		}
	}
	if forAnn, _, _ := s.Activity(ctx, ActivityFilter{ViewerID: f.ann.ID}); len(forAnn) != len(forBob)+2 {
		t.Fatalf("feed for ann %d entries, for bob %d", len(forAnn), len(forBob))
	}
	if _, err := s.SubmitSecondOpinion(ctx, c.ID, f.admin.ID, StatusConfirmed, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("someone else answered: %v", err)
	}
	if _, err := s.SubmitSecondOpinion(ctx, c.ID, f.bob.ID, "maybe", ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad verdict: %v", err)
	}
	done, err := s.SubmitSecondOpinion(ctx, c.ID, f.bob.ID, StatusConfirmed, " the release says 3.5% ")
	if err != nil || done.Open() || done.SecondStatus != StatusConfirmed || done.SecondNote != "the release says 3.5%" || done.SecondAt.IsZero() {
		t.Fatalf("answer = %+v, %v", done, err)
	}
	if pub := changes(ch); len(pub) != 2 || pub[1].Action != "opinion" {
		t.Fatalf("published %+v", pub)
	}
	if _, err := s.SubmitSecondOpinion(ctx, c.ID, f.bob.ID, StatusDisputed, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("answered twice: %v", err)
	}
	// Answering dealt with the request: it is read; the mention is not,
	// until bob replies on the claim. A mention elsewhere stays unread.
	if n, _ := s.UnreadCount(ctx, f.bob.ID); n != 1 {
		t.Fatalf("bob's unread after answering = %d, want the mention alone", n)
	}
	s.AddComment(ctx, f.claims[1].ID, f.ann.ID, "@bob and this one?")
	if _, err := s.AddComment(ctx, c.ID, f.bob.ID, "answered"); err != nil {
		t.Fatal(err)
	}
	if inbox, _, _ := s.Inbox(ctx, f.bob.ID, 0, 10); len(inbox) != 3 || inbox[0].Read || !inbox[1].Read || !inbox[2].Read {
		t.Fatalf("bob's inbox after replying = %+v", inbox)
	}
	if _, err := s.w.Exec("UPDATE second_opinions SET second_status = 'disputed'"); err == nil {
		t.Fatal("an answered opinion was edited")
	}
	// The claim keeps the first verdict; the blind is lifted.
	if cur := f.claim(t, 0); cur.Status != StatusDisputed || cur.Version != 2 {
		t.Fatalf("claim after the second opinion = %+v", cur)
	}
	if pending, _ := s.PendingOpinions(ctx, f.bob.ID); len(pending) != 0 {
		t.Fatal("still pending")
	}
	if _, err := s.SetStatus(ctx, c.ID, f.bob.ID, 2, StatusConfirmed, "after discussion"); err != nil {
		t.Fatalf("bob after answering: %v", err)
	}
	pairs, _ := s.OpinionPairs(ctx)
	if len(pairs) != 1 || pairs[0] != (OpinionPair{"ann", "bob", StatusDisputed, StatusConfirmed}) {
		t.Fatalf("pairs = %+v", pairs)
	}
	all, _ := s.SecondOpinions(ctx, c.ID)
	if len(all) != 1 || all[0].RequestedBy != "ed" {
		t.Fatalf("opinions = %+v", all)
	}
	// Nobody who has seen a verdict on the claim can be asked again: ann
	// gave one, and the agreement would count the claim twice.
	if _, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, f.ann.ID); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "ann has seen a verdict") {
		t.Fatalf("asking ann again: %v", err)
	}
	// A new request takes the newest verdict (bob's) as the first opinion.
	o2, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, f.admin.ID)
	if err != nil || o2.FirstUser != "bob" || o2.FirstStatus != StatusConfirmed {
		t.Fatalf("second request = %+v, %v", o2, err)
	}
	// ada owes it: she cannot withdraw it herself (the claim would show
	// her the verdict), though the editor can.
	if _, err := s.WithdrawSecondOpinion(ctx, c.ID, f.admin.ID); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "asked of you") {
		t.Fatalf("withdrawn by the one who owes it: %v", err)
	}
	if _, err := s.WithdrawSecondOpinion(ctx, c.ID, f.ed.ID); err != nil {
		t.Fatal(err)
	}
	// No blind opinion on a published verdict: it is public.
	if _, err := s.Publish(ctx, c.ID, f.ed.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, f.admin.ID); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "unpublish it first") {
		t.Fatalf("asking on a published claim: %v", err)
	}
}

func TestBulk(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	items := []BulkItem{{f.claims[0].ID, 1}, {f.claims[1].ID, 1}, {f.claims[2].ID, 1}, {999, 1}}
	// Someone changes claim 1 after the page was shown.
	if _, err := s.SetStatus(ctx, f.claims[1].ID, f.bob.ID, 1, StatusDisputed, ""); err != nil {
		t.Fatal(err)
	}
	for _, a := range []BulkAction{{Kind: "delete"}, {Kind: BulkStatus, Status: "maybe"}, {Kind: BulkDismiss, Note: " "}} {
		if _, err := s.Bulk(ctx, f.ed.ID, a, items); !errors.Is(err, ErrInvalid) {
			t.Errorf("bulk %+v: %v", a, err)
		}
	}
	if _, err := s.Bulk(ctx, f.ed.ID, BulkAction{Kind: BulkStatus, Status: StatusConfirmed}, nil); !errors.Is(err, ErrInvalid) {
		t.Error("empty selection accepted")
	}
	r, err := s.Bulk(ctx, f.ed.ID, BulkAction{Kind: BulkStatus, Status: StatusConfirmed, Note: "checked together"}, items)
	if err != nil || len(r.Done) != 2 || len(r.Stale) != 1 || r.Stale[0].ID != f.claims[1].ID || r.Stale[0].Status != StatusDisputed ||
		len(r.Skipped) != 1 || r.Skipped[0].ClaimID != 999 {
		t.Fatalf("bulk status = %+v, %v", r, err)
	}
	for _, i := range []int{0, 2} {
		h, _ := s.History(ctx, f.claims[i].ID)
		if len(h) != 1 || h[0].Username != "ed" || h[0].To != StatusConfirmed || h[0].Note != "checked together" {
			t.Errorf("claim %d history = %+v", i, h)
		}
	}
	if c := f.claim(t, 1); c.Status != StatusDisputed {
		t.Fatal("the stale claim was overwritten")
	}
	r, err = s.Bulk(ctx, f.ed.ID, BulkAction{Kind: BulkAssign, AssigneeID: f.ann.ID}, items[:3])
	if err != nil || len(r.Done) != 3 {
		t.Fatalf("bulk assign = %+v, %v", r, err)
	}
	r, err = s.Bulk(ctx, f.ed.ID, BulkAction{Kind: BulkDismiss, Note: "boilerplate"}, []BulkItem{{f.claims[0].ID, 2}, {f.claims[2].ID, 1}})
	if err != nil || len(r.Done) != 1 || len(r.Stale) != 1 || r.Stale[0].ID != f.claims[2].ID {
		t.Fatalf("bulk dismiss = %+v, %v", r, err)
	}
	if h, _ := s.History(ctx, f.claims[0].ID); len(h) != 2 || h[0].Action != "dismiss" {
		t.Fatalf("dismiss history = %+v", h)
	}
}

func TestUserAdmin(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	s.CreateSession(ctx, "ann-1", f.ann.ID, "{}", SessionTimeouts{Idle: time.Hour, Absolute: time.Hour})
	s.CreateSession(ctx, "ann-2", f.ann.ID, "{}", SessionTimeouts{Idle: time.Hour, Absolute: time.Hour})
	s.CreateSession(ctx, "bob-1", f.bob.ID, "{}", SessionTimeouts{Idle: time.Hour, Absolute: time.Hour})
	u, err := s.SetDisabled(ctx, f.ann.ID, true)
	if err != nil || !u.Disabled {
		t.Fatalf("disable = %+v, %v", u, err)
	}
	for _, tok := range []string{"ann-1", "ann-2"} {
		if _, err := s.Session(ctx, tok); !errors.Is(err, ErrNotFound) {
			t.Errorf("session %s survived disabling", tok)
		}
	}
	if _, err := s.Session(ctx, "bob-1"); err != nil {
		t.Fatal("another user's session ended")
	}
	if u, _ := s.SetDisabled(ctx, f.ann.ID, false); u.Disabled {
		t.Fatal("enable")
	}
	if u, err := s.SetPassword(ctx, f.bob.ID, "newhash"); err != nil || u.PasswordHash != "newhash" {
		t.Fatalf("SetPassword: %v", err)
	}
	if _, err := s.Session(ctx, "bob-1"); !errors.Is(err, ErrNotFound) {
		t.Fatal("session survived a password reset")
	}
	if u, err := s.SetRole(ctx, f.ann.ID, "editor"); err != nil || u.Role != "editor" {
		t.Fatalf("SetRole: %+v %v", u, err)
	}
	if _, err := s.SetRole(ctx, f.ann.ID, "root"); !errors.Is(err, ErrInvalid) {
		t.Fatal("unknown role")
	}
	// The only admin can be neither demoted nor disabled; with a second one, they can.
	if _, err := s.SetRole(ctx, f.admin.ID, "editor"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("last admin demoted: %v", err)
	}
	if _, err := s.SetDisabled(ctx, f.admin.ID, true); !errors.Is(err, ErrInvalid) {
		t.Fatalf("last admin disabled: %v", err)
	}
	s.SetRole(ctx, f.ed.ID, "admin")
	if _, err := s.SetDisabled(ctx, f.admin.ID, true); err != nil {
		t.Fatalf("disable one of two admins: %v", err)
	}
	if _, err := s.SetRole(ctx, 999, "viewer"); !errors.Is(err, ErrNotFound) {
		t.Fatal("unknown user")
	}
	list, _ := s.ListUsers(ctx)
	if len(list) != 5 || list[0].Username != "ada" || !list[0].Disabled {
		t.Fatalf("users = %+v", list)
	}
}

func TestActivityKeysetPaging(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	for i := range 7 {
		s.AddComment(ctx, f.claims[i%3].ID, f.ann.ID, "comment "+string(rune('a'+i)))
	}
	var all []ActivityEntry
	before := int64(0)
	for pages := 0; ; pages++ {
		page, next, err := s.Activity(ctx, ActivityFilter{BeforeID: before, Limit: 3})
		if err != nil || pages > 5 {
			t.Fatal(err, pages)
		}
		all = append(all, page...)
		if next == 0 {
			break
		}
		before = next
	}
	if len(all) != 7 || all[0].Detail != "comment g" || all[6].Detail != "comment a" || all[0].DocumentTitle != "T" || all[0].ClaimText == "" {
		t.Fatalf("feed = %+v", all)
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID >= all[i-1].ID {
			t.Fatal("feed not newest first")
		}
	}
}

// The migration brings status changes made before it into the feed.
func TestActivityBackfill(t *testing.T) {
	s := openTest(t)
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM schema_migrations WHERE name = '0004_team.sql'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("0004_team.sql not applied: %v", err)
	}
	body, err := migrations.ReadFile("migrations/0004_team.sql")
	if err != nil || !strings.Contains(string(body), "INSERT INTO activity") {
		t.Fatal("no backfill in the migration")
	}
	ctx := context.Background()
	u := mustUser(t, s, "ann", "reviewer")
	id, _, _ := s.createDocument(ctx, NewDocument{Title: "T", Body: testBody}, []extract.Claim{claimAt(t, testBody, "東京の人口は1400万人です。")})
	cs, _ := s.DocumentClaims(ctx, id)
	// A history row as written before the migration (no action, no activity
	// row), then the backfill statement again.
	err = s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := appendHistory(ctx, tx, historyRecord{ClaimID: cs[0].ID, From: "unverified", To: "confirmed", UserID: u.ID,
			Note: "old note", CreatedAt: "2025-01-01T00:00:00.000Z"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(body), "INSERT INTO activity")
	if _, err := s.w.Exec(string(body)[i:]); err != nil {
		t.Fatal(err)
	}
	acts, _, _ := s.Activity(ctx, ActivityFilter{})
	if len(acts) != 1 || acts[0].Action != "status" || acts[0].To != "confirmed" || acts[0].Detail != "old note" || acts[0].DocumentID != id {
		t.Fatalf("backfilled = %+v", acts)
	}
	h, _ := s.History(ctx, cs[0].ID)
	if h[0].Action != "status" {
		t.Fatalf("an old row reads as %q", h[0].Action)
	}
}

// Dismiss and restore rows extend the history chain, and their action is
// covered by it: changing it behind the app's back breaks verification at
// that row. The UPDATE trigger refuses changing it outright.
func TestDismissRowsAreInTheChain(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	c := f.claims[0]
	if _, err := s.SetStatus(ctx, c.ID, f.ann.ID, 1, StatusDisputed, ""); err != nil {
		t.Fatal(err)
	}
	d, err := s.Dismiss(ctx, c.ID, f.ann.ID, 2, "a headline")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Restore(ctx, c.ID, f.ed.ID, d.Version, ""); err != nil {
		t.Fatal(err)
	}
	rep, err := s.VerifyHistory(ctx)
	if err != nil || rep.Rows != 3 {
		t.Fatalf("verify = %+v, %v", rep, err)
	}
	if n, err := s.VerifyClaimHistory(ctx, c.ID); err != nil || n != 3 {
		t.Fatalf("claim verify = %d, %v", n, err)
	}
	h, _ := s.History(ctx, c.ID)
	dismissRow := h[1].ID
	if _, err := s.w.Exec(`UPDATE status_history SET action = 'status' WHERE id = ?`, dismissRow); err == nil {
		t.Fatal("a history row's action was changed")
	}
	tamper(t, s, fmt.Sprintf(`UPDATE status_history SET action = 'status' WHERE id = %d`, dismissRow))
	if ce := chainErr(t, errOnly(s.VerifyHistory(ctx))); ce.RowID != dismissRow {
		t.Fatalf("tampered action: %v", ce)
	}
}

func TestWithdrawSecondOpinion(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	c := f.claims[0]
	if _, err := s.WithdrawSecondOpinion(ctx, c.ID, f.ed.ID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("withdraw with nothing pending: %v", err)
	}
	s.SetStatus(ctx, c.ID, f.ann.ID, 1, StatusDisputed, "")
	if _, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, f.bob.ID); err != nil {
		t.Fatal(err)
	}
	if in, _, _ := s.Inbox(ctx, f.bob.ID, 0, 10); len(in) != 1 || in[0].Read || in[0].Withdrawn {
		t.Fatalf("bob's inbox before: %+v", in)
	}
	ch, stop := s.Subscribe()
	defer stop()
	o, err := s.WithdrawSecondOpinion(ctx, c.ID, f.ed.ID)
	if err != nil || o.Open() || o.CancelledBy != "ed" || o.SecondStatus != "" || o.SecondAt.IsZero() {
		t.Fatalf("withdrawn = %+v, %v", o, err)
	}
	// The request no longer waits in bob's inbox, and says why.
	if in, _, _ := s.Inbox(ctx, f.bob.ID, 0, 10); len(in) != 1 || !in[0].Read || !in[0].Withdrawn || in[0].Blind {
		t.Fatalf("bob's inbox after: %+v", in)
	}
	if pub := changes(ch); len(pub) != 1 || pub[0].Action != "opinion" {
		t.Fatalf("published %+v", pub)
	}
	// bob is no longer blind, can review, and cannot answer; the request counts for no agreement.
	if pending, _ := s.PendingOpinions(ctx, f.bob.ID); len(pending) != 0 {
		t.Fatal("still pending after withdrawal")
	}
	if _, err := s.SubmitSecondOpinion(ctx, c.ID, f.bob.ID, StatusConfirmed, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("answered a withdrawn request: %v", err)
	}
	if pairs, _ := s.OpinionPairs(ctx); len(pairs) != 0 {
		t.Fatalf("a withdrawn request counts for agreement: %+v", pairs)
	}
	if _, err := s.w.Exec(`UPDATE second_opinions SET second_at = NULL, cancelled_by = NULL`); err == nil {
		t.Fatal("a withdrawn request was reopened")
	}
	// Someone else can be asked now.
	if _, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, f.admin.ID); err != nil {
		t.Fatalf("new request after withdrawal: %v", err)
	}
	if acts, _, _ := s.Activity(ctx, ActivityFilter{ClaimID: c.ID}); acts[1].Action != "opinion_withdraw" || acts[1].Subject != "bob" {
		t.Fatalf("activity = %+v", acts)
	}
}

// ClaimInText says which records a claim has, each kind on its own, so
// that its page reads those and no others.
func TestClaimInTextSaysWhichRecordsAClaimHas(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	has := func(i int) ClaimRecords {
		t.Helper()
		_, _, r, err := s.ClaimInText(ctx, f.claims[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for i := range f.claims {
		if r := has(i); r != (ClaimRecords{}) {
			t.Fatalf("claim %d of a new document has %+v", i, r)
		}
	}
	if _, err := s.AddComment(ctx, f.claims[0].ID, f.ann.ID, "see the budget"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddEvidence(ctx, f.claims[1].ID, f.ann.ID, NewEvidence{URL: "https://example.org/budget", Title: "Budget"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStatus(ctx, f.claims[2].ID, f.ann.ID, 1, StatusConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	// Asked and answered before publishing: no blind opinion on a public
	// verdict, nor a public verdict while one is blind.
	if _, err := s.RequestSecondOpinion(ctx, f.claims[2].ID, f.ed.ID, f.bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitSecondOpinion(ctx, f.claims[2].ID, f.bob.ID, StatusConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(ctx, f.claims[2].ID, f.ed.ID, 0); err != nil {
		t.Fatal(err)
	}
	for i, want := range []ClaimRecords{{Comments: true}, {Evidence: true}, {Opinions: true, Published: true}} {
		if r := has(i); r != want {
			t.Errorf("claim %d has %+v, want %+v", i, r, want)
		}
	}
	if _, _, _, err := s.ClaimInText(ctx, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown claim: %v", err)
	}
}

// A new verdict while a second opinion is pending withdraws the request:
// answered, it would be compared with a verdict no longer held, and the
// agreement figures would count a disagreement between two reviewers who
// now say the same.
func TestNewVerdictWithdrawsAPendingOpinion(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	c := f.claims[0]
	if _, err := s.SetStatus(ctx, c.ID, f.ann.ID, 1, StatusDisputed, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, f.bob.ID); err != nil {
		t.Fatal(err)
	}
	// A note alone keeps the verdict, and the request.
	if _, err := s.SetStatus(ctx, c.ID, f.ann.ID, 2, StatusDisputed, "one more source"); err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.PendingOpinions(ctx, f.bob.ID); !pending[c.ID] {
		t.Fatal("a note withdrew the request")
	}
	if _, err := s.SetStatus(ctx, c.ID, f.ann.ID, 3, StatusConfirmed, "the minutes say so"); err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.PendingOpinions(ctx, f.bob.ID); pending[c.ID] {
		t.Fatal("still pending after a new verdict")
	}
	all, _ := s.SecondOpinions(ctx, c.ID)
	if len(all) != 1 || all[0].Open() || all[0].CancelledBy != "ann" || all[0].SecondStatus != "" {
		t.Fatalf("opinions = %+v", all)
	}
	if _, err := s.SubmitSecondOpinion(ctx, c.ID, f.bob.ID, StatusConfirmed, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("answered a withdrawn request: %v", err)
	}
	if pairs, _ := s.OpinionPairs(ctx); len(pairs) != 0 {
		t.Fatalf("pairs = %+v", pairs)
	}
	// Asked again, on the verdict held now.
	o, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, f.bob.ID)
	if err != nil || o.FirstStatus != StatusConfirmed {
		t.Fatalf("asked again: %+v %v", o, err)
	}
	feed, _, _ := s.Activity(ctx, ActivityFilter{})
	found := false
	for _, a := range feed {
		found = found || (a.Action == ActOpinionWithdraw && a.ClaimID == c.ID && a.User == "ann" && a.Subject == "bob")
	}
	if !found {
		t.Errorf("the feed does not say the request was withdrawn: %+v", feed)
	}
}

// While a second opinion is pending, nothing tells the reviewer asked the
// verdict: not a stale refusal, not a publication, not an earlier opinion in
// the feed; and a dismissal withdraws the request.
func TestPendingOpinionKeepsTheVerdictHidden(t *testing.T) {
	f := newTeam(t)
	s, ctx := f.s, context.Background()
	cy := mustUser(t, s, "cy", "reviewer")
	c := f.claims[0]
	if _, err := s.SetStatus(ctx, c.ID, f.ann.ID, 1, StatusDisputed, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, f.bob.ID); err != nil {
		t.Fatal(err)
	}
	// A verdict posted on the version before is refused as blind, not stale.
	_, err := s.SetStatus(ctx, c.ID, f.bob.ID, 1, StatusConfirmed, "")
	var stale *StaleError
	if errors.As(err, &stale) || !errors.Is(err, ErrInvalid) || strings.Contains(err.Error(), StatusDisputed) {
		t.Fatalf("stale verdict from the reviewer asked: %v", err)
	}
	if _, err := s.Publish(ctx, c.ID, f.ed.ID, 2); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "second opinion is pending") {
		t.Fatalf("published while an opinion is pending: %v", err)
	}
	if _, err := s.SubmitSecondOpinion(ctx, c.ID, f.bob.ID, StatusDisputed, "OPINION-NOTE"); err != nil {
		t.Fatal(err)
	}
	// The next reviewer asked does not see bob's opinion in the feed.
	if _, err := s.RequestSecondOpinion(ctx, c.ID, f.ed.ID, cy.ID); err != nil {
		t.Fatal(err)
	}
	feed, _, err := s.Activity(ctx, ActivityFilter{ViewerID: cy.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range feed {
		if a.ClaimID == c.ID && (a.Action == ActOpinion || a.Action == ActStatus || strings.Contains(a.Detail, "OPINION-NOTE")) {
			t.Errorf("the reviewer asked sees %s: %+v", a.Action, a)
		}
	}
	// Dismissed, the claim has no verdict to give an opinion on.
	if _, err := s.Dismiss(ctx, c.ID, f.ann.ID, 2, "a headline"); err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.PendingOpinions(ctx, cy.ID); pending[c.ID] {
		t.Fatal("still pending after a dismissal")
	}
	if in, _, _ := s.Inbox(ctx, cy.ID, 0, 10); len(in) != 1 || !in[0].Read || !in[0].Withdrawn {
		t.Fatalf("cy's inbox after the dismissal: %+v", in)
	}
	if _, err := s.SubmitSecondOpinion(ctx, c.ID, cy.ID, StatusConfirmed, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("answered on a dismissed claim: %v", err)
	}
	if pairs, _ := s.OpinionPairs(ctx); len(pairs) != 1 {
		t.Fatalf("pairs = %+v, want bob's alone", pairs)
	}
	if _, err := s.Publish(ctx, f.claims[1].ID, f.ed.ID, 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("published an unreviewed claim: %v", err)
	}
}
