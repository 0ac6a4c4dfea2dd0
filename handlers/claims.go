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
		Dismissed: c.Dismissed, Assignee: c.Assignee, AssigneeID: c.AssigneeID,
	}
}

// queueURL builds a queue link that keeps the current filters.
func queueURL(status string, docID int64, assignee, key, cursor string) string {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	if docID > 0 {
		q.Set("document", strconv.FormatInt(docID, 10))
	}
	if assignee != "" {
		q.Set("assignee", assignee)
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
	f, err := parseQueueFilter(c.QueryParams())
	if err != nil {
		return err
	}
	assignee, err := h.assigneeFilter(c, &f)
	if err != nil {
		return err
	}
	p := views.QueuePage{Base: h.Base(c, "Review queue", "queue"), Status: f.Status, DocumentID: f.DocumentID}
	if f.DocumentID > 0 {
		if p.DocumentTitle, err = h.Store.DocumentTitle(ctx, f.DocumentID); err != nil {
			return err
		}
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
		p.NextURL = queueURL(f.Status, f.DocumentID, assignee, "after", page.Next.String())
	}
	if page.Prev != nil {
		p.PrevURL = queueURL(f.Status, f.DocumentID, assignee, "before", page.Prev.String())
	}
	p.StatusURLs = append(p.StatusURLs, views.FilterLink{Label: "All", URL: queueURL("", f.DocumentID, assignee, "", ""), Current: f.Status == ""})
	for _, s := range db.Statuses {
		p.StatusURLs = append(p.StatusURLs, views.FilterLink{Label: views.StatusLabel(s), URL: queueURL(s, f.DocumentID, assignee, "", ""), Current: f.Status == s})
	}
	st := f.Status
	if st == "" {
		st = strings.Join(db.Statuses, ",")
	}
	p.Download = h.downloadForm(views.DownloadForm{Status: st, DocumentID: f.DocumentID, Assignee: assignee})
	if err := h.queueTeam(c, &p, f, assignee); err != nil {
		return err
	}
	queueLive(&p)
	return Render(c, http.StatusOK, views.QueueView(p))
}

// claimPage loads everything the claim page shows: the whole page
// (ClaimView), or only its panel (ClaimMain and the live updates).
func (h *Handler) claimPage(c echo.Context, id int64, whole bool) (views.ClaimPage, error) {
	ctx := c.Request().Context()
	cl, body, has, err := h.Store.ClaimInText(ctx, id)
	if err != nil {
		return views.ClaimPage{}, err
	}
	// The history and its check, read once: on a break the history is
	// still shown, with the problem beside it.
	hist, checked, histErr := h.Store.ClaimHistory(ctx, id)
	var chainErr *db.ChainError
	if histErr != nil && !errors.As(histErr, &chainErr) {
		return views.ClaimPage{}, histErr
	}
	p := views.ClaimPage{
		Base:   h.Base(c, fmt.Sprintf("Claim %d", cl.ID), "queue"),
		Claim:  claimRow(cl),
		DocURL: fmt.Sprintf("/documents/%d#claim-%d", cl.DocumentID, cl.ID),
	}
	p.Before, p.After = passage(body, cl.Start, cl.End)
	p.Numbers, p.Dates = numbersAndDates(cl.Text)
	if p.Publish, err = h.publishBox(c, cl, has.Published); err != nil {
		return views.ClaimPage{}, err
	}
	for _, e := range hist {
		p.History = append(p.History, views.HistoryRow{ID: e.ID, Action: e.Action,
			User: e.Username, At: e.CreatedAt, From: e.From, To: e.To, Note: e.Note})
	}
	if err := h.claimTeam(c, &p, cl, has); err != nil {
		return views.ClaimPage{}, err
	}
	p.HistoryChecked = checked
	if chainErr != nil {
		p.HistoryProblem = chainErr.Error()
		h.Log.Error("claim history does not verify", "claim", id, "problem", chainErr.Error())
	}
	if err := h.claimLive(c, &p, whole); err != nil {
		return p, err
	}
	return p, nil
}

// Claim shows one claim beside its source passage, with its review form.
func (h *Handler) Claim(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := h.claimPage(c, id, true)
	if err != nil {
		return err
	}
	// What a form of this page did is said in its review panel, where the
	// redirect after it lands (#review), not at the top out of sight.
	p.Saved, p.Flash = p.Flash, ""
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
	ev := evidenceFromForm(c, "evidence_")
	var cl db.Claim
	if verr != nil {
		err = fmt.Errorf("%w: the form is missing the claim version; reload the page", db.ErrInvalid)
	} else {
		cl, err = h.Store.SetStatus(c.Request().Context(), id, u.ID, version, status, note, ev...)
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
			return seeOther(c, fmt.Sprintf("/claims/%d#review", id))
		}
	}
	if isRowTarget(c, id) {
		return h.statusRow(c, code, id, msg)
	}
	p, err := h.claimPage(c, id, !isHTMX(c))
	if err != nil {
		return err
	}
	p.Error, p.Conflict = msg, conflict
	if code != http.StatusOK {
		p.Note = shown(note)
		p.Team.StatusEv = evidenceKept(c, "evidence_")
	} else {
		p.Saved = "Saved: " + views.StatusLabel(cl.Status) + "."
	}
	if isHTMX(c) {
		return Render(c, code, views.ClaimMain(p))
	}
	return Render(c, code, views.ClaimView(p))
}
