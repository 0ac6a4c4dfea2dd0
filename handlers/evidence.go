package handlers

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/views"
)

// AddEvidence attaches a link, with a title and an optional quoted excerpt,
// to a claim.
func (h *Handler) AddEvidence(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ev := db.NewEvidence{URL: c.FormValue("url"), Title: c.FormValue("title"), Excerpt: c.FormValue("excerpt")}
	u := CurrentUser(c)
	if _, err := h.Store.AddEvidence(c.Request().Context(), id, u.ID, ev); err != nil {
		return h.claimRefused(c, id, err, func(p *views.ClaimPage, msg string) {
			p.Team.Ev = views.EvidenceForm{URL: ev.URL, Title: ev.Title, Excerpt: ev.Excerpt}
			p.Team.EvidenceError = msg
		})
	}
	h.Log.Info("evidence added", "claim", id, "user", u.Username)
	return h.claimDone(c, id, "evidence", fmt.Sprintf("Evidence added: %s.", ev.Title))
}
