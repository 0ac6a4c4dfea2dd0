package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"factdesk/web"
)

// newestActivity is the newest activity id of the whole desk, which a
// claim page shows as what it has seen.
func newestActivity(t *testing.T, a *app) int64 {
	t.Helper()
	sdb, err := sql.Open("sqlite", "file:"+appDBPath[a]+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	var n int64
	if err := sdb.QueryRow(`SELECT coalesce(max(id), 0) FROM activity`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// liveURL is what a claim page re-fetches on its claim's event.
func liveURL(t *testing.T, c *client, path string) string {
	t.Helper()
	u, ok := c.get(path).doc.Find("#claim-state").Attr("hx-get")
	if !ok {
		t.Fatalf("%s has no live re-fetch", path)
	}
	return u
}

// Comments, evidence, assignment and second opinions leave the claim's
// version alone, yet another reviewer's open page shows them; the review
// form keeps its version and still saves.
func TestClaimLiveShowsTeamWork(t *testing.T) {
	a, _, _ := newLiveApp(t, web.Config{})
	ctx := context.Background()
	a.addUser("eddie", "editor")
	rita, rob, eddie := a.client(), a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	eddie.login("eddie")
	rita.importText("Port plan", article)
	id := firstClaimID(t, a)
	path := "/claims/" + itoa(id)

	u := liveURL(t, rob, path)
	if r := rob.get(u); r.code != http.StatusNoContent {
		t.Fatalf("nothing changed: %d", r.code)
	}
	// Work on another claim is not news on this one's page.
	cl, _ := a.store.Claim(ctx, id)
	others, err := a.store.DocumentClaims(ctx, cl.DocumentID)
	if err != nil || len(others) < 2 {
		t.Fatalf("the article has %d claims (%v)", len(others), err)
	}
	other := others[0].ID
	if other == id {
		other = others[1].ID
	}
	otherPath := "/claims/" + itoa(other)
	if r := rita.form(otherPath, otherPath+"/comments", url.Values{"body": {"Another claim's question"}}); r.code != http.StatusSeeOther {
		t.Fatalf("comment on claim %d: %d", other, r.code)
	}
	if r := rob.get(u); r.code != http.StatusNoContent {
		t.Fatalf("after a comment on another claim: %d, want 204", r.code)
	}

	if r := rita.form(path, path+"/comments", url.Values{"body": {"Which minutes? @rob <check>"}}); r.code != http.StatusSeeOther {
		t.Fatalf("comment: %d", r.code)
	}
	r := rob.get(u)
	if r.code != http.StatusOK {
		t.Fatalf("after a comment: %d", r.code)
	}
	if c := r.doc.Find(`#comment-items[hx-swap-oob="true"]`); !strings.Contains(c.Text(), "Which minutes? @rob <check>") {
		t.Fatalf("comments (out of band) = %q", c.Text())
	}
	if n := r.doc.Find("#live-notice").Text(); !strings.Contains(n, "rita commented") {
		t.Errorf("notice = %q", n)
	}
	next := r.doc.Find("#claim-state").AttrOr("hx-get", "")
	if !strings.Contains(next, "shown=1&") || next == u {
		t.Fatalf("next re-fetch = %q (was %q): the version must stay, the activity move on", next, u)
	}
	if r.doc.Find("form, textarea, input").Length() != 0 {
		t.Fatalf("the live update carries a form: %s", r.body)
	}
	if r := rob.get(next); r.code != http.StatusNoContent {
		t.Fatalf("up to date: %d", r.code)
	}

	if r := rita.form(path, path+"/evidence", url.Values{"url": {"https://example.org/minutes"}, "title": {"Council minutes, 4 June"}}); r.code != http.StatusSeeOther {
		t.Fatalf("evidence: %d", r.code)
	}
	r = rob.get(next)
	if e := r.doc.Find(`#evidence-items[hx-swap-oob="true"]`); !strings.Contains(e.Text(), "Council minutes, 4 June") {
		t.Fatalf("evidence (out of band) = %q", e.Text())
	}
	next = r.doc.Find("#claim-state").AttrOr("hx-get", "")

	robU, _ := a.store.UserByName(ctx, "rob")
	if r := eddie.form(path, path+"/assign", url.Values{"assignee": {itoa(robU.ID)}}); r.code != http.StatusSeeOther {
		t.Fatalf("assign: %d", r.code)
	}
	r = rob.get(next)
	if f := r.doc.Find("#claim-state dl.facts").Text(); !strings.Contains(f, "rob") {
		t.Fatalf("facts after assignment = %q", f)
	}
	next = r.doc.Find("#claim-state").AttrOr("hx-get", "")

	// A whole document's assignment leaves no activity row per claim.
	ritaU, _ := a.store.UserByName(ctx, "rita")
	if _, err := a.store.AssignDocument(ctx, robU.ID, ritaU.ID, cl.DocumentID, false); err != nil {
		t.Fatal(err)
	}
	r = rob.get(next)
	if r.code != http.StatusOK || !strings.Contains(r.doc.Find("#live-notice").Text(), "assigned to rita") {
		t.Fatalf("document assignment: %d %q", r.code, r.doc.Find("#live-notice").Text())
	}

	// None of it refused rob's form, opened at version 1.
	if r := rob.form(path, path+"/status", url.Values{"version": {"1"}, "status": {"confirmed"}}); r.code != http.StatusSeeOther {
		t.Fatalf("save after team work: %d", r.code)
	}
	for _, bad := range []string{"&seen=x", "&seen=-1", "&assigned=y"} {
		if r := rob.get(path + "/live?shown=1" + bad); r.code != http.StatusBadRequest {
			t.Errorf("GET live%s: %d", bad, r.code)
		}
	}
}

// A reviewer asked for a blind second opinion while the page is open gets
// the blind page in place of the old one, and then no comment or evidence.
func TestClaimLiveTurnsBlind(t *testing.T) {
	a, _, _ := newLiveApp(t, web.Config{})
	ctx := context.Background()
	eddieU := a.addUser("eddie", "editor")
	rita, rob := a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	rita.importText("Port plan", article)
	id := firstClaimID(t, a)
	path := "/claims/" + itoa(id)
	ritaU, _ := a.store.UserByName(ctx, "rita")
	robU, _ := a.store.UserByName(ctx, "rob")
	if _, err := a.store.SetStatus(ctx, id, ritaU.ID, 1, "disputed", "Logbook says otherwise"); err != nil {
		t.Fatal(err)
	}
	u := liveURL(t, rob, path)
	if !strings.Contains(u, "mode=review") {
		t.Fatalf("live URL = %q", u)
	}
	if _, err := a.store.RequestSecondOpinion(ctx, id, eddieU.ID, robU.ID); err != nil {
		t.Fatal(err)
	}
	r := rob.get(u)
	if r.code != http.StatusOK || r.hdr.Get("HX-Retarget") != "#claim-main" || r.hdr.Get("HX-Reswap") != "outerHTML" {
		t.Fatalf("turning blind: %d, retarget %q", r.code, r.hdr.Get("HX-Retarget"))
	}
	if r.doc.Find("#claim-main #opinion").Length() != 1 || strings.Contains(r.body, "Logbook") || r.doc.Find(".badge.s-disputed, mark.s-disputed").Length() != 0 {
		t.Fatalf("blind page:\n%s", r.body)
	}
	next := r.doc.Find("#claim-state").AttrOr("hx-get", "")
	if !strings.Contains(next, "mode=blind") {
		t.Fatalf("next re-fetch = %q", next)
	}
	const secret = "Harbourmaster logbook: it was 31 to 4"
	if _, err := a.store.AddComment(ctx, id, ritaU.ID, secret); err != nil {
		t.Fatal(err)
	}
	r = rob.get(next)
	if r.code != http.StatusOK || strings.Contains(r.body, "Harbourmaster") || strings.Contains(r.body, "commented") {
		t.Fatalf("blind reviewer gets the comment: %d\n%s", r.code, r.body)
	}
	// rita, who is not blind, gets it.
	if r := rita.get(liveURL(t, rita, path)); r.code != http.StatusNoContent {
		t.Fatalf("rita up to date: %d", r.code)
	}

	// rob's second opinion reaches rita's open page.
	u = liveURL(t, rita, path)
	if _, err := a.store.SubmitSecondOpinion(ctx, id, robU.ID, "disputed", ""); err != nil {
		t.Fatal(err)
	}
	r = rita.get(u)
	if r.code != http.StatusOK || r.doc.Find(`#opinions-box[hx-swap-oob="true"] .pair`).Length() != 1 {
		t.Fatalf("second opinion not shown live: %d\n%s", r.code, r.body)
	}
}

// The document page follows its claims: a highlight re-fetches itself when
// its claim changes, and shows a blind reviewer no verdict.
func TestDocumentHighlightsFollowChanges(t *testing.T) {
	a, _, _ := newLiveApp(t, web.Config{})
	ctx := context.Background()
	eddieU := a.addUser("eddie", "editor")
	rita, rob := a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	rita.importText("Port plan", article)
	id := firstClaimID(t, a)
	cl, _ := a.store.Claim(ctx, id)
	doc := "/documents/" + itoa(cl.DocumentID)

	page := rob.get(doc)
	sse := page.doc.Find("[sse-connect]").AttrOr("sse-connect", "")
	if !strings.Contains(sse, itoa(id)+".1") {
		t.Fatalf("sse-connect = %q", sse)
	}
	// The list entry follows the claim; the highlight, in the document's
	// own text, stays free of htmx attributes.
	item := page.doc.Find("li#doc-claim-" + itoa(id))
	u := item.AttrOr("hx-get", "")
	if u != "/claims/"+itoa(id)+"/mark?shown=1" || item.AttrOr("hx-trigger", "") != "sse:claim-"+itoa(id) {
		t.Fatalf("list entry: hx-get %q, hx-trigger %q", u, item.AttrOr("hx-trigger", ""))
	}
	if page.doc.Find("a#claim-"+itoa(id)+".hl").Length() != 1 {
		t.Fatal("no highlight")
	}
	if r := rob.get(u); r.code != http.StatusNoContent {
		t.Fatalf("nothing changed: %d", r.code)
	}
	ritaU, _ := a.store.UserByName(ctx, "rita")
	if _, err := a.store.SetStatus(ctx, id, ritaU.ID, 1, "disputed", ""); err != nil {
		t.Fatal(err)
	}
	r := rob.get(u)
	if r.code != http.StatusOK || r.doc.Find(`a#claim-`+itoa(id)+`.hl.s-disputed[hx-swap-oob="true"]`).Length() != 1 {
		t.Fatalf("after a change: %d\n%s", r.code, r.body)
	}
	if next := r.doc.Find("li#doc-claim-"+itoa(id)).AttrOr("hx-get", ""); !strings.HasSuffix(next, "shown=2") {
		t.Fatalf("next re-fetch = %q", next)
	}
	if r.doc.Find(`li#doc-claim-`+itoa(id)+` .badge.s-disputed`).Length() != 1 {
		t.Fatalf("list entry missing:\n%s", r.body)
	}
	// The document's progress above the text follows too.
	want, _ := a.store.DocumentProgress(ctx, cl.DocumentID)
	prog := r.doc.Find(`#doc-progress[hx-swap-oob="true"]`)
	if got := strings.TrimSpace(prog.Find(".c-disputed").Text()); want.Disputed != 1 || got != "1 disputed" {
		t.Fatalf("progress after the change: %q, the store holds %+v\n%s", got, want, r.body)
	}

	// A dismissal changes the count above the list: the update carries it.
	all, err := a.store.DocumentClaims(ctx, cl.DocumentID)
	browserMust(t, "the document's claims", err)
	other := all[len(all)-1]
	if other.ID == id {
		other = all[0]
	}
	if _, err := a.store.Dismiss(ctx, other.ID, eddieU.ID, other.Version, "A photo caption"); err != nil {
		t.Fatal(err)
	}
	r = rob.get("/claims/" + itoa(other.ID) + "/mark?shown=" + itoa(other.Version))
	want2 := itoa(int64(len(all)-1)) + " claims · 1 dismissed"
	if got := r.doc.Find(`h2#doc-claims-h[hx-swap-oob="true"]`).Text(); r.code != http.StatusOK || got != want2 {
		t.Fatalf("heading after a dismissal: %d %q, want %q\n%s", r.code, got, want2, r.body)
	}
	if got := rob.get(doc).doc.Find("h2#doc-claims-h").Text(); got != want2 {
		t.Errorf("the page's heading %q, the update's %q", got, want2)
	}

	robU, _ := a.store.UserByName(ctx, "rob")
	if _, err := a.store.RequestSecondOpinion(ctx, id, eddieU.ID, robU.ID); err != nil {
		t.Fatal(err)
	}
	// The claim changes while rob owes his opinion: rita adds a note to
	// her verdict (a new verdict, or a dismissal, would withdraw the
	// request).
	if _, err := a.store.SetStatus(ctx, id, ritaU.ID, 2, "disputed", "The minutes again"); err != nil {
		t.Fatal(err)
	}
	r = rob.get("/claims/" + itoa(id) + "/mark?shown=2")
	if r.code != http.StatusOK || r.doc.Find(".s-hidden").Length() != 2 || strings.Contains(r.body, "s-disputed") || strings.Contains(r.body, "Disputed") {
		t.Fatalf("blind reviewer's highlight:\n%s", r.body)
	}
	// Nor does the progress tell the verdict: the claim counts as hidden.
	if h, c := strings.TrimSpace(r.doc.Find("#doc-progress .c-hidden").Text()), strings.TrimSpace(r.doc.Find("#doc-progress .c-disputed").Text()); h != "1 hidden" || c != "0 disputed" {
		t.Fatalf("blind reviewer's progress: %q, %q\n%s", h, c, r.body)
	}
	for _, bad := range []string{"/mark", "/mark?shown=0"} {
		if r := rob.get("/claims/" + itoa(id) + bad); r.code != http.StatusBadRequest {
			t.Errorf("GET %s: %d", bad, r.code)
		}
	}
	if r := rob.get("/claims/99999/mark?shown=1"); r.code != http.StatusNotFound {
		t.Errorf("missing claim: %d", r.code)
	}
}
