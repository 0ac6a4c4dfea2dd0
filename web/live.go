package web

import (
	"github.com/labstack/echo/v4"

	"factdesk/handlers"
)

// StillLoggedIn reports whether the session that made this request is
// still valid and its user still enabled. Event streams outlive the request
// that checked the session, so they ask again now and then: logging out
// or disabling a user then ends their streams too.
func (m *sessionManager) StillLoggedIn(c echo.Context) bool {
	u := handlers.CurrentUser(c)
	ck, err := c.Request().Cookie(m.name)
	if u == nil || err != nil {
		return false
	}
	ctx := c.Request().Context()
	sess, err := m.store.db.Session(ctx, ck.Value)
	if err != nil || sess.UserID != u.ID {
		return false
	}
	cur, err := m.store.db.UserByID(ctx, u.ID)
	return err == nil && !cur.Disabled
}

var _ handlers.LiveSessions = (*sessionManager)(nil)
