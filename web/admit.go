package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"factdesk/db"
)

// admit runs at most n requests at a time and queues the rest first come,
// first served.
//
// With 32 requests running at once on two cores, each shares the CPU with
// the other 31, and database/sql hands a freed connection to a waiter
// chosen at random, so some requests fall far behind the rest: the tail
// latency is several times the mean. Queued in order, the same throughput
// gives every request about the same wait.
//
// A turn covers reading the database and rendering, not the network: the
// request's body is read before the turn (so a client sending it slowly
// holds no turn), and the turn ends at the response's first write (so does
// a client reading it slowly). Routes in skip wait on other things (event
// streams, long exports, the login throttle's hold) and take no turn. A
// request whose deadline passes in the queue gets a 503.
//
// Nor does a turn cover waiting for the database's single writer: a write
// gives its turn to the next request while it waits, and takes one again
// once its transaction has ended (db.WithWriterWait). Otherwise the
// requests queued for the writer held every turn while one core idled.
func admit(n int, skip map[string]bool) echo.MiddlewareFunc {
	turns := make(chan struct{}, n)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if skip[c.Path()] || !bufferBody(req, admitBodyLimit) {
				return next(c)
			}
			select {
			case turns <- struct{}{}:
			case <-req.Context().Done():
				return echo.NewHTTPError(http.StatusServiceUnavailable,
					"factdesk is too busy to answer right now. Try again in a moment.").SetInternal(
					fmt.Errorf("%w: %w", errTooBusy, req.Context().Err()))
			}
			w := &turnWriter{ResponseWriter: c.Response().Writer, turns: turns, held: true}
			c.Response().Writer = w
			c.SetRequest(req.WithContext(db.WithWriterWait(req.Context(), w)))
			defer w.release()
			return next(c)
		}
	}
}

// errTooBusy is behind the 503 of a request whose deadline passed while it
// waited for a turn: the error pages say the server is busy, not slow.
var errTooBusy = errors.New("no turn before the deadline")

// admitBodyLimit is the largest body read ahead of a turn: every form and
// JSON request but uploads, which are larger, rare and take no turn.
const admitBodyLimit = 64 << 10

// bufferBody reads a body of up to limit bytes into memory and reports
// whether it was read whole. Whatever it read stays in front of the rest, so
// the handler sees the same body, and the same error, either way.
func bufferBody(req *http.Request, limit int64) bool {
	if req.Body == nil || req.Body == http.NoBody {
		return true
	}
	if req.ContentLength > limit {
		return false
	}
	var b bytes.Buffer
	if req.ContentLength > 0 {
		b.Grow(int(req.ContentLength))
	}
	_, err := b.ReadFrom(io.LimitReader(req.Body, limit+1))
	req.Body = readCloser{io.MultiReader(&b, req.Body), req.Body}
	return err == nil && int64(b.Len()) <= limit
}

type readCloser struct {
	io.Reader
	io.Closer
}

// turnWriter ends its request's turn when the response starts.
type turnWriter struct {
	http.ResponseWriter
	turns chan struct{}

	mu      sync.Mutex
	held    bool // the request holds a turn
	started bool // the response has begun: no turn is taken again
}

// release gives the turn back for good: the response has begun.
func (w *turnWriter) release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.started = true
	w.giveBack()
}

func (w *turnWriter) giveBack() {
	if w.held {
		<-w.turns
		w.held = false
	}
}

// WaitingForWriter lends the turn out while the request waits for the
// database's writer and runs its transaction.
func (w *turnWriter) WaitingForWriter() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.giveBack()
}

// WriterDone takes a turn again, in order behind the requests queued
// meanwhile, to read and render the answer. When the change is made, the
// answer must say so: the wait is not cut short by the request's deadline,
// nor are the reads after it (db.WithWriterWait).
func (w *turnWriter) WriterDone() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.held && !w.started {
		w.turns <- struct{}{}
		w.held = true
	}
}

func (w *turnWriter) WriteHeader(code int) {
	w.release()
	w.ResponseWriter.WriteHeader(code)
}

func (w *turnWriter) Write(p []byte) (int, error) {
	w.release()
	return w.ResponseWriter.Write(p)
}

func (w *turnWriter) Flush() {
	w.release()
	http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *turnWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
