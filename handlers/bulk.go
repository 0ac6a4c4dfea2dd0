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
	form, err := c.FormParams()
	if err != nil {
		return fmt.Errorf("%w: the form could not be read", db.ErrInvalid)
	}
	var items []db.BulkItem
	seen := map[int64]bool{}
	for _, v := range form["claim"] {
		a, b, ok := strings.Cut(v, ":")
		id, err1 := strconv.ParseInt(a, 10, 64)
		ver, err2 := strconv.ParseInt(b, 10, 64)
		if !ok || err1 != nil || err2 != nil || id <= 0 || ver <= 0 {
			return fmt.Errorf("%w: the selection is malformed; reload the queue and select again", db.ErrInvalid)
		}
		if !seen[id] {
			seen[id] = true
			items = append(items, db.BulkItem{ClaimID: id, Version: ver})
		}
	}
	act := db.BulkAction{Kind: c.FormValue("action"), Status: c.FormValue("status"), Note: c.FormValue("note")}
	if act.Kind == db.BulkAssign {
		if act.AssigneeID, err = assigneeFromForm(c); err != nil {
			return err
		}
	}
	u := CurrentUser(c)
	r, err := h.Store.Bulk(c.Request().Context(), u.ID, act, items)
	if err != nil {
		return err
	}
	h.Log.Info("bulk action", "action", act.Kind, "done", len(r.Done), "stale", len(r.Stale), "skipped", len(r.Skipped), "user", u.Username)
	h.Sessions.SetFlash(c, bulkMessage(act, r))
	back := safeNext(c.FormValue("back"))
	if !strings.HasPrefix(back, "/queue") {
		back = "/queue"
	}
	return seeOther(c, back)
}

// bulkMessage says what happened, naming every claim that was left alone.
func bulkMessage(a db.BulkAction, r db.BulkResult) string {
	n := len(r.Done)
	claims := fmt.Sprintf("%d claims", n)
	if n == 1 {
		claims = "1 claim"
	}
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
