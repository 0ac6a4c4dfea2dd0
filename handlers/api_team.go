package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"factdesk/db"
)

// APIOpinion is a second opinion: who was asked, by whom, and the two
// verdicts once given. To the reviewer asked, while it is pending, it
// shows neither the first verdict nor who gave it.
type APIOpinion struct {
	ID          int64      `json:"id"`
	State       string     `json:"state"` // pending, answered or withdrawn
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	Reviewer    string     `json:"reviewer"` // who gives the second opinion
	FirstUser   string     `json:"first_user,omitempty"`
	FirstStatus string     `json:"first_status,omitempty"`
	Status      string     `json:"status,omitempty"` // the second verdict
	Note        string     `json:"note,omitempty"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"` // answered or withdrawn
	WithdrawnBy string     `json:"withdrawn_by,omitempty"`
}

func newAPIOpinion(o db.SecondOpinion) APIOpinion {
	out := APIOpinion{ID: o.ID, State: "pending", RequestedBy: o.RequestedBy, RequestedAt: o.RequestedAt, Reviewer: o.SecondUser,
		FirstUser: o.FirstUser, FirstStatus: o.FirstStatus, Status: o.SecondStatus, Note: o.SecondNote, WithdrawnBy: o.CancelledBy}
	if !o.Open() {
		at := o.SecondAt
		out.ClosedAt, out.State = &at, "answered"
		if o.CancelledBy != "" {
			out.State = "withdrawn"
		}
	}
	return out
}

// APIComment is a comment on a claim; Mentions are the users it names.
type APIComment struct {
	ID        int64     `json:"id"`
	User      string    `json:"user"`
	Body      string    `json:"body"`
	Mentions  []string  `json:"mentions"`
	CreatedAt time.Time `json:"created_at"`
}

func newAPIComment(cm db.Comment) APIComment {
	out := APIComment{ID: cm.ID, User: cm.User, Body: cm.Body, CreatedAt: cm.CreatedAt, Mentions: []string{}}
	for _, m := range db.Mentions(cm.Body) {
		if cm.Mentioned[strings.ToLower(m.Name)] {
			out.Mentions = append(out.Mentions, m.Name)
		}
	}
	return out
}

// APIEvidence is a link attached to a claim, or to one of its status
// changes (HistoryID, the id of that history row).
type APIEvidence struct {
	ID        int64     `json:"id"`
	HistoryID int64     `json:"history_id,omitempty"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Excerpt   string    `json:"excerpt,omitempty"`
	User      string    `json:"user"`
	CreatedAt time.Time `json:"created_at"`
}

func newAPIEvidence(e db.Evidence) APIEvidence {
	return APIEvidence{ID: e.ID, HistoryID: e.HistoryID, URL: e.URL, Title: e.Title, Excerpt: e.Excerpt, User: e.User, CreatedAt: e.CreatedAt}
}

// apiEvidenceInput is evidence as a request gives it.
type apiEvidenceInput struct {
	URL     string `json:"url"`
	Title   string `json:"title"`
	Excerpt string `json:"excerpt"`
}

func (e apiEvidenceInput) db() db.NewEvidence {
	return db.NewEvidence{URL: e.URL, Title: e.Title, Excerpt: e.Excerpt}
}

// APIList is a list given whole. Blind is set, and the list empty, for a
// user who owes a second opinion on the claim it belongs to.
type APIList[T any] struct {
	Items []T  `json:"items"`
	Blind bool `json:"blind,omitempty"`
}

// BlindStaleError is a change refused as stale, made by a user who owes a
// second opinion on the claim: the answer shows the claim as it is now,
// but not its verdict.
type BlindStaleError struct{ Current APIClaim }

func (e *BlindStaleError) Error() string {
	return fmt.Sprintf("claim %d was changed by someone else (version %d)", e.Current.ID, e.Current.Version)
}

// Is makes errors.Is(err, db.ErrStale) true.
func (e *BlindStaleError) Is(target error) bool { return target == db.ErrStale }

// blindStale turns a stale refusal into a BlindStaleError when the user
// owes a second opinion on the claim.
func (h *Handler) blindStale(ctx context.Context, userID int64, err error) error {
	var stale *db.StaleError
	if !errors.As(err, &stale) {
		return err
	}
	pending, perr := h.Store.PendingOpinions(ctx, userID)
	if perr != nil {
		return perr
	}
	if !pending[stale.Current.ID] {
		return err
	}
	cur := NewAPIClaim(stale.Current)
	cur.blind()
	return &BlindStaleError{Current: cur}
}

// apiClaimChange runs a change to the claim at :id by the current user,
// then answers with the claim as they may now see it. change reads the
// request body itself.
func (h *Handler) apiClaimChange(c echo.Context, what string, change func(ctx context.Context, u *db.User, id int64) error) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := CurrentUser(c)
	if err := change(ctx, u, id); err != nil {
		return h.blindStale(ctx, u.ID, err)
	}
	h.Log.Info(what, "claim", id, "user", u.Username, "via", "api")
	cl, err := h.apiClaim(ctx, u.ID, id)
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, cl)
}

// requireVersion insists on the version the caller saw, so that a change
// made meanwhile is refused rather than overwritten.
func requireVersion(v *int64) (int64, error) {
	if v == nil {
		return 0, fmt.Errorf("%w: version is required: the claim's version you reviewed, so that a change made meanwhile is not overwritten", db.ErrInvalid)
	}
	return *v, nil
}

// claimBlind reports whether the current user owes a second opinion on the
// claim at :id, after checking that it exists.
func (h *Handler) claimBlind(c echo.Context) (int64, bool, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, false, err
	}
	ctx := c.Request().Context()
	if _, err := h.Store.Claim(ctx, id); err != nil {
		return 0, false, err
	}
	pending, err := h.Store.PendingOpinions(ctx, CurrentUser(c).ID)
	return id, pending[id], err
}

// apiClaimList answers with a list that belongs to the claim at :id: load
// reads it, conv shows each item. For a user who owes a second opinion on
// the claim it is empty and marked blind.
func apiClaimList[S, T any](h *Handler, c echo.Context, load func(context.Context, int64) ([]S, error), conv func(S) T) error {
	id, blind, err := h.claimBlind(c)
	if err != nil {
		return err
	}
	out := APIList[T]{Items: []T{}, Blind: blind}
	if !blind {
		items, err := load(c.Request().Context(), id)
		if err != nil {
			return err
		}
		for _, it := range items {
			out.Items = append(out.Items, conv(it))
		}
	}
	return apiJSON(c, http.StatusOK, out)
}

// apiClaimAdd reads the body into in, lets add attach it to the claim at
// :id as the current user, and answers 201 with what was added.
func apiClaimAdd[T any](h *Handler, c echo.Context, what string, in any, add func(context.Context, *db.User, int64) (T, error)) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := decodeJSON(c, in); err != nil {
		return err
	}
	u := CurrentUser(c)
	out, err := add(c.Request().Context(), u, id)
	if err != nil {
		return err
	}
	h.Log.Info(what, "claim", id, "user", u.Username, "via", "api")
	return apiJSON(c, http.StatusCreated, out)
}

// APIComments lists a claim's comments, oldest first.
func (h *Handler) APIComments(c echo.Context) error {
	return apiClaimList(h, c, h.Store.Comments, newAPIComment)
}

// APIAddComment adds a comment to a claim; the users it @mentions find it
// in their inbox.
func (h *Handler) APIAddComment(c echo.Context) error {
	var in struct {
		Body string `json:"body"`
	}
	return apiClaimAdd(h, c, "comment added", &in, func(ctx context.Context, u *db.User, id int64) (APIComment, error) {
		cm, err := h.Store.AddComment(ctx, id, u.ID, in.Body)
		cm.User = u.Username
		return newAPIComment(cm), err
	})
}

// APIEvidence lists a claim's evidence, oldest first: attached to the claim
// or to one of its status changes.
func (h *Handler) APIEvidence(c echo.Context) error {
	return apiClaimList(h, c, h.Store.ClaimEvidence, newAPIEvidence)
}

// APIAddEvidence attaches a link, with a title and an optional quoted
// excerpt, to a claim.
func (h *Handler) APIAddEvidence(c echo.Context) error {
	var in apiEvidenceInput
	return apiClaimAdd(h, c, "evidence added", &in, func(ctx context.Context, u *db.User, id int64) (APIEvidence, error) {
		ev, err := h.Store.AddEvidence(ctx, id, u.ID, in.db())
		ev.User = u.Username
		return newAPIEvidence(ev), err
	})
}

// apiVersionNote is the body of a dismissal or a restoration.
type apiVersionNote struct {
	Version *int64 `json:"version"`
	Reason  string `json:"reason"`
}

// APIDismiss marks an extracted sentence as not a claim, with a reason.
func (h *Handler) APIDismiss(c echo.Context) error {
	return h.apiDismissal(c, "claim dismissed", h.Store.Dismiss)
}

// APIRestore puts a dismissed sentence back in the queue; the reason is
// optional.
func (h *Handler) APIRestore(c echo.Context) error {
	return h.apiDismissal(c, "claim restored", h.Store.Restore)
}

func (h *Handler) apiDismissal(c echo.Context, what string,
	set func(ctx context.Context, claimID, userID, seenVersion int64, reason string) (db.Claim, error)) error {
	return h.apiClaimChange(c, what, func(ctx context.Context, u *db.User, id int64) error {
		var in apiVersionNote
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		v, err := requireVersion(in.Version)
		if err != nil {
			return err
		}
		_, err = set(ctx, id, u.ID, v, in.Reason)
		return err
	})
}

// apiAssignee is the body of an assignment: a user name, or null for
// nobody.
type apiAssignee struct {
	Assignee assigneeName `json:"assignee"`
}

// assigneeName is an assignee as a request gives it. Only an explicit null
// unassigns: a field left out or an empty name is more likely a mistake
// than a wish to take claims from whoever has them.
type assigneeName struct {
	Given bool    // the field was in the body
	Name  *string // nil for null
}

// UnmarshalJSON is called for null too, which tells null from a field
// left out.
func (a *assigneeName) UnmarshalJSON(b []byte) error {
	a.Given = true
	return json.Unmarshal(b, &a.Name)
}

// assigneeID resolves an assignee given by name; null is nobody (0).
func (h *Handler) assigneeID(ctx context.Context, a assigneeName) (int64, error) {
	switch {
	case !a.Given:
		return 0, fmt.Errorf("%w: assignee is required: give a user name, or null to unassign", db.ErrInvalid)
	case a.Name == nil:
		return 0, nil
	case strings.TrimSpace(*a.Name) == "":
		return 0, fmt.Errorf("%w: assignee is empty: give a user name, or null to unassign", db.ErrInvalid)
	}
	u, err := h.namedUser(ctx, *a.Name)
	return u.ID, err
}

// namedUser finds a user given by name, as a filter or a form gives it: an
// unknown name is the request's mistake, not a missing page.
func (h *Handler) namedUser(ctx context.Context, name string) (db.User, error) {
	name = strings.TrimSpace(name)
	u, err := h.Store.UserByName(ctx, name)
	if errors.Is(err, db.ErrNotFound) {
		return u, fmt.Errorf("%w: there is no user named %q", db.ErrInvalid, name)
	}
	return u, err
}

// APIAssignClaim assigns a claim to a reviewer, or to nobody.
func (h *Handler) APIAssignClaim(c echo.Context) error {
	return h.apiClaimChange(c, "claim assigned", func(ctx context.Context, u *db.User, id int64) error {
		var in apiAssignee
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		to, err := h.assigneeID(ctx, in.Assignee)
		if err != nil {
			return err
		}
		_, err = h.Store.AssignClaims(ctx, u.ID, to, []int64{id})
		return err
	})
}

// APIAssignDocument assigns every claim of a document that is not
// dismissed, and answers with the ids of the claims that changed.
func (h *Handler) APIAssignDocument(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiAssignee
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	to, err := h.assigneeID(ctx, in.Assignee)
	if err != nil {
		return err
	}
	u := CurrentUser(c)
	changed, err := h.Store.AssignDocument(ctx, u.ID, to, id, false)
	if err != nil {
		return err
	}
	out := struct {
		Assignee string  `json:"assignee"`
		Changed  []int64 `json:"changed"`
	}{Changed: []int64{}}
	if to > 0 {
		out.Assignee = strings.TrimSpace(*in.Assignee.Name)
	}
	for _, cl := range changed {
		out.Changed = append(out.Changed, cl.ID)
		out.Assignee = cl.Assignee
	}
	h.Log.Info("document assigned", "document", id, "claims", len(changed), "user", u.Username, "via", "api")
	return apiJSON(c, http.StatusOK, out)
}

// APIRequestOpinion asks a reviewer for an independent second verdict.
func (h *Handler) APIRequestOpinion(c echo.Context) error {
	return h.apiClaimChange(c, "second opinion requested", func(ctx context.Context, u *db.User, id int64) error {
		var in struct {
			Reviewer string `json:"reviewer"`
		}
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		if strings.TrimSpace(in.Reviewer) == "" {
			return fmt.Errorf("%w: reviewer is required: who gives the second opinion", db.ErrInvalid)
		}
		who, err := h.namedUser(ctx, in.Reviewer)
		if err != nil {
			return err
		}
		_, err = h.Store.RequestSecondOpinion(ctx, id, u.ID, who.ID)
		return err
	})
}

// APIWithdrawOpinion closes a pending request unanswered.
func (h *Handler) APIWithdrawOpinion(c echo.Context) error {
	return h.apiClaimChange(c, "second opinion withdrawn", func(ctx context.Context, u *db.User, id int64) error {
		_, err := h.Store.WithdrawSecondOpinion(ctx, id, u.ID)
		return err
	})
}

// APISubmitOpinion records the second reviewer's verdict; the answer then
// shows both.
func (h *Handler) APISubmitOpinion(c echo.Context) error {
	return h.apiClaimChange(c, "second opinion given", func(ctx context.Context, u *db.User, id int64) error {
		var in struct {
			Status string `json:"status"`
			Note   string `json:"note"`
		}
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		_, err := h.Store.SubmitSecondOpinion(ctx, id, u.ID, in.Status, in.Note)
		return err
	})
}

// opinionsFor returns a claim's second opinions as userID may see them,
// and whether userID owes one on it: then they see only that request,
// without the first verdict or who gave it. The claim page and the API
// share it.
func opinionsFor(ops []db.SecondOpinion, userID int64) ([]db.SecondOpinion, bool) {
	for _, o := range ops {
		if o.Open() && o.SecondUserID == userID {
			return []db.SecondOpinion{{ID: o.ID, ClaimID: o.ClaimID, RequestedBy: o.RequestedBy, RequestedAt: o.RequestedAt,
				SecondUserID: o.SecondUserID, SecondUser: o.SecondUser}}, true
		}
	}
	return ops, false
}

// apiBulk is the body of POST /api/v1/claims/bulk.
type apiBulk struct {
	Action   string       `json:"action"` // status, assign or dismiss
	Status   string       `json:"status"`
	Note     string       `json:"note"` // a status change's note, a dismissal's reason
	Assignee assigneeName `json:"assignee"`
	Claims   []struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
	} `json:"claims"`
}

// APIBulkItem is what became of one selected claim: done, stale (changed
// by someone else since the version given, and left alone) or skipped.
type APIBulkItem struct {
	ID      int64     `json:"id"`
	Outcome string    `json:"outcome"`
	Claim   *APIClaim `json:"claim,omitempty"` // as it is now
	Reason  string    `json:"reason,omitempty"`
}

// APIBulkResult reports every selected claim, in the order given.
type APIBulkResult struct {
	Done    int           `json:"done"`
	Stale   int           `json:"stale"`
	Skipped int           `json:"skipped"`
	Items   []APIBulkItem `json:"items"`
}

// APIBulk applies one action to several claims, each checked against the
// version given; the answer reports each claim.
func (h *Handler) APIBulk(c echo.Context) error {
	var in apiBulk
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	act := db.BulkAction{Kind: in.Action, Status: in.Status, Note: in.Note}
	if act.Kind == db.BulkAssign {
		var err error
		if act.AssigneeID, err = h.assigneeID(c.Request().Context(), in.Assignee); err != nil {
			return err
		}
	}
	sel := make([]db.BulkItem, len(in.Claims))
	for i, it := range in.Claims {
		sel[i] = db.BulkItem{ClaimID: it.ID, Version: it.Version}
	}
	r, hidden, err := h.bulk(c, act, sel)
	if err != nil {
		return err
	}
	byID := map[int64]APIBulkItem{}
	claim := func(cl db.Claim) *APIClaim {
		a := NewAPIClaim(cl)
		if hidden[cl.ID] {
			a.blind()
		}
		return &a
	}
	for _, cl := range r.Done {
		byID[cl.ID] = APIBulkItem{ID: cl.ID, Outcome: "done", Claim: claim(cl)}
	}
	for _, cl := range r.Stale {
		byID[cl.ID] = APIBulkItem{ID: cl.ID, Outcome: "stale", Claim: claim(cl)}
	}
	for _, sk := range r.Skipped {
		byID[sk.ClaimID] = APIBulkItem{ID: sk.ClaimID, Outcome: "skipped", Reason: sk.Reason}
	}
	out := APIBulkResult{Done: len(r.Done), Stale: len(r.Stale), Skipped: len(r.Skipped), Items: []APIBulkItem{}}
	seen := map[int64]bool{}
	for _, it := range sel {
		if !seen[it.ClaimID] {
			seen[it.ClaimID] = true
			out.Items = append(out.Items, byID[it.ClaimID])
		}
	}
	return apiJSON(c, http.StatusOK, out)
}
