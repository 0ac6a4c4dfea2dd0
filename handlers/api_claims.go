package handlers

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"factdesk/db"
)

// APIClaims lists claims with the queue's filters, in id order, a page at a
// time.
func (h *Handler) APIClaims(c echo.Context) error {
	f, err := h.claimFilter(c)
	if err != nil {
		return err
	}
	limit, after, err := pageParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if len(f.Statuses) > 0 || f.Reviewer != "" {
		// A claim's place under a status filter would tell its verdict to
		// a reviewer who owes a second opinion on it, and one under a
		// reviewer's name who gave it.
		f.BlindFor = CurrentUser(c).ID
	}
	claims, more, err := h.Store.ListClaims(ctx, f, after, limit)
	if err != nil {
		return err
	}
	pending, err := h.Store.PendingOpinions(ctx, CurrentUser(c).ID)
	if err != nil {
		return err
	}
	page := APIPage[APIClaim]{Items: make([]APIClaim, 0, len(claims))}
	for _, cl := range claims {
		item := NewAPIClaim(cl)
		if pending[cl.ID] {
			item.blind()
		}
		page.Items = append(page.Items, item)
	}
	if more {
		page.NextCursor = encodeCursor(claims[len(claims)-1].ID)
	}
	return apiJSON(c, http.StatusOK, page)
}

// apiClaim is a claim as userID may see it. To a reviewer who owes a
// second opinion on it, it shows neither the verdict nor anything that
// tells it: the history, earlier opinions, the evidence or the publication.
func (h *Handler) apiClaim(ctx context.Context, userID, id int64) (APIClaimDetail, error) {
	cl, err := h.Store.Claim(ctx, id)
	if err != nil {
		return APIClaimDetail{}, err
	}
	ops, err := h.Store.SecondOpinions(ctx, id)
	if err != nil {
		return APIClaimDetail{}, err
	}
	out := APIClaimDetail{APIClaim: NewAPIClaim(cl), History: []APIEvent{}, Opinions: []APIOpinion{}}
	ops, blind := opinionsFor(ops, userID)
	for _, o := range ops {
		out.Opinions = append(out.Opinions, newAPIOpinion(o))
	}
	if blind {
		out.blind()
		return out, nil
	}
	hist, err := h.Store.History(ctx, id)
	if err != nil {
		return APIClaimDetail{}, err
	}
	evs, err := h.Store.ClaimEvidence(ctx, id)
	if err != nil {
		return APIClaimDetail{}, err
	}
	byHistory := map[int64][]APIEvidence{}
	for _, e := range evs {
		if e.HistoryID != 0 {
			byHistory[e.HistoryID] = append(byHistory[e.HistoryID], newAPIEvidence(e))
		}
	}
	for _, e := range hist {
		out.History = append(out.History, APIEvent{ID: e.ID, Action: e.Action, User: e.Username, From: e.From, To: e.To,
			Note: e.Note, At: e.CreatedAt, Evidence: byHistory[e.ID]})
	}
	if out.Publication, err = h.apiPublication(ctx, id); err != nil {
		return APIClaimDetail{}, err
	}
	return out, nil
}

func (h *Handler) apiPublication(ctx context.Context, id int64) (APIPublication, error) {
	p, err := h.Store.Publication(ctx, id)
	if err != nil || !p.Published {
		return APIPublication{}, err
	}
	at := p.PublishedAt
	return APIPublication{Published: true, PublishedAt: &at, URL: h.ExportOptions.ClaimURL(id)}, nil
}

// APIClaim returns one claim with its history.
func (h *Handler) APIClaim(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cl, err := h.apiClaim(c.Request().Context(), CurrentUser(c).ID, id)
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, cl)
}

// apiStatusChange is the body of POST /api/v1/claims/{id}/status.
type apiStatusChange struct {
	Status   string             `json:"status"`
	Version  *int64             `json:"version"`
	Note     string             `json:"note"`
	Evidence []apiEvidenceInput `json:"evidence"` // attached to this change
}

// APISetStatus records a review. The version is the one the caller saw: if
// the claim changed since, nothing is written and the answer (409, code
// "stale") carries the claim as it is now.
func (h *Handler) APISetStatus(c echo.Context) error {
	return h.apiClaimChange(c, "status changed", func(ctx context.Context, u *db.User, id int64) error {
		var in apiStatusChange
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		v, err := requireVersion(in.Version)
		if err != nil {
			return err
		}
		// Refused before the version check, so that a stale answer does
		// not even say the claim changed.
		pending, err := h.Store.PendingOpinions(ctx, u.ID)
		if err != nil {
			return err
		}
		if pending[id] {
			return fmt.Errorf("%w: you were asked for a second opinion on this claim: give your verdict in the second-opinion form", db.ErrInvalid)
		}
		evs := make([]db.NewEvidence, len(in.Evidence))
		for i, e := range in.Evidence {
			evs[i] = e.db()
		}
		_, err = h.Store.SetStatus(ctx, id, u.ID, v, in.Status, in.Note, evs...)
		return err
	})
}

// APIPublish publishes a reviewed claim's review.
func (h *Handler) APIPublish(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in struct {
		Version *int64 `json:"version"` // optional: when given, checked
	}
	if err := decodeOptionalJSON(c, &in); err != nil {
		return err
	}
	var seen int64
	if in.Version != nil {
		if *in.Version < 1 {
			return fmt.Errorf("%w: the version must be a number from 1", db.ErrInvalid)
		}
		seen = *in.Version
	}
	u := CurrentUser(c)
	if _, err := h.Store.Publish(c.Request().Context(), id, u.ID, seen); err != nil {
		return err
	}
	h.Log.Info("claim published", "claim", id, "user", u.Username, "via", "api")
	p, err := h.apiPublication(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, p)
}

// APIUnpublish removes a claim's public page.
func (h *Handler) APIUnpublish(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u := CurrentUser(c)
	if _, err := h.Store.Unpublish(c.Request().Context(), id, u.ID); err != nil {
		return err
	}
	h.Log.Info("claim unpublished", "claim", id, "user", u.Username, "via", "api")
	return apiJSON(c, http.StatusOK, APIPublication{})
}
