package db

import (
	"context"
	"testing"
)

func TestClaimVersions(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	bills := f.byText["Water bills will rise 3.5% from July, officials said."]
	reservoir := f.byText["The reservoir held 38% of its capacity in February."]
	if _, err := f.s.SetStatus(ctx, bills, f.rita.ID, 1, StatusConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	got, err := f.s.ClaimVersions(ctx, []int64{bills, reservoir, 99999})
	if err != nil || len(got) != 2 || got[bills] != 2 || got[reservoir] != 1 {
		t.Errorf("versions = %v, %v; want bills 2, reservoir 1, nothing for a missing claim", got, err)
	}
	if got, err := f.s.ClaimVersions(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("no ids: %v, %v", got, err)
	}
}

func TestQueueNeighbours(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	s := f.s
	// Give the claims distinct scores: the queue order is score descending.
	order := []string{
		"The council voted 31 to 4 to spend $2.5 billion on the port.",
		"Water bills will rise 3.5% from July, officials said.",
		"The reservoir held 38% of its capacity in February.",
		"В Москве 10,000 человек вышли на улицы.",
		"Critics say <b>the discount</b> & the rebate lag inflation.",
	}
	for i, text := range order {
		if _, err := s.w.Exec(`UPDATE claims SET score = ? WHERE id = ?`, 0.9-float64(i)/10, f.byText[text]); err != nil {
			t.Fatal(err)
		}
	}
	id := func(i int) int64 {
		if i < 0 || i >= len(order) {
			return 0
		}
		return f.byText[order[i]]
	}
	for i := range order {
		c, err := s.Claim(ctx, id(i))
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.QueueNeighbours(ctx, c, QueueFilter{})
		if err != nil || n.Prev != id(i-1) || n.Next != id(i+1) {
			t.Errorf("claim %d: %+v, %v; want prev %d next %d", i, n, err, id(i-1), id(i+1))
		}
	}
	// Within a document, and within a status, even when the claim itself
	// has left that status.
	c, _ := s.Claim(ctx, id(1))
	if n, _ := s.QueueNeighbours(ctx, c, QueueFilter{DocumentID: f.doc1}); n.Prev != 0 || n.Next != id(2) {
		t.Errorf("in document 1: %+v", n)
	}
	if _, err := s.SetStatus(ctx, id(2), f.rita.ID, 1, StatusConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.QueueNeighbours(ctx, c, QueueFilter{Status: StatusUnverified}); n.Prev != id(0) || n.Next != id(3) {
		t.Errorf("unverified around claim 1: %+v, want %d and %d", n, id(0), id(3))
	}
	c2, _ := s.Claim(ctx, id(2))
	if n, _ := s.QueueNeighbours(ctx, c2, QueueFilter{Status: StatusUnverified}); n.Prev != id(1) || n.Next != id(3) {
		t.Errorf("unverified around the claim just confirmed: %+v", n)
	}
}

// A subscriber that falls behind loses changes, not silently: the last
// thing it reads is a marker telling it to re-read what it follows.
func TestSlowSubscriberIsToldToResync(t *testing.T) {
	s := openTest(t)
	ch, stop := s.Subscribe()
	defer stop()
	for i := int64(1); i <= 100; i++ {
		s.publish(Change{ClaimID: i, Version: 2, Action: "status"})
	}
	var got []Change
	for len(ch) > 0 {
		got = append(got, <-ch)
	}
	if len(got) == 0 || len(got) > 64 || got[len(got)-1].Action != ActionResync {
		t.Fatalf("read %d changes, last %+v; want at most 64 ending with a resync marker", len(got), got[len(got)-1])
	}
	if got[0].ClaimID == 1 {
		t.Errorf("the oldest change was kept and a newer one dropped")
	}
	// Keeping up again, it gets changes as they come.
	s.publish(Change{ClaimID: 500, Version: 3, Action: "status"})
	if c := <-ch; c.ClaimID != 500 {
		t.Errorf("after catching up: %+v", c)
	}
}
