package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
)

// The writer commits the writes waiting for it together (group commit).
//
// A commit appends every page the transaction changed to the WAL, a
// pwrite for each: a status change commits about a dozen pages, and on the
// 1M-claim desk its commit was a sixth of its time. Changes that wait for
// the writer meanwhile share pages (the tail of the history, the activity
// log, the counters), so one commit for all of them writes those once. On
// that desk, under 32 reviewers, status changes went from about 1,500 to
// 2,200 a second (BENCHMARKS.md).
//
// Each write runs inside a savepoint of the shared transaction, so one
// that fails is rolled back alone, as its own transaction was; the others
// are committed and told only after the commit. A write is never told it
// is saved unless it is.

// maxGroup bounds the writes committed together: the first of them waits
// for all the others before its answer.
const maxGroup = 32

// errClosed is a write asked of a store that has been closed.
var errClosed = errors.New("the database is closed")

type writer struct {
	queue    chan *write
	quit     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

// write is one transaction's work, queued for the writer.
type write struct {
	ctx   context.Context // the requester's, without its cancellation
	fn    func(context.Context, *sql.Tx) error
	alone bool // see txAlone
	err   error
	panic *writePanic
	done  chan struct{}
}

// writePanic is what a write panicked with, and where, raised again in
// its requester's goroutine, where the server's recovery answers it.
type writePanic struct {
	value any
	stack []byte
}

func (p *writePanic) Error() string {
	return fmt.Sprintf("%v\n\nin the write transaction:\n%s", p.value, p.stack)
}

// Unwrap keeps an error it panicked with within reach of errors.Is and As.
func (p *writePanic) Unwrap() error {
	err, _ := p.value.(error)
	return err
}

func (s *Store) startWriter() {
	s.wr = &writer{queue: make(chan *write), quit: make(chan struct{}), done: make(chan struct{})}
	go s.writeLoop()
}

// close stops the writer once the batch it runs is committed; writes asked
// after are refused with errClosed.
func (w *writer) close() {
	w.stopOnce.Do(func() {
		close(w.quit)
		<-w.done
	})
}

// tx runs fn in a write transaction (BEGIN IMMEDIATE through _txlock),
// which it may share with other writes (see writer). fn must do all its
// writing through the *sql.Tx it is given, under the context it is given:
// ctx without its cancellation. SQLite rolls back the whole transaction
// when a write is interrupted, which would undo the writes beside it; and
// a write, once taken, is finished whether or not its requester still
// waits (see WithWriterWait).
//
// Writers take their turn in the order they came: database/sql hands a
// freed connection to a waiter chosen at random, so with 32 reviewers
// saving at once some waited behind a hundred others (the status change's
// p99 on the 1M-claim demo). Goroutines blocked sending on a channel are
// served first come, first served.
func (s *Store) tx(ctx context.Context, fn func(context.Context, *sql.Tx) error) error {
	return s.queueWrite(ctx, &write{fn: fn})
}

// txAlone is tx for a write that may take long (an import, a document's
// claims, a migration), committed in a transaction of its own so that the
// small writes that came before it are not held for it.
func (s *Store) txAlone(ctx context.Context, fn func(context.Context, *sql.Tx) error) error {
	return s.queueWrite(ctx, &write{fn: fn, alone: true})
}

func (s *Store) queueWrite(ctx context.Context, w *write) error {
	r, _ := ctx.Value(requestKey{}).(*request)
	if r != nil && r.wait != nil {
		r.wait.WaitingForWriter()
		defer r.wait.WriterDone()
	}
	done := ctx.Done()
	if r != nil && r.committed.Load() {
		done = nil // the request has made a change (see WithWriterWait)
	} else if err := ctx.Err(); err != nil {
		return err // select would pick at random between it and an idle writer
	}
	w.ctx, w.done = context.WithoutCancel(ctx), make(chan struct{})
	select {
	case s.wr.queue <- w:
	case <-done:
		return ctx.Err()
	case <-s.wr.quit:
		return errClosed
	}
	<-w.done
	if w.panic != nil {
		panic(w.panic)
	}
	if w.err == nil && r != nil {
		r.committed.Store(true)
	}
	return w.err
}

func (s *Store) writeLoop() {
	defer close(s.wr.done)
	batch := make([]*write, 0, maxGroup)
	var next *write // taken from the queue, for the next batch
	for {
		if next == nil {
			select {
			case <-s.wr.quit:
				return
			case next = <-s.wr.queue:
			}
		}
		batch = append(batch[:0], next)
		next = nil
	more:
		for len(batch) < maxGroup && !batch[0].alone {
			select {
			case w := <-s.wr.queue:
				if w.alone {
					next = w
					break more
				}
				batch = append(batch, w)
			default:
				break more
			}
		}
		s.commit(batch)
		for _, w := range batch {
			close(w.done)
		}
		clear(batch)
	}
}

// commit runs the writes of batch in one transaction and sets each one's
// outcome.
func (s *Store) commit(batch []*write) {
	fail := func(err error) {
		for _, w := range batch {
			if w.err == nil && w.panic == nil {
				w.err = err
			}
		}
	}
	ctx := context.Background()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	defer tx.Rollback()
	if len(batch) == 1 {
		if !run(batch[0], tx) {
			return
		}
	} else {
		for _, w := range batch {
			if _, err := tx.ExecContext(ctx, "SAVEPOINT write"); err != nil {
				fail(err)
				return
			}
			undo := !run(w, tx)
			if undo {
				_, err = tx.ExecContext(ctx, "ROLLBACK TO write")
			}
			if err == nil {
				_, err = tx.ExecContext(ctx, "RELEASE write")
			}
			if err != nil {
				// The transaction itself failed (SQLite rolls it back on a
				// full disk or an I/O error): none of the batch is saved.
				fail(fmt.Errorf("not saved: %w", err))
				return
			}
		}
	}
	if err := tx.Commit(); err != nil {
		fail(err)
	}
}

// run calls w.fn, reporting whether it succeeded; a panic is kept for the
// requester's goroutine.
func run(w *write, tx *sql.Tx) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			w.panic = &writePanic{p, debug.Stack()}
		}
	}()
	w.err = w.fn(w.ctx, tx)
	return w.err == nil
}
