package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/handlers"
)

// addUser creates an account with the test password.
func (a *app) addUser(name, role string) db.User {
	a.t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	u, err := a.store.CreateUser(context.Background(), name, hash, role)
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

func (a *app) user(name string) db.User {
	a.t.Helper()
	u, err := a.store.UserByName(context.Background(), name)
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

// form posts a form with the CSRF token read from page, as a browser would.
func (c *client) form(page, path string, form url.Values, hdr ...string) resp {
	c.a.t.Helper()
	form.Set("_csrf", c.csrf(page))
	return c.post(path, form, hdr...)
}

// loggedIn reports whether the client's session still works.
func (c *client) loggedIn() bool {
	c.a.t.Helper()
	return c.get("/").code == http.StatusOK
}

func TestAdminManagesUsers(t *testing.T) {
	a := newApp(t)
	a.addUser("ada", "admin")
	ada, rita, rob := a.client(), a.client(), a.client()
	ada.login("ada")
	rita.login("rita")
	rob.login("rob")

	page := ada.get("/admin/users")
	if page.code != http.StatusOK || page.doc.Find("table.users tbody tr").Length() != 4 {
		t.Fatalf("users page: %d, %d rows", page.code, page.doc.Find("table.users tbody tr").Length())
	}
	if page.doc.Find(`header nav a[href="/admin/users"]`).Length() != 1 {
		t.Error("no Users link in the admin's navigation")
	}
	if rita.get("/").doc.Find(`header nav a[href="/admin/users"]`).Length() != 0 {
		t.Error("a reviewer sees the Users link")
	}
	// Every control has a label.
	page.doc.Find("table.users select, table.users input[type=password], .add-user input:not([type=hidden]), .add-user select").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if id == "" || page.doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("control %q has no label", id)
		}
	})

	// Adding: mistakes are shown and keep what was typed; nothing is stored.
	add := url.Values{"username": {"nina"}, "role": {"editor"}, "password": {testPassword}, "password2": {testPassword + "x"}}
	// Said beside the form, where the focus goes: the page's top may be
	// far above it.
	r := ada.form("/admin/users", "/admin/users", add)
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.doc.Find(".add-user #add-user-error").Text(), "differ") ||
		r.doc.Find("#admin-error").Length() != 0 {
		t.Fatalf("mismatched passwords: %d %q", r.code, r.doc.Find("#add-user-error").Text())
	}
	if _, ok := r.doc.Find("#new-password").Attr("autofocus"); !ok || r.doc.Find("#new-password").AttrOr("aria-describedby", "") != "add-user-error" {
		t.Error("the focus is not on the password to fix")
	}
	if v, _ := r.doc.Find("#new-username").Attr("value"); v != "nina" {
		t.Errorf("typed name lost: %q", v)
	}
	if v, _ := r.doc.Find("#new-role option[selected]").Attr("value"); v != "editor" {
		t.Errorf("chosen role lost: %q", v)
	}
	for _, bad := range []url.Values{
		{"username": {"nina"}, "role": {"editor"}, "password": {"short"}, "password2": {"short"}},
		{"username": {"ni na"}, "role": {"editor"}, "password": {testPassword}, "password2": {testPassword}},
		{"username": {"nina"}, "role": {"root"}, "password": {testPassword}, "password2": {testPassword}},
		{"username": {"RITA"}, "role": {"viewer"}, "password": {testPassword}, "password2": {testPassword}},
	} {
		if r := ada.form("/admin/users", "/admin/users", bad); r.code != http.StatusUnprocessableEntity || r.doc.Find("#add-user-error").Text() == "" {
			t.Errorf("add %v: %d %q", bad, r.code, r.doc.Find("#add-user-error").Text())
		}
	}
	if users, _ := a.store.ListUsers(context.Background()); len(users) != 4 {
		t.Fatalf("bad input added a user: %d users", len(users))
	}
	add.Set("password2", testPassword)
	if r := ada.form("/admin/users", "/admin/users", add); r.code != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.code, r.doc.Find("#add-user-error").Text())
	}
	if f := ada.get("/admin/users").doc.Find(".flash").Text(); !strings.Contains(f, "Added nina as editor") {
		t.Errorf("flash = %q", f)
	}
	nina := a.client()
	nina.login("nina")

	// Disabling ends the user's sessions at once.
	ritaID := itoa(a.user("rita").ID)
	if r := ada.form("/admin/users", "/admin/users/"+ritaID+"/disable", url.Values{}); r.code != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.code)
	}
	if rita.loggedIn() {
		t.Fatal("a disabled user's session still works")
	}
	if r := rita.post("/login", url.Values{"_csrf": {rita.csrf("/login")}, "username": {"rita"}, "password": {testPassword}}); r.code != http.StatusUnauthorized {
		t.Fatalf("a disabled user logged in: %d", r.code)
	}
	row := ada.get("/admin/users").doc.Find("#user-" + ritaID)
	if !strings.Contains(row.Find(".badge").Text(), "Disabled") || row.Find(`form[action$="/enable"]`).Length() != 1 {
		t.Errorf("rita's row = %q", row.Text())
	}
	if r := ada.form("/admin/users", "/admin/users/"+ritaID+"/enable", url.Values{}); r.code != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.code)
	}
	rita.login("rita")

	// A role change applies on the next request.
	robID := itoa(a.user("rob").ID)
	if r := ada.form("/admin/users", "/admin/users/"+robID+"/role", url.Values{"role": {"viewer"}}); r.code != http.StatusSeeOther {
		t.Fatalf("role: %d", r.code)
	}
	if r := rob.get("/documents/new"); r.code != http.StatusForbidden {
		t.Fatalf("rob as viewer opens the import form: %d", r.code)
	}
	if r := ada.form("/admin/users", "/admin/users/"+robID+"/role", url.Values{"role": {"boss"}}); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("unknown role: %d", r.code)
	}

	// A password reset ends the user's sessions; the new password works.
	const newPW = "a brand new passphrase"
	if r := ada.form("/admin/users", "/admin/users/"+robID+"/password", url.Values{"password": {newPW}, "password2": {newPW}}); r.code != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.code)
	}
	if rob.loggedIn() {
		t.Fatal("session survived a password reset")
	}
	tok := rob.csrf("/login")
	if r := rob.post("/login", url.Values{"_csrf": {tok}, "username": {"rob"}, "password": {testPassword}}); r.code != http.StatusUnauthorized {
		t.Fatalf("old password still works: %d", r.code)
	}
	if r := rob.post("/login", url.Values{"_csrf": {tok}, "username": {"rob"}, "password": {newPW}}); r.code != http.StatusSeeOther {
		t.Fatalf("new password refused: %d", r.code)
	}
	if r := ada.form("/admin/users", "/admin/users/"+robID+"/password", url.Values{"password": {"short"}, "password2": {"short"}}); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("short reset password: %d", r.code)
	}

	// The admin cannot lock everyone out; resetting their own password keeps them in.
	adaID := itoa(a.user("ada").ID)
	if r := ada.form("/admin/users", "/admin/users/"+adaID+"/disable", url.Values{}); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("disable self: %d", r.code)
	}
	// The message names ada as written: it said "Ada is the only admin left".
	if r := ada.form("/admin/users", "/admin/users/"+adaID+"/role", url.Values{"role": {"editor"}}); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.doc.Find("#admin-error").Text(), "User ada is the only admin left") {
		t.Fatalf("demote the last admin: %d %q", r.code, r.doc.Find("#admin-error").Text())
	}
	if r := ada.form("/admin/users", "/admin/users/"+adaID+"/password", url.Values{"password": {newPW}, "password2": {newPW}}); r.code != http.StatusSeeOther {
		t.Fatalf("own reset: %d", r.code)
	}
	if !ada.loggedIn() {
		t.Fatal("resetting one's own password logged the admin out")
	}
	if r := ada.form("/admin/users", "/admin/users/99999/disable", url.Values{}); r.code != http.StatusNotFound {
		t.Fatalf("unknown user: %d", r.code)
	}
	if !nina.loggedIn() || !rita.loggedIn() {
		t.Fatal("other users were logged out")
	}
}

// reviewText is an article with enough claims for the team tests.
func teamApp(t *testing.T) (*app, []db.Claim) {
	t.Helper()
	a := newApp(t)
	a.addUser("eddie", "editor")
	a.addUser("ada", "admin")
	c := a.client()
	c.login("rita")
	if r := c.importText(browserTitle, browserArticle); r.code != http.StatusSeeOther {
		t.Fatalf("import: %d", r.code)
	}
	page, err := a.store.Queue(context.Background(), db.QueueFilter{Limit: 100})
	if err != nil || len(page.Claims) < 5 {
		t.Fatalf("want at least 5 claims, have %d (%v)", len(page.Claims), err)
	}
	return a, page.Claims
}

func (a *app) claim(id int64) db.Claim {
	a.t.Helper()
	c, err := a.store.Claim(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	return c
}

func claimPath(id int64) string { return "/claims/" + itoa(id) }

func TestDismissAndRestoreThroughTheRouter(t *testing.T) {
	a, claims := teamApp(t)
	rita, eddie := a.client(), a.client()
	rita.login("rita")
	eddie.login("eddie")
	cl := claims[0]
	path := claimPath(cl.ID)

	page := rita.get(path)
	if page.doc.Find(`#dismiss form[action="`+path+`/dismiss"] input[name=reason]`).Length() != 1 {
		t.Fatal("no dismiss form for a reviewer")
	}
	if page.doc.Find(`form[action$="/restore"]`).Length() != 0 {
		t.Fatal("a restore form on a claim that is not dismissed")
	}
	r := rita.form(path, path+"/dismiss", url.Values{"version": {"1"}, "reason": {"  "}})
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.doc.Find("#tools-error").Text(), "why") {
		t.Fatalf("dismiss without a reason: %d %q", r.code, r.doc.Find("#tools-error").Text())
	}
	r = rita.form(path, path+"/dismiss", url.Values{"version": {"1"}, "reason": {"A forecast <b>not</b> a checkable fact"}})
	if r.code != http.StatusSeeOther || r.hdr.Get("Location") != path+"#review" {
		t.Fatalf("dismiss: %d %q", r.code, r.hdr.Get("Location"))
	}
	page = rita.get(path)
	// The message is in the review panel, where the redirect lands, not
	// at the top of the page out of sight.
	if !strings.Contains(page.doc.Find("#review #review-saved").Text(), "Dismissed") || page.doc.Find("main > .flash").Length() != 0 {
		t.Errorf("after dismissal: review panel says %q; %d messages at the top", page.doc.Find("#review #review-saved").Text(), page.doc.Find("main > .flash").Length())
	}
	if !strings.Contains(page.doc.Find(".dismissed-note").Text(), "A forecast <b>not</b> a checkable fact") {
		t.Fatalf("claim page after dismissal: %q", page.doc.Find(".dismissed-note").Text())
	}
	if page.doc.Find(`button[name=status]`).Length() != 0 {
		t.Error("status buttons on a dismissed claim")
	}
	if page.doc.Find(`form[action$="/restore"]`).Length() != 0 {
		t.Error("a reviewer is offered the restore form")
	}
	hist := page.doc.Find("ol.history > li")
	if hist.Length() != 1 || !strings.Contains(hist.Text(), "dismissed it as not a claim") || !strings.Contains(hist.Text(), "A forecast") {
		t.Fatalf("history = %q", hist.Text())
	}
	// Out of the queue, still on the document page, marked.
	if q := rita.get("/queue"); strings.Contains(q.body, `href="`+path+`"`) {
		t.Error("the dismissed sentence is still in the queue")
	}
	doc := rita.get("/documents/" + itoa(cl.DocumentID))
	if cls, _ := doc.doc.Find("#claim-" + itoa(cl.ID)).Attr("class"); !strings.Contains(cls, "s-dismissed") {
		t.Errorf("document highlight class %q", cls)
	}
	if !strings.Contains(doc.doc.Find("aside.doc-claims li.dismissed").Text(), "Dismissed") {
		t.Error("the claim list does not mark the dismissed sentence")
	}
	// Its count agrees with the progress line, which leaves dismissals out.
	want := itoa(int64(len(claims)-1)) + " claims · 1 dismissed"
	if got := strings.TrimSpace(doc.doc.Find("aside.doc-claims h2").Text()); got != want {
		t.Errorf("claim list heading %q, want %q", got, want)
	}
	// A stale dismissal, a status change on the dismissed claim: refused.
	if r := rita.form(claimPath(claims[1].ID), claimPath(claims[1].ID)+"/status", url.Values{"version": {"1"}, "status": {"confirmed"}}); r.code != http.StatusSeeOther {
		t.Fatal(r.code)
	}
	if r := rita.form(claimPath(claims[1].ID), claimPath(claims[1].ID)+"/dismiss", url.Values{"version": {"1"}, "reason": {"x"}}); r.code != http.StatusConflict {
		t.Fatalf("stale dismissal: %d", r.code)
	}
	if r := rita.form(path, path+"/status", url.Values{"version": {"2"}, "status": {"confirmed"}}); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.doc.Find("#review-error").Text(), "restore it") {
		t.Fatalf("status on a dismissed claim: %d %q", r.code, r.doc.Find("#review-error").Text())
	}
	// The editor restores it.
	page = eddie.get(path)
	if page.doc.Find(`form[action="`+path+`/restore"]`).Length() != 1 {
		t.Fatal("no restore form for the editor")
	}
	if pub := page.doc.Find("#publication").Text(); !strings.Contains(pub, "restore it to publish") || strings.Contains(pub, "Review the claim") {
		t.Errorf("publication box of a dismissed claim: %q", pub)
	}
	if r := eddie.form(path, path+"/restore", url.Values{"version": {"2"}, "reason": {"It is checkable"}}); r.code != http.StatusSeeOther {
		t.Fatalf("restore: %d", r.code)
	}
	if c := a.claim(cl.ID); c.Dismissed || c.Version != 3 {
		t.Fatalf("after restore: %+v", c)
	}
	hist = eddie.get(path).doc.Find("ol.history > li")
	if hist.Length() != 2 || !strings.Contains(hist.First().Text(), "eddie") || !strings.Contains(hist.First().Text(), "restored") {
		t.Fatalf("history after restore = %q", hist.Text())
	}
	if q := rita.get("/queue"); !strings.Contains(q.body, `href="`+path+`"`) {
		t.Error("the restored claim is not back in the queue")
	}
}

func TestAssignmentAndMyQueue(t *testing.T) {
	a, claims := teamApp(t)
	rita, rob, eddie := a.client(), a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	eddie.login("eddie")
	robID, vicID := a.user("rob").ID, a.user("vic").ID

	path := claimPath(claims[0].ID)
	page := eddie.get(path)
	if page.doc.Find(`#assign select[name=assignee] option`).Length() < 4 {
		t.Fatalf("assign options: %d", page.doc.Find(`#assign select option`).Length())
	}
	if rita.get(path).doc.Find("#assign").Length() != 0 {
		t.Error("a reviewer sees the assign form")
	}
	if r := eddie.form(path, path+"/assign", url.Values{"assignee": {itoa(vicID)}}); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.doc.Find("#tools-error").Text(), "User vic is a viewer") {
		t.Fatalf("assign to a viewer: %d %q", r.code, r.doc.Find("#tools-error").Text())
	}
	if r := eddie.form(path, path+"/assign", url.Values{"assignee": {itoa(robID)}}); r.code != http.StatusSeeOther {
		t.Fatalf("assign: %d", r.code)
	}
	if dd := eddie.get(path).doc.Find("dl.facts").Text(); !strings.Contains(dd, "rob") {
		t.Errorf("facts = %q", dd)
	}
	// A whole document to rita: the claims nobody has; rob keeps his.
	docPath := "/documents/" + itoa(claims[0].DocumentID)
	docPage := eddie.get(docPath)
	if docPage.doc.Find(`form[action="`+docPath+`/assign"]`).Length() != 1 {
		t.Fatal("no document assign form for the editor")
	}
	if v, _ := docPage.doc.Find(`#doc-assignee option[selected]`).Attr("value"); v != "" {
		t.Errorf("the document's assignee is chosen in advance: %q", v)
	}
	ritaID := itoa(a.user("rita").ID)
	if r := eddie.form(docPath, docPath+"/assign", url.Values{"assignee": {ritaID}}); r.code != http.StatusSeeOther {
		t.Fatalf("assign document: %d", r.code)
	}
	if f := eddie.get(docPath).doc.Find(".flash").Text(); !strings.Contains(f, "claims are rita's") {
		t.Errorf("flash = %q", f)
	}
	if c := a.claim(claims[0].ID); c.Assignee != "rob" {
		t.Fatalf("assigning the document took rob's claim: now %q's", c.Assignee)
	}
	if r := eddie.form(docPath, docPath+"/assign", url.Values{"assignee": {ritaID}}); r.code != http.StatusSeeOther {
		t.Fatalf("assign document again: %d", r.code)
	}
	if f := eddie.get(docPath).doc.Find(".flash").Text(); !strings.Contains(f, "Nothing changed") || !strings.Contains(f, "Also take") {
		t.Errorf("flash when only others' claims are left = %q", f)
	}
	// Asked to, it takes rob's claim too.
	if r := eddie.form(docPath, docPath+"/assign", url.Values{"assignee": {ritaID}, "take": {"1"}}); r.code != http.StatusSeeOther {
		t.Fatalf("assign document, taking others' claims: %d", r.code)
	}
	if c := a.claim(claims[0].ID); c.Assignee != "rita" {
		t.Fatalf("after taking others' claims: %q's", c.Assignee)
	}
	mine := rita.get("/queue?assignee=me")
	if mine.code != http.StatusOK || mine.doc.Find("table.queue tbody tr").Length() != len(claims) || mine.doc.Find("h1").Text() != "Review queue" {
		t.Fatalf("rita's queue: %d, %d rows", mine.code, mine.doc.Find("table.queue tbody tr").Length())
	}
	if cur, _ := mine.doc.Find(`header nav a[href="/queue?assignee=me"]`).Attr("aria-current"); cur != "page" {
		t.Errorf("My queue link not current: %q", cur)
	}
	robs := rob.get("/queue?assignee=me")
	if n := robs.doc.Find("table.queue tbody tr").Length(); n != 0 {
		t.Errorf("rob's queue has %d claims", n)
	}
	// An empty queue says why, under its filters.
	if got := robs.doc.Find("p.empty").Text(); !strings.HasPrefix(got, "No claims are assigned to you.") {
		t.Errorf("rob's empty queue says %q", got)
	}
	if got := rob.get("/queue?assignee=me&status=disputed").doc.Find("p.empty").Text(); !strings.HasPrefix(got, "No disputed claims are assigned to you.") {
		t.Errorf("rob's empty disputed queue says %q", got)
	}
	// A page past the end (an old link) says so, not that there are none.
	if got := rob.get("/queue?after=0_999999999").doc.Find("p.empty").Text(); !strings.HasPrefix(got, "This page is past the end of the queue") {
		t.Errorf("a page past the end says %q", got)
	}
	// Unassign one; filter by name and by nobody.
	if r := eddie.form(path, path+"/assign", url.Values{"assignee": {"none"}}); r.code != http.StatusSeeOther {
		t.Fatalf("unassign: %d", r.code)
	}
	if n := eddie.get("/queue?assignee=none").doc.Find("table.queue tbody tr").Length(); n != 1 {
		t.Errorf("unassigned: %d", n)
	}
	if n := eddie.get("/queue?assignee=RITA").doc.Find("table.queue tbody tr").Length(); n != len(claims)-1 {
		t.Errorf("rita's claims by name: %d", n)
	}
	if r := eddie.get("/queue?assignee=ghost"); r.code != http.StatusBadRequest || !strings.Contains(r.body, "no user named") {
		t.Errorf("unknown assignee filter: %d", r.code)
	}
	// Pages keep the filter.
	q := eddie.get("/queue?assignee=rita&status=unverified")
	q.doc.Find("nav.filters a").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		if s.Parent().HasClass("assignee") {
			return
		}
		if !strings.Contains(href, "assignee=rita") {
			t.Errorf("status filter link %q drops the assignee", href)
		}
	})
	// The queue's download exports what the queue shows, the assignee
	// filter included.
	for _, tc := range []struct {
		filter string
		n      int
	}{{"rita", len(claims) - 1}, {"none", 1}} {
		qp := eddie.get("/queue?assignee=" + tc.filter + "&status=unverified")
		v, _ := qp.doc.Find(`form.download input[name="assignee"]`).Attr("value")
		if v != tc.filter {
			t.Errorf("download form of the %s queue: assignee %q", tc.filter, v)
		}
		csv := eddie.get("/export?format=csv&status=unverified&assignee=" + tc.filter)
		if rows := strings.Count(strings.TrimSpace(csv.body), "\n"); csv.code != http.StatusOK || rows != tc.n {
			t.Errorf("export of the %s queue: %d, %d rows, want %d", tc.filter, csv.code, rows, tc.n)
		}
	}
	if r := rita.get("/export?format=csv&status=unverified&assignee=me"); strings.Count(strings.TrimSpace(r.body), "\n") != len(claims)-1 {
		t.Errorf("rita's export of her queue: %q", r.body)
	}
	if r := eddie.get("/export?format=csv&assignee=ghost"); r.code != http.StatusBadRequest || !strings.Contains(r.body, "no user named") {
		t.Errorf("export with an unknown assignee: %d", r.code)
	}
	acts := eddie.get("/activity").doc.Find("ol.activity li")
	if !strings.Contains(acts.Eq(0).Text(), "unassigned") || !strings.Contains(acts.Eq(1).Text(), "assigned to rita") ||
		!strings.Contains(acts.Eq(1).Text(), "(1 claim)") || !strings.Contains(acts.Eq(2).Text(), "assigned to rita") ||
		!strings.Contains(acts.Eq(3).Text(), "assigned to rob") {
		t.Errorf("activity = %q", acts.Text())
	}
}

func TestCommentsMentionsAndInbox(t *testing.T) {
	a, claims := teamApp(t)
	rita, rob, vic := a.client(), a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	vic.login("vic")
	path := claimPath(claims[0].ID)

	if r := rita.form(path, path+"/comments", url.Values{"body": {"   "}}); r.code != http.StatusUnprocessableEntity ||
		r.doc.Find("#comment-error").Text() == "" {
		t.Fatalf("empty comment: %d", r.code)
	}
	gone := a.addUser("gwen", "reviewer")
	if _, err := a.store.SetDisabled(context.Background(), gone.ID, true); err != nil {
		t.Fatal(err)
	}
	body := "@rob the board minutes say $3.9m <script>alert(1)</script> — cc @nobody @gwen, ask rita@example.org"
	r := rita.form(path, path+"/comments", url.Values{"body": {body}})
	if r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), path+"#comment-") {
		t.Fatalf("comment: %d %q", r.code, r.hdr.Get("Location"))
	}
	// The writer is told which @name is nobody's, rather than left to
	// think it reached someone.
	if got := rita.get(path).doc.Find("#review-saved").Text(); !strings.Contains(got, "inbox") ||
		!strings.Contains(got, "No user here is called @nobody, so that mention told nobody.") ||
		!strings.Contains(got, "The account of @gwen is disabled, so that mention told nobody.") {
		t.Errorf("after the comment: %q", got)
	}
	page := rob.get(path)
	li := page.doc.Find("ol.comments li")
	if li.Length() != 1 || li.Find(".comment-text").Text() != body || li.Find("strong.mention").Text() != "@rob@gwen" {
		t.Fatalf("comment shown as %q, mentions %q", li.Find(".comment-text").Text(), li.Find("strong.mention").Text())
	}
	if strings.Contains(page.body, "<script>alert(1)") {
		t.Fatal("comment not escaped")
	}
	// rob's header counts one unread; the inbox lists it; marking read clears it.
	if n := page.doc.Find("header a.inbox .count").Text(); n != "1" {
		t.Fatalf("unread count %q", n)
	}
	if n := rita.get("/").doc.Find("header a.inbox .count").Length(); n != 0 {
		t.Error("the author was notified of their own comment")
	}
	inbox := rob.get("/inbox")
	item := inbox.doc.Find("ol.inbox-list li.unread")
	if item.Length() != 1 || !strings.Contains(item.Text(), "rita") || !strings.Contains(item.Text(), "mentioned you") ||
		!strings.Contains(item.Find(".comment-text").Text(), "board minutes") {
		t.Fatalf("inbox = %q", inbox.doc.Find("main").Text())
	}
	if href, _ := item.Find(`a[href^="/claims/"]`).Attr("href"); href != path {
		t.Errorf("inbox links to %q", href)
	}
	// A mangled form marks nothing read.
	if r := rob.form("/inbox", "/inbox/read", url.Values{"upto": {"abc"}}); r.code != http.StatusBadRequest {
		t.Errorf("mark read up to abc: %d", r.code)
	}
	if rob.get("/inbox").doc.Find("li.unread").Length() != 1 {
		t.Fatal("a mangled form marked the inbox read")
	}
	if r := rob.form("/inbox", "/inbox/read", url.Values{"upto": {inbox.doc.Find(`input[name=upto]`).AttrOr("value", "")}}); r.code != http.StatusSeeOther {
		t.Fatalf("mark read: %d", r.code)
	}
	if after := rob.get("/inbox"); after.doc.Find("header a.inbox .count").Length() != 0 || after.doc.Find("li.unread").Length() != 0 {
		t.Error("still unread after marking read")
	}
	// Viewers read comments but get no form.
	if vp := vic.get(path); vp.doc.Find("ol.comments li").Length() != 1 || vp.doc.Find(`form[action$="/comments"]`).Length() != 0 {
		t.Error("viewer: comments or form wrong")
	}
}

func TestEvidenceThroughTheRouter(t *testing.T) {
	a, claims := teamApp(t)
	rita := a.client()
	rita.login("rita")
	path := claimPath(claims[0].ID)
	bad := url.Values{"url": {"javascript:alert(1)"}, "title": {"Minutes"}, "excerpt": {"quoted"}}
	r := rita.form(path, path+"/evidence", bad)
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.doc.Find("#evidence-error").Text(), "http") {
		t.Fatalf("javascript: link: %d %q", r.code, r.doc.Find("#evidence-error").Text())
	}
	if v, _ := r.doc.Find("#ev-title").Attr("value"); v != "Minutes" || r.doc.Find("#ev-excerpt").Text() != "quoted" {
		t.Error("typed evidence lost")
	}
	good := url.Values{"url": {"https://example.org/minutes.pdf"}, "title": {"Board minutes, 4 March"}, "excerpt": {"revenue of $3.9 million a year"}}
	if r := rita.form(path, path+"/evidence", good); r.code != http.StatusSeeOther || r.hdr.Get("Location") != path+"#evidence" {
		t.Fatalf("evidence: %d", r.code)
	}
	ev := rita.get(path).doc.Find("#evidence ul.evidence li")
	if ev.Length() != 1 || ev.Find("a").Text() != "Board minutes, 4 March" || ev.Find("blockquote.excerpt").Text() != "revenue of $3.9 million a year" ||
		!strings.Contains(ev.Text(), "example.org") {
		t.Fatalf("evidence shown = %q", ev.Text())
	}
	if href, _ := ev.Find("a").Attr("href"); href != "https://example.org/minutes.pdf" {
		t.Errorf("href %q", href)
	}
	// Evidence with a status change sits under that history row.
	st := url.Values{"version": {"1"}, "status": {"disputed"}, "note": {"see minutes"},
		"evidence_url": {"ftp://example.org/x"}, "evidence_title": {"FTP"}}
	if r := rita.form(path, path+"/status", st); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.doc.Find("#review-error").Text(), "http") {
		t.Fatalf("status with a bad link: %d", r.code)
	}
	if c := a.claim(claims[0].ID); c.Version != 1 {
		t.Fatal("a refused status change with evidence changed the claim")
	}
	st.Set("evidence_url", "https://example.org/budget")
	st.Set("evidence_title", "Budget 2024")
	if r := rita.form(path, path+"/status", st); r.code != http.StatusSeeOther {
		t.Fatalf("status with evidence: %d %s", r.code, r.doc.Find("#review-error").Text())
	}
	hist := rita.get(path).doc.Find("ol.history > li")
	if hist.Length() != 1 || hist.Find("ul.evidence a").Text() != "Budget 2024" {
		t.Fatalf("history evidence = %q", hist.Text())
	}
	page := rita.get(path)
	if page.doc.Find("#evidence ul.evidence li").Length() != 1 {
		t.Error("status evidence also listed as claim evidence")
	}
	// The evidence card says there is more, where it is.
	if got := page.doc.Find("#evidence #verdict-evidence").Text(); !strings.Contains(got, "1 more link was given with a verdict") {
		t.Errorf("evidence card on the verdict's link: %q", got)
	}
	// A claim with links given only with verdicts is not said to have none.
	other := claimPath(claims[1].ID)
	st.Set("version", "1")
	if r := rita.form(other, other+"/status", st); r.code != http.StatusSeeOther {
		t.Fatalf("status with evidence on another claim: %d", r.code)
	}
	card := rita.get(other).doc.Find("#evidence")
	if strings.Contains(card.Text(), "No links yet") || !strings.Contains(card.Find("#verdict-evidence").Text(), "1 link was given with a verdict") {
		t.Errorf("evidence card of a claim with a verdict's link only: %q", card.Text())
	}
}

func TestSecondOpinionIsBlindThenShowsBoth(t *testing.T) {
	a, claims := teamApp(t)
	rita, rob, eddie := a.client(), a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	eddie.login("eddie")
	cl := claims[0]
	path := claimPath(cl.ID)
	const note = "Minutes say 3.9 million, not 4.2"
	if r := rita.form(path, path+"/status", url.Values{"version": {"1"}, "status": {"disputed"}, "note": {note},
		"evidence_url": {"https://example.org/m"}, "evidence_title": {"Minutes"}}); r.code != http.StatusSeeOther {
		t.Fatal(r.code)
	}
	rita.form(path, path+"/comments", url.Values{"body": {"I disputed this one"}})
	rita.form(path, path+"/evidence", url.Values{"url": {"https://example.org/e"}, "title": {"Extra source"}})

	page := eddie.get(path)
	opts := page.doc.Find("#second-reviewer option")
	if opts.Length() == 0 || strings.Contains(opts.Text(), "rita") || strings.Contains(opts.Text(), "eddie") {
		t.Fatalf("second reviewer choices = %q", opts.Text())
	}
	if r := eddie.form(path, path+"/second-opinion", url.Values{"reviewer": {itoa(a.user("rita").ID)}}); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("asking the first reviewer: %d", r.code)
	}
	if r := eddie.form(path, path+"/second-opinion", url.Values{"reviewer": {itoa(a.user("rob").ID)}}); r.code != http.StatusSeeOther {
		t.Fatalf("ask: %d", r.code)
	}
	if p := eddie.get(path); !strings.Contains(p.doc.Find("#opinions .pending").Text(), "rob") || p.doc.Find("#second-reviewer").Length() != 0 {
		t.Error("the editor does not see the pending request, or may ask twice")
	}

	// rob sees neither the verdict, nor its note, history, evidence or comments.
	page = rob.get(path)
	main := page.doc.Find("main").Text()
	for _, secret := range []string{note, "I disputed", "Minutes", "Extra source", "rita"} {
		if strings.Contains(main, secret) {
			t.Errorf("the blind reviewer sees %q", secret)
		}
	}
	if page.doc.Find(".badge.s-disputed, .verdict.current").Length() != 0 || page.doc.Find("dl.facts .badge").Text() != "Hidden" {
		t.Errorf("the blind reviewer sees the status: %q", page.doc.Find("dl.facts").Text())
	}
	if cls, _ := page.doc.Find("mark.hl").Attr("class"); strings.Contains(cls, "s-disputed") {
		t.Error("the highlight colour gives the verdict away")
	}
	if page.doc.Find(`form[action="`+path+`/opinion"] button[name=status]`).Length() != 3 || page.doc.Find(`form[action$="/status"]`).Length() != 0 {
		t.Fatal("the blind reviewer gets the status form instead of the opinion form")
	}
	if q := rob.get("/queue"); q.doc.Find(`a[href="`+path+`"]`).Closest("tr").Find(".badge").Text() != "Hidden" {
		t.Error("the queue shows rob the verdict")
	}
	// Claim links in a filtered queue keep the filter (for j and k).
	if q := rob.get("/queue?status=disputed"); q.doc.Find(`a[href="`+path+`?status=disputed"]`).Length() != 0 {
		t.Error("the status filter tells rob the verdict")
	}
	if q := eddie.get("/queue?status=disputed"); q.doc.Find(`a[href="`+path+`?status=disputed"]`).Length() != 1 {
		t.Error("the status filter hides the claim from others")
	}
	if d := rob.get("/documents/" + itoa(cl.DocumentID)); !strings.Contains(d.doc.Find("#claim-"+itoa(cl.ID)).AttrOr("class", ""), "s-hidden") {
		t.Error("the document page shows rob the verdict")
	}
	if act := rob.get("/activity").doc.Find("main").Text(); strings.Contains(act, note) || strings.Contains(act, "I disputed") {
		t.Error("the activity feed shows rob the verdict")
	}
	if ib := rob.get("/inbox").doc.Find("ol.inbox-list li"); !strings.Contains(ib.Text(), "asked for your second opinion") {
		t.Errorf("inbox = %q", ib.Text())
	}
	if r := rob.form(path, path+"/status", url.Values{"version": {"2"}, "status": {"confirmed"}}); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("the blind reviewer set the status: %d", r.code)
	}
	// Nor may rob dismiss it: that takes it out of the queue and the exports.
	if page.doc.Find(`form[action="`+path+`/dismiss"]`).Length() != 0 {
		t.Error("the blind reviewer is offered the dismissal")
	}
	if r := rob.form(path, path+"/dismiss", url.Values{"version": {"2"}, "reason": {"not a claim"}}); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.doc.Find("#tools-error").Text(), "give it before dismissing it") {
		t.Fatalf("the blind reviewer dismissed the claim: %d %q", r.code, r.doc.Find("#tools-error").Text())
	}
	if q := eddie.get("/queue"); q.doc.Find(`a[href="`+path+`"]`).Length() != 1 {
		t.Error("a refused dismissal took the claim out of the queue")
	}
	// Someone else cannot answer for rob.
	if r := rita.form(path, path+"/opinion", url.Values{"status": {"confirmed"}}); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("rita answered rob's request: %d", r.code)
	}
	if r := rob.form(path, path+"/opinion", url.Values{"status": {"confirmed"}, "note": {"The release says 4.2"}}); r.code != http.StatusSeeOther {
		t.Fatalf("opinion: %d", r.code)
	}
	page = rob.get(path)
	pair := page.doc.Find("#opinions .pair")
	if !strings.Contains(page.doc.Find(".flash").Text(), "You disagree with rita") || pair.Length() != 1 ||
		!strings.Contains(pair.Text(), "rita") || !strings.Contains(pair.Text(), "Disputed") ||
		!strings.Contains(pair.Text(), "rob") || !strings.Contains(pair.Text(), "Confirmed") || !strings.Contains(pair.Text(), "disagree") {
		t.Fatalf("both opinions: flash %q, pair %q", page.doc.Find(".flash").Text(), pair.Text())
	}
	if !strings.Contains(page.doc.Find("ol.history").Text(), note) || page.doc.Find("ol.comments li").Length() != 1 {
		t.Error("history or comments still hidden after answering")
	}
	if c := a.claim(cl.ID); c.Status != "disputed" {
		t.Fatalf("the second opinion changed the status to %s", c.Status)
	}
	if ag := eddie.get("/agreement"); ag.doc.Find("#overall-percent").Text() != "0.0%" {
		t.Errorf("agreement after one disagreement: %q", ag.doc.Find("#overall-percent").Text())
	}
	// Asked again, the editor is not offered rita or rob, who have seen a
	// verdict on it; nor anyone once it is published.
	if opts := eddie.get(path).doc.Find("#second-reviewer option").Text(); opts == "" || strings.Contains(opts, "rita") || strings.Contains(opts, "rob") {
		t.Errorf("second reviewer choices after an answer = %q", opts)
	}
	if _, err := a.store.Publish(context.Background(), cl.ID, a.user("eddie").ID, 0); err != nil {
		t.Fatal(err)
	}
	if eddie.get(path).doc.Find("#second-reviewer").Length() != 0 {
		t.Error("a second opinion is offered on a published claim")
	}
}

// Three more opinions through the store, then the page's figures against
// the hand-worked ones: rita/rob on four claims, (D,C) (C,C) (C,C) (D,D).
// po = 3/4; rita C 2/4 D 2/4, rob C 3/4 D 1/4; pe = 6/16 + 2/16 = 1/2;
// kappa = (3/4 - 1/2) / (1 - 1/2) = 0.5.
func TestAgreementPageFigures(t *testing.T) {
	a, claims := teamApp(t)
	ctx := context.Background()
	rita, rob, eddie := a.user("rita"), a.user("rob"), a.user("eddie")
	verdicts := [][2]string{{"disputed", "confirmed"}, {"confirmed", "confirmed"}, {"confirmed", "confirmed"}, {"disputed", "disputed"}}
	for i, v := range verdicts {
		id := claims[i].ID
		if _, err := a.store.SetStatus(ctx, id, rita.ID, 1, v[0], ""); err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.RequestSecondOpinion(ctx, id, eddie.ID, rob.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.SubmitSecondOpinion(ctx, id, rob.ID, v[1], ""); err != nil {
			t.Fatal(err)
		}
	}
	c := a.client()
	c.login("vic")
	p := c.get("/agreement")
	if p.code != http.StatusOK || p.doc.Find("#overall-percent").Text() != "75.0%" || p.doc.Find("#overall-kappa").Text() != "0.50" {
		t.Fatalf("overall: %q %q", p.doc.Find("#overall-percent").Text(), p.doc.Find("#overall-kappa").Text())
	}
	row := p.doc.Find("table.pairs tbody tr")
	if row.Length() != 1 || row.Find("th").Text() != "rita and rob" || row.Find("td").Eq(0).Text() != "4" ||
		row.Find("td").Eq(1).Text() != "3" || row.Find("td").Eq(3).Text() != "0.50" {
		t.Fatalf("pair row = %q", row.Text())
	}
	// Matrix: rows first verdict, columns second, in unverified/confirmed/disputed order.
	var cells []string
	p.doc.Find("table.matrix tbody td").Each(func(_ int, s *goquery.Selection) { cells = append(cells, s.Text()) })
	if strings.Join(cells, " ") != "0 0 0 0 2 0 0 1 1" {
		t.Fatalf("matrix = %v", cells)
	}
	if cur, _ := p.doc.Find(`header nav a[href="/agreement"]`).Attr("aria-current"); cur != "page" {
		t.Error("no current Agreement link in the nav")
	}
}

func TestActivityFeedPages(t *testing.T) {
	a, claims := teamApp(t)
	ctx := context.Background()
	rita := a.user("rita")
	for i := range 55 {
		if _, err := a.store.AddComment(ctx, claims[i%3].ID, rita.ID, "note "+itoa(int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	c := a.client()
	c.login("vic")
	p := c.get("/activity")
	items := p.doc.Find("ol.activity li")
	next, _ := p.doc.Find(`a[rel=next]`).Attr("href")
	if items.Length() != 50 || !strings.Contains(items.First().Text(), "note 54") || !strings.Contains(items.First().Text(), "commented on") || next == "" {
		t.Fatalf("first page: %d items, next %q, first %q", items.Length(), next, items.First().Text())
	}
	p2 := c.get(next)
	if n := p2.doc.Find("ol.activity li").Length(); n != 5 || !strings.Contains(p2.doc.Find("ol.activity li").Last().Text(), "note 0") ||
		p2.doc.Find(`a[rel=next]`).Length() != 0 {
		t.Fatalf("second page: %d items", n)
	}
	docAct := c.get("/documents/" + itoa(claims[0].DocumentID) + "/activity")
	if docAct.code != http.StatusOK || docAct.doc.Find("ol.activity li").Length() != 50 || !strings.Contains(docAct.doc.Find("p.meta").Text(), browserTitle) {
		t.Fatalf("document activity: %d", docAct.code)
	}
	if r := c.get("/activity?before=x"); r.code != http.StatusBadRequest {
		t.Errorf("bad cursor: %d", r.code)
	}
	if r := c.get("/documents/99999/activity"); r.code != http.StatusNotFound {
		t.Errorf("unknown document: %d", r.code)
	}
}

func TestBulkActions(t *testing.T) {
	a, claims := teamApp(t)
	eddie, rob := a.client(), a.client()
	eddie.login("eddie")
	rob.login("rob")
	q := eddie.get("/queue")
	boxes := q.doc.Find(`input[type=checkbox][name=claim][form=bulk]`)
	if boxes.Length() != len(claims) || q.doc.Find(`form#bulk button[name=action]`).Length() != 3 {
		t.Fatalf("bulk form: %d boxes", boxes.Length())
	}
	boxes.Each(func(_ int, s *goquery.Selection) {
		if l, _ := s.Attr("aria-label"); !strings.HasPrefix(l, "Select claim ") {
			t.Errorf("checkbox label %q", l)
		}
	})
	if n := rob.get("/queue").doc.Find(`form#bulk`).Length(); n != 0 {
		t.Error("a reviewer sees the bulk form")
	}
	sel := func(ids ...int64) []string {
		var out []string
		for _, id := range ids {
			out = append(out, itoa(id)+":"+itoa(a.claim(id).Version))
		}
		return out
	}
	picked := sel(claims[0].ID, claims[1].ID, claims[2].ID)
	// rob changes claim 1 after eddie's queue was shown.
	if r := rob.form(claimPath(claims[1].ID), claimPath(claims[1].ID)+"/status", url.Values{"version": {"1"}, "status": {"disputed"}}); r.code != http.StatusSeeOther {
		t.Fatal(r.code)
	}
	r := eddie.form("/queue", "/claims/bulk", url.Values{"claim": picked, "action": {"status"}, "status": {"confirmed"},
		"note": {"checked in one go"}, "back": {"/queue?status=unverified"}})
	if r.code != http.StatusSeeOther || r.hdr.Get("Location") != "/queue?status=unverified" {
		t.Fatalf("bulk status: %d %q", r.code, r.hdr.Get("Location"))
	}
	flash := eddie.get("/queue").doc.Find(".flash").Text()
	if !strings.Contains(flash, "Confirmed: 2 claims") || !strings.Contains(flash, "claim "+itoa(claims[1].ID)+" (now Disputed)") {
		t.Fatalf("flash = %q", flash)
	}
	for _, id := range []int64{claims[0].ID, claims[2].ID} {
		h, _ := a.store.History(context.Background(), id)
		if len(h) != 1 || h[0].Username != "eddie" || h[0].To != "confirmed" || h[0].Note != "checked in one go" {
			t.Errorf("claim %d history = %+v", id, h)
		}
	}
	if c := a.claim(claims[1].ID); c.Status != "disputed" {
		t.Fatal("the stale claim was overwritten")
	}
	// Assign in bulk.
	robID := a.user("rob").ID
	if r := eddie.form("/queue", "/claims/bulk", url.Values{"claim": sel(claims[3].ID, claims[4].ID), "action": {"assign"}, "assignee": {itoa(robID)}}); r.code != http.StatusSeeOther {
		t.Fatalf("bulk assign: %d", r.code)
	}
	if n := rob.get("/queue?assignee=me").doc.Find("table.queue tbody tr").Length(); n != 2 {
		t.Fatalf("rob's queue after bulk assign: %d", n)
	}
	// Bad input: a clear message, nothing changed.
	before := a.claim(claims[3].ID)
	for _, bad := range []url.Values{
		{"claim": sel(claims[3].ID), "action": {"dismiss"}, "note": {" "}},
		{"claim": {"x:1"}, "action": {"dismiss"}, "note": {"r"}},
		{"action": {"status"}, "status": {"confirmed"}},
		{"claim": sel(claims[3].ID), "action": {"explode"}},
		{"claim": sel(claims[3].ID), "action": {"status"}, "status": {"maybe"}},
	} {
		bad.Set("back", "/queue?status=unverified")
		r := eddie.form("/queue", "/claims/bulk", bad)
		if r.code != http.StatusSeeOther || r.hdr.Get("Location") != "/queue?status=unverified" {
			t.Errorf("bulk %v: %d to %q, want the queue it came from", bad, r.code, r.hdr.Get("Location"))
			continue
		}
		if f := eddie.get("/queue?status=unverified").doc.Find(".flash").Text(); !strings.HasPrefix(strings.TrimSpace(f), "Nothing changed: ") || len(f) < 30 {
			t.Errorf("bulk %v: flash %q", bad, f)
		}
	}
	if after := a.claim(claims[3].ID); after.Version != before.Version || after.Dismissed {
		t.Fatal("bad bulk input changed a claim")
	}
	if r := eddie.form("/queue", "/claims/bulk", url.Values{"claim": sel(claims[3].ID, claims[4].ID), "action": {"dismiss"}, "note": {"captions"}}); r.code != http.StatusSeeOther {
		t.Fatalf("bulk dismiss: %d", r.code)
	}
	if c := a.claim(claims[4].ID); !c.Dismissed || c.DismissReason != "captions" {
		t.Fatalf("after bulk dismiss: %+v", c)
	}
	if !strings.Contains(eddie.get("/queue").doc.Find(".flash").Text(), "Dismissed: 2 claims") {
		t.Error("no dismissal message")
	}
}

func TestWithdrawSecondOpinionThroughTheRouter(t *testing.T) {
	a, claims := teamApp(t)
	rob, eddie := a.client(), a.client()
	rob.login("rob")
	eddie.login("eddie")
	ctx := context.Background()
	cl := claims[0]
	path := claimPath(cl.ID)
	if _, err := a.store.SetStatus(ctx, cl.ID, a.user("rita").ID, 1, "disputed", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.RequestSecondOpinion(ctx, cl.ID, a.user("eddie").ID, a.user("rob").ID); err != nil {
		t.Fatal(err)
	}
	if rob.get(path).doc.Find(`form[action$="/withdraw"]`).Length() != 0 {
		t.Error("the blind reviewer is offered the withdraw button")
	}
	if r := eddie.form(path, path+"/second-opinion/withdraw", url.Values{}); r.code != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", r.code)
	}
	page := eddie.get(path)
	if !strings.Contains(page.doc.Find("#opinions .withdrawn").Text(), "withdrawn by eddie") || page.doc.Find("#second-reviewer").Length() != 1 {
		t.Fatalf("after withdrawing: %q", page.doc.Find("#opinions").Text())
	}
	if p := rob.get(path); p.doc.Find("dl.facts .badge").Text() != "Disputed" || p.doc.Find(`form[action$="/status"]`).Length() != 1 {
		t.Error("rob is still blind after the request was withdrawn")
	}
	if r := eddie.form(path, path+"/second-opinion/withdraw", url.Values{}); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.doc.Find("#tools-error").Text(), "No second opinion is pending") {
		t.Fatalf("withdraw twice: %d", r.code)
	}
}

// A viewer is not offered the review keys: pressed, they would only be
// refused.
func TestShortcutsFollowTheRole(t *testing.T) {
	a, claims := teamApp(t)
	vic, rita := a.client(), a.client()
	vic.login("vic")
	rita.login("rita")
	for _, path := range []string{"/queue", claimPath(claims[0].ID)} {
		v, r := vic.get(path).doc, rita.get(path).doc
		if keys := v.Find("#shortcuts dl.keys").Text(); strings.Contains(keys, "confirmed") || keys == "" {
			t.Errorf("%s: a viewer's shortcuts = %q", path, keys)
		}
		if v.Find("[data-shortcuts][data-review]").Length() != 0 {
			t.Errorf("%s: a viewer's page allows the review keys", path)
		}
		if keys := r.Find("#shortcuts dl.keys").Text(); !strings.Contains(keys, "confirmed") {
			t.Errorf("%s: a reviewer's shortcuts = %q", path, keys)
		}
		if r.Find("[data-shortcuts][data-review]").Length() != 1 {
			t.Errorf("%s: a reviewer's page does not allow the review keys", path)
		}
	}
}

// In bulk, what is wrong with the action (its note or reason) refuses the
// whole request, as on one claim; what is wrong with one claim (there is
// no such claim) is that claim's report, whatever the action.
func TestBulkRefusesTheActionAndReportsTheClaim(t *testing.T) {
	a, claims := teamApp(t)
	eddie := a.client()
	eddie.login("eddie")
	api := a.token("eddie")
	one := []map[string]any{{"id": claims[0].ID, "version": 1}, {"id": claims[1].ID, "version": 1}}
	for _, body := range []map[string]any{
		{"action": "status", "status": "confirmed", "note": "a\u0000b", "claims": one},
		{"action": "status", "status": "confirmed", "note": strings.Repeat("n", 10001), "claims": one},
		{"action": "dismiss", "note": strings.Repeat("r", 1001), "claims": one},
	} {
		e := api.do(http.MethodPost, "/api/v1/claims/bulk", body).apiErr(t, http.StatusUnprocessableEntity, "invalid")
		if !strings.Contains(e.Message, "control characters") && !strings.Contains(e.Message, "longer than") {
			t.Errorf("%v: %q", body["action"], e.Message)
		}
	}
	if r := eddie.form("/queue", "/claims/bulk", url.Values{"claim": {itoa(claims[0].ID) + ":1"}, "action": {"status"},
		"status": {"confirmed"}, "note": {"a\x00b"}}); r.code != http.StatusSeeOther ||
		!strings.Contains(eddie.get("/queue").doc.Find(".flash").Text(), "control characters") {
		t.Errorf("web bulk with a NUL in the note: %d", r.code)
	}
	for _, cl := range claims[:2] {
		if c := a.claim(cl.ID); c.Version != 1 || c.Dismissed {
			t.Fatalf("claim %d changed by a refused request", cl.ID)
		}
	}
	// Assigning a claim that does not exist is that claim's report.
	r := api.do(http.MethodPost, "/api/v1/claims/bulk", map[string]any{"action": "assign", "assignee": "rob",
		"claims": []map[string]any{{"id": claims[0].ID}, {"id": 999999}}})
	var res handlers.APIBulkResult
	r.decode(t, &res)
	if r.code != http.StatusOK || res.Done != 1 || res.Skipped != 1 || res.Items[1].Outcome != "skipped" || res.Items[1].Reason != "no such claim" {
		t.Fatalf("API bulk assign with an unknown claim: %d %s", r.code, r.body)
	}
	r2 := eddie.form("/queue", "/claims/bulk", url.Values{"claim": {itoa(claims[1].ID) + ":1", "999999:1"}, "action": {"assign"},
		"assignee": {itoa(a.user("rob").ID)}})
	if r2.code != http.StatusSeeOther {
		t.Fatalf("web bulk assign with an unknown claim: %d", r2.code)
	}
	if flash := eddie.get("/queue").doc.Find(".flash").Text(); !strings.Contains(flash, "claim 999999 (no such claim)") {
		t.Errorf("flash = %q", flash)
	}
	for _, cl := range claims[:2] {
		if c := a.claim(cl.ID); c.Assignee != "rob" {
			t.Errorf("claim %d assigned to %q", cl.ID, c.Assignee)
		}
	}
}

// Two editors assigning one claim at once: the second is told who has the
// claim now, and nothing changes, rather than taking it from them unawares.
func TestAssignFormSaysWhoTookTheClaimMeanwhile(t *testing.T) {
	a, claims := teamApp(t)
	a.addUser("edna", "editor")
	eddie, edna := a.client(), a.client()
	eddie.login("eddie")
	edna.login("edna")
	robID, ritaID := a.user("rob").ID, a.user("rita").ID
	path := claimPath(claims[0].ID)

	stale := edna.get(path) // edna's page shows the claim as nobody's
	shown, _ := stale.doc.Find(`#assign input[name=shown]`).Attr("value")
	if shown != "0" {
		t.Fatalf("shown = %q, want 0", shown)
	}
	if r := eddie.form(path, path+"/assign", url.Values{"assignee": {itoa(robID)}, "shown": {"0"}}); r.code != http.StatusSeeOther {
		t.Fatalf("eddie assigns: %d", r.code)
	}
	r := edna.post(path+"/assign", url.Values{"_csrf": {edna.csrf(path)}, "assignee": {itoa(ritaID)}, "shown": {shown}})
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.doc.Find("#tools-error").Text(), "gave the claim to rob") {
		t.Fatalf("edna's stale assignment: %d %q", r.code, r.doc.Find("#tools-error").Text())
	}
	if c := a.claim(claims[0].ID); c.Assignee != "rob" {
		t.Fatalf("the claim is %q's, want rob's", c.Assignee)
	}
	// Her page now shows rob; choosing again works.
	if v, _ := r.doc.Find(`#assign input[name=shown]`).Attr("value"); v != itoa(robID) {
		t.Fatalf("the refused page shows assignee %q", v)
	}
	if r := edna.form(path, path+"/assign", url.Values{"assignee": {itoa(ritaID)}, "shown": {itoa(robID)}}); r.code != http.StatusSeeOther {
		t.Fatalf("assign again: %d", r.code)
	}
	if c := a.claim(claims[0].ID); c.Assignee != "rita" {
		t.Fatalf("the claim is %q's, want rita's", c.Assignee)
	}
}
