package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/views"
)

const queuePageSize = 50

func claimRow(c db.Claim) views.ClaimRow {
	return views.ClaimRow{
		ID: c.ID, DocumentID: c.DocumentID, DocumentTitle: c.DocumentTitle, Text: c.Text, Status: c.Status,
		Score: c.Score, Kind: c.Kind, Speaker: c.Speaker, Version: c.Version, UpdatedAt: c.UpdatedAt,
	}
}

// queueURL builds a queue link that keeps the current filters.
func queueURL(status string, docID int64, key, cursor string) string {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	if docID > 0 {
		q.Set("document", strconv.FormatInt(docID, 10))
	}
	if key != "" {
		q.Set(key, cursor)
	}
	if len(q) == 0 {
		return "/queue"
	}
	return "/queue?" + q.Encode()
}

// Queue lists claims by check-worthiness, filtered by status and document.
func (h *Handler) Queue(c echo.Context) error {
	ctx := c.Request().Context()
	f := db.QueueFilter{Limit: queuePageSize, Status: c.QueryParam("status")}
	if f.Status != "" && !db.ValidStatus(f.Status) {
		return fmt.Errorf("%w: unknown status %q (use unverified, confirmed or disputed)", db.ErrInvalid, f.Status)
	}
	if d := c.QueryParam("document"); d != "" {
		id, err := strconv.ParseInt(d, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("%w: the document filter must be a document number", db.ErrInvalid)
		}
		f.DocumentID = id
	}
	for key, dst := range map[string]**db.Cursor{"after": &f.After, "before": &f.Before} {
		if v := c.QueryParam(key); v != "" {
			cur, err := db.ParseCursor(v)
			if err != nil {
				return err
			}
			*dst = &cur
		}
	}
	p := views.QueuePage{Base: h.Base(c, "Review queue", "queue"), Status: f.Status, DocumentID: f.DocumentID}
	if f.DocumentID > 0 {
		d, err := h.Store.Document(ctx, f.DocumentID)
		if err != nil {
			return err
		}
		p.DocumentTitle = d.Title
	}
	page, err := h.Store.Queue(ctx, f)
	if err != nil {
		return err
	}
	p.Total = page.Total
	for _, cl := range page.Claims {
		p.Claims = append(p.Claims, claimRow(cl))
	}
	if page.Next != nil {
		p.NextURL = queueURL(f.Status, f.DocumentID, "after", page.Next.String())
	}
	if page.Prev != nil {
		p.PrevURL = queueURL(f.Status, f.DocumentID, "before", page.Prev.String())
	}
	p.StatusURLs = append(p.StatusURLs, views.FilterLink{Label: "All", URL: queueURL("", f.DocumentID, "", ""), Current: f.Status == ""})
	for _, s := range db.Statuses {
		p.StatusURLs = append(p.StatusURLs, views.FilterLink{Label: views.StatusLabel(s), URL: queueURL(s, f.DocumentID, "", ""), Current: f.Status == s})
	}
	st := f.Status
	if st == "" {
		st = strings.Join(db.Statuses, ",")
	}
	p.ExportURL = "/export?format=json&status=" + url.QueryEscape(st)
	return Render(c, http.StatusOK, views.QueueView(p))
}

// claimPage loads everything the claim page shows.
func (h *Handler) claimPage(c echo.Context, id int64) (views.ClaimPage, error) {
	ctx := c.Request().Context()
	cl, err := h.Store.Claim(ctx, id)
	if err != nil {
		return views.ClaimPage{}, err
	}
	d, err := h.Store.Document(ctx, cl.DocumentID)
	if err != nil {
		return views.ClaimPage{}, err
	}
	hist, err := h.Store.History(ctx, id)
	if err != nil {
		return views.ClaimPage{}, err
	}
	p := views.ClaimPage{
		Base:   h.Base(c, fmt.Sprintf("Claim %d", cl.ID), "queue"),
		Claim:  claimRow(cl),
		DocURL: fmt.Sprintf("/documents/%d#claim-%d", d.ID, cl.ID),
	}
	p.Before, p.After = passage(d.Body, cl.Start, cl.End)
	p.Numbers, p.Dates = numbersAndDates(cl.Text)
	for _, e := range hist {
		p.History = append(p.History, views.HistoryRow{User: e.Username, At: e.CreatedAt, From: e.From, To: e.To, Note: e.Note})
	}
	return p, nil
}

// Claim shows one claim beside its source passage, with its review form.
func (h *Handler) Claim(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := h.claimPage(c, id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.ClaimView(p))
}

// SetStatus records a review. A change made on a stale version is refused
// and the page shows the newer state, keeping the reviewer's note.
func (h *Handler) SetStatus(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	status, note := c.FormValue("status"), c.FormValue("note")
	version, verr := strconv.ParseInt(c.FormValue("version"), 10, 64)
	u := CurrentUser(c)
	var cl db.Claim
	if verr != nil {
		err = fmt.Errorf("%w: the form is missing the claim version; reload the page", db.ErrInvalid)
	} else {
		cl, err = h.Store.SetStatus(c.Request().Context(), id, u.ID, version, status, note)
	}
	code, msg, conflict := http.StatusOK, "", false
	var stale *db.StaleError
	switch {
	case errors.As(err, &stale):
		code, conflict = http.StatusConflict, true
		msg = fmt.Sprintf("Not saved: someone else changed this claim while you were reviewing it. It is now %s. Your note is kept below; review again.",
			views.StatusLabel(stale.Current.Status))
	case errors.Is(err, db.ErrInvalid):
		code, msg = http.StatusUnprocessableEntity, UserMessage(err)
	case err != nil:
		return err
	}
	if code == http.StatusOK {
		h.Log.Info("status changed", "claim", id, "to", cl.Status, "user", u.Username)
		if !isHTMX(c) {
			h.Sessions.SetFlash(c, "Saved: "+views.StatusLabel(cl.Status)+".")
			return seeOther(c, fmt.Sprintf("/claims/%d", id))
		}
	}
	p, err := h.claimPage(c, id)
	if err != nil {
		return err
	}
	p.Error, p.Conflict = msg, conflict
	if code != http.StatusOK {
		p.Note = note
	} else {
		p.Saved = "Saved: " + views.StatusLabel(cl.Status) + "."
	}
	if isHTMX(c) {
		return Render(c, code, views.ClaimMain(p))
	}
	return Render(c, code, views.ClaimView(p))
}
