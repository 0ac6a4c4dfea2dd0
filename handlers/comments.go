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

// AddComment adds a comment to a claim; @names notify those users.
func (h *Handler) AddComment(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	body := c.FormValue("body")
	u := CurrentUser(c)
	cm, err := h.Store.AddComment(c.Request().Context(), id, u.ID, body)
	if err != nil {
		return h.claimRefused(c, id, err, func(p *views.ClaimPage, msg string) {
			p.Team.CommentBody, p.Team.CommentError = shown(body), msg
		})
	}
	msg := "Comment added."
	if cm.Told > 0 {
		msg = "Comment added; the users it mentions see it in their inbox."
	}
	msg += toldNobody(cm.Disabled, "The account of %s is disabled", "The accounts of %s are disabled")
	msg += toldNobody(cm.Unknown, "No user here is called %s", "No users here are called %s")
	return h.claimDone(c, id, fmt.Sprintf("comment-%d", cm.ID), msg)
}

// toldNobody says which @names a comment's mentions did not reach, and
// why (one and many: the reason for one name and for several), or "".
func toldNobody(names []string, one, many string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return " " + fmt.Sprintf(one, "@"+names[0]) + ", so that mention told nobody."
	}
	return " " + fmt.Sprintf(many, "@"+strings.Join(names, ", @")) + ", so those mentions told nobody."
}

// Inbox lists the user's mentions and second-opinion requests, newest first.
func (h *Handler) Inbox(c echo.Context) error {
	before, err := beforeCursor(c.QueryParams())
	if err != nil {
		return err
	}
	u := CurrentUser(c)
	items, next, err := h.Store.Inbox(c.Request().Context(), u.ID, before, 50)
	if err != nil {
		return err
	}
	p := views.InboxPage{Base: h.Base(c, "Inbox", "inbox")}
	for _, n := range items {
		p.Items = append(p.Items, views.InboxRow{ID: n.ID, Kind: n.Kind, ClaimID: n.ClaimID, ClaimText: n.ClaimText,
			DocumentID: n.DocumentID, DocTitle: n.DocTitle, Actor: n.Actor, Comment: n.Comment, At: n.At, Read: n.Read, Blind: n.Blind,
			Withdrawn: n.Withdrawn})
	}
	if next > 0 {
		p.NextURL = fmt.Sprintf("/inbox?before=%d", next)
	}
	if len(items) > 0 && before == 0 {
		p.NewestID = items[0].ID
	}
	return Render(c, http.StatusOK, views.InboxView(p))
}

// MarkInboxRead marks the inbox read up to the newest entry the page showed.
func (h *Handler) MarkInboxRead(c echo.Context) error {
	var upTo int64
	if v := c.FormValue("upto"); v != "" {
		var err error
		if upTo, err = strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("%w: the form does not say up to which message to mark; reload the inbox", db.ErrInvalid)
		}
	}
	n, err := h.Store.MarkInboxRead(c.Request().Context(), CurrentUser(c).ID, upTo)
	if err != nil {
		return err
	}
	if n > 0 {
		h.Sessions.SetFlash(c, "Marked as read.")
	}
	return seeOther(c, "/inbox")
}
