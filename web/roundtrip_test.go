package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"factdesk/db"
	"factdesk/handlers"
	"factdesk/web"
)

// roundTripText has curly quotes, dashes, a repeated sentence, Cyrillic,
// Greek and Japanese, so that code points and bytes differ everywhere.
const roundTripText = "“We will hire 200 teachers,” the mayor said on Monday — a pledge critics call vague.\n\n" +
	"В Москве 10 000 человек вышли на улицы 1 мая, по данным полиции.\n\n" +
	"Η πόλη ξόδεψε 3,5 εκατομμύρια ευρώ το 2023, σύμφωνα με την υπηρεσία.\n\n" +
	"東京の人口は1400万人です、と都は発表した。\n\n" +
	"The council approved the budget. The council approved the budget by 9 votes to 2 on Dec. 5, officials said."

// Claims exported as Web Annotations from one database land on the same
// offsets in a fresh database holding the same text, through the API.
func TestAnnotationRoundTripThroughTheAPI(t *testing.T) {
	src, dst := newAppWith(t, nil), newAppWith(t, nil)
	srcAPI, dstAPI := src.token("rita"), dst.token("rita")
	if r := srcAPI.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Mixed", "text": roundTripText}); r.code != http.StatusCreated {
		t.Fatalf("import: %d %s", r.code, r.body)
	}
	// Besides the extracted claims, some the extractor would not make: a
	// repeated sentence (told apart by its context) and short non-Latin spans.
	extra := `[{"text":"The council approved the budget.","suffix":" The council approved the budget by"},
		{"exact":"10 000 человек"},{"exact":"1400万人"},{"exact":"— a pledge critics call vague"}]`
	var added handlers.ClaimResults
	r := srcAPI.do(http.MethodPost, "/api/v1/documents/1/claims", extra)
	r.decode(t, &added)
	if added.Created != 4 {
		t.Fatalf("extra claims: %s", r.body)
	}
	ctx := context.Background()
	want, _ := src.store.DocumentClaims(ctx, 1)

	exp := srcAPI.do(http.MethodGet, "/api/v1/export?format=annotation&status=unverified,confirmed,disputed", nil)
	if exp.code != http.StatusOK {
		t.Fatalf("export: %d %s", exp.code, exp.body)
	}
	var doc struct {
		Document handlers.APIDocument `json:"document"`
	}
	dstAPI.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Mixed", "text": roundTripText, "extract": false}).decode(t, &doc)
	var res handlers.ClaimResults
	r = dstAPI.do(http.MethodPost, "/api/v1/documents/"+itoa(doc.Document.ID)+"/claims", exp.body, "Content-Type", "application/ld+json")
	r.decode(t, &res)
	if res.Created != len(want) || res.Failed != 0 {
		t.Fatalf("import of %d annotations: %s", len(want), r.body)
	}
	got, _ := dst.store.DocumentClaims(ctx, doc.Document.ID)
	if len(got) != len(want) {
		t.Fatalf("%d claims, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Start != want[i].Start || got[i].End != want[i].End || got[i].Text != want[i].Text {
			t.Errorf("claim %d: %d..%d %q, want %d..%d %q", i, got[i].Start, got[i].End, got[i].Text, want[i].Start, want[i].End, want[i].Text)
		}
	}

	// The same annotations with their positions shifted (as if the text
	// had a line more at the top elsewhere) still land right, by quote.
	var anns []map[string]any
	json.Unmarshal(exp.body, &anns)
	for _, a := range anns {
		for _, sel := range a["target"].(map[string]any)["selector"].([]any) {
			s := sel.(map[string]any)
			if s["type"] == "TextPositionSelector" {
				s["start"], s["end"] = s["start"].(float64)+7, s["end"].(float64)+7
			}
		}
	}
	third := newAppWith(t, nil)
	thirdAPI := third.token("rita")
	thirdAPI.do(http.MethodPost, "/api/v1/documents", map[string]any{"text": roundTripText, "extract": false})
	r = thirdAPI.do(http.MethodPost, "/api/v1/documents/1/claims", anns)
	res = handlers.ClaimResults{}
	r.decode(t, &res)
	if res.Created != len(want) {
		t.Fatalf("shifted positions: %s", r.body)
	}
	for i, it := range res.Items {
		if it.Method != "quote" {
			t.Errorf("item %d placed by %s", i, it.Method)
		}
	}
	got, _ = third.store.DocumentClaims(ctx, 1)
	for i := range want {
		if got[i].Start != want[i].Start || got[i].End != want[i].End {
			t.Errorf("shifted claim %d: %d..%d, want %d..%d", i, got[i].Start, got[i].End, want[i].Start, want[i].End)
		}
	}
}

// FuzzAPIRequests sends arbitrary bodies to the API's JSON endpoints through
// the real router: whatever comes in, the answer is never a 500, and every
// refusal is a JSON error with a code.
func FuzzAPIRequests(f *testing.F) {
	f.Add(0, `{"status":"confirmed","version":1,"note":"ok"}`)
	f.Add(0, `{"status":"disputed","version":99}`)
	f.Add(1, `{"title":"T","text":"Prices rose 3.5% in May, officials said.","url":"https://example.org","published_at":"2024-05-02"}`)
	f.Add(1, `{"html":"<title>x</title><p>The port handled 10,000 containers a day in 2023.</p>","extract":false}`)
	f.Add(2, `[{"start":0,"end":5},{"exact":"council","prefix":"The ","suffix":" voted"},{"text":"officials said"}]`)
	f.Add(2, "{\"text\":\"a\"}\n{\"target\":{\"selector\":[{\"type\":\"TextPositionSelector\",\"start\":3,\"end\":1}]}}")
	f.Add(2, `{"items":[{"start":-1,"end":1e9}]}`)
	f.Add(3, `{"action":"status","status":"confirmed","note":"x","claims":[{"id":1,"version":1},{"id":1,"version":1},{"id":-5}]}`)
	f.Add(3, `{"action":"assign","assignee":"ada","claims":[{"id":2},{"id":99999}]}`)
	f.Add(4, `{"body":"@ada @@ada @ada. mail@ada"}`)
	f.Add(5, `{"url":"https://example.org/a b","title":"T","excerpt":""}`)
	f.Add(6, `{"version":1,"reason":"not a claim"}`)
	f.Add(7, `{"assignee":null}`)
	f.Add(8, `{"reviewer":"ada"}`)
	f.Add(9, `{"status":"confirmed","note":""}`)
	f.Add(10, `{"up_to":-1}`)
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Config{Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		MaxDocBytes: 64 << 10, Export: testExport, APIRate: 1e6, APIBurst: 1 << 20}))
	f.Cleanup(func() { srv.Close(); store.Close() })
	u, err := store.CreateUser(ctx, "ada", "unused", "admin")
	if err != nil {
		f.Fatal(err)
	}
	token, _, err := store.CreateToken(ctx, u.ID, "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	if _, _, _, err := store.ImportDocument(ctx, db.NewDocument{Title: "Seed", Body: article}); err != nil {
		f.Fatal(err)
	}
	paths := []string{"/api/v1/claims/1/status", "/api/v1/documents", "/api/v1/documents/1/claims",
		// Team work.
		"/api/v1/claims/bulk", "/api/v1/claims/2/comments", "/api/v1/claims/2/evidence", "/api/v1/claims/2/dismiss",
		"/api/v1/claims/3/assign", "/api/v1/claims/1/second-opinion", "/api/v1/claims/1/opinion", "/api/v1/inbox/read"}
	f.Fuzz(func(t *testing.T, which int, body string) {
		path := paths[(which%len(paths)+len(paths))%len(paths)]
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("POST %s %q: %d %s", path, body, res.StatusCode, data)
		}
		if res.StatusCode >= 400 {
			var e handlers.APIError
			if err := json.Unmarshal(data, &e); err != nil || e.Code == "" || e.Message == "" {
				t.Fatalf("POST %s %q: %d with a body that is not a JSON error: %s", path, body, res.StatusCode, data)
			}
		} else if !json.Valid(data) {
			t.Fatalf("POST %s %q: %d with invalid JSON", path, body, res.StatusCode)
		}
	})
}
