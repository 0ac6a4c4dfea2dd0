package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// exportedIDs reads the claim ids out of an export in any JSON format:
// "id" in json, the id of claimreview's "claimReviewed" text in idOf (an
// unpublished review has no URL), the end of an annotation's "id".
func exportedIDs(t *testing.T, format string, body []byte, idOf map[string]string) []string {
	t.Helper()
	var items []map[string]any
	if err := json.Unmarshal(body, &items); err != nil {
		t.Fatalf("%s export: %v\n%s", format, err, body)
	}
	var out []string
	for _, it := range items {
		switch format {
		case "json":
			out = append(out, itoa(int64(it["id"].(float64))))
		case "claimreview":
			if _, ok := it["url"]; ok {
				t.Errorf("an unpublished review has a url: %v", it["url"])
			}
			out = append(out, idOf[it["claimReviewed"].(string)])
		case "annotation":
			id := it["id"].(string) // urn:factdesk:claim:ID
			out = append(out, id[strings.LastIndex(id, ":")+1:])
		}
	}
	return out
}

// A reviewer who owes a blind second opinion does not get the first
// verdict through an export either: not from the web app's download, not
// from the API, in no format. Others do, and so do they once they answer.
func TestExportsKeepASecondOpinionBlind(t *testing.T) {
	a := newAppWith(t, nil)
	ctx := context.Background()
	rita, rob := a.token("rita"), a.token("rob")
	rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Port plan", "text": article})
	doc, err := a.store.DocumentClaims(ctx, 1)
	if err != nil || len(doc) < 2 {
		t.Fatalf("claims: %d %v", len(doc), err)
	}
	for _, cl := range doc[:2] {
		if r := rita.do(http.MethodPost, "/api/v1/claims/"+itoa(cl.ID)+"/status", map[string]any{"status": "disputed", "version": 1}); r.code != http.StatusOK {
			t.Fatalf("verdict: %d %s", r.code, r.body)
		}
	}
	blind, other := itoa(doc[0].ID), itoa(doc[1].ID)
	idOf := map[string]string{doc[0].Text: blind, doc[1].Text: other}
	ed, _ := a.store.UserByName(ctx, "ed")
	robUser, _ := a.store.UserByName(ctx, "rob")
	if _, err := a.store.RequestSecondOpinion(ctx, doc[0].ID, ed.ID, robUser.ID); err != nil {
		t.Fatal(err)
	}
	robWeb := a.client()
	robWeb.login("rob")
	ids := func(who apiClient, web *client, format string) string {
		t.Helper()
		path := "/export?status=disputed&format=" + format
		var body []byte
		if web != nil {
			r := web.get(path)
			if r.code != http.StatusOK {
				t.Fatalf("web %s: %d %s", path, r.code, r.body)
			}
			body = []byte(r.body)
		} else {
			r := who.do(http.MethodGet, "/api/v1"+path, nil)
			if r.code != http.StatusOK {
				t.Fatalf("api %s: %d %s", path, r.code, r.body)
			}
			body = r.body
		}
		return strings.Join(exportedIDs(t, format, body, idOf), ",")
	}
	both, onlyOther := blind+","+other, other
	for _, format := range []string{"json", "claimreview", "annotation"} {
		if got := ids(rita, nil, format); got != both {
			t.Errorf("rita's %s export: %s, want %s", format, got, both)
		}
		if got := ids(rob, nil, format); got != onlyOther {
			t.Errorf("rob's API %s export: %s, want %s", format, got, onlyOther)
		}
		if got := ids(apiClient{}, robWeb, format); got != onlyOther {
			t.Errorf("rob's web %s export: %s, want %s", format, got, onlyOther)
		}
	}
	// CSV and JSON Lines, with every status: the claim is not there at all.
	for _, format := range []string{"csv", "jsonl"} {
		r := robWeb.get("/export?status=unverified,confirmed,disputed&format=" + format)
		if r.code != http.StatusOK || !strings.Contains(r.body, doc[1].Text) || strings.Contains(r.body, doc[0].Text) {
			t.Errorf("rob's %s export: %d, has the blind claim: %v", format, r.code, strings.Contains(r.body, doc[0].Text))
		}
	}
	if _, err := a.store.SubmitSecondOpinion(ctx, doc[0].ID, robUser.ID, "confirmed", ""); err != nil {
		t.Fatal(err)
	}
	if got := ids(rob, nil, "json"); got != both {
		t.Errorf("rob's export after answering: %s, want %s", got, both)
	}
}

// Publishing, unpublishing and claims added by other tools (through the
// API) are in the activity feed, global and per document.
func TestPublishingAndAddedClaimsAreInTheActivityFeed(t *testing.T) {
	a := newAppWith(t, nil)
	rita, edAPI := a.token("rita"), a.token("ed")
	if r := rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Port plan", "text": article, "extract": false}); r.code != http.StatusCreated {
		t.Fatalf("bare import: %d %s", r.code, r.body)
	}
	r := rita.do(http.MethodPost, "/api/v1/documents/1/claims", `[{"text": "The council voted 31 to 4 on Tuesday"}, {"text": "The mayor resigned."}]`)
	if r.code != http.StatusOK {
		t.Fatalf("add claims: %d %s", r.code, r.body)
	}
	id := itoa(firstClaimID(t, a))
	rita.do(http.MethodPost, "/api/v1/claims/"+id+"/status", map[string]any{"status": "confirmed", "version": 1})
	ed := a.client()
	ed.login("ed")
	if r := ed.publish(firstClaimID(t, a)); r.code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", r.code, r.body)
	}
	if r := edAPI.do(http.MethodDelete, "/api/v1/claims/"+id+"/publication", nil); r.code != http.StatusOK {
		t.Fatalf("unpublish: %d %s", r.code, r.body)
	}
	for _, path := range []string{"/activity", "/documents/1/activity"} {
		items := ed.get(path).doc.Find("ol.activity li")
		var got []string
		items.Each(func(_ int, s *goquery.Selection) {
			// Flex items, spaced by the style sheet.
			var parts []string
			s.Find(".what > *").Each(func(_ int, p *goquery.Selection) { parts = append(parts, p.Text()) })
			got = append(got, strings.Join(strings.Fields(strings.Join(parts, " ")), " "))
		})
		want := []string{
			"ed unpublished the review of The council voted 31 to 4 on Tuesday",
			"ed published the review of The council voted 31 to 4 on Tuesday",
			"rita set Confirmed (was Unverified) The council voted 31 to 4 on Tuesday",
			"rita added 1 claim the extractor had not found",
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %q", path, got)
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("%s entry %d: %q, want %q", path, i, got[i], want[i])
			}
		}
	}
}

// Second opinions go out with their claim in JSON and JSON Lines, from the
// web app and the API alike: the answered one with its verdict and note,
// the waiting one without a verdict. The reviewer who owes the waiting one
// gets no export of that claim, so neither its first verdict nor the
// answers before; CSV carries no opinions.
func TestExportsCarrySecondOpinions(t *testing.T) {
	a := newAppWith(t, nil)
	ctx := context.Background()
	rita, rob, ed := a.token("rita"), a.token("rob"), a.token("ed")
	rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Port plan", "text": article})
	doc, err := a.store.DocumentClaims(ctx, 1)
	if err != nil || len(doc) < 2 {
		t.Fatalf("claims: %d %v", len(doc), err)
	}
	id := itoa(doc[0].ID)
	if r := rita.do(http.MethodPost, "/api/v1/claims/"+id+"/status", map[string]any{"status": "disputed", "version": 1, "note": "the port says 25%"}); r.code != http.StatusOK {
		t.Fatalf("verdict: %d %s", r.code, r.body)
	}
	ask := func(who string) {
		t.Helper()
		if r := ed.do(http.MethodPost, "/api/v1/claims/"+id+"/second-opinion", map[string]any{"reviewer": who}); r.code != http.StatusOK {
			t.Fatalf("ask %s: %d %s", who, r.code, r.body)
		}
	}
	ask("rob")
	if r := rob.do(http.MethodPost, "/api/v1/claims/"+id+"/opinion", map[string]any{"status": "confirmed", "note": "the annual report says 40%"}); r.code != http.StatusOK {
		t.Fatalf("opinion: %d %s", r.code, r.body)
	}
	ask("ada")

	type record struct {
		ID       int64            `json:"id"`
		Opinions []map[string]any `json:"second_opinions"`
	}
	check := func(name string, recs []record) {
		t.Helper()
		if len(recs) != 1 || recs[0].ID != doc[0].ID || len(recs[0].Opinions) != 2 {
			t.Fatalf("%s: %+v", name, recs)
		}
		answered, waiting := recs[0].Opinions[0], recs[0].Opinions[1]
		if answered["requested_by"] != "ed" || answered["first_reviewer"] != "rita" || answered["first_status"] != "disputed" ||
			answered["reviewer"] != "rob" || answered["status"] != "confirmed" || answered["note"] != "the annual report says 40%" ||
			answered["answered_at"] == nil || answered["requested_at"] == nil {
			t.Errorf("%s: the answered opinion is %v", name, answered)
		}
		if waiting["reviewer"] != "ada" || waiting["first_status"] != "disputed" || waiting["requested_at"] == nil {
			t.Errorf("%s: the waiting request is %v", name, waiting)
		}
		for _, k := range []string{"status", "note", "answered_at", "withdrawn_by", "withdrawn_at"} {
			if _, ok := waiting[k]; ok {
				t.Errorf("%s: the waiting request has %s: %v", name, k, waiting)
			}
		}
	}
	var recs []record
	res := ed.do(http.MethodGet, "/api/v1/export?format=json&status=disputed", nil)
	if err := json.Unmarshal(res.body, &recs); err != nil {
		t.Fatalf("API export: %d %v %s", res.code, err, res.body)
	}
	check("the API's JSON", recs)
	edWeb := a.client()
	edWeb.login("ed")
	recs = nil
	body := edWeb.get("/export?format=jsonl&status=disputed").body
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("JSON Lines %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	check("the web app's JSON Lines", recs)
	if csv := edWeb.get("/export?format=csv&status=disputed").body; strings.Contains(csv, "second_opinions") || strings.Contains(csv, "annual report") {
		t.Errorf("CSV carries opinions:\n%s", csv)
	}

	// ada owes her opinion: the claim, with rita's verdict and rob's, is
	// in none of her exports.
	adaWeb := a.client()
	adaWeb.login("ada")
	ada := a.token("ada")
	for _, format := range []string{"json", "jsonl"} {
		path := "/export?status=unverified,confirmed,disputed&format=" + format
		for name, got := range map[string]string{"web": adaWeb.get(path).body, "API": string(ada.do(http.MethodGet, "/api/v1"+path, nil).body)} {
			if strings.Contains(got, "second_opinions") || strings.Contains(got, "annual report") || strings.Contains(got, `"disputed"`) ||
				!strings.Contains(got, `"id":`+itoa(doc[1].ID)) {
				t.Errorf("ada's %s %s export shows the claim she owes an opinion on:\n%s", name, format, got)
			}
		}
	}
}
