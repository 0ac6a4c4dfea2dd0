package handlers

import (
	"fmt"
	"net/http"

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
	before, err := beforeCursor(c.QueryParams())
	if err != nil {
		return err
	}
	p := views.ActivityPage{Base: h.Base(c, "Activity", "activity")}
	base := "/activity"
	d, entries, next, err := h.feed(c, docID, before, activityPerPage)
	if err != nil {
		return err
	}
	if docID > 0 {
		p.DocumentID, p.DocTitle = d.ID, d.Title
		p.Title = "Activity: " + d.Title
		base = fmt.Sprintf("/documents/%d/activity", docID)
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

// feed reads a page of the activity feed, of every document (docID 0) or
// of one, as the current user may see it; the page and the API share it.
func (h *Handler) feed(c echo.Context, docID, before int64, limit int) (db.Document, []db.ActivityEntry, int64, error) {
	ctx := c.Request().Context()
	var d db.Document
	if docID > 0 {
		var err error
		if d, err = h.Store.Document(ctx, docID); err != nil {
			return d, nil, 0, err
		}
	}
	entries, next, err := h.Store.Activity(ctx, db.ActivityFilter{DocumentID: docID, BeforeID: before,
		Limit: limit, ViewerID: CurrentUser(c).ID})
	return d, entries, next, err
}
