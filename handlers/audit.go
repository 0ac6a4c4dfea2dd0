package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/views"
)

const auditPerPage = 100

// AuditLog shows the security events, newest first, a page at a time.
func (h *Handler) AuditLog(c echo.Context) error {
	f := db.AuditFilter{Limit: auditPerPage + 1, Event: c.QueryParam("event")}
	if f.Event != "" && !slices.Contains(db.AuditEvents, f.Event) {
		return fmt.Errorf("%w: unknown kind of event %q", db.ErrInvalid, f.Event)
	}
	var err error
	if f.Before, err = beforeCursor(c.QueryParams()); err != nil {
		return err
	}
	evs, err := h.Store.AuditLog(c.Request().Context(), f)
	if err != nil {
		return err
	}
	p := views.AuditPage{Base: h.Base(c, "Audit log", "audit"), Event: f.Event, Paged: f.Before > 0}
	if len(evs) > auditPerPage {
		evs = evs[:auditPerPage]
		p.NextURL = auditURL(f.Event, evs[len(evs)-1].ID)
	}
	p.NewestURL = auditURL(f.Event, 0)
	p.Filters = append(p.Filters, views.FilterLink{Label: "All", URL: auditURL("", 0), Current: f.Event == ""})
	for _, k := range db.AuditEvents {
		p.Filters = append(p.Filters, views.FilterLink{Label: views.AuditLabel(k), URL: auditURL(k, 0), Current: f.Event == k})
	}
	for _, ev := range evs {
		p.Events = append(p.Events, views.AuditRow{
			At: ev.At, Event: ev.Event, Actor: ev.Actor, Target: ev.Target, IP: ev.IP, Detail: ev.Detail,
		})
	}
	return Render(c, http.StatusOK, views.AuditView(p))
}

func auditURL(event string, before int64) string {
	q := url.Values{}
	if event != "" {
		q.Set("event", event)
	}
	if before > 0 {
		q.Set("before", strconv.FormatInt(before, 10))
	}
	if len(q) == 0 {
		return "/admin/audit"
	}
	return "/admin/audit?" + q.Encode()
}

// audit records a security event done by the current user to target.
func (h *Handler) audit(c echo.Context, event string, target db.User, detail string) error {
	ev := db.AuditEvent{Event: event, TargetID: target.ID, Target: target.Username, IP: c.RealIP(), Detail: detail}
	if u := CurrentUser(c); u != nil {
		ev.ActorID, ev.Actor = u.ID, u.Username
	}
	return h.Store.RecordAudit(c.Request().Context(), ev)
}
