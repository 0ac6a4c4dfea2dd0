package handlers

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/views"
)

const activityPerPage = 50

// Activity is the feed of who did what, when, across every document.
func (h *Handler) Activity(c echo.Context) error {
	return h.activity(c, 0)
}

// DocumentActivity is the feed of one document.
func (h *Handler) DocumentActivity(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.activity(c, id)
}

func (h *Handler) activity(c echo.Context, docID int64) error {
	ctx := c.Request().Context()
	var before int64
	if v := c.QueryParam("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("%w: bad page cursor", db.ErrInvalid)
		}
		before = n
	}
	p := views.ActivityPage{Base: h.Base(c, "Activity", "activity")}
	base := "/activity"
	if docID > 0 {
		d, err := h.Store.Document(ctx, docID)
		if err != nil {
			return err
		}
		p.DocumentID, p.DocTitle = d.ID, d.Title
		p.Title = "Activity: " + d.Title
		base = fmt.Sprintf("/documents/%d/activity", docID)
	}
	entries, next, err := h.Store.Activity(ctx, db.ActivityFilter{DocumentID: docID, BeforeID: before,
		Limit: activityPerPage, ViewerID: CurrentUser(c).ID})
	if err != nil {
		return err
	}
	for _, e := range entries {
		p.Entries = append(p.Entries, views.ActivityRow{At: e.At, User: e.User, Action: e.Action, DocumentID: e.DocumentID,
			DocTitle: e.DocumentTitle, ClaimID: e.ClaimID, ClaimText: e.ClaimText, Subject: e.Subject, From: e.From, To: e.To,
			Detail: e.Detail})
	}
	if next > 0 {
		p.NextURL = fmt.Sprintf("%s?before=%d", base, next)
	}
	if before > 0 {
		p.FirstURL = base
	}
	return Render(c, http.StatusOK, views.ActivityView(p))
}
