package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"factdesk/agree"
	"factdesk/views"
)

// RequestOpinion asks a reviewer for an independent second verdict.
func (h *Handler) RequestOpinion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	keep := func(p *views.ClaimPage, msg string) { p.Team.ToolsError = msg }
	who, err := formID(c, "reviewer", "who gives the second opinion")
	if err != nil {
		return h.claimRefused(c, id, err, keep)
	}
	o, err := h.Store.RequestSecondOpinion(c.Request().Context(), id, CurrentUser(c).ID, who)
	if err != nil {
		return h.claimRefused(c, id, err, keep)
	}
	return h.claimDone(c, id, "opinions", fmt.Sprintf("Second opinion asked of %s; they will not see the current verdict until they give theirs.", o.SecondUser))
}

// WithdrawOpinion closes a pending request unanswered.
func (h *Handler) WithdrawOpinion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	o, err := h.Store.WithdrawSecondOpinion(c.Request().Context(), id, CurrentUser(c).ID)
	if err != nil {
		return h.claimRefused(c, id, err, func(p *views.ClaimPage, msg string) { p.Team.ToolsError = msg })
	}
	return h.claimDone(c, id, "opinions", fmt.Sprintf("The request for %s's second opinion is withdrawn.", o.SecondUser))
}

// SubmitOpinion records the second reviewer's verdict; the page then shows both.
func (h *Handler) SubmitOpinion(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	note := c.FormValue("note")
	o, err := h.Store.SubmitSecondOpinion(c.Request().Context(), id, CurrentUser(c).ID, c.FormValue("status"), note)
	if err != nil {
		return h.claimRefused(c, id, err, func(p *views.ClaimPage, msg string) {
			p.Team.OpinionNote, p.Team.OpinionError = shown(note), msg
		})
	}
	verdict := "You agree"
	if o.SecondStatus != o.FirstStatus {
		verdict = "You disagree"
	}
	return h.claimDone(c, id, "opinions", fmt.Sprintf("Second opinion recorded: %s. %s with %s, who said %s.",
		views.StatusLabel(o.SecondStatus), verdict, o.FirstUser, views.StatusLabel(o.FirstStatus)))
}

// Agreement shows how often reviewers agree: percent agreement and Cohen's
// kappa for each pair of reviewers and overall, from answered second opinions.
func (h *Handler) Agreement(c echo.Context) error {
	js, err := h.judgements(c)
	if err != nil {
		return err
	}
	p := views.AgreementPage{Base: h.Base(c, "Agreement", "agreement"), Overall: agreementRow("", "", agree.Overall(js))}
	for _, r := range agree.ByPair(js) {
		p.Pairs = append(p.Pairs, agreementRow(r.RaterA, r.RaterB, r.Result))
	}
	// The overall table: first verdict by row, second by column.
	idx := map[string]int{}
	for i, s := range views.Statuses {
		idx[s] = i
	}
	p.Matrix = make([][]int, len(views.Statuses))
	for i := range p.Matrix {
		p.Matrix[i] = make([]int, len(views.Statuses))
	}
	for _, j := range js {
		p.Matrix[idx[j.A]][idx[j.B]]++
	}
	return Render(c, http.StatusOK, views.AgreementView(p))
}

// judgements are the answered second opinions, for agreement figures; the
// page and the API share them.
func (h *Handler) judgements(c echo.Context) ([]agree.Judgement, error) {
	pairs, err := h.Store.OpinionPairs(c.Request().Context())
	if err != nil {
		return nil, err
	}
	js := make([]agree.Judgement, len(pairs))
	for i, p := range pairs {
		js[i] = agree.Judgement{RaterA: p.FirstUser, RaterB: p.SecondUser, A: p.FirstStatus, B: p.SecondStatus}
	}
	return js, nil
}

func agreementRow(a, b string, r agree.Result) views.AgreementRow {
	return views.AgreementRow{A: a, B: b, N: r.N, Agreed: r.Agreed, Percent: r.Percent, Kappa: r.Kappa, KappaOK: r.KappaOK}
}
