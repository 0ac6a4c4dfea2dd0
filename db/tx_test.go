package db

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"factdesk/extract"
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
		err := s.tx(ctx, func(context.Context, *sql.Tx) error {
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
			err := s.tx(ctx, func(context.Context, *sql.Tx) error {
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

// waitLog is a WriterWait that records what it was told, beside the
// transaction's own steps.
type waitLog struct {
	mu    sync.Mutex
	steps []string
}

func (w *waitLog) add(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.steps = append(w.steps, s)
}

func (w *waitLog) WaitingForWriter() { w.add("waiting") }
func (w *waitLog) WriterDone()       { w.add("done") }

// TestWritesTellTheirWait checks that a write tells the context's
// WriterWait when it starts waiting for the writer, before it has it, and
// when its transaction has ended, whether it committed or not.
func TestWritesTellTheirWait(t *testing.T) {
	s := openTest(t)
	release, started := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		s.tx(context.Background(), func(context.Context, *sql.Tx) error {
			close(started)
			<-release
			return nil
		})
	})
	<-started
	w := &waitLog{}
	failed := errors.New("refused")
	wg.Go(func() {
		err := s.tx(WithWriterWait(context.Background(), w), func(context.Context, *sql.Tx) error {
			w.add("writes")
			return failed
		})
		if !errors.Is(err, failed) {
			t.Errorf("tx returned %v", err)
		}
	})
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		w.mu.Lock()
		n := len(w.steps)
		w.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the write did not say it waits for the writer")
		}
	}
	close(release)
	wg.Wait()
	if want := []string{"waiting", "writes", "done"}; !slices.Equal(w.steps, want) {
		t.Fatalf("steps %v, want %v", w.steps, want)
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

// TestRequestsThatChangedSomethingAnswer checks that once a request's write
// has committed, its context ending does not stop the reads and writes
// that answer it: the change is made, and the page must say so rather
// than show an error, after which a retry would conflict with the
// reviewer's own change. A request that changed nothing still stops.
func TestRequestsThatChangedSomethingAnswer(t *testing.T) {
	s := openTest(t)
	bg := context.Background()
	ann := mustUser(t, s, "ann", "reviewer")
	id, _, err := s.createDocument(bg, NewDocument{Title: "T", Body: testBody},
		[]extract.Claim{claimAt(t, testBody, "В Москве 10,000 человек вышли на улицы.")})
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := s.DocumentClaims(bg, id)
	c := cs[0]

	ctx, cancel := context.WithCancel(WithWriterWait(bg, &waitLog{}))
	cancel()
	if _, err := s.Claim(ctx, c.ID); !errors.Is(err, context.Canceled) {
		t.Fatalf("a read of a request that changed nothing, after its end: %v", err)
	}
	if _, err := s.SetStatus(ctx, c.ID, ann.ID, 1, StatusConfirmed, ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("a write of a request that changed nothing, after its end: %v", err)
	}

	ctx, cancel = context.WithCancel(WithWriterWait(bg, &waitLog{}))
	if _, err := s.SetStatus(ctx, c.ID, ann.ID, 1, StatusConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	cancel() // the deadline passes as the answer is read
	got, err := s.Claim(ctx, c.ID)
	if err != nil || got.Status != StatusConfirmed {
		t.Fatalf("the answer's read after the change: %+v, %v", got, err)
	}
	if _, _, err := s.ClaimHistory(ctx, c.ID); err != nil {
		t.Fatalf("the answer's history after the change: %v", err)
	}
	if _, err := s.SetStatus(ctx, c.ID, ann.ID, 2, StatusDisputed, ""); err != nil {
		t.Fatalf("a second write of the same request: %v", err)
	}
}

// scratchStore opens a test store with a table of its own to write to.
func scratchStore(t *testing.T) *Store {
	t.Helper()
	s := openTest(t)
	if _, err := s.w.Exec(`CREATE TABLE scratch (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	return s
}

// holdWriter runs a write that holds the writer until the returned
// function is called, so that the writes asked meanwhile queue up and are
// committed together.
func holdWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	started, done := make(chan struct{}), make(chan struct{})
	ch := make(chan struct{})
	go func() {
		defer close(done)
		s.tx(context.Background(), func(context.Context, *sql.Tx) error {
			close(started)
			<-ch
			return nil
		})
	}()
	<-started
	return func() { close(ch); <-done }
}

// queued starts fn as a write once the ones before it are queued, and
// returns a channel for its outcome: its error, or what it panicked with.
func queued(s *Store, fn func(*sql.Tx) error) <-chan any {
	w := func(_ context.Context, tx *sql.Tx) error { return fn(tx) }
	out := make(chan any, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				out <- p
			}
		}()
		out <- s.tx(context.Background(), w)
	}()
	// Long enough for the goroutine to be waiting before the next comes.
	time.Sleep(20 * time.Millisecond)
	return out
}

func insertNote(tx *sql.Tx, v string) error {
	_, err := tx.Exec(`INSERT INTO scratch (v) VALUES (?)`, v)
	return err
}

func scratchRows(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.r.Query(`SELECT v FROM scratch ORDER BY v`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		rows.Scan(&v)
		out = append(out, v)
	}
	return out
}

// TestWritesCommittedTogetherFailAlone checks the writes that wait for the
// writer, committed together: one that fails or panics leaves nothing
// behind and gets its own error or panic, while those before and after it
// are saved.
func TestWritesCommittedTogetherFailAlone(t *testing.T) {
	s := scratchStore(t)
	release := holdWriter(t, s)
	refused := errors.New("refused")
	first := queued(s, func(tx *sql.Tx) error { return insertNote(tx, "a") })
	failing := queued(s, func(tx *sql.Tx) error {
		if err := insertNote(tx, "b"); err != nil {
			return err
		}
		return refused
	})
	panicking := queued(s, func(tx *sql.Tx) error {
		if err := insertNote(tx, "c"); err != nil {
			return err
		}
		panic("broken")
	})
	var sawOwnBatch bool
	last := queued(s, func(tx *sql.Tx) error {
		// The first write is in this transaction and not yet committed:
		// they are committed as one.
		var inTx, outside int
		tx.QueryRow(`SELECT count(*) FROM scratch`).Scan(&inTx)
		s.r.QueryRow(`SELECT count(*) FROM scratch`).Scan(&outside)
		sawOwnBatch = inTx == 1 && outside == 0
		return insertNote(tx, "d")
	})
	release()
	if got := <-first; got != nil {
		t.Errorf("first write: %v", got)
	}
	if got := <-failing; got != refused {
		t.Errorf("failing write: %v, want its own error", got)
	}
	if got, ok := (<-panicking).(*writePanic); !ok || got.value != "broken" {
		t.Errorf("panicking write: %v, want its panic", got)
	}
	if got := <-last; got != nil {
		t.Errorf("last write: %v", got)
	}
	if !sawOwnBatch {
		t.Error("the writes were not committed together; this test needs them to be")
	}
	if got, want := scratchRows(t, s), []string{"a", "d"}; !slices.Equal(got, want) {
		t.Errorf("saved %v, want %v", got, want)
	}
}

// TestWritesCommittedTogetherAllFail checks that when the shared
// transaction itself fails, every write in it is told it was not saved,
// including those whose own work succeeded, and that the next write works.
func TestWritesCommittedTogetherAllFail(t *testing.T) {
	s := scratchStore(t)
	release := holdWriter(t, s)
	first := queued(s, func(tx *sql.Tx) error { return insertNote(tx, "a") })
	// As SQLite does on a full disk or an I/O error.
	ending := queued(s, func(tx *sql.Tx) error {
		_, err := tx.Exec(`ROLLBACK`)
		return err
	})
	last := queued(s, func(tx *sql.Tx) error { return insertNote(tx, "c") })
	release()
	for name, ch := range map[string]<-chan any{"first": first, "ending": ending, "last": last} {
		if err, _ := (<-ch).(error); err == nil {
			t.Errorf("%s write: no error, yet nothing was saved", name)
		}
	}
	if got := scratchRows(t, s); len(got) != 0 {
		t.Errorf("saved %v, want nothing", got)
	}
	if err := s.tx(context.Background(), func(ctx context.Context, tx *sql.Tx) error { return insertNote(tx, "d") }); err != nil {
		t.Fatalf("the next write: %v", err)
	}
	if got, want := scratchRows(t, s), []string{"d"}; !slices.Equal(got, want) {
		t.Errorf("saved %v, want %v", got, want)
	}
}

// TestLongWritesCommitAlone checks that a write that may take long (an
// import) does not hold the small writes queued before it: they are
// committed before it runs.
func TestLongWritesCommitAlone(t *testing.T) {
	s := scratchStore(t)
	release := holdWriter(t, s)
	small := queued(s, func(tx *sql.Tx) error { return insertNote(tx, "a") })
	smallDone := make(chan struct{})
	long := make(chan error, 1)
	go func() {
		long <- s.txAlone(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
			select {
			case <-smallDone:
			case <-time.After(5 * time.Second):
				return errors.New("the small write was not answered while the long one ran")
			}
			return insertNote(tx, "b")
		})
	}()
	time.Sleep(20 * time.Millisecond) // queued behind the small write
	release()
	if err := <-small; err != nil {
		t.Fatalf("small write: %v", err)
	}
	close(smallDone)
	if err := <-long; err != nil {
		t.Fatalf("long write: %v", err)
	}
	if got, want := scratchRows(t, s), []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("saved %v, want %v", got, want)
	}
}

// TestWriteOfAGoneRequestIsFinished checks a write whose requester goes
// away (the client disconnects) while its statement runs: the statement is
// not interrupted, since SQLite would then roll back the whole transaction
// and with it the writes committed beside it. All three are saved.
func TestWriteOfAGoneRequestIsFinished(t *testing.T) {
	s := scratchStore(t)
	release := holdWriter(t, s)
	first := queued(s, func(tx *sql.Tx) error { return insertNote(tx, "a") })
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan error, 1)
	go func() {
		gone <- s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			time.AfterFunc(20*time.Millisecond, cancel) // the client goes away
			_, err := tx.ExecContext(ctx, `INSERT INTO scratch
				WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT 'b' FROM n`)
			return err
		})
	}()
	time.Sleep(20 * time.Millisecond) // queued behind the first
	last := queued(s, func(tx *sql.Tx) error { return insertNote(tx, "c") })
	release()
	for name, ch := range map[string]<-chan any{"first": first, "last": last} {
		if got := <-ch; got != nil {
			t.Errorf("%s write: %v", name, got)
		}
	}
	if err := <-gone; err != nil {
		t.Errorf("the gone request's write: %v", err)
	}
	var a, b, c int
	s.r.QueryRow(`SELECT count(*) FILTER (WHERE v = 'a'), count(*) FILTER (WHERE v = 'b'), count(*) FILTER (WHERE v = 'c') FROM scratch`).Scan(&a, &b, &c)
	if a != 1 || b != 300000 || c != 1 {
		t.Errorf("saved a×%d, b×%d, c×%d; want 1, 300000, 1", a, b, c)
	}
}
