package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// A page that fails halfway sends nothing, so the error handler can still
// answer with an error page; a page that renders goes out whole, with its
// length.
func TestRenderSendsWholePagesOnly(t *testing.T) {
	e := echo.New()
	failing := templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		io.WriteString(w, "<main>half a page")
		return errors.New("lost the database")
	})
	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	if err := Render(c, http.StatusOK, failing); err == nil {
		t.Fatal("the failure was not returned")
	}
	if c.Response().Committed || rec.Body.Len() > 0 {
		t.Fatalf("half a page was sent: committed %v, body %q", c.Response().Committed, rec.Body.String())
	}

	page := templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, "<main>“whole” page</main>")
		return err
	})
	rec = httptest.NewRecorder()
	c = e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	if err := Render(c, http.StatusTeapot, page); err != nil {
		t.Fatal(err)
	}
	want := "<main>“whole” page</main>"
	if rec.Code != http.StatusTeapot || rec.Body.String() != want ||
		rec.Header().Get("Content-Length") != strconv.Itoa(len(want)) {
		t.Fatalf("got %d %q, length %q", rec.Code, rec.Body.String(), rec.Header().Get("Content-Length"))
	}
}
