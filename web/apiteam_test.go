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
// "id" in json, the end of the claim URL in claimreview's "url" and of an
// annotation's "id".
func exportedIDs(t *testing.T, format string, body []byte) []string {
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
			u := it["url"].(string)
			out = append(out, u[strings.LastIndex(u, "/")+1:])
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
		return strings.Join(exportedIDs(t, format, body), ",")
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
