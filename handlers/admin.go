package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/views"
)

// Roles in the order the admin pages offer them, most rights first.
var roleChoices = []string{auth.RoleAdmin, auth.RoleEditor, auth.RoleReviewer, auth.RoleViewer}

func (h *Handler) usersPage(c echo.Context) (views.UsersPage, error) {
	users, err := h.Store.ListUsers(c.Request().Context())
	if err != nil {
		return views.UsersPage{}, err
	}
	p := views.UsersPage{Base: h.Base(c, "Users", "users"), Roles: roleChoices, NewRole: auth.RoleReviewer}
	me := CurrentUser(c)
	for _, u := range users {
		p.Users = append(p.Users, views.UserRow{ID: u.ID, Name: u.Username, Role: u.Role, Disabled: u.Disabled,
			CreatedAt: u.CreatedAt, Me: u.ID == me.ID})
	}
	return p, nil
}

// Users lists every account with the forms to manage them.
func (h *Handler) Users(c echo.Context) error {
	p, err := h.usersPage(c)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.UsersView(p))
}

// usersFailed shows the users page again with a message and what was typed.
func (h *Handler) usersFailed(c echo.Context, err error, fill func(*views.UsersPage)) error {
	if !errors.Is(err, db.ErrInvalid) && !errors.Is(err, auth.ErrWeakPassword) && !errors.Is(err, db.ErrDuplicate) {
		return err
	}
	p, perr := h.usersPage(c)
	if perr != nil {
		return perr
	}
	p.Error = UserMessage(err)
	if fill != nil {
		fill(&p)
	}
	return Render(c, http.StatusUnprocessableEntity, views.UsersView(p))
}

// samePassword checks that a password typed twice was typed the same.
func samePassword(pw, pw2 string) error {
	if pw != pw2 {
		return fmt.Errorf("%w: the two passwords differ", db.ErrInvalid)
	}
	return nil
}

// addUser checks and stores a new account, and audits it. The users page
// and the API share it, and the ones below.
func (h *Handler) addUser(c echo.Context, name, role, pw string) (db.User, error) {
	name = strings.TrimSpace(name)
	if err := db.ValidUsername(name); err != nil {
		return db.User{}, err
	}
	if !auth.ValidRole(role) {
		return db.User{}, fmt.Errorf("%w: choose a role: admin, editor, reviewer or viewer", db.ErrInvalid)
	}
	if err := auth.CheckPasswordRules(pw, name); err != nil {
		return db.User{}, err
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return db.User{}, err
	}
	u, err := h.Store.CreateUser(c.Request().Context(), name, hash, role)
	if err != nil {
		return u, err
	}
	if err := h.audit(c, db.AuditUserCreated, u, "role "+u.Role); err != nil {
		return u, err
	}
	h.Log.Info("user created", "user", u.Username, "role", u.Role, "by", CurrentUser(c).Username)
	return u, nil
}

// changeRole changes a user's role; the last enabled admin keeps theirs.
func (h *Handler) changeRole(c echo.Context, id int64, role string) (db.User, error) {
	if !auth.ValidRole(role) {
		return db.User{}, fmt.Errorf("%w: choose a role: admin, editor, reviewer or viewer", db.ErrInvalid)
	}
	before, err := h.Store.UserByID(c.Request().Context(), id)
	if err != nil {
		return before, err
	}
	u, err := h.Store.SetRole(c.Request().Context(), id, role)
	if err != nil {
		return u, err
	}
	if before.Role != u.Role {
		if err := h.audit(c, db.AuditRoleChanged, u, before.Role+" -> "+u.Role); err != nil {
			return u, err
		}
	}
	h.Log.Info("role changed", "user", u.Username, "role", u.Role, "by", CurrentUser(c).Username)
	return u, nil
}

// resetPassword sets a new password; the user's sessions and API tokens end with it.
func (h *Handler) resetPassword(c echo.Context, id int64, pw string) (db.User, error) {
	target, err := h.Store.UserByID(c.Request().Context(), id)
	if err != nil {
		return target, err
	}
	if err := auth.CheckPasswordRules(pw, target.Username); err != nil {
		return target, err
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return target, err
	}
	u, err := h.Store.SetPassword(c.Request().Context(), id, hash)
	if err != nil {
		return u, err
	}
	if err := h.audit(c, db.AuditPasswordReset, u, "sessions ended, API tokens revoked"); err != nil {
		return u, err
	}
	h.Log.Info("password reset", "user", u.Username, "by", CurrentUser(c).Username)
	return u, nil
}

// changeAccess disables a user, ending their sessions and revoking their
// API tokens at once, or enables them again (without their tokens). Nobody disables themselves.
func (h *Handler) changeAccess(c echo.Context, id int64, disabled bool) (db.User, error) {
	me := CurrentUser(c)
	if disabled && id == me.ID {
		return db.User{}, fmt.Errorf("%w: you cannot disable your own account", db.ErrInvalid)
	}
	before, err := h.Store.UserByID(c.Request().Context(), id)
	if err != nil {
		return before, err
	}
	u, err := h.Store.SetDisabled(c.Request().Context(), id, disabled)
	if err != nil {
		return u, err
	}
	if before.Disabled != u.Disabled {
		kind := db.AuditUserEnabled
		if disabled {
			kind = db.AuditUserDisabled
		}
		if err := h.audit(c, kind, u, ""); err != nil {
			return u, err
		}
	}
	h.Log.Info("user access changed", "user", u.Username, "disabled", disabled, "by", me.Username)
	return u, nil
}

// CreateUser adds an account.
func (h *Handler) CreateUser(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("username"))
	role := c.FormValue("role")
	// A refusal is said beside the form, with the focus (and so the page)
	// on the field to fix: the page's top can be far above it.
	keep := func(pwField bool) func(p *views.UsersPage) {
		return func(p *views.UsersPage) {
			p.NewName, p.NewRole = shown(name), role
			p.AddError, p.Error, p.AddErrorOnPassword = p.Error, "", pwField
		}
	}
	pw := c.FormValue("password")
	if err := samePassword(pw, c.FormValue("password2")); err != nil {
		return h.usersFailed(c, err, keep(true))
	}
	u, err := h.addUser(c, name, role, pw)
	if err != nil {
		return h.usersFailed(c, err, keep(errors.Is(err, auth.ErrWeakPassword)))
	}
	h.Sessions.SetFlash(c, fmt.Sprintf("Added %s as %s.", u.Username, u.Role))
	return seeOther(c, "/admin/users")
}

// SetUserRole changes a user's role.
func (h *Handler) SetUserRole(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	role := c.FormValue("role")
	u, err := h.changeRole(c, id, role)
	if err != nil {
		return h.usersFailed(c, err, nil)
	}
	h.Sessions.SetFlash(c, fmt.Sprintf("%s is now %s.", u.Username, u.Role))
	if u.ID == CurrentUser(c).ID && !auth.Allows(role, auth.RoleAdmin) {
		// No longer an admin: the users page would refuse them.
		return seeOther(c, "/")
	}
	return seeOther(c, "/admin/users")
}

// ResetPassword sets a new password; the user's sessions and API tokens end with it.
func (h *Handler) ResetPassword(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	pw := c.FormValue("password")
	if err := samePassword(pw, c.FormValue("password2")); err != nil {
		return h.usersFailed(c, err, nil)
	}
	u, err := h.resetPassword(c, id, pw)
	if err != nil {
		return h.usersFailed(c, err, nil)
	}
	if me := CurrentUser(c); u.ID == me.ID {
		// Their own sessions ended too: this one starts afresh.
		if err := h.Sessions.Login(c, me.ID); err != nil {
			return err
		}
	}
	h.Sessions.SetFlash(c, fmt.Sprintf("New password set for %s; their sessions have ended and their API tokens are revoked.", u.Username))
	return seeOther(c, "/admin/users")
}

// DisableUser ends a user's access and sessions at once.
func (h *Handler) DisableUser(c echo.Context) error { return h.setDisabled(c, true) }

// EnableUser lets a disabled user log in again.
func (h *Handler) EnableUser(c echo.Context) error { return h.setDisabled(c, false) }

func (h *Handler) setDisabled(c echo.Context, disabled bool) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u, err := h.changeAccess(c, id, disabled)
	if err != nil {
		return h.usersFailed(c, err, nil)
	}
	msg := fmt.Sprintf("%s is enabled again.", u.Username)
	if disabled {
		msg = fmt.Sprintf("%s is disabled, logged out everywhere, and their API tokens are revoked.", u.Username)
	}
	h.Sessions.SetFlash(c, msg)
	return seeOther(c, "/admin/users")
}
