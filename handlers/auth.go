package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/views"
)

// LoginForm shows the login page; a logged-in user goes to the documents.
func (h *Handler) LoginForm(c echo.Context) error {
	next := safeNext(c.QueryParam("next"))
	if CurrentUser(c) != nil {
		// Logged in meanwhile (in another tab): on to where the link led.
		return c.Redirect(http.StatusSeeOther, next)
	}
	p := views.LoginPage{Base: h.Base(c, "Log in", ""), Next: next}
	switch c.QueryParam("ended") {
	case "all":
		p.Notice = "You are logged out everywhere: every session of yours has ended."
	case "unsaved":
		p.Notice = "Your session had ended, so what you typed was not saved. Log in to go back to the page, and enter it again."
	}
	return Render(c, http.StatusOK, views.LoginView(p))
}

// maxLoginHold is the longest a throttled login attempt is held back before
// its password is checked; an attempt that would have to wait longer is
// refused at once with 429 and how long to wait.
const maxLoginHold = 5 * time.Second

// Login checks the credentials and starts a new session. Attempts are
// throttled per account and per client address (see auth.Throttle); unknown
// users, wrong passwords and disabled accounts get the same answer after the
// same work.
func (h *Handler) Login(c echo.Context) error {
	ctx := c.Request().Context()
	name := strings.TrimSpace(c.FormValue("username"))
	pw := c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	ip := c.RealIP()
	refuse := func(code int, msg string) error {
		return Render(c, code, views.LoginView(views.LoginPage{
			Base: h.Base(c, "Log in", ""), Username: shown(name), Next: next, Error: msg,
		}))
	}

	acct, client := auth.AccountKey(name), auth.ClientKey(ip)
	wait, ok, err := h.Store.ReserveLoginAttempt(ctx, []db.LoginLimit{
		{Key: acct, Delay: auth.AccountThrottle.Delay, Forget: auth.AccountThrottle.Forget},
		{Key: client, Delay: auth.ClientThrottle.Delay, Forget: auth.ClientThrottle.Forget},
	}, maxLoginHold)
	if err != nil {
		return err
	}
	if !ok {
		h.Log.Warn("login throttled", "user", name, "ip", ip, "wait", wait.Round(time.Second))
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return refuse(http.StatusTooManyRequests, "Too many attempts; try again in "+minutes(wait)+".")
	}
	if wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}

	u, err := h.Store.UserByName(ctx, name)
	reason := ""
	switch {
	case errors.Is(err, db.ErrNotFound):
		auth.CheckNoUser(pw)
		reason = "unknown user"
	case err != nil:
		return err
	case !auth.CheckPassword(u.PasswordHash, pw):
		reason = "wrong password"
	case u.Disabled:
		reason = "account disabled"
	}
	if reason != "" {
		h.Log.Warn("login failed", "user", name, "ip", ip, "reason", reason)
		if err := h.Store.RecordAudit(ctx, db.AuditEvent{
			Event: db.AuditLoginFailed, TargetID: u.ID, Target: name, IP: ip, Detail: reason,
		}); err != nil {
			return err
		}
		return refuse(http.StatusUnauthorized, "Wrong user name or password.")
	}
	if err := h.Store.LoginSucceeded(ctx, []string{acct}, []string{client}); err != nil {
		return err
	}
	if err := h.Sessions.Login(c, u.ID); err != nil {
		return err
	}
	if err := h.Store.RecordAudit(ctx, db.AuditEvent{Event: db.AuditLogin, ActorID: u.ID, Actor: u.Username, IP: ip}); err != nil {
		return err
	}
	h.Log.Info("login", "user", u.Username, "ip", ip)
	return seeOther(c, next)
}

// minutes says how long to wait, in whole minutes rounded up.
func minutes(d time.Duration) string {
	n := max(1, int(math.Ceil(d.Minutes())))
	if n == 1 {
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}

// Logout ends the session on the server.
func (h *Handler) Logout(c echo.Context) error {
	u := CurrentUser(c)
	if err := h.Sessions.Logout(c); err != nil {
		return err
	}
	if u != nil {
		if err := h.Store.RecordAudit(c.Request().Context(), db.AuditEvent{
			Event: db.AuditLogout, ActorID: u.ID, Actor: u.Username, IP: c.RealIP(),
		}); err != nil {
			return err
		}
	}
	return seeOther(c, "/login")
}

// LogoutEverywhere ends every session of the user, on every device, this one
// included: for a lost laptop or a session left open somewhere.
func (h *Handler) LogoutEverywhere(c echo.Context) error {
	ctx := c.Request().Context()
	u := CurrentUser(c)
	n, err := h.Store.CountUserSessions(ctx, u.ID)
	if err != nil {
		return err
	}
	if err := h.Store.DeleteUserSessions(ctx, u.ID); err != nil {
		return err
	}
	if err := h.Sessions.Logout(c); err != nil {
		return err
	}
	if err := h.Store.RecordAudit(ctx, db.AuditEvent{
		Event: db.AuditLogoutEverywhere, ActorID: u.ID, Actor: u.Username, IP: c.RealIP(),
		Detail: fmt.Sprintf("%d sessions ended", n),
	}); err != nil {
		return err
	}
	h.Log.Info("logged out everywhere", "user", u.Username, "sessions", n)
	return seeOther(c, "/login?ended=all")
}

// safeNext keeps a redirect target on this site: a local path only, with
// no control characters.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\t\r\n") ||
		next != shown(next) {
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
			Base: h.Base(c, "Set up factdesk", ""), Token: tok, Username: shown(name), Error: msg,
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
	if err := auth.CheckPasswordRules(pw, name); err != nil {
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
	if err := h.Store.RecordAudit(c.Request().Context(), db.AuditEvent{
		Event: db.AuditUserCreated, TargetID: u.ID, Target: u.Username, IP: c.RealIP(),
		Detail: "first admin, created with the setup link",
	}); err != nil {
		return err
	}
	h.Log.Info("first admin created", "user", u.Username)
	if err := h.Sessions.Login(c, u.ID); err != nil {
		return err
	}
	return seeOther(c, "/")
}

// UserMessage turns a validation error into a sentence for the user.
func UserMessage(err error) string {
	msg := err.Error()
	for _, prefix := range []string{db.ErrInvalid.Error() + ": ", db.ErrDuplicate.Error() + ": ", auth.ErrWeakPassword.Error() + ": "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return Sentence(msg)
}

// Sentence starts s with a capital letter (a whole character, as in
// "ünïcode") and ends it with a full stop. A user name must appear as it
// was written, so messages never begin with one: they say "user élise is
// ...", not "élise is ...", which would come out as "Élise".
func Sentence(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
