package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"factdesk/auth"
	"factdesk/db"
)

// APIUser is an account as the API shows it; never its password.
type APIUser struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Role      string    `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

func newAPIUser(u db.User) APIUser {
	return APIUser{ID: u.ID, Username: u.Username, Role: u.Role, Disabled: u.Disabled, CreatedAt: u.CreatedAt}
}

// APIUsers lists every account, by name (admins).
func (h *Handler) APIUsers(c echo.Context) error {
	users, err := h.Store.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, apiUserList(users))
}

func apiUserList(users []db.User) APIList[APIUser] {
	out := APIList[APIUser]{Items: []APIUser{}}
	for _, u := range users {
		out.Items = append(out.Items, newAPIUser(u))
	}
	return out
}

// APIReviewers lists who claims can be assigned to and second opinions
// asked of: enabled reviewers, editors and admins, by name.
func (h *Handler) APIReviewers(c echo.Context) error {
	users, err := h.Store.Assignable(c.Request().Context())
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, apiUserList(users))
}

// APICreateUser adds an account (admins); the role defaults to reviewer,
// as on the command line.
func (h *Handler) APICreateUser(c echo.Context) error {
	var in struct {
		Username string `json:"username"`
		Role     string `json:"role"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Role == "" {
		in.Role = auth.RoleReviewer
	}
	u, err := h.addUser(c, in.Username, in.Role, in.Password)
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusCreated, newAPIUser(u))
}

// apiUserChange runs a change to the account at :id and answers with it.
func (h *Handler) apiUserChange(c echo.Context, body any, change func(id int64) (db.User, error)) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if body != nil {
		if err := decodeJSON(c, body); err != nil {
			return err
		}
	}
	u, err := change(id)
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, newAPIUser(u))
}

// APISetUserRole changes a user's role (admins).
func (h *Handler) APISetUserRole(c echo.Context) error {
	var in struct {
		Role string `json:"role"`
	}
	return h.apiUserChange(c, &in, func(id int64) (db.User, error) { return h.changeRole(c, id, in.Role) })
}

// APIResetPassword sets a user's password (admins); their sessions and API tokens end.
func (h *Handler) APIResetPassword(c echo.Context) error {
	var in struct {
		Password string `json:"password"`
	}
	return h.apiUserChange(c, &in, func(id int64) (db.User, error) { return h.resetPassword(c, id, in.Password) })
}

// APIDisableUser stops a user at once: sessions and API tokens (admins).
func (h *Handler) APIDisableUser(c echo.Context) error {
	return h.apiUserChange(c, nil, func(id int64) (db.User, error) { return h.changeAccess(c, id, true) })
}

// APIEnableUser lets a disabled user in again (admins).
func (h *Handler) APIEnableUser(c echo.Context) error {
	return h.apiUserChange(c, nil, func(id int64) (db.User, error) { return h.changeAccess(c, id, false) })
}
