package web

import (
	"errors"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/handlers"
)

// StillLoggedIn reports whether the session that made this request is
// still valid and its user still enabled. Event streams outlive the request
// that checked the session, so they ask again now and then: logging out
// or disabling a user then ends their streams too. An error is not an
// answer: the page must not be told its session ended when the database
// could not say.
func (m *sessionManager) StillLoggedIn(c echo.Context) (bool, error) {
	u := handlers.CurrentUser(c)
	ck, err := c.Request().Cookie(m.name)
	if u == nil || err != nil {
		return false, nil
	}
	sess, err := m.store.db.Session(c.Request().Context(), ck.Value)
	switch {
	case errors.Is(err, db.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	}
	return sess.UserID == u.ID && sess.User != nil && !sess.User.Disabled, nil
}

var _ handlers.LiveSessions = (*sessionManager)(nil)
