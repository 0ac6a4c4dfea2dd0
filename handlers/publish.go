package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/export"
	"factdesk/views"
)

// publishBox fills the claim page's publication panel.
func (h *Handler) publishBox(c echo.Context, cl db.Claim, published bool) (views.PublishBox, error) {
	var pub db.Publication
	if published {
		var err error
		if pub, err = h.Store.Publication(c.Request().Context(), cl.ID); err != nil {
			return views.PublishBox{}, err
		}
	}
	u := CurrentUser(c)
	return views.PublishBox{
		ClaimID:     cl.ID,
		Version:     cl.Version,
		CanPublish:  u != nil && auth.Allows(u.Role, auth.RoleEditor),
		Reviewed:    cl.Status == db.StatusConfirmed || cl.Status == db.StatusDisputed,
		Dismissed:   cl.Dismissed,
		Published:   pub.Published,
		PublishedAt: pub.PublishedAt,
		By:          pub.By,
		PublicPath:  fmt.Sprintf("%s%d", export.PublicClaimPath, cl.ID),
		NoMarkup:    h.ExportOptions.ClaimReviewNeeds(),
		CSRF:        CSRFToken(c),
	}, nil
}

// Publish makes a reviewed claim's review public, with its ClaimReview.
func (h *Handler) Publish(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil || version < 1 {
		return fmt.Errorf("%w: the form is missing the claim version; reload the page", db.ErrInvalid)
	}
	u := CurrentUser(c)
	var stale *db.StaleError
	if _, err := h.Store.Publish(c.Request().Context(), id, u.ID, version); errors.As(err, &stale) {
		now := "It is now " + views.StatusLabel(stale.Current.Status)
		if stale.Current.Dismissed {
			now = "It was dismissed as not a claim"
		}
		h.Sessions.SetFlash(c, "Not published: the claim changed after you opened it. "+now+"; check it, then publish again.")
		return seeOther(c, fmt.Sprintf("/claims/%d", id))
	} else if err != nil {
		return err
	}
	h.Log.Info("claim published", "claim", id, "user", u.Username)
	h.Sessions.SetFlash(c, "Published: the review now has a public page.")
	return seeOther(c, fmt.Sprintf("/claims/%d", id))
}

// Unpublish removes a claim's public page.
func (h *Handler) Unpublish(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u := CurrentUser(c)
	if _, err := h.Store.Unpublish(c.Request().Context(), id, u.ID); err != nil {
		return err
	}
	h.Log.Info("claim unpublished", "claim", id, "user", u.Username)
	h.Sessions.SetFlash(c, "Unpublished: the public page is gone.")
	return seeOther(c, fmt.Sprintf("/claims/%d", id))
}

// PublicClaim is the public, read-only page of a published review. It
// embeds the same ClaimReview the export writes, as JSON-LD, for search
// engines and fact-check aggregators. Anything not published is not found.
func (h *Handler) PublicClaim(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	rec, err := h.Store.PublishedRecord(c.Request().Context(), id)
	if err != nil {
		return err
	}
	cr, _ := export.NewClaimReview(rec, h.ExportOptions)
	p := views.PublicClaimPage{
		Base:              views.Base{Title: "Fact check: " + views.StatusLabel(rec.Status)},
		Text:              rec.Text,
		Status:            rec.Status,
		Speaker:           rec.Speaker,
		DocumentTitle:     rec.DocumentTitle,
		DocumentURL:       rec.DocumentURL,
		DocumentDate:      rec.DocumentPublishedAt,
		DocumentPublisher: rec.DocumentPublisher,
		OrgName:           cr.Author.Name,
		OrgURL:            cr.Author.URL,
		PublishedAt:       *rec.PublishedAt,
	}
	if h.ExportOptions.CheckClaimReview() == nil {
		p.ClaimReview = cr
	}
	// Public: caches may keep it, but must ask again before showing it,
	// so that an unpublished review or a new verdict does not linger.
	c.Response().Header().Set("Cache-Control", "public, no-cache")
	return Render(c, http.StatusOK, views.PublicClaimView(p))
}
