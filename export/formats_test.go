package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var testOpts = Options{OrgName: "Harbour Fact Desk", OrgURL: "https://desk.example.org/about", PublicURL: "https://desk.example.org/"}

func reviewed() *Record {
	created := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	pub := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	return &Record{
		ID: 42, DocumentID: 7, DocumentTitle: "Port vote", DocumentURL: "https://news.example.com/port",
		DocumentPublishedAt: "2026-02-27", DocumentPublisher: "Harbour Daily",
		Text: "“Emissions fall 40% by 2030” — Ана Руис", Start: 120, End: 158, Status: "disputed", Score: 0.8,
		Kind: "quantity", Speaker: "Ana Ruiz", LastReviewer: "rita", LastReviewedAt: &at, PublishedAt: &pub,
		CreatedAt: created, UpdatedAt: at, Prefix: "Mayor said ", Suffix: ", a figure",
		History: []Event{
			{User: "rita", Time: at.Add(-time.Hour), From: "unverified", To: "confirmed"},
			{User: "rob", Time: at, From: "confirmed", To: "disputed", Note: "Port authority says 25% <script>"},
		},
	}
}

// get walks a decoded JSON object along a path of keys.
func get(t *testing.T, v any, path ...string) any {
	t.Helper()
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v: not an object at %q", path, k)
		}
		if v, ok = m[k]; !ok {
			t.Fatalf("missing field %s", strings.Join(path, "."))
		}
	}
	return v
}

func decodeArray(t *testing.T, out string) []any {
	t.Helper()
	var arr []any
	if err := json.Unmarshal([]byte(out), &arr); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	return arr
}

func writeWith(t *testing.T, format string, opt Options, recs ...*Record) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWith(format, &buf, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// Every field Google's ClaimReview markup requires or recommends.
func TestClaimReviewFields(t *testing.T) {
	unverified := reviewed()
	unverified.ID, unverified.Status = 43, "unverified"
	arr := decodeArray(t, writeWith(t, "claimreview", testOpts, reviewed(), unverified))
	if len(arr) != 1 {
		t.Fatalf("%d reviews: an unverified claim has no verdict and must be left out", len(arr))
	}
	cr := arr[0]
	want := map[string]any{
		"@context":                                "https://schema.org",
		"@type":                                   "ClaimReview",
		"url":                                     "https://desk.example.org/public/claims/42",
		"claimReviewed":                           "“Emissions fall 40% by 2030” — Ана Руис",
		"datePublished":                           "2026-03-05T09:00:00Z",
		"author.@type":                            "Organization",
		"author.name":                             "Harbour Fact Desk",
		"author.url":                              "https://desk.example.org/about",
		"reviewRating.@type":                      "Rating",
		"reviewRating.ratingValue":                float64(1),
		"reviewRating.bestRating":                 float64(5),
		"reviewRating.worstRating":                float64(1),
		"reviewRating.alternateName":              "Disputed",
		"itemReviewed.@type":                      "Claim",
		"itemReviewed.author.@type":               "Person",
		"itemReviewed.author.name":                "Ana Ruiz",
		"itemReviewed.datePublished":              "2026-02-27",
		"itemReviewed.appearance.@type":           "CreativeWork",
		"itemReviewed.appearance.url":             "https://news.example.com/port",
		"itemReviewed.appearance.headline":        "Port vote",
		"itemReviewed.appearance.publisher.name":  "Harbour Daily",
		"itemReviewed.appearance.publisher.@type": "Organization",
		"itemReviewed.appearance.datePublished":   "2026-02-27",
	}
	for path, v := range want {
		if got := get(t, cr, strings.Split(path, ".")...); got != v {
			t.Errorf("%s = %v, want %v", path, got, v)
		}
	}

	// Confirmed is the top of the scale; without a speaker the publication
	// is the claim's author; without publication the review date is the
	// last review.
	r := reviewed()
	r.Status, r.Speaker, r.PublishedAt = "confirmed", "", nil
	cr2, ok := NewClaimReview(r, Options{OrgName: "Desk", PublicURL: "https://desk.example.org"})
	if !ok || cr2.ReviewRating.RatingValue != 5 || cr2.ReviewRating.AlternateName != "Confirmed" ||
		cr2.ItemReviewed.Author.Name != "Harbour Daily" || cr2.ItemReviewed.Author.Type != "Organization" ||
		cr2.DatePublished != "2026-03-04T05:06:07Z" || cr2.Author.URL != "https://desk.example.org" {
		t.Fatalf("confirmed review = %+v", cr2)
	}
	// Unknown author and URL are left out, never made up.
	r.DocumentPublisher, r.DocumentURL = "", ""
	cr3, _ := NewClaimReview(r, testOpts)
	if cr3.ItemReviewed.Author != nil || cr3.ItemReviewed.Appearance != nil {
		t.Fatalf("made-up fields: %+v", cr3.ItemReviewed)
	}
	b, _ := json.Marshal(cr3)
	if strings.Contains(string(b), `"author":null`) || strings.Contains(string(b), `"appearance"`) {
		t.Fatalf("empty fields written: %s", b)
	}
}

func TestClaimReviewNeedsOptions(t *testing.T) {
	for _, o := range []Options{{}, {OrgName: "Desk"}, {PublicURL: "https://x.example"}} {
		if _, err := NewWith("claimreview", &bytes.Buffer{}, o); err == nil || !strings.Contains(err.Error(), "ClaimReview needs") {
			t.Errorf("options %+v: %v", o, err)
		}
	}
	for _, o := range []Options{{OrgName: "D", PublicURL: "javascript:alert(1)"}, {OrgName: "D", PublicURL: "https://x.example", OrgURL: "x.example"}} {
		if _, err := NewWith("claimreview", &bytes.Buffer{}, o); err == nil || !strings.Contains(err.Error(), "http") {
			t.Errorf("options %+v: %v", o, err)
		}
	}
	if out := writeWith(t, "claimreview", testOpts); strings.TrimSpace(out) != "[]" {
		t.Errorf("empty export = %q", out)
	}
}

func TestAnnotation(t *testing.T) {
	arr := decodeArray(t, writeWith(t, "annotation", testOpts, reviewed()))
	a := arr[0]
	for path, v := range map[string]any{
		"@context":      "http://www.w3.org/ns/anno.jsonld",
		"type":          "Annotation",
		"id":            "urn:factdesk:claim:42",
		"motivation":    "assessing",
		"created":       "2026-03-01T08:00:00Z",
		"modified":      "2026-03-04T05:06:07Z",
		"target.source": "https://news.example.com/port",
	} {
		if got := get(t, a, strings.Split(path, ".")...); got != v {
			t.Errorf("%s = %v, want %v", path, got, v)
		}
	}
	sel := get(t, a, "target", "selector").([]any)
	quote, pos := sel[0].(map[string]any), sel[1].(map[string]any)
	if quote["type"] != "TextQuoteSelector" || quote["exact"] != reviewed().Text || quote["prefix"] != "Mayor said " || quote["suffix"] != ", a figure" {
		t.Errorf("quote selector = %v", quote)
	}
	if pos["type"] != "TextPositionSelector" || pos["start"] != float64(120) || pos["end"] != float64(158) {
		t.Errorf("position selector = %v", pos)
	}
	body := get(t, a, "body").([]any)
	if len(body) != 3 {
		t.Fatalf("body = %v", body)
	}
	status, kind, note := body[0].(map[string]any), body[1].(map[string]any), body[2].(map[string]any)
	if status["purpose"] != "assessing" || status["value"] != "disputed" || kind["purpose"] != "classifying" || kind["value"] != "quantity" ||
		note["purpose"] != "commenting" || note["value"] != "Port authority says 25% <script>" ||
		get(t, note, "creator", "nickname") != "rob" || note["created"] != "2026-03-04T05:06:07Z" || note["type"] != "TextualBody" {
		t.Errorf("body = %v", body)
	}

	// A dismissal's reason and a restoration's note are moderation, told
	// apart from review notes.
	r := reviewed()
	at := r.History[1].Time
	r.History = append(r.History,
		Event{User: "ed", Time: at.Add(time.Hour), From: "disputed", To: "disputed", Note: "a headline, not a claim", Action: "dismiss"},
		Event{User: "ada", Time: at.Add(2 * time.Hour), From: "disputed", To: "disputed", Note: "it is a claim after all", Action: "restore"},
		Event{User: "ada", Time: at.Add(3 * time.Hour), From: "disputed", To: "disputed", Action: "restore"})
	var purposes []string
	for _, b := range NewAnnotation(r, Options{}).Body {
		purposes = append(purposes, b.(TextualBody).Purpose+":"+b.(TextualBody).Value)
	}
	if got := strings.Join(purposes, "|"); got != "assessing:disputed|classifying:quantity|commenting:Port authority says 25% <script>|"+
		"moderating:a headline, not a claim|moderating:it is a claim after all" {
		t.Errorf("bodies %s", got)
	}

	r = reviewed()
	r.Status, r.DocumentURL, r.Kind, r.History, r.Start, r.Prefix = "unverified", "", "", []Event{}, 0, ""
	an := NewAnnotation(r, Options{})
	if an.Motivation != "highlighting" || an.Target.Source != "urn:factdesk:document:7" || len(an.Body) != 1 {
		t.Errorf("unverified annotation = %+v", an)
	}
	// A position of 0 is written, not dropped as empty.
	b, _ := json.Marshal(an)
	if !strings.Contains(string(b), `"start":0`) || !strings.Contains(string(b), `"prefix":""`) {
		t.Errorf("annotation JSON = %s", b)
	}
	if !NeedsQuotes("annotation") || NeedsQuotes("json") {
		t.Error("NeedsQuotes")
	}
}

func TestContentTypes(t *testing.T) {
	for format, want := range map[string]string{"claimreview": "application/ld+json", "annotation": "application/ld+json; profile=", "json": "application/json"} {
		if mt, _ := ContentType(format); !strings.HasPrefix(mt, want) {
			t.Errorf("%s: %s", format, mt)
		}
	}
}

// Evidence is a linking body: a SpecificResource whose source is the link,
// after the note of the change it came with; the claim's own comes last.
func TestAnnotationEvidence(t *testing.T) {
	r := reviewed()
	at := r.History[1].Time
	r.History[1].Evidence = []Evidence{{URL: "https://port.example/report", Title: "Port report", User: "rob", CreatedAt: at}}
	r.Evidence = []Evidence{{URL: "https://stats.example/t1", Title: "Table 1", Excerpt: "25%", User: "ada", CreatedAt: at.Add(time.Hour)}}
	b, err := json.Marshal(NewAnnotation(r, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var a map[string]any
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, item := range get(t, a, "body").([]any) {
		m := item.(map[string]any)
		s := m["type"].(string) + " " + m["purpose"].(string) + " "
		if m["purpose"] == "linking" {
			s += m["source"].(string) + " " + get(t, m, "creator", "nickname").(string) + " " + m["created"].(string)
		} else {
			s += m["value"].(string)
		}
		got = append(got, s)
	}
	want := []string{"TextualBody assessing disputed", "TextualBody classifying quantity",
		"TextualBody commenting Port authority says 25% <script>",
		"SpecificResource linking https://port.example/report rob 2026-03-04T05:06:07Z",
		"SpecificResource linking https://stats.example/t1 ada 2026-03-04T06:06:07Z"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("body:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
