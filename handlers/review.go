package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/views"
)

// Dismiss marks an extracted sentence as not a claim, with a reason.
func (h *Handler) Dismiss(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	keep := func(p *views.ClaimPage, msg string) { p.Team.Reason, p.Team.ToolsError = shown(reason), msg }
	v, err := formVersion(c)
	if err != nil {
		return h.claimRefused(c, id, err, keep)
	}
	u := CurrentUser(c)
	// A dismissal unpublishes; the message says so when there was a page.
	pub, err := h.Store.Publication(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if _, err := h.Store.Dismiss(c.Request().Context(), id, u.ID, v, reason); err != nil {
		return h.claimRefused(c, id, err, keep)
	}
	h.Log.Info("claim dismissed", "claim", id, "user", u.Username)
	msg := "Dismissed: this sentence has left the queue."
	if pub.Published {
		msg = "Dismissed: this sentence has left the queue, and its public page is withdrawn."
	}
	return h.claimDone(c, id, "review", msg)
}

// Restore puts a dismissed sentence back in the queue.
func (h *Handler) Restore(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	note := c.FormValue("reason")
	keep := func(p *views.ClaimPage, msg string) { p.Team.Reason, p.Team.ToolsError = shown(note), msg }
	v, err := formVersion(c)
	if err != nil {
		return h.claimRefused(c, id, err, keep)
	}
	u := CurrentUser(c)
	if _, err := h.Store.Restore(c.Request().Context(), id, u.ID, v, note); err != nil {
		return h.claimRefused(c, id, err, keep)
	}
	h.Log.Info("claim restored", "claim", id, "user", u.Username)
	return h.claimDone(c, id, "review", "Restored: the claim is back in the queue.")
}

// assigneeFromForm reads the assignee field: a user id, or "none" to unassign.
func assigneeFromForm(c echo.Context) (int64, error) {
	if strings.TrimSpace(c.FormValue("assignee")) == "none" {
		return 0, nil
	}
	return formID(c, "assignee", "whom to assign")
}

// AssignClaim assigns one claim to a reviewer, or to nobody.
func (h *Handler) AssignClaim(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	keep := func(p *views.ClaimPage, msg string) { p.Team.ToolsError = msg }
	to, err := assigneeFromForm(c)
	if err != nil {
		return h.claimRefused(c, id, err, keep)
	}
	ctx, actor := c.Request().Context(), CurrentUser(c).ID
	var changed []db.Claim
	// The claim page's form says whose the claim was when it was shown
	// (0: nobody's); a form without it assigns as asked.
	if shown := strings.TrimSpace(c.FormValue("shown")); shown == "" {
		changed, err = h.Store.AssignClaims(ctx, actor, to, []int64{id})
	} else if seen, perr := strconv.ParseInt(shown, 10, 64); perr != nil || seen < 0 {
		err = fmt.Errorf("%w: the form is damaged; reload the page", db.ErrInvalid)
	} else {
		changed, err = h.Store.AssignClaimSeen(ctx, actor, to, id, seen)
	}
	if err != nil {
		return h.claimRefused(c, id, err, keep)
	}
	msg := "Nothing changed: the claim was assigned so already."
	if len(changed) > 0 {
		msg = assignedMessage(changed[0].Assignee, 1)
	}
	return h.claimDone(c, id, "assign", msg)
}

func assignedMessage(name string, n int) string {
	claims := "the claim is"
	if n != 1 {
		claims = fmt.Sprintf("%d claims are", n)
	}
	if name == "" {
		return "Unassigned: " + claims + " nobody's now."
	}
	return fmt.Sprintf("Assigned: %s %s's now.", claims, name)
}

// AssignDocument assigns every claim of a document that is not dismissed.
func (h *Handler) AssignDocument(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.Store.DocumentTitle(ctx, id); err != nil {
		return err
	}
	to, err := assigneeFromForm(c)
	// Claims others have are taken only when asked: an editor handing out
	// the rest of a document must not take work from a reviewer unawares.
	takeOthers := c.FormValue("take") == "1"
	if err == nil {
		var changed []db.Claim
		if changed, err = h.Store.AssignDocument(ctx, CurrentUser(c).ID, to, id, !takeOthers); err == nil {
			name := ""
			if to > 0 {
				u, uerr := h.Store.UserByID(ctx, to)
				if uerr != nil {
					return uerr
				}
				name = u.Username
			}
			msg := assignedMessage(name, len(changed))
			switch {
			case len(changed) == 0 && takeOthers:
				msg = "Nothing changed: every claim was assigned so already."
			case len(changed) == 0:
				msg = "Nothing changed: no claim was left unassigned. To reassign claims others have, tick “Also take claims others have”."
			}
			h.Sessions.SetFlash(c, msg)
			return seeOther(c, fmt.Sprintf("/documents/%d", id))
		}
	}
	if !isInvalid(err) {
		return err
	}
	p, perr := h.documentPage(c, id)
	if perr != nil {
		return perr
	}
	p.AssignError = UserMessage(err)
	return Render(c, http.StatusUnprocessableEntity, views.DocumentView(p))
}
