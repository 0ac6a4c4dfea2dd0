package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/views"
)

// Bulk applies one action to the claims selected in the queue: set a
// status, assign, or dismiss. Each claim is checked against the version the
// queue showed; those changed meanwhile are reported and left alone.
func (h *Handler) Bulk(c echo.Context) error {
	back := safeNext(c.FormValue("back"))
	if !strings.HasPrefix(back, "/queue") {
		back = "/queue"
	}
	err := h.bulkForm(c)
	if isInvalid(err) {
		// Back to the queue the form came from, with the reason: a page of
		// its own left the editor a link to the documents list and nothing
		// else. Nothing was changed.
		h.Sessions.SetFlash(c, "Nothing changed: "+UserMessage(err))
	} else if err != nil {
		return err
	}
	return seeOther(c, back)
}

// bulkForm applies the queue's bulk form, saying what it did in a flash.
func (h *Handler) bulkForm(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return fmt.Errorf("%w: the form could not be read", db.ErrInvalid)
	}
	var sel []db.BulkItem
	for _, v := range form["claim"] {
		a, b, ok := strings.Cut(v, ":")
		id, err1 := strconv.ParseInt(a, 10, 64)
		ver, err2 := strconv.ParseInt(b, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return fmt.Errorf("%w: the selection is malformed; reload the queue and select again", db.ErrInvalid)
		}
		sel = append(sel, db.BulkItem{ClaimID: id, Version: ver})
	}
	act := db.BulkAction{Kind: c.FormValue("action"), Status: c.FormValue("status"), Note: c.FormValue("note")}
	if act.Kind == db.BulkAssign {
		if act.AssigneeID, err = assigneeFromForm(c); err != nil {
			return err
		}
	}
	r, hidden, err := h.bulk(c, act, sel)
	if err != nil {
		return err
	}
	h.Sessions.SetFlash(c, bulkMessage(act, r, hidden))
	return nil
}

// bulk checks a selection and applies the action to it; the queue's form
// and the API share it. Each claim comes once, with the version the caller
// saw (which an assignment does not need). hidden holds the claims whose
// verdict the user may not see, as they owe a second opinion on them: a
// stale claim's state would tell it.
func (h *Handler) bulk(c echo.Context, act db.BulkAction, sel []db.BulkItem) (db.BulkResult, map[int64]bool, error) {
	var items []db.BulkItem
	seen := map[int64]bool{}
	for _, it := range sel {
		if it.ClaimID <= 0 || it.Version < 0 || (it.Version == 0 && act.Kind != db.BulkAssign) {
			return db.BulkResult{}, nil, fmt.Errorf("%w: every selected claim needs its id and the version you saw", db.ErrInvalid)
		}
		if !seen[it.ClaimID] {
			seen[it.ClaimID] = true
			items = append(items, it)
		}
	}
	ctx := c.Request().Context()
	u := CurrentUser(c)
	r, err := h.Store.Bulk(ctx, u.ID, act, items)
	if err != nil {
		return r, nil, err
	}
	h.Log.Info("bulk action", "action", act.Kind, "done", len(r.Done), "stale", len(r.Stale), "skipped", len(r.Skipped), "user", u.Username)
	hidden, err := h.Store.PendingOpinions(ctx, u.ID)
	return r, hidden, err
}

// bulkMessage says what happened, naming every claim that was left alone.
func bulkMessage(a db.BulkAction, r db.BulkResult, hidden map[int64]bool) string {
	n := len(r.Done)
	claims := views.Claims(n)
	var b strings.Builder
	switch a.Kind {
	case db.BulkStatus:
		fmt.Fprintf(&b, "%s: %s.", views.StatusLabel(a.Status), claims)
	case db.BulkDismiss:
		fmt.Fprintf(&b, "Dismissed: %s.", claims)
	case db.BulkAssign:
		if n > 0 && r.Done[0].Assignee != "" {
			fmt.Fprintf(&b, "Assigned to %s: %s.", r.Done[0].Assignee, claims)
		} else {
			fmt.Fprintf(&b, "Assigned: %s.", claims)
		}
	}
	if len(r.Stale) > 0 {
		b.WriteString(" Changed by someone else since the queue was shown, so left alone:")
		for i, c := range r.Stale {
			sep := ","
			if i == len(r.Stale)-1 {
				sep = "."
			}
			state := views.StatusLabel(c.Status)
			if c.Dismissed {
				state = "dismissed"
			}
			if hidden[c.ID] {
				fmt.Fprintf(&b, " claim %d%s", c.ID, sep)
				continue
			}
			fmt.Fprintf(&b, " claim %d (now %s)%s", c.ID, state, sep)
		}
	}
	if len(r.Skipped) > 0 {
		b.WriteString(" Not changed:")
		for i, s := range r.Skipped {
			sep := ";"
			if i == len(r.Skipped)-1 {
				sep = "."
			}
			fmt.Fprintf(&b, " claim %d (%s)%s", s.ClaimID, strings.TrimSuffix(s.Reason, "."), sep)
		}
	}
	return b.String()
}
