package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/views"
)

// queueFilter reads the queue's filter (status, document) from a query.
func queueFilter(q url.Values) (status string, docID int64, err error) {
	status = q.Get("status")
	if status != "" && !db.ValidStatus(status) {
		return "", 0, fmt.Errorf("%w: unknown status %q (use unverified, confirmed or disputed)", db.ErrInvalid, status)
	}
	if d := q.Get("document"); d != "" {
		docID, err = strconv.ParseInt(d, 10, 64)
		if err != nil || docID <= 0 {
			return "", 0, fmt.Errorf("%w: the document filter must be a document number", db.ErrInvalid)
		}
	}
	return status, docID, nil
}

// filterQuery encodes a queue filter for claim links; "" when there is none.
// assignee is as the queue's links keep it: "me", "none" or a user name.
func filterQuery(status string, docID int64, assignee string) string {
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
	return q.Encode()
}

// shownVersion reads the version a page shows (?shown=N).
func shownVersion(c echo.Context) (int64, error) {
	v, err := strconv.ParseInt(c.QueryParam("shown"), 10, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%w: this address must say which version of the claim the page shows (shown=1 or more)", db.ErrInvalid)
	}
	return v, nil
}

// claimLive fills what the claim page needs to follow changes and step
// through the queue the reviewer came from. A panel alone (ClaimMain, as
// htmx swaps it in) has no queue links: it needs only the latest activity.
func (h *Handler) claimLive(c echo.Context, p *views.ClaimPage, whole bool) error {
	if !whole {
		seen, err := h.Store.LatestActivity(c.Request().Context(), p.Claim.ID)
		p.Live.Seen, p.Live.Assignee = seen, p.Team.AssigneeID
		return err
	}
	status, docID, err := queueFilter(c.QueryParams())
	if err != nil {
		return err
	}
	f := db.QueueFilter{Status: status, DocumentID: docID}
	assignee, err := h.assigneeFilter(c, &f)
	if err != nil {
		return err
	}
	n, err := h.Store.QueueNeighbours(c.Request().Context(), db.Claim{ID: p.Claim.ID, Score: p.Claim.Score}, f)
	if err != nil {
		return err
	}
	q := filterQuery(status, docID, assignee)
	p.Live = views.ClaimLive{
		EventsURL: fmt.Sprintf("/events?claims=%d.%d", p.Claim.ID, p.Claim.Version),
		Query:     q,
		Seen:      n.Seen,
		Assignee:  p.Team.AssigneeID,
	}
	if n.Prev > 0 {
		p.Live.PrevURL = string(views.ClaimLinkURL(n.Prev, q))
	}
	if n.Next > 0 {
		p.Live.NextURL = string(views.ClaimLinkURL(n.Next, q))
	}
	return nil
}

// queueLive fills what the queue page needs to follow its claims.
func queueLive(p *views.QueuePage) {
	p.Live.Query = filterQuery(p.Status, p.DocumentID, p.Assignee)
	// Built in one buffer: adding to a string fifty times copied it as often.
	u := make([]byte, 0, len("/events?claims=")+len(p.Claims)*12)
	u = append(u, "/events?claims="...)
	for i, c := range p.Claims {
		if i > 0 {
			u = append(u, ',')
		}
		u = strconv.AppendInt(u, c.ID, 10)
		u = append(u, '.')
		u = strconv.AppendInt(u, c.Version, 10)
	}
	p.Live.EventsURL = string(u)
}

// changeNotice says who made the latest change, for a page that shows an
// older version; nothing of the verdict for a reviewer who owes a blind
// second opinion on the claim.
func changeNotice(hist []db.HistoryEntry, me *db.User, long, blind bool) string {
	if blind {
		return "This claim changed. Its verdict stays hidden until you give your second opinion."
	}
	if len(hist) == 0 {
		return "This claim was changed."
	}
	h := hist[0]
	to := views.StatusLabel(h.To)
	at := h.CreatedAt.UTC().Format("15:04 UTC")
	switch {
	case me != nil && h.UserID == me.ID && long:
		return fmt.Sprintf("You changed this claim to %s at %s, in another window. Your form here still holds the earlier version.", to, at)
	case me != nil && h.UserID == me.ID:
		return fmt.Sprintf("%s: changed by you at %s", to, at)
	case long:
		return fmt.Sprintf("%s changed this claim to %s at %s. Look again before you save: your form still holds the earlier version.", h.Username, to, at)
	}
	return fmt.Sprintf("%s: changed by %s at %s", to, h.Username, at)
}

// ClaimLive answers a claim page's live re-fetch: 204 when the page shows
// the claim as it is, else its new state (views.ClaimLiveUpdate). The page
// says what it shows: the version (shown), an activity id no lower than the
// claim's newest (seen; any newer activity on the claim is news), the
// assignee and the review panel (mode). A comment, evidence or an opinion
// leaves the version, and so the review form, alone.
func (h *Handler) ClaimLive(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	shown, err := shownVersion(c)
	if err != nil {
		return err
	}
	// A page from before seen, assignee and mode were added follows the
	// version alone (-1 and "": not compared).
	seen, err := optionalNumber(c, "seen")
	if err != nil {
		return err
	}
	assignee, err := optionalNumber(c, "assigned")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cl, err := h.Store.Claim(ctx, id)
	if err != nil {
		return err
	}
	latest, err := h.Store.LatestActivity(ctx, id)
	if err != nil {
		return err
	}
	if cl.Version == shown && (seen < 0 || latest <= seen) && (assignee < 0 || cl.AssigneeID == assignee) {
		return c.NoContent(http.StatusNoContent)
	}
	p, err := h.claimPage(c, id, false)
	if err != nil {
		return err
	}
	if cl.Version != shown {
		hist, err := h.Store.History(ctx, id)
		if err != nil {
			return err
		}
		p.Live.Notice = changeNotice(hist, CurrentUser(c), true, p.Team.Blind)
	} else if p.Team.Blind {
		p.Live.Notice = changeNotice(nil, CurrentUser(c), true, true)
	} else if latest > seen || seen < 0 {
		if p.Live.Notice, err = h.activityNotice(c, id); err != nil {
			return err
		}
	} else if cl.Assignee != "" {
		p.Live.Notice = "This claim is now assigned to " + cl.Assignee + "."
	} else {
		p.Live.Notice = "This claim is no longer assigned to anyone."
	}
	if mode := c.QueryParam("mode"); mode != "" && mode != views.ClaimMode(p) {
		// The review panel itself changes (a second opinion asked of this
		// viewer, a dismissal, a restoration): replace the whole body, so
		// that nothing the viewer may no longer see or do stays on screen.
		hdr := c.Response().Header()
		hdr.Set("HX-Retarget", "#claim-main")
		hdr.Set("HX-Reswap", "outerHTML")
		return Render(c, http.StatusOK, views.ClaimMain(p))
	}
	return Render(c, http.StatusOK, views.ClaimLiveUpdate(p))
}

// optionalNumber reads a query parameter that is a number from 0 up, or
// absent (-1).
func optionalNumber(c echo.Context, name string) (int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: %s must be a number", db.ErrInvalid, name)
	}
	return n, nil
}

// activityVerbs say what an activity row did, for the live notice.
var activityVerbs = map[string]string{
	db.ActComment:         "commented",
	db.ActEvidence:        "attached evidence",
	db.ActAssign:          "assigned this claim",
	db.ActOpinionRequest:  "asked for a second opinion",
	db.ActOpinion:         "gave a second opinion",
	db.ActOpinionWithdraw: "withdrew a second opinion request",
	db.ActPublish:         "published this review",
	db.ActUnpublish:       "unpublished this review",
}

// activityNotice says who did what to the claim last, without a verdict,
// comment or evidence the viewer owes a blind second opinion on.
func (h *Handler) activityNotice(c echo.Context, claimID int64) (string, error) {
	me := CurrentUser(c)
	entries, _, err := h.Store.Activity(c.Request().Context(), db.ActivityFilter{ClaimID: claimID, ViewerID: me.ID, Limit: 1})
	if err != nil || len(entries) == 0 {
		return "This claim was changed.", err
	}
	e := entries[0]
	verb, ok := activityVerbs[e.Action]
	if !ok {
		verb = "changed this claim"
	}
	if e.User == me.Username {
		// The page this came from is already showing it, or will be when
		// its own answer lands: a notice would only repeat it.
		return "", nil
	}
	return fmt.Sprintf("%s %s at %s.", e.User, verb, e.At.UTC().Format("15:04 UTC")), nil
}

// QueueRow answers a queue row's live re-fetch: 204 when the row shows the
// current version, else the row as it is now, saying who changed it.
func (h *Handler) QueueRow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	shown, err := shownVersion(c)
	if err != nil {
		return err
	}
	// A row from before the assignee was added follows the version alone.
	assignee, err := optionalNumber(c, "assigned")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cl, err := h.Store.Claim(ctx, id)
	if err != nil {
		return err
	}
	if cl.Version == shown && (assignee < 0 || cl.AssigneeID == assignee) {
		return c.NoContent(http.StatusNoContent)
	}
	r, err := h.queueRow(c, cl, c.QueryParams())
	if err != nil {
		return err
	}
	switch {
	case cl.Version != shown:
		hist, err := h.Store.History(ctx, id)
		if err != nil {
			return err
		}
		r.Notice = changeNotice(hist, CurrentUser(c), false, r.Claim.Hidden)
	case cl.Assignee == "":
		r.Notice = "Unassigned"
	default:
		r.Notice = "Assigned to " + cl.Assignee
	}
	return Render(c, http.StatusOK, views.QueueRow(r))
}

// queueRow is a claim as one queue row shows it to the current user, its
// links keeping the queue filter in q (checked again: it came back from
// the page).
func (h *Handler) queueRow(c echo.Context, cl db.Claim, q url.Values) (views.QueueRowView, error) {
	u := CurrentUser(c)
	r := views.QueueRowView{Claim: claimRow(cl), CanEdit: auth.Allows(u.Role, auth.RoleEditor)}
	rows := []views.ClaimRow{r.Claim}
	if err := h.hidePending(c, rows); err != nil {
		return r, err
	}
	r.Claim = rows[0]
	status, docID, err := queueFilter(q)
	assignee := q.Get("assignee")
	if err != nil || !validAssignee(assignee) {
		status, docID, assignee = "", 0, "" // the links lose the filter; nothing else depends on it
	}
	r.Query = filterQuery(status, docID, assignee)
	return r, nil
}

// validAssignee accepts what the queue's assignee filter puts in links.
func validAssignee(a string) bool {
	return a == "" || a == "me" || a == "none" || db.ValidUsername(a) == nil
}

// isRowTarget reports whether htmx asked for the answer to replace the
// claim's queue row (a status change made from the queue with c, d or u).
func isRowTarget(c echo.Context, id int64) bool {
	return isHTMX(c) && c.Request().Header.Get("HX-Target") == fmt.Sprintf("claim-row-%d", id)
}

// statusRow answers a status change made from the queue: the row as it is
// now, with msg as its error when the change was refused.
func (h *Handler) statusRow(c echo.Context, code int, id int64, msg string) error {
	cl, err := h.Store.Claim(c.Request().Context(), id)
	if err != nil {
		return err
	}
	q, _ := url.ParseQuery(c.FormValue("q"))
	r, err := h.queueRow(c, cl, q)
	if err != nil {
		return err
	}
	if code == http.StatusConflict {
		msg = "Not saved: someone else changed this claim first."
		if !r.Claim.Hidden {
			msg += " It is now " + views.StatusLabel(cl.Status) + "."
		}
	}
	r.Error = msg
	if msg == "" {
		r.Notice = "Saved: " + views.StatusLabel(cl.Status)
	}
	return Render(c, code, views.QueueRow(r))
}

// documentEventsURL is the stream a document page follows: its claims, or
// every change when it has more than one stream may follow (the page then
// ignores the changes of other documents' claims).
func documentEventsURL(claims []db.Claim) string {
	if len(claims) > maxWatched {
		return "/events"
	}
	u := "/events?claims="
	for i, c := range claims {
		if i > 0 {
			u += ","
		}
		u += fmt.Sprintf("%d.%d", c.ID, c.Version)
	}
	return u
}

// DocMark answers a document page's live re-fetch of one claim: 204 when
// the page shows the current version, else the claim's list entry and its
// highlight as they are now (hidden from a reviewer who owes a second
// opinion on it).
func (h *Handler) DocMark(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	shown, err := shownVersion(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cl, err := h.Store.Claim(ctx, id)
	if err != nil {
		return err
	}
	if cl.Version == shown {
		return c.NoContent(http.StatusNoContent)
	}
	d, err := h.Store.Document(ctx, cl.DocumentID)
	if err != nil {
		return err
	}
	// Its runs in the text as the page cut them, around and inside the
	// claims it overlaps.
	all, err := h.Store.DocumentClaims(ctx, cl.DocumentID)
	if err != nil {
		return err
	}
	parts := claimParts(segments(d.Body, all), id)
	if len(parts) == 0 {
		// Its place in the text is lost (the document page does not
		// highlight it either): nothing to update.
		return c.NoContent(http.StatusNoContent)
	}
	rows := []views.ClaimRow{claimRow(cl)}
	if err := h.hidePending(c, rows); err != nil {
		return err
	}
	for i := range parts {
		if rows[0].Hidden && !cl.Dismissed {
			parts[i].Status = "hidden"
		}
	}
	// The document's progress changes with it, counted as the documents
	// list counts it, claims owed a blind opinion apart.
	prog, err := h.Store.DocumentProgress(ctx, cl.DocumentID)
	if err != nil {
		return err
	}
	owed, err := h.Store.OwedCounts(ctx, CurrentUser(c).ID)
	if err != nil {
		return err
	}
	// And the count above the list, dismissals apart: the progress leaves
	// them out.
	total, err := h.Store.DocumentClaimCount(ctx, cl.DocumentID)
	if err != nil {
		return err
	}
	heading := views.ClaimsHeading(total, total-views.Progress(prog).Total())
	prog = owed.HideDocument(cl.DocumentID, prog)
	return Render(c, http.StatusOK, views.DocMarkUpdate(parts, rows[0], views.Progress(prog), heading))
}
