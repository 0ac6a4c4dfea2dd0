package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/views"
)

// claimTeam fills the team side of the claim page: assignment, dismissal,
// second opinions, evidence and comments, and the blind for a reviewer who
// owes a second opinion. It reads only the records the claim has (has).
func (h *Handler) claimTeam(c echo.Context, p *views.ClaimPage, cl db.Claim, has db.ClaimRecords) error {
	ctx := c.Request().Context()
	u := CurrentUser(c)
	t := &p.Team
	t.Dismissed, t.DismissReason, t.Assignee, t.AssigneeID = cl.Dismissed, cl.DismissReason, cl.Assignee, cl.AssigneeID
	var opinions []db.SecondOpinion
	var err error
	if has.Opinions {
		if opinions, err = h.Store.SecondOpinions(ctx, cl.ID); err != nil {
			return err
		}
	}
	open := false
	for _, o := range opinions {
		open = open || o.Open()
	}
	opinions, t.Blind = opinionsFor(opinions, u.ID)
	p.Publish.Asked = open
	for _, o := range opinions {
		t.Opinions = append(t.Opinions, views.OpinionRow{RequestedBy: o.RequestedBy, RequestedAt: o.RequestedAt,
			FirstUser: o.FirstUser, FirstStatus: o.FirstStatus, SecondUser: o.SecondUser, SecondStatus: o.SecondStatus,
			SecondNote: o.SecondNote, SecondAt: o.SecondAt, WithdrawnBy: o.CancelledBy})
	}
	if t.Blind {
		// Nothing that could give the first verdict away: not the status,
		// the history, earlier opinions, the evidence or the comments.
		p.Claim.Hidden = true
		p.History = nil
		p.Publish = views.PublishBox{ClaimID: cl.ID, Blind: true}
		return nil
	}
	var evs []db.Evidence
	if has.Evidence {
		if evs, err = h.Store.ClaimEvidence(ctx, cl.ID); err != nil {
			return err
		}
	}
	byHistory := map[int64][]views.EvidenceRow{}
	for _, e := range evs {
		row := views.EvidenceRow{URL: e.URL, Title: e.Title, Excerpt: e.Excerpt, User: e.User, At: e.CreatedAt}
		if e.HistoryID == 0 {
			t.Evidence = append(t.Evidence, row)
		} else {
			byHistory[e.HistoryID] = append(byHistory[e.HistoryID], row)
			t.VerdictEvidence++
		}
	}
	hasVerdict := false
	for i := range p.History {
		p.History[i].Evidence = byHistory[p.History[i].ID]
		hasVerdict = hasVerdict || p.History[i].Action == db.HistoryStatus
	}
	var comments []db.Comment
	if has.Comments {
		if comments, err = h.Store.Comments(ctx, cl.ID); err != nil {
			return err
		}
	}
	for _, cm := range comments {
		t.Comments = append(t.Comments, views.CommentRow{ID: cm.ID, User: cm.User, At: cm.CreatedAt, Parts: commentParts(cm)})
	}
	if auth.Allows(u.Role, auth.RoleEditor) {
		users, err := h.Store.AssignableNames(ctx)
		if err != nil {
			return err
		}
		// A blind opinion is asked of someone who has seen no verdict on
		// the claim (db.RequestSecondOpinion): not one with a row in its
		// history, nor one who answered a request on it.
		seen := map[string]bool{}
		for _, r := range p.History {
			seen[strings.ToLower(r.User)] = true
		}
		for _, o := range opinions {
			if o.SecondStatus != "" {
				seen[strings.ToLower(o.SecondUser)] = true
			}
		}
		for _, au := range users {
			t.Assignable = append(t.Assignable, views.Option{ID: au.ID, Name: au.Username})
			if au.ID != u.ID && !seen[strings.ToLower(au.Username)] {
				t.Askable = append(t.Askable, views.Option{ID: au.ID, Name: au.Username})
			}
		}
		// Not on a published claim either: its verdict is public.
		t.CanAsk = hasVerdict && !open && !cl.Dismissed && !has.Published && len(t.Askable) > 0
	}
	return nil
}

// commentParts splits a comment into text and the @names of users.
func commentParts(cm db.Comment) []views.TextPart {
	var parts []views.TextPart
	pos := 0
	for _, m := range db.Mentions(cm.Body) {
		if !cm.Mentioned[strings.ToLower(m.Name)] {
			continue
		}
		if m.Start > pos {
			parts = append(parts, views.TextPart{Text: cm.Body[pos:m.Start]})
		}
		parts = append(parts, views.TextPart{Text: cm.Body[m.Start:m.End], Mention: true})
		pos = m.End
	}
	if pos < len(cm.Body) {
		parts = append(parts, views.TextPart{Text: cm.Body[pos:]})
	}
	return parts
}

// claimDone answers a successful claim form: htmx gets the refreshed claim
// panel, a browser a redirect (so a reload does not resend) to the section
// that changed, with a message.
func (h *Handler) claimDone(c echo.Context, id int64, anchor, msg string) error {
	if isHTMX(c) {
		p, err := h.claimPage(c, id, false)
		if err != nil {
			return err
		}
		p.Saved = msg
		// Said beside the card the form was in, where the user is.
		switch {
		case anchor == "evidence":
			p.SavedIn = "evidence"
		case strings.HasPrefix(anchor, "comment-"):
			p.SavedIn = "comments"
		}
		return Render(c, http.StatusOK, views.ClaimMain(p))
	}
	h.Sessions.SetFlash(c, msg)
	target := fmt.Sprintf("/claims/%d", id)
	if anchor != "" {
		target += "#" + anchor
	}
	return seeOther(c, target)
}

// claimRefused shows the claim page again when a team form is refused: a
// validation error or a stale version becomes a message beside the form,
// with what was typed kept by fill; any other error goes to the error page.
func (h *Handler) claimRefused(c echo.Context, id int64, err error, fill func(p *views.ClaimPage, msg string)) error {
	code := http.StatusUnprocessableEntity
	msg := ""
	var stale *db.StaleError
	switch {
	case errors.As(err, &stale):
		code = http.StatusConflict
		msg = "Not saved: someone else changed this claim while you were looking at it. This is how it is now; try again."
	case errors.Is(err, db.ErrInvalid):
		msg = UserMessage(err)
	default:
		return err
	}
	p, perr := h.claimPage(c, id, !isHTMX(c))
	if perr != nil {
		return perr
	}
	fill(&p, msg)
	if isHTMX(c) {
		return Render(c, code, views.ClaimMain(p))
	}
	return Render(c, code, views.ClaimView(p))
}

// evidenceFromForm reads the evidence fields named prefix+url, +title and
// +excerpt: none when all are blank, so that the fields stay optional.
func evidenceFromForm(c echo.Context, prefix string) []db.NewEvidence {
	ev := db.NewEvidence{URL: c.FormValue(prefix + "url"), Title: c.FormValue(prefix + "title"), Excerpt: c.FormValue(prefix + "excerpt")}
	if ev.Empty() {
		return nil
	}
	return []db.NewEvidence{ev}
}

func evidenceKept(c echo.Context, prefix string) views.EvidenceForm {
	return views.EvidenceForm{URL: shown(c.FormValue(prefix + "url")), Title: shown(c.FormValue(prefix + "title")),
		Excerpt: shown(c.FormValue(prefix + "excerpt"))}
}

// documentTeam adds the team side of the document page: hidden verdicts for
// a reviewer who owes second opinions, and the editor's assign form.
func (h *Handler) documentTeam(c echo.Context, p *views.DocumentPage) error {
	ctx := c.Request().Context()
	u := CurrentUser(c)
	if err := h.hidePending(c, p.Claims); err != nil {
		return err
	}
	hidden := map[int64]bool{}
	for _, cl := range p.Claims {
		if cl.Hidden {
			hidden[cl.ID] = true
		}
	}
	for i := range p.Segments {
		if hidden[p.Segments[i].ClaimID] && p.Segments[i].Status != "dismissed" {
			p.Segments[i].Status = "hidden"
		}
	}
	if auth.Allows(u.Role, auth.RoleEditor) {
		users, err := h.Store.AssignableNames(ctx)
		if err != nil {
			return err
		}
		for _, au := range users {
			p.Assignable = append(p.Assignable, views.Option{ID: au.ID, Name: au.Username})
		}
	}
	return nil
}

// hidePending marks the claims on which the current user owes a second
// opinion, so that lists do not show them the first verdict.
func (h *Handler) hidePending(c echo.Context, rows []views.ClaimRow) error {
	pending, err := h.Store.PendingOpinions(c.Request().Context(), CurrentUser(c).ID)
	if err != nil || len(pending) == 0 {
		return err
	}
	for i := range rows {
		rows[i].Hidden = pending[rows[i].ID]
	}
	return nil
}

func isInvalid(err error) bool { return errors.Is(err, db.ErrInvalid) }

// assigneeFilter reads the queue's assignee filter: "me", "none" or a
// user name. It returns the value to keep in the queue's links.
func (h *Handler) assigneeFilter(c echo.Context, f *db.QueueFilter) (string, error) {
	f.BlindFor = CurrentUser(c).ID
	var v string
	var err error
	f.AssigneeID, f.Unassigned, v, err = h.assigneeParam(c)
	return v, err
}

// assigneeParam reads the assignee filter that the queue, its download and
// the API share: "me", "none" (no one) or a username. v is the filter as a
// link repeats it.
func (h *Handler) assigneeParam(c echo.Context) (id int64, none bool, v string, err error) {
	if v, err = oneValue(c.QueryParams(), "assignee"); err != nil {
		return 0, false, "", err
	}
	v = strings.TrimSpace(v)
	switch v {
	case "":
	case "me":
		id = CurrentUser(c).ID
	case "none":
		none = true
	default:
		u, err := h.Store.UserByName(c.Request().Context(), v)
		if errors.Is(err, db.ErrNotFound) {
			return 0, false, "", fmt.Errorf("%w: there is no user named %q to filter by", db.ErrInvalid, v)
		}
		if err != nil {
			return 0, false, "", err
		}
		id, v = u.ID, u.Username
	}
	return id, none, v, nil
}

// queueTeam adds the assignee filter links, hidden verdicts and what the
// bulk form needs to the queue page.
func (h *Handler) queueTeam(c echo.Context, p *views.QueuePage, f db.QueueFilter, assignee string) error {
	p.Assignee = assignee
	if assignee == "me" {
		p.Title, p.Nav = "My queue", "myqueue"
	}
	p.Here = queueURL(f.Status, f.DocumentID, assignee, "", "")
	if err := h.hidePending(c, p.Claims); err != nil {
		return err
	}
	users, err := h.Store.AssignableNames(c.Request().Context())
	if err != nil {
		return err
	}
	link := func(label, v string) views.FilterLink {
		return views.FilterLink{Label: label, URL: queueURL(f.Status, f.DocumentID, v, "", ""), Current: assignee == v}
	}
	p.AssigneeURLs = append(p.AssigneeURLs, link("Anyone", ""), link("Mine", "me"), link("Unassigned", "none"))
	me := CurrentUser(c)
	for _, u := range users {
		if u.ID != me.ID {
			p.AssigneeURLs = append(p.AssigneeURLs, link(u.Username, u.Username))
		}
		p.Assignable = append(p.Assignable, views.Option{ID: u.ID, Name: u.Username})
	}
	return nil
}
