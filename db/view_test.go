package db

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"factdesk/extract"
)

// TestViewIsOneSnapshot checks what a page relies on: every read in a view
// sees the claim as it was when the view's first read ran, so its version,
// status and history agree although someone saves meanwhile; reads outside
// the view and a new view see the change.
func TestViewIsOneSnapshot(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ann := mustUser(t, s, "ann", "reviewer")
	id, _, err := s.createDocument(ctx, NewDocument{Title: "T", Body: testBody},
		[]extract.Claim{claimAt(t, testBody, "В Москве 10,000 человек вышли на улицы.")})
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := s.DocumentClaims(ctx, id)
	c := cs[0]

	vctx, end := s.View(ctx)
	before, err := s.Claim(vctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStatus(ctx, c.ID, ann.ID, before.Version, StatusDisputed, "eight thousand"); err != nil {
		t.Fatal(err)
	}
	inView, err := s.Claim(vctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := s.History(vctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if inView.Version != before.Version || inView.Status != StatusUnverified || len(hist) != 0 {
		t.Errorf("in the view: version %d, status %s, %d history rows; want the state before the change",
			inView.Version, inView.Status, len(hist))
	}
	end()
	now, err := s.Claim(ctx, c.ID)
	if err != nil || now.Status != StatusDisputed || now.Version != before.Version+1 {
		t.Errorf("after the view: %+v, %v", now, err)
	}
	vctx2, end2 := s.View(ctx)
	defer end2()
	if h, err := s.History(vctx2, c.ID); err != nil || len(h) != 1 {
		t.Errorf("a new view: %d history rows, %v", len(h), err)
	}
}

// TestViewsCannotStarveReads holds more views open at once than a pool
// has connections, each reading inside and outside its view and running a
// statement not prepared before: none may wait for a connection another
// view holds.
func TestViewsCannotStarveReads(t *testing.T) {
	s := openTest(t)
	u := mustUser(t, s, "ann", "reviewer")
	// A deadlock shows as errors when this runs out, not as a hung test.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	hold := make(chan struct{})
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vctx, end := s.View(ctx)
			defer end()
			if _, err := s.UserByID(vctx, u.ID); err != nil {
				errs <- err
				return
			}
			// A statement no view has run yet, as at start-up: preparing
			// it must not wait for a connection that views hold.
			var n int
			if err := s.queryRow(vctx, fmt.Sprintf("SELECT %d", i)).Scan(&n); err != nil || n != i {
				errs <- fmt.Errorf("SELECT %d: %d, %v", i, n, err)
				return
			}
			<-hold
			if _, err := s.CountUsers(ctx); err != nil { // outside the view
				errs <- err
			}
		}()
	}
	close(hold)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
