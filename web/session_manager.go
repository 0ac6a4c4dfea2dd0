package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/a-h/templ"
	"github.com/gorilla/sessions"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/handlers"
	"factdesk/views"
)

// sessionCookieName uses the __Host- prefix under TLS, which browsers accept
// only for Secure, host-only cookies with Path=/.
func sessionCookieName(secure bool) string {
	if secure {
		return "__Host-factdesk_session"
	}
	return "factdesk_session"
}

// sessionManager implements handlers.Sessions over the SQLite session store.
type sessionManager struct {
	store *SessionStore
	name  string
	log   *slog.Logger
}

const flashKey = "flash"

// loadUser puts the logged-in user, if any, into the request context. The
// user is read from the database on every request, so disabling a user or
// changing their role takes effect on their next request; a disabled or
// deleted user's session ends there and then.
func (m *sessionManager) loadUser(store *db.Store) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if _, err := c.Request().Cookie(m.name); err != nil {
				return next(c)
			}
			if isAPI(c) {
				return next(c) // the API authenticates by token only
			}
			sess, err := m.store.Get(c.Request(), m.name)
			if err != nil {
				return err
			}
			if uid, ok := sess.Values[userKey].(int64); ok && uid > 0 {
				u, err := sessionUser(c, store, sess, uid)
				switch {
				case err == nil && !u.Disabled:
					handlers.SetUser(c, &u)
				case err == nil || errors.Is(err, db.ErrNotFound):
					if err := m.Logout(c); err != nil {
						return err
					}
				default:
					return err
				}
			}
			return next(c)
		}
	}
}

// sessionUser is the session's user as read with the session in this
// request, or read now.
func sessionUser(c echo.Context, store *db.Store, sess *sessions.Session, uid int64) (db.User, error) {
	if u, ok := sess.Values[loadedUser{}].(*db.User); ok && u.ID == uid {
		return *u, nil
	}
	return store.UserByID(c.Request().Context(), uid)
}

// Login ends the old session and starts a new one under a fresh id, so a
// session id planted before login is worthless after it.
func (m *sessionManager) Login(c echo.Context, userID int64) error {
	sess, err := m.store.Get(c.Request(), m.name)
	if err != nil {
		return err
	}
	if sess.ID != "" {
		if err := m.store.db.DeleteSession(c.Request().Context(), sess.ID); err != nil {
			return err
		}
	}
	sess.ID = ""
	sess.Values = map[any]any{userKey: userID}
	return sess.Save(c.Request(), c.Response())
}

// Logout deletes the session row and the cookie.
func (m *sessionManager) Logout(c echo.Context) error {
	sess, err := m.store.Get(c.Request(), m.name)
	if err != nil {
		return err
	}
	sess.Options.MaxAge = -1
	return sess.Save(c.Request(), c.Response())
}

// SetFlash keeps a message for the next page of a logged-in user.
func (m *sessionManager) SetFlash(c echo.Context, msg string) error {
	sess, err := m.store.Get(c.Request(), m.name)
	if err != nil || sess.IsNew {
		return err
	}
	sess.Values[flashKey] = msg
	return sess.Save(c.Request(), c.Response())
}

// TakeFlash returns the pending message and clears it; a HEAD, which shows
// nothing, leaves it for the next page.
func (m *sessionManager) TakeFlash(c echo.Context) string {
	sess, err := m.store.Get(c.Request(), m.name)
	if err != nil || sess.IsNew {
		return ""
	}
	msg, _ := sess.Values[flashKey].(string)
	if msg == "" || c.Request().Method == http.MethodHead {
		return msg
	}
	delete(sess.Values, flashKey)
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		m.log.Warn("clearing a flash message", "err", err)
	}
	return msg
}

func errorPage(c echo.Context, h *handlers.Handler, code int, heading, msg, rid string) templ.Component {
	p := views.ErrorPage{Base: h.Base(c, heading, ""), Code: code, Heading: heading, Message: msg}
	if code >= 500 {
		p.RequestID = rid
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		return views.ErrorAlert(p)
	}
	return views.ErrorView(p)
}
