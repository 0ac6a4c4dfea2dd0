package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"factdesk/db"
)

// admitServer is an echo instance with only the admission middleware and
// a few routes: /hold/:i blocks until its channel in holds is closed, /body
// echoes its body, /free takes no turn.
type admitServer struct {
	e       *echo.Echo
	arrived atomic.Int64 // requests that reached admit
	running atomic.Int64
	mu      sync.Mutex
	order   []string
	holds   map[string]chan struct{}
}

func newAdmitServer(t *testing.T, n int) *admitServer {
	t.Helper()
	s := &admitServer{e: echo.New(), holds: map[string]chan struct{}{}}
	s.e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			s.arrived.Add(1)
			return next(c)
		}
	})
	s.e.Use(admit(n, map[string]bool{"/free": true}))
	s.e.GET("/hold/:i", func(c echo.Context) error {
		s.running.Add(1)
		defer s.running.Add(-1)
		s.mu.Lock()
		s.order = append(s.order, c.Param("i"))
		h := s.holds[c.Param("i")]
		s.mu.Unlock()
		if h != nil {
			<-h
		}
		return c.String(http.StatusOK, "done "+c.Param("i"))
	})
	s.e.POST("/body", func(c echo.Context) error {
		b, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return err
		}
		return c.String(http.StatusOK, string(b))
	})
	s.e.GET("/free", func(c echo.Context) error { return c.String(http.StatusOK, "free") })
	// Writes the response, then keeps the handler running, as a write to a
	// client that reads slowly would.
	s.e.GET("/slowwrite", func(c echo.Context) error {
		c.Response().WriteHeader(http.StatusOK)
		c.Response().Write([]byte("partial"))
		<-s.hold("slowwrite")
		return nil
	})
	return s
}

// hold makes /hold/i (or /slowwrite) block until the returned channel is closed.
func (s *admitServer) hold(i string) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holds[i] == nil {
		s.holds[i] = make(chan struct{})
	}
	return s.holds[i]
}

// serve runs one request to the end in the background.
func (s *admitServer) serve(req *http.Request) <-chan *httptest.ResponseRecorder {
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		rec := httptest.NewRecorder()
		s.e.ServeHTTP(rec, req)
		done <- rec
	}()
	return done
}

// waitArrived waits until n requests have reached admit, and a moment more
// for the last to be queued behind it.
func (s *admitServer) waitArrived(t *testing.T, n int64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); s.arrived.Load() < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d requests arrived", s.arrived.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
}

func answer(t *testing.T, done <-chan *httptest.ResponseRecorder) *httptest.ResponseRecorder {
	t.Helper()
	select {
	case rec := <-done:
		return rec
	case <-time.After(10 * time.Second):
		t.Fatal("no answer: the request is stuck waiting for a turn")
		return nil
	}
}

func TestAdmitRunsAFewAtATime(t *testing.T) {
	s := newAdmitServer(t, 3)
	var done []<-chan *httptest.ResponseRecorder
	for i := range 10 {
		s.hold(string(rune('a' + i)))
		done = append(done, s.serve(httptest.NewRequest(http.MethodGet, "/hold/"+string(rune('a'+i)), nil)))
	}
	s.waitArrived(t, 10)
	if got := s.running.Load(); got != 3 {
		t.Fatalf("%d handlers run at once, want 3", got)
	}
	for i := range 10 {
		close(s.hold(string(rune('a' + i))))
	}
	for _, d := range done {
		if rec := answer(t, d); rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// TestAdmitServesInOrder checks that waiting requests run in the order
// they came, so none waits behind many later ones.
func TestAdmitServesInOrder(t *testing.T) {
	s := newAdmitServer(t, 1)
	first := s.hold("first")
	var done []<-chan *httptest.ResponseRecorder
	done = append(done, s.serve(httptest.NewRequest(http.MethodGet, "/hold/first", nil)))
	s.waitArrived(t, 1)
	want := []string{"first"}
	for i := range 8 {
		id := string(rune('0' + i))
		want = append(want, id)
		done = append(done, s.serve(httptest.NewRequest(http.MethodGet, "/hold/"+id, nil)))
		s.waitArrived(t, int64(i+2))
	}
	close(first)
	for _, d := range done {
		answer(t, d)
	}
	if !slices.Equal(s.order, want) {
		t.Fatalf("requests ran in the order %v, want %v", s.order, want)
	}
}

// TestAdmitSlowClientsHoldNoTurn checks that a client sending its body
// slowly, or reading its answer slowly, keeps nobody else waiting.
func TestAdmitSlowClientsHoldNoTurn(t *testing.T) {
	s := newAdmitServer(t, 1)

	pr, pw := io.Pipe()
	req := httptest.NewRequest(http.MethodPost, "/body", pr)
	req.ContentLength = -1
	slowBody := s.serve(req)
	pw.Write([]byte("half of "))
	s.waitArrived(t, 1)
	if rec := answer(t, s.serve(httptest.NewRequest(http.MethodGet, "/hold/x", nil))); rec.Code != http.StatusOK {
		t.Fatalf("status %d while a body was on its way", rec.Code)
	}
	pw.Write([]byte("the body"))
	pw.Close()
	if rec := answer(t, slowBody); rec.Body.String() != "half of the body" {
		t.Fatalf("the handler read %q, want the whole body", rec.Body)
	}

	slowRead := s.serve(httptest.NewRequest(http.MethodGet, "/slowwrite", nil))
	s.waitArrived(t, 3)
	if rec := answer(t, s.serve(httptest.NewRequest(http.MethodGet, "/hold/y", nil))); rec.Code != http.StatusOK {
		t.Fatalf("status %d while an answer was being written", rec.Code)
	}
	close(s.hold("slowwrite"))
	answer(t, slowRead)
}

// TestAdmitBodies checks that a handler reads the body it was sent,
// whether it was read ahead of the turn or, too large for that, was not.
func TestAdmitBodies(t *testing.T) {
	s := newAdmitServer(t, 1)
	for _, size := range []int{0, 1, admitBodyLimit, admitBodyLimit + 1, 3 * admitBodyLimit} {
		body := strings.Repeat("x", size)
		for _, known := range []bool{true, false} {
			req := httptest.NewRequest(http.MethodPost, "/body", strings.NewReader(body))
			if !known {
				req.ContentLength = -1
			}
			rec := answer(t, s.serve(req))
			if rec.Code != http.StatusOK || rec.Body.String() != body {
				t.Fatalf("body of %d bytes (length known: %v): status %d, handler read %d bytes",
					size, known, rec.Code, rec.Body.Len())
			}
		}
	}
}

// TestAdmitWaitEndsWithTheRequest checks that a request whose deadline
// passes while it waits gets a 503 and never runs, and that routes that
// take no turn are not held up at all.
func TestAdmitWaitEndsWithTheRequest(t *testing.T) {
	s := newAdmitServer(t, 1)
	hold := s.hold("busy")
	busy := s.serve(httptest.NewRequest(http.MethodGet, "/hold/busy", nil))
	s.waitArrived(t, 1)

	if rec := answer(t, s.serve(httptest.NewRequest(http.MethodGet, "/free", nil))); rec.Code != http.StatusOK {
		t.Fatalf("a route that takes no turn answered %d", rec.Code)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	rec := answer(t, s.serve(httptest.NewRequest(http.MethodGet, "/hold/late", nil).WithContext(ctx)))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "too busy") {
		t.Fatalf("a request that waited past its deadline got %d %q, want 503", rec.Code, rec.Body)
	}
	close(hold)
	answer(t, busy)
	if slices.Contains(s.order, "late") {
		t.Fatal("the request that gave up still ran")
	}
}

// TestAdmitLendsTheTurnOfAWriteWaitingForTheWriter checks that a request
// waiting for the database's writer lets the next request run, and takes a
// turn again, in order, to render its answer.
func TestAdmitLendsTheTurnOfAWriteWaitingForTheWriter(t *testing.T) {
	s := newAdmitServer(t, 1)
	writer, done := make(chan struct{}), make(chan struct{})
	var steps []string
	step := func(st string) {
		s.mu.Lock()
		steps = append(steps, st)
		s.mu.Unlock()
	}
	s.e.POST("/write", func(c echo.Context) error {
		w, ok := c.Response().Writer.(db.WriterWait)
		if !ok {
			t.Error("the response writer of an admitted request is no db.WriterWait")
			return nil
		}
		w.WaitingForWriter()
		<-writer // the writer is busy; the change is then made
		w.WriterDone()
		step("write renders")
		close(done)
		return c.String(http.StatusOK, "saved")
	})
	write := s.serve(httptest.NewRequest(http.MethodPost, "/write", nil))
	s.waitArrived(t, 1)
	read := s.hold("read")
	reading := s.serve(httptest.NewRequest(http.MethodGet, "/hold/read", nil))
	s.waitArrived(t, 2)
	if s.running.Load() != 1 {
		t.Fatal("a read waited while a write only waited for the writer")
	}
	close(writer) // the write is made, and waits for the read's turn
	select {
	case <-done:
		t.Fatal("the write rendered its answer without a turn")
	case <-time.After(50 * time.Millisecond):
	}
	step("read ends")
	close(read)
	answer(t, reading)
	if rec := answer(t, write); rec.Code != http.StatusOK {
		t.Fatalf("the write answered %d", rec.Code)
	}
	if want := []string{"read ends", "write renders"}; !slices.Equal(steps, want) {
		t.Fatalf("steps %v, want %v", steps, want)
	}
}

// A write that waits long for its turn back, past its request's deadline,
// still answers that the change is made: it was, and an error would send
// the reviewer to retry into a conflict with their own change.
func TestAdmitAnswersAWriteMadeBeforeTheDeadline(t *testing.T) {
	ctx := context.Background()
	st, err := db.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, _ := st.CreateUser(ctx, "rita", "h", "reviewer")
	doc, _, _, err := st.ImportDocument(ctx, db.NewDocument{Title: "t", Body: "The city spent $4.2 million on the bridge in 2023, officials said."})
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := st.DocumentClaims(ctx, doc)
	id := cs[0].ID
	s := newAdmitServer(t, 1)
	s.e.POST("/write", func(c echo.Context) error {
		// The handler's deadline, short so that the wait below outlasts it.
		ctx, cancel := context.WithTimeout(c.Request().Context(), 200*time.Millisecond)
		defer cancel()
		if _, err := st.SetStatus(ctx, id, u.ID, 1, db.StatusConfirmed, ""); err != nil {
			return err
		}
		cl, err := st.Claim(ctx, id) // the answer's reads, after the turn is back
		if err != nil {
			return err
		}
		return c.String(http.StatusOK, "saved: "+cl.Status)
	})
	first := s.hold("a")
	a := s.serve(httptest.NewRequest(http.MethodGet, "/hold/a", nil))
	s.waitArrived(t, 1)
	w := s.serve(httptest.NewRequest(http.MethodPost, "/write", nil))
	s.waitArrived(t, 2)
	second := s.hold("b")
	b := s.serve(httptest.NewRequest(http.MethodGet, "/hold/b", nil))
	s.waitArrived(t, 3)
	close(first) // the write runs, and lends its turn to /hold/b while it waits for the writer
	answer(t, a)
	time.Sleep(400 * time.Millisecond)
	close(second)
	answer(t, b)
	rec := answer(t, w)
	if cl, _ := st.Claim(ctx, id); cl.Status != db.StatusConfirmed {
		t.Fatalf("the change was not made (status %s): the test needs a faster machine", cl.Status)
	}
	if rec.Code != http.StatusOK || rec.Body.String() != "saved: confirmed" {
		t.Fatalf("the change was made, but the write answered %d %q", rec.Code, rec.Body.String())
	}
}
