package db

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestWritersTakeTurnsInOrder checks that writers waiting for the single
// writer run in the order they came: with the connection pool's random
// choice among waiters, a reviewer's save could wait behind a hundred
// later ones.
func TestWritersTakeTurnsInOrder(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	release := make(chan struct{})
	started := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		err := s.tx(ctx, func(*sql.Tx) error {
			close(started)
			<-release
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	})
	<-started
	var mu sync.Mutex
	var order []int
	const waiters = 8
	for i := range waiters {
		wg.Go(func() {
			err := s.tx(ctx, func(*sql.Tx) error {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
		// Long enough for the goroutine to be waiting before the next comes.
		time.Sleep(20 * time.Millisecond)
	}
	close(release)
	wg.Wait()
	want := []int{0, 1, 2, 3, 4, 5, 6, 7}
	if !slices.Equal(order, want) {
		t.Fatalf("writers ran in the order %v, want %v", order, want)
	}
}

// TestEndedRequestsStopReading checks that a page's reads, which run
// without the driver's watch on their context, still refuse to start once
// it has ended, as searches do.
func TestEndedRequestsStopReading(t *testing.T) {
	s := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Claim(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Claim with an ended context: %v, want context.Canceled", err)
	}
	if _, err := s.ListDocuments(ctx, 0, 10); !errors.Is(err, context.Canceled) {
		t.Errorf("ListDocuments with an ended context: %v, want context.Canceled", err)
	}
	if _, err := s.Search(ctx, SearchFilter{Query: "water"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search with an ended context: %v, want context.Canceled", err)
	}
}
