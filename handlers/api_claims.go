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
	f, err := claimFilter(c)
	if err != nil {
		return err
	}
	limit, err := pageLimit(c)
	if err != nil {
		return err
	}
	after, err := decodeCursor(c.QueryParam("cursor"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if len(f.Statuses) > 0 {
		// A claim's place under a status filter would tell its verdict to
		// a reviewer who owes a second opinion on it.
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

func (h *Handler) apiClaim(ctx context.Context, userID, id int64) (APIClaimDetail, error) {
	cl, err := h.Store.Claim(ctx, id)
	if err != nil {
		return APIClaimDetail{}, err
	}
	hist, err := h.Store.History(ctx, id)
	if err != nil {
		return APIClaimDetail{}, err
	}
	pending, err := h.Store.PendingOpinions(ctx, userID)
	if err != nil {
		return APIClaimDetail{}, err
	}
	out := APIClaimDetail{APIClaim: NewAPIClaim(cl), History: []APIEvent{}}
	if pending[id] {
		out.blind()
		hist = nil
	}
	for _, e := range hist {
		out.History = append(out.History, APIEvent{User: e.Username, From: e.From, To: e.To, Note: e.Note, At: e.CreatedAt})
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
	Status  string `json:"status"`
	Version *int64 `json:"version"`
	Note    string `json:"note"`
}

// APISetStatus records a review. The version is the one the caller saw: if
// the claim changed since, nothing is written and the answer (409, code
// "stale") carries the claim as it is now.
func (h *Handler) APISetStatus(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiStatusChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Version == nil {
		return fmt.Errorf("%w: version is required: the claim's version you reviewed, so that a change made meanwhile is not overwritten", db.ErrInvalid)
	}
	u := CurrentUser(c)
	// Refused before the version check, whose answer shows the verdict.
	pending, err := h.Store.PendingOpinions(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	if pending[id] {
		return fmt.Errorf("%w: you were asked for a second opinion on this claim: give your verdict in the second-opinion form", db.ErrInvalid)
	}
	if _, err := h.Store.SetStatus(c.Request().Context(), id, u.ID, *in.Version, in.Status, in.Note); err != nil {
		return err
	}
	h.Log.Info("status changed", "claim", id, "to", in.Status, "user", u.Username, "via", "api")
	cl, err := h.apiClaim(c.Request().Context(), CurrentUser(c).ID, id)
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, cl)
}

// APIPublish publishes a reviewed claim's review.
func (h *Handler) APIPublish(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u := CurrentUser(c)
	if _, err := h.Store.Publish(c.Request().Context(), id, u.ID); err != nil {
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
