package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/views"
)

func (h *Handler) tokensPage(c echo.Context) (views.TokensPage, error) {
	p := views.TokensPage{Base: h.Base(c, "API tokens", "tokens")}
	toks, err := h.Store.Tokens(c.Request().Context(), CurrentUser(c).ID)
	if err != nil {
		return p, err
	}
	for _, t := range toks {
		p.Tokens = append(p.Tokens, views.TokenRow{ID: t.ID, Label: t.Label, Prefix: t.Prefix,
			CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt})
	}
	return p, nil
}

// Tokens lists the user's personal API tokens.
func (h *Handler) Tokens(c echo.Context) error {
	p, err := h.tokensPage(c)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.TokensView(p))
}

// CreateToken makes a token and shows it once, on this answer only: it is
// not kept anywhere it could be shown again (not even the session).
func (h *Handler) CreateToken(c echo.Context) error {
	u := CurrentUser(c)
	label := c.FormValue("label")
	secret, tok, err := h.Store.CreateToken(c.Request().Context(), u.ID, label)
	code := http.StatusOK
	var msg string
	switch {
	case errors.Is(err, db.ErrInvalid):
		code, msg = http.StatusUnprocessableEntity, UserMessage(err)
	case err != nil:
		return err
	default:
		if err := h.Store.RecordAudit(c.Request().Context(), db.AuditEvent{Event: db.AuditTokenCreated, ActorID: u.ID, Actor: u.Username,
			TargetID: tok.ID, Target: "token " + tok.Prefix + "…", IP: c.RealIP(), Detail: tok.Label}); err != nil {
			return err
		}
		h.Log.Info("API token created", "token", tok.ID, "user", u.Username)
	}
	p, perr := h.tokensPage(c)
	if perr != nil {
		return perr
	}
	p.NewToken, p.Error = secret, msg
	if msg != "" {
		p.Label = shown(label)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return Render(c, code, views.TokensView(p))
}

// RevokeToken stops one of the user's tokens at once.
func (h *Handler) RevokeToken(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return db.ErrNotFound
	}
	u := CurrentUser(c)
	done, err := h.Store.RevokeToken(c.Request().Context(), u.ID, id)
	if err != nil {
		return err
	}
	if !done {
		h.Sessions.SetFlash(c, "That token was revoked already.")
		return seeOther(c, "/tokens")
	}
	if err := h.Store.RecordAudit(c.Request().Context(), db.AuditEvent{Event: db.AuditTokenRevoked, ActorID: u.ID, Actor: u.Username,
		TargetID: id, Target: "token " + strconv.FormatInt(id, 10), IP: c.RealIP()}); err != nil {
		return err
	}
	h.Log.Info("API token revoked", "token", id, "user", u.Username)
	h.Sessions.SetFlash(c, "Token revoked: it no longer works.")
	return seeOther(c, "/tokens")
}
