package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/export"
	"factdesk/web"
)

var testExport = export.Options{OrgName: "Harbour Fact Desk", OrgURL: "https://desk.example.org/about", PublicURL: "https://desk.example.org"}

// newAppWith is newApp with an editor (ed) and an admin (ada) besides, and
// the configuration changed by edit.
func newAppWith(t *testing.T, edit func(*web.Config)) *app {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "web.db")
	store, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	logBuf := &bytes.Buffer{}
	cfg := web.Config{Store: store, Log: slog.New(slog.NewTextHandler(logBuf, nil)), MaxDocBytes: 64 << 10, Export: testExport}
	if edit != nil {
		edit(&cfg)
	}
	srv := httptest.NewServer(web.New(cfg))
	t.Cleanup(func() { srv.Close(); store.Close() })
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for name, role := range map[string]string{"rita": "reviewer", "vic": "viewer", "rob": "reviewer", "ed": "editor", "ada": "admin"} {
		if _, err := store.CreateUser(ctx, name, hash, role); err != nil {
			t.Fatal(err)
		}
	}
	a := &app{t: t, store: store, srv: srv, log: logBuf}
	appDBPath[a] = path
	return a
}

// appDBPath is the database file of each app newAppWith and newLiveApp made.
var appDBPath = map[*app]string{}

// review sets a claim's status through the claim page's form.
func (c *client) review(id int64, status, note string) {
	c.a.t.Helper()
	page := c.get("/claims/" + itoa(id))
	tok, _ := page.doc.Find(`#review input[name="_csrf"]`).Attr("value")
	ver, _ := page.doc.Find(`#review input[name="version"]`).Attr("value")
	if r := c.post("/claims/"+itoa(id)+"/status", url.Values{"_csrf": {tok}, "version": {ver}, "status": {status}, "note": {note}}); r.code != http.StatusSeeOther {
		c.a.t.Fatalf("review %d as %s: %d %s", id, status, r.code, r.body)
	}
}

// publish sends the claim page's Publish form, with the claim's version as
// it is now (whether or not the page offers the button).
func (c *client) publish(id int64) resp {
	c.a.t.Helper()
	path := "/claims/" + itoa(id)
	return c.post(path+"/publish", url.Values{"_csrf": {c.csrf(path)}, "version": {itoa(c.a.claim(id).Version)}})
}

func TestExportFormatsAndFilters(t *testing.T) {
	a := newAppWith(t, nil)
	rita, rob := a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	rita.importText("Port plan", article)
	ctx := context.Background()
	claims, _ := a.store.DocumentClaims(ctx, 1)
	if len(claims) < 3 {
		t.Fatalf("%d claims", len(claims))
	}
	rita.review(claims[0].ID, "disputed", "Port authority says 25%.")
	rob.review(claims[1].ID, "confirmed", "")

	ids := func(path string) []int64 {
		t.Helper()
		r := rita.get(path)
		if r.code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.code, r.body)
		}
		var recs []struct{ ID int64 }
		if err := json.Unmarshal([]byte(r.body), &recs); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		var out []int64
		for _, rec := range recs {
			out = append(out, rec.ID)
		}
		return out
	}
	for path, want := range map[string][]int64{
		"/export":                                      {claims[0].ID, claims[1].ID},
		"/export?reviewer=rob":                         {claims[1].ID},
		"/export?status=unverified&document=1":         idsOf(claims[2:]),
		"/export?kind=" + claims[0].Kind:               sameKind(claims[:2], claims[0].Kind),
		"/export?from=2000-01-01&to=2999-12-31":        {claims[0].ID, claims[1].ID},
		"/export?to=2000-01-01":                        nil,
		"/export?format=json&status=disputed&kind=%20": {claims[0].ID},
	} {
		if got := ids(path); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("GET %s: %v, want %v", path, got, want)
		}
	}
	for path, msg := range map[string]string{
		"/export?reviewer=nobody":               "no user named",
		"/export?from=2026-13-01":               "2024-12-31",
		"/export?from=2026-03-04&to=2026-03-01": "ends before",
		"/export?document=x":                    "document number",
		"/export?document=2":                    "no document 2",
		"/export?format=pdf":                    "claimreview, annotation",
		"/export?kind=nosuchkind":               "Unknown kind",
	} {
		if r := rita.get(path); r.code != http.StatusBadRequest || !strings.Contains(r.body, msg) {
			t.Errorf("GET %s: %d, want 400 saying %q", path, r.code, msg)
		}
	}

	// ClaimReview: the reviewed claims only.
	r := rita.get("/export?format=claimreview&status=unverified,confirmed,disputed")
	if r.code != http.StatusOK || r.hdr.Get("Content-Type") != "application/ld+json" ||
		!strings.Contains(r.hdr.Get("Content-Disposition"), `filename="factdesk-claimreview-`) {
		t.Fatalf("claimreview: %d %s %s", r.code, r.hdr.Get("Content-Type"), r.hdr.Get("Content-Disposition"))
	}
	var reviews []export.ClaimReview
	if err := json.Unmarshal([]byte(r.body), &reviews); err != nil || len(reviews) != 2 {
		t.Fatalf("claimreview body: %v\n%s", err, r.body)
	}
	if reviews[0].ClaimReviewed != claims[0].Text || reviews[0].ReviewRating.AlternateName != "Disputed" ||
		reviews[0].URL != "" || reviews[0].Author.Name != "Harbour Fact Desk" {
		t.Errorf("review = %+v; an unpublished review has no url (no page is there yet)", reviews[0])
	}

	// Web Annotation: offsets and quotes that point into the stored text.
	r = rita.get("/export?format=annotation&status=disputed")
	var anns []struct {
		Target struct {
			Selector []map[string]any `json:"selector"`
		} `json:"target"`
	}
	if err := json.Unmarshal([]byte(r.body), &anns); err != nil || len(anns) != 1 {
		t.Fatalf("annotation: %v\n%s", err, r.body)
	}
	q, pos := anns[0].Target.Selector[0], anns[0].Target.Selector[1]
	runes := []rune(article)
	s, e := int(pos["start"].(float64)), int(pos["end"].(float64))
	if string(runes[s:e]) != q["exact"] || !strings.HasSuffix(string(runes[:s]), q["prefix"].(string)) ||
		!strings.HasPrefix(string(runes[e:]), q["suffix"].(string)) || q["prefix"] == "" {
		t.Errorf("selectors %v %v do not match the text", q, pos)
	}

	// The queue's download form carries the queue's filter.
	page := rita.get("/queue?status=disputed&document=1")
	form := page.doc.Find(`form.download`)
	if act, _ := form.Attr("action"); act != "/export" || form.Find(`input[name="status"]`).AttrOr("value", "") != "disputed" ||
		form.Find(`input[name="document"]`).AttrOr("value", "") != "1" || form.Find(`select[name="format"] option`).Length() != 5 {
		html, _ := form.Html()
		t.Fatalf("download form: %s", html)
	}
}

func sameKind(cs []db.Claim, kind string) []int64 {
	var out []int64
	for _, c := range cs {
		if c.Kind == kind {
			out = append(out, c.ID)
		}
	}
	return out
}

func idsOf(cs []db.Claim) []int64 {
	var out []int64
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestPublishAndPublicPage(t *testing.T) {
	a := newAppWith(t, nil)
	rita, ed, vic, anon := a.client(), a.client(), a.client(), a.client()
	rita.login("rita")
	ed.login("ed")
	vic.login("vic")
	// A claim text with markup in it: the JSON-LD must stay inert.
	text := "Mayor Ana Ruiz said the plan would cut emissions by 40% </script><script>alert(1)</script> by 2030, officials said."
	rita.importText("Port plan", "The council voted on Tuesday.\n\n"+text)
	claims, _ := a.store.DocumentClaims(context.Background(), 1)
	var id int64
	var claimText string
	for _, c := range claims {
		if strings.Contains(c.Text, "</script>") {
			id, claimText = c.ID, c.Text
		}
	}
	if id == 0 {
		t.Fatalf("no claim holds the markup: %+v", claims)
	}
	path := "/claims/" + itoa(id)
	pub := "/public/claims/" + itoa(id)

	// Unverified: no button, and the server refuses anyway.
	if page := ed.get(path); page.doc.Find("#publish").Length() != 0 || !strings.Contains(page.doc.Find("#publication").Text(), "Review the claim") {
		t.Fatal("publish offered for an unverified claim")
	}
	if r := ed.publish(id); r.code != http.StatusBadRequest {
		t.Fatalf("publishing unverified: %d", r.code)
	}
	rita.review(id, "disputed", "The port authority's figure is 25%.")

	// Reviewers and viewers see no button and are refused.
	for name, c := range map[string]*client{"reviewer": rita, "viewer": vic} {
		if c.get(path).doc.Find("#publish").Length() != 0 {
			t.Errorf("%s sees the publish button", name)
		}
		if r := c.publish(id); r.code != http.StatusForbidden {
			t.Errorf("%s publishing: %d", name, r.code)
		}
	}
	if r := anon.get(pub); r.code != http.StatusNotFound {
		t.Fatalf("unpublished page: %d", r.code)
	}
	if r := ed.post(path+"/publish", url.Values{}); r.code != http.StatusForbidden {
		t.Fatalf("publish without CSRF token: %d", r.code)
	}

	// The editor publishes.
	if r := ed.publish(id); r.code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", r.code, r.body)
	}
	page := ed.get(path)
	if link, _ := page.doc.Find("#public-link").Attr("href"); link != pub || page.doc.Find("#unpublish").Length() != 1 {
		t.Fatalf("claim page after publishing: link %q", link)
	}

	// Anyone can read the public page; its JSON-LD is the exported ClaimReview.
	r := anon.get(pub)
	if r.code != http.StatusOK || r.doc.Find("blockquote.claim-quote").Text() != claimText {
		t.Fatalf("public page: %d %s", r.code, r.body)
	}
	if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "</script><script>") {
		t.Fatal("claim text broke out of the page")
	}
	scripts := r.doc.Find(`script[type="application/ld+json"]`)
	if scripts.Length() != 1 {
		t.Fatalf("%d JSON-LD scripts", scripts.Length())
	}
	var onPage map[string]any
	if err := json.Unmarshal([]byte(scripts.Text()), &onPage); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, scripts.Text())
	}
	exp := rita.get("/export?format=claimreview&status=disputed")
	var exported []map[string]any
	json.Unmarshal([]byte(exp.body), &exported)
	if len(exported) != 1 || !reflect.DeepEqual(onPage, exported[0]) {
		t.Fatalf("page JSON-LD differs from the export:\n%v\n%v", onPage, exported)
	}
	if u, _ := url.Parse(onPage["url"].(string)); u.Path != pub {
		t.Fatalf("ClaimReview url %v is not the public page", onPage["url"])
	}
	if !strings.Contains(r.body, "Harbour Fact Desk") || r.doc.Find(".badge").Text() != "Disputed" {
		t.Fatal("public page lacks the organisation or the verdict")
	}
	if cc := r.hdr.Get("Cache-Control"); cc != "public, no-cache" {
		t.Errorf("Cache-Control %q: a cache could show the page after it is taken down", cc)
	}
	if strings.Contains(r.body, "port authority's figure") {
		t.Fatal("the review note, an internal record, is on the public page")
	}

	// A new verdict takes the page down, recorded as an unpublishing: the
	// page says what an editor published, and a reviewer publishes nothing.
	// The review form says so before the reviewer saves.
	if w := rita.get(path).doc.Find("#review form #public-warning").Text(); !strings.Contains(w, "takes its page down") {
		t.Errorf("no warning by the verdicts of a published claim: %q", w)
	}
	rita.review(id, "confirmed", "the authority corrected its figure")
	if rita.get(path).doc.Find("#public-warning").Length() != 0 {
		t.Error("the warning stays once the page is down")
	}
	if r := anon.get(pub); r.code != http.StatusNotFound {
		t.Fatalf("page after a new verdict: %d", r.code)
	}
	if p, _ := a.store.Publication(context.Background(), id); p.Published {
		t.Fatal("still marked published after a new verdict")
	}
	if act := ed.get("/activity").doc.Find("ol.activity").Text(); !strings.Contains(act, "unpublished") {
		t.Errorf("the feed does not say the review was unpublished: %q", act)
	}
	// Reopened, then reviewed again: still down until an editor publishes.
	rita.review(id, "unverified", "reopened")
	rita.review(id, "disputed", "")
	if r := anon.get(pub); r.code != http.StatusNotFound {
		t.Fatalf("page after review again: %d", r.code)
	}
	if r := ed.publish(id); r.code != http.StatusSeeOther {
		t.Fatalf("publish the new verdict: %d", r.code)
	}
	if r := anon.get(pub); r.code != http.StatusOK || r.doc.Find(".badge").Text() != "Disputed" {
		t.Fatalf("page after publishing again: %d %q", r.code, r.doc.Find(".badge").Text())
	}

	// Dismissing it takes the page down, and says so.
	if r := ed.form(path, path+"/dismiss", url.Values{"version": {itoa(a.claim(id).Version)}, "reason": {"a pull quote"}}); r.code != http.StatusSeeOther {
		t.Fatalf("dismiss: %d", r.code)
	}
	if f := ed.get(path).doc.Find(".flash").Text(); !strings.Contains(f, "public page is withdrawn") {
		t.Errorf("flash after dismissing a published claim = %q", f)
	}
	if r := anon.get(pub); r.code != http.StatusNotFound {
		t.Fatalf("page of a dismissed claim: %d", r.code)
	}
	if r := ed.form(path, path+"/restore", url.Values{"version": {itoa(a.claim(id).Version)}}); r.code != http.StatusSeeOther {
		t.Fatalf("restore: %d", r.code)
	}
	if r := ed.publish(id); r.code != http.StatusSeeOther {
		t.Fatalf("publish again: %d", r.code)
	}

	// Unpublishing removes the page.
	if r := ed.post(path+"/unpublish", url.Values{"_csrf": {ed.csrf(path)}}); r.code != http.StatusSeeOther {
		t.Fatalf("unpublish: %d", r.code)
	}
	if r := anon.get(pub); r.code != http.StatusNotFound {
		t.Fatalf("unpublished page: %d", r.code)
	}
	for _, p := range []string{"/public/claims/999", "/public/claims/x"} {
		if r := anon.get(p); r.code != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, r.code)
		}
	}
}

// Without an organisation the page still shows the review, but carries no
// ClaimReview, which would need an author.
func TestPublicPageWithoutOrganisation(t *testing.T) {
	a := newAppWith(t, func(c *web.Config) { c.Export = export.Options{} })
	rita, ada := a.client(), a.client()
	rita.login("rita")
	ada.login("ada")
	rita.importText("Port plan", article)
	id := firstClaimID(t, a)
	rita.review(id, "confirmed", "")
	path := "/claims/" + itoa(id)
	page := ada.get(path)
	if !strings.Contains(page.doc.Find("#publication").Text(), "--org-name") {
		t.Fatal("no hint that ClaimReview markup needs an organisation")
	}
	ada.publish(id)
	r := a.client().get("/public/claims/" + itoa(id))
	if r.code != http.StatusOK || r.doc.Find(`script[type="application/ld+json"]`).Length() != 0 {
		t.Fatalf("public page: %d", r.code)
	}
	if r := rita.get("/export?format=claimreview"); r.code != http.StatusBadRequest || !strings.Contains(r.body, "org-name") {
		t.Fatalf("claimreview export without organisation: %d", r.code)
	}
}

func TestTokensPage(t *testing.T) {
	a := newAppWith(t, nil)
	vic, rob := a.client(), a.client()
	vic.login("vic")
	rob.login("rob")
	if r := a.client().get("/tokens"); r.code != http.StatusSeeOther {
		t.Fatalf("anonymous /tokens: %d", r.code)
	}
	page := vic.get("/tokens")
	if page.code != http.StatusOK || page.doc.Find(".empty").Length() != 1 {
		t.Fatalf("tokens page: %d", page.code)
	}
	tok := vic.csrf("/tokens")
	if r := vic.post("/tokens", url.Values{"_csrf": {tok}, "label": {"  "}}); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.doc.Find("#token-error").Text(), "label") {
		t.Fatalf("blank label: %d", r.code)
	}
	if r := vic.post("/tokens", url.Values{"label": {"x"}}); r.code != http.StatusForbidden {
		t.Fatalf("no CSRF token: %d", r.code)
	}
	r := vic.post("/tokens", url.Values{"_csrf": {tok}, "label": {"weekly report"}})
	secret := r.doc.Find("#new-token").Text()
	if r.code != http.StatusOK || !strings.HasPrefix(secret, "fdk_") || r.hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %q", r.code, secret)
	}
	// The token works, once listed it is never shown again.
	u, _, err := a.store.TokenUser(context.Background(), secret)
	if err != nil || u.Username != "vic" {
		t.Fatalf("token user: %v %v", u.Username, err)
	}
	list := vic.get("/tokens")
	if strings.Contains(list.body, secret) || list.doc.Find("table.tokens tbody tr").Length() != 1 ||
		!strings.Contains(list.doc.Find("table.tokens").Text(), "weekly report") {
		t.Fatalf("list: %s", list.body)
	}
	form := list.doc.Find(`table.tokens form`)
	action, _ := form.Attr("action")
	// Another user cannot revoke it.
	if r := rob.post(action, url.Values{"_csrf": {rob.csrf("/tokens")}}); r.code != http.StatusNotFound {
		t.Fatalf("rob revoking vic's token: %d", r.code)
	}
	if r := vic.post(action, url.Values{"_csrf": {tok}}); r.code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.code)
	}
	if _, _, err := a.store.TokenUser(context.Background(), secret); err == nil {
		t.Fatal("revoked token works")
	}
	if !strings.Contains(vic.get("/tokens").doc.Find("table.tokens").Text(), "revoked") {
		t.Fatal("revoked token not shown as revoked")
	}
	// The same form sent twice (a double click, an old tab) says so.
	if r := vic.post(action, url.Values{"_csrf": {tok}}); r.code != http.StatusSeeOther {
		t.Fatalf("second revoke: %d", r.code)
	}
	if f := vic.get("/tokens").doc.Find(".flash").Text(); !strings.Contains(f, "revoked already") {
		t.Errorf("flash after a second revoke: %q", f)
	}
}

// An editor who owes a blind second opinion on a claim can neither publish
// nor unpublish it, nor see whether it is published: a Publish button is
// only offered for a confirmed or disputed claim, so it alone would tell
// them the verdict is not unverified.
func TestPublishingWaitsForABlindSecondOpinion(t *testing.T) {
	a, claims := teamApp(t)
	rita, eddie, ada := a.client(), a.client(), a.client()
	rita.login("rita")
	eddie.login("eddie")
	ada.login("ada")
	cl := claims[0]
	path := claimPath(cl.ID)
	if r := rita.form(path, path+"/status", url.Values{"version": {"1"}, "status": {"confirmed"}}); r.code != http.StatusSeeOther {
		t.Fatal(r.code)
	}
	if r := eddie.form(path, path+"/second-opinion", url.Values{"reviewer": {itoa(a.user("ada").ID)}}); r.code != http.StatusSeeOther {
		t.Fatalf("ask: %d", r.code)
	}
	box := ada.get(path).doc.Find("#publication")
	if box.Find("form, #publish, #unpublish, #public-link").Length() != 0 || !strings.Contains(box.Text(), "second opinion") {
		t.Fatalf("the blind editor's publication panel: %q", box.Text())
	}
	if r := ada.publish(cl.ID); r.code != http.StatusBadRequest ||
		!strings.Contains(r.body, "second opinion") {
		t.Fatalf("the blind editor published: %d %s", r.code, r.body)
	}
	api := a.token("ada")
	if r := api.do(http.MethodPut, "/api/v1/claims/"+itoa(cl.ID)+"/publication", nil); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.body), "second opinion") {
		t.Fatalf("the blind editor published through the API: %d %s", r.code, r.body)
	}
	if published(t, a, cl.ID) {
		t.Fatal("a refused publication was made")
	}

	// Nor may anyone else: the public page would tell ada the verdict.
	if box := eddie.get(path).doc.Find("#publication"); box.Find("#publish").Length() != 0 ||
		!strings.Contains(box.Text(), "A second opinion is pending") {
		t.Fatalf("the other editor's publication panel: %q", box.Text())
	}
	if r := eddie.publish(cl.ID); r.code != http.StatusBadRequest || !strings.Contains(r.body, "second opinion is pending") {
		t.Fatalf("published while an opinion is pending: %d", r.code)
	}
	if published(t, a, cl.ID) {
		t.Fatal("a refused publication was made")
	}

	// Once the opinion is given, the panel is the editors' again.
	if r := ada.form(path, path+"/opinion", url.Values{"status": {"confirmed"}}); r.code != http.StatusSeeOther {
		t.Fatalf("opinion: %d", r.code)
	}
	if r := eddie.publish(cl.ID); r.code != http.StatusSeeOther {
		t.Fatalf("publish after the opinion: %d", r.code)
	}
	if box := ada.get(path).doc.Find("#publication"); box.Find("#unpublish, #public-link").Length() != 2 {
		t.Fatalf("after the opinion: %q", box.Text())
	}
}

func published(t *testing.T, a *app, id int64) bool {
	t.Helper()
	p, err := a.store.Publication(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Published
}

// An editor publishes the verdict they saw: when the claim changed after
// their page was shown, the form (and the API, given a version) refuses,
// says what the claim is now, and publishes nothing.
func TestPublishingAChangedClaimIsRefused(t *testing.T) {
	a := newAppWith(t, nil)
	rita, ed := a.client(), a.client()
	rita.login("rita")
	ed.login("ed")
	rita.importText("Port plan", article)
	id := firstClaimID(t, a)
	path := "/claims/" + itoa(id)
	rita.review(id, "confirmed", "")
	page := ed.get(path)
	shown, _ := page.doc.Find(`form[action="` + path + `/publish"] input[name="version"]`).Attr("value")
	if shown != itoa(a.claim(id).Version) {
		t.Fatalf("the publish form carries version %q, want %d", shown, a.claim(id).Version)
	}
	rita.review(id, "disputed", "The minutes say otherwise.")

	r := ed.post(path+"/publish", url.Values{"_csrf": {ed.csrf(path)}, "version": {shown}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("stale publish: %d", r.code)
	}
	if f := ed.get(path).doc.Find(".flash").Text(); !strings.Contains(f, "Not published") || !strings.Contains(f, "Disputed") {
		t.Errorf("flash after a stale publish: %q", f)
	}
	if published(t, a, id) {
		t.Fatal("a verdict the editor did not see was published")
	}
	if r := ed.post(path+"/publish", url.Values{"_csrf": {ed.csrf(path)}}); r.code != http.StatusBadRequest {
		t.Errorf("publish without a version: %d", r.code)
	}
	api := a.token("ed")
	api.do(http.MethodPut, "/api/v1/claims/"+itoa(id)+"/publication", map[string]any{"version": 2}).apiErr(t, http.StatusConflict, "stale")
	api.do(http.MethodPut, "/api/v1/claims/"+itoa(id)+"/publication", map[string]any{"version": 0}).apiErr(t, http.StatusUnprocessableEntity, "invalid")
	if published(t, a, id) {
		t.Fatal("the API published a stale verdict")
	}
	if r := api.do(http.MethodPut, "/api/v1/claims/"+itoa(id)+"/publication", map[string]any{"version": a.claim(id).Version}); r.code != http.StatusOK {
		t.Fatalf("publish at the current version: %d %s", r.code, r.body)
	}
}
