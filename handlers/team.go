package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/views"
)

// teamBase adds what the layout shows of team work: the editor and admin
// links and the unread inbox count. A failing count is logged, not shown:
// the page itself still works.
func (h *Handler) teamBase(c echo.Context, u *db.User, vu *views.User) {
	vu.CanEdit = auth.Allows(u.Role, auth.RoleEditor)
	vu.IsAdmin = auth.Allows(u.Role, auth.RoleAdmin)
	n, err := h.Store.UnreadCount(c.Request().Context(), u.ID)
	if err != nil {
		h.Log.Warn("unread count", "err", err, "user", u.Username)
		return
	}
	vu.Unread = n
}

// formID reads a positive id from a form field.
func formID(c echo.Context, name, what string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(c.FormValue(name)), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%w: choose %s", db.ErrInvalid, what)
	}
	return id, nil
}

// formVersion reads the claim version a form was made from.
func formVersion(c echo.Context) (int64, error) {
	v, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%w: the form is missing the claim version; reload the page", db.ErrInvalid)
	}
	return v, nil
}
