package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"factdesk/agree"
)

// APIActivity is one line of the activity feed: who did what, when.
type APIActivity struct {
	ID            int64     `json:"id"`
	At            time.Time `json:"at"`
	User          string    `json:"user"`
	Action        string    `json:"action"`
	DocumentID    int64     `json:"document_id,omitempty"`
	DocumentTitle string    `json:"document_title,omitempty"`
	ClaimID       int64     `json:"claim_id,omitempty"`
	ClaimText     string    `json:"claim_text,omitempty"`
	Subject       string    `json:"subject,omitempty"` // the assignee or the reviewer asked
	From          string    `json:"from,omitempty"`
	To            string    `json:"to,omitempty"`
	Detail        string    `json:"detail,omitempty"` // an excerpt of the note, reason or comment
}

// APIActivityFeed is the whole feed, newest first, a page at a time.
func (h *Handler) APIActivityFeed(c echo.Context) error { return h.apiActivity(c, 0) }

// APIDocumentActivity is one document's feed.
func (h *Handler) APIDocumentActivity(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return h.apiActivity(c, id)
}

func (h *Handler) apiActivity(c echo.Context, docID int64) error {
	limit, before, err := pageParams(c)
	if err != nil {
		return err
	}
	_, entries, next, err := h.feed(c, docID, before, limit)
	if err != nil {
		return err
	}
	page := APIPage[APIActivity]{Items: []APIActivity{}}
	for _, e := range entries {
		page.Items = append(page.Items, APIActivity{ID: e.ID, At: e.At, User: e.User, Action: e.Action, DocumentID: e.DocumentID,
			DocumentTitle: e.DocumentTitle, ClaimID: e.ClaimID, ClaimText: e.ClaimText, Subject: e.Subject, From: e.From, To: e.To,
			Detail: e.Detail})
	}
	if next > 0 {
		page.NextCursor = encodeCursor(next)
	}
	return apiJSON(c, http.StatusOK, page)
}

// APINotification is an inbox entry: a mention in a comment, or a request
// for a second opinion.
type APINotification struct {
	ID            int64     `json:"id"`
	Kind          string    `json:"kind"` // mention or opinion
	ClaimID       int64     `json:"claim_id"`
	ClaimText     string    `json:"claim_text"`
	DocumentID    int64     `json:"document_id"`
	DocumentTitle string    `json:"document_title"`
	Actor         string    `json:"actor"`             // who mentioned or asked
	Comment       string    `json:"comment,omitempty"` // the mention; withheld while Blind
	At            time.Time `json:"at"`
	Read          bool      `json:"read"`
	Blind         bool      `json:"blind,omitempty"`     // the user owes a second opinion on the claim
	Withdrawn     bool      `json:"withdrawn,omitempty"` // the request for an opinion was withdrawn unanswered
}

// APIInboxPage is a page of the inbox, newest first, with the unread count.
type APIInboxPage struct {
	APIPage[APINotification]
	Unread int `json:"unread"`
}

// APIInbox lists the user's mentions and second-opinion requests.
func (h *Handler) APIInbox(c echo.Context) error {
	limit, before, err := pageParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := CurrentUser(c)
	items, next, err := h.Store.Inbox(ctx, u.ID, before, limit)
	if err != nil {
		return err
	}
	out := APIInboxPage{APIPage: APIPage[APINotification]{Items: []APINotification{}}}
	for _, n := range items {
		out.Items = append(out.Items, APINotification{ID: n.ID, Kind: n.Kind, ClaimID: n.ClaimID, ClaimText: n.ClaimText,
			DocumentID: n.DocumentID, DocumentTitle: n.DocTitle, Actor: n.Actor, Comment: n.Comment, At: n.At, Read: n.Read, Blind: n.Blind,
			Withdrawn: n.Withdrawn})
	}
	if next > 0 {
		out.NextCursor = encodeCursor(next)
	}
	if out.Unread, err = h.Store.UnreadCount(ctx, u.ID); err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, out)
}

// APIMarkInboxRead marks the inbox read up to the entry "up_to" (the newest
// one the caller has seen, so that one arriving meanwhile stays unread), or
// all of it when the body is empty or gives none.
func (h *Handler) APIMarkInboxRead(c echo.Context) error {
	var in struct {
		UpTo int64 `json:"up_to"`
	}
	if err := decodeOptionalJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := CurrentUser(c)
	n, err := h.Store.MarkInboxRead(ctx, u.ID, in.UpTo)
	if err != nil {
		return err
	}
	unread, err := h.Store.UnreadCount(ctx, u.ID)
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, map[string]int64{"marked": n, "unread": int64(unread)})
}

// APIAgreementRow is the agreement of two reviewers, or of everyone.
type APIAgreementRow struct {
	A       string   `json:"a,omitempty"`
	B       string   `json:"b,omitempty"`
	N       int      `json:"n"`      // claims both judged
	Agreed  int      `json:"agreed"` // with the same verdict
	Percent float64  `json:"percent"`
	Kappa   *float64 `json:"kappa"` // Cohen's kappa; null when undefined
}

func newAPIAgreementRow(a, b string, r agree.Result) APIAgreementRow {
	row := APIAgreementRow{A: a, B: b, N: r.N, Agreed: r.Agreed, Percent: r.Percent}
	if r.KappaOK {
		k := r.Kappa
		row.Kappa = &k
	}
	return row
}

// APIAgreement is how often reviewers agree, from answered second opinions:
// per pair of reviewers and overall.
func (h *Handler) APIAgreement(c echo.Context) error {
	js, err := h.judgements(c)
	if err != nil {
		return err
	}
	out := struct {
		Overall APIAgreementRow   `json:"overall"`
		Pairs   []APIAgreementRow `json:"pairs"`
	}{Overall: newAPIAgreementRow("", "", agree.Overall(js)), Pairs: []APIAgreementRow{}}
	for _, r := range agree.ByPair(js) {
		out.Pairs = append(out.Pairs, newAPIAgreementRow(r.RaterA, r.RaterB, r.Result))
	}
	return apiJSON(c, http.StatusOK, out)
}
