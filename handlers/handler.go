// Package handlers holds the HTTP handlers, one file per resource. They parse
// input, call db and extract, and render views; no SQL here.
package handlers

import (
	"bytes"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/export"
	"factdesk/views"
)

// Sessions is what handlers need of the session layer.
type Sessions interface {
	// Login starts a new session for the user under a new id.
	Login(c echo.Context, userID int64) error
	// Logout ends the current session on the server.
	Logout(c echo.Context) error
	// SetFlash keeps a message for the next page shown.
	SetFlash(c echo.Context, msg string) error
	// TakeFlash returns and clears the pending message.
	TakeFlash(c echo.Context) string
}

// Handler carries what every handler needs.
type Handler struct {
	Store       *db.Store
	Sessions    Sessions
	Log         *slog.Logger
	MaxDocBytes int

	// Export and API: who publishes ClaimReviews, and where.
	ExportOptions export.Options

	// Live updates (events.go). Shutdown is closed when the server begins
	// to stop, which ends open event streams; KeepAlive is how often an
	// idle stream sends a comment (DefaultKeepAlive when zero).
	Shutdown  <-chan struct{}
	KeepAlive time.Duration
}

// Context keys set by the web middleware.
const (
	ctxUser = "factdesk.user"
	// CSRFContextKey is where echo's CSRF middleware leaves the token.
	CSRFContextKey = "csrf"
)

// SetUser records the logged-in user for the rest of the request.
func SetUser(c echo.Context, u *db.User) { c.Set(ctxUser, u) }

// CurrentUser returns the logged-in user, or nil.
func CurrentUser(c echo.Context) *db.User {
	u, _ := c.Get(ctxUser).(*db.User)
	return u
}

// CSRFToken returns the request's CSRF token for forms.
func CSRFToken(c echo.Context) string {
	t, _ := c.Get(CSRFContextKey).(string)
	return t
}

// Base fills the layout's view model for the current request.
func (h *Handler) Base(c echo.Context, title, nav string) views.Base {
	b := views.Base{Title: title, CSRF: CSRFToken(c), Nav: nav}
	if u := CurrentUser(c); u != nil {
		b.User = &views.User{Name: u.Username, Role: u.Role, CanReview: auth.CanReview(u.Role)}
		// Only a whole page takes the message: a live re-fetch by the page
		// being left (htmx) came in before the page redirected to, and
		// took the message that page was to show.
		if h.Sessions != nil && !isHTMX(c) {
			b.Flash = h.Sessions.TakeFlash(c)
		}
		h.teamBase(c, u, b.User)
	}
	return b
}

// renderBufs holds page buffers between requests.
var renderBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuf keeps one very long document page from pinning its buffer.
const maxPooledBuf = 1 << 20

// Render writes a templ component with a status code. The page is rendered
// whole before anything is sent: a failure halfway gives an error page, not
// half a page under a 200, and the page goes out with its length in one
// write rather than in chunks of 4 KB.
func Render(c echo.Context, status int, cmp templ.Component) error {
	buf := renderBufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledBuf {
			renderBufs.Put(buf)
		}
	}()
	if err := cmp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(buf.Bytes())
	return err
}

// isHTMX reports whether htmx sent the request (it wants a fragment back).
func isHTMX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }

// seeOther redirects after a successful POST so a reload does not resend it.
func seeOther(c echo.Context, url string) error { return c.Redirect(http.StatusSeeOther, url) }
