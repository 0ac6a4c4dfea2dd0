package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/views"
)

// LoginForm shows the login page; a logged-in user goes to the documents.
func (h *Handler) LoginForm(c echo.Context) error {
	if CurrentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return Render(c, http.StatusOK, views.LoginView(views.LoginPage{
		Base: h.Base(c, "Log in", ""), Next: safeNext(c.QueryParam("next")),
	}))
}

// Login checks the credentials and starts a new session. Unknown users and
// wrong passwords get the same answer after the same work.
func (h *Handler) Login(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("username"))
	pw := c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	u, err := h.Store.UserByName(c.Request().Context(), name)
	ok := false
	switch {
	case errors.Is(err, db.ErrNotFound):
		auth.CheckNoUser(pw)
	case err != nil:
		return err
	default:
		ok = auth.CheckPassword(u.PasswordHash, pw) && !u.Disabled
	}
	if !ok {
		h.Log.Warn("login failed", "user", name, "ip", c.RealIP())
		return Render(c, http.StatusUnauthorized, views.LoginView(views.LoginPage{
			Base: h.Base(c, "Log in", ""), Username: name, Next: next,
			Error: "Wrong user name or password.",
		}))
	}
	if err := h.Sessions.Login(c, u.ID); err != nil {
		return err
	}
	h.Log.Info("login", "user", u.Username, "ip", c.RealIP())
	return seeOther(c, next)
}

// Logout ends the session on the server.
func (h *Handler) Logout(c echo.Context) error {
	if err := h.Sessions.Logout(c); err != nil {
		return err
	}
	return seeOther(c, "/login")
}

// safeNext keeps a redirect target on this site: a local path only.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// SetupForm shows the first-admin form while the one-time link is valid.
func (h *Handler) SetupForm(c echo.Context) error {
	tok := c.Param("token")
	if !h.Store.SetupTokenValid(c.Request().Context(), tok) {
		return echo.NewHTTPError(http.StatusNotFound, "This setup link is not valid: it was used already or replaced by a newer one.")
	}
	return Render(c, http.StatusOK, views.SetupView(views.SetupPage{Base: h.Base(c, "Set up factdesk", ""), Token: tok}))
}

// Setup creates the first admin, uses up the token and logs the admin in.
func (h *Handler) Setup(c echo.Context) error {
	tok := c.Param("token")
	name := strings.TrimSpace(c.FormValue("username"))
	pw, pw2 := c.FormValue("password"), c.FormValue("password2")
	fail := func(msg string) error {
		return Render(c, http.StatusUnprocessableEntity, views.SetupView(views.SetupPage{
			Base: h.Base(c, "Set up factdesk", ""), Token: tok, Username: name, Error: msg,
		}))
	}
	if !h.Store.SetupTokenValid(c.Request().Context(), tok) {
		return echo.NewHTTPError(http.StatusNotFound, "This setup link is not valid: it was used already or replaced by a newer one.")
	}
	if err := db.ValidUsername(name); err != nil {
		return fail(UserMessage(err))
	}
	if pw != pw2 {
		return fail("The two passwords differ.")
	}
	if err := auth.CheckPasswordRules(pw); err != nil {
		return fail(UserMessage(err))
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	u, err := h.Store.CreateFirstAdmin(c.Request().Context(), tok, name, hash)
	if errors.Is(err, db.ErrNotAllowed) {
		return echo.NewHTTPError(http.StatusNotFound, "This setup link is not valid: it was used already or replaced by a newer one.")
	}
	if err != nil {
		return err
	}
	h.Log.Info("first admin created", "user", u.Username)
	if err := h.Sessions.Login(c, u.ID); err != nil {
		return err
	}
	return seeOther(c, "/")
}

// userMessage turns a validation error into a sentence for the user.
func UserMessage(err error) string {
	msg := err.Error()
	for _, prefix := range []string{db.ErrInvalid.Error() + ": ", auth.ErrWeakPassword.Error() + ": "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	if msg == "" {
		return msg
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}
