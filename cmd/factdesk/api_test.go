package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"factdesk/db"
	"factdesk/export"
	"factdesk/handlers"
	"factdesk/web"
)

// apiServer serves the CLI's database through the real router.
type apiServer struct {
	t   *testing.T
	srv *httptest.Server
}

func (c *cli) serve() *apiServer {
	c.t.Helper()
	store, err := db.Open(context.Background(), c.db)
	if err != nil {
		c.t.Fatal(err)
	}
	e := web.New(web.Config{Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Export: export.Options{OrgName: "Harbour Fact Desk", PublicURL: "https://desk.example.org"}})
	srv := httptest.NewServer(e)
	c.t.Cleanup(func() { srv.Close(); store.Close() })
	return &apiServer{t: c.t, srv: srv}
}

// call makes one API request; body is JSON-encoded unless it is a string.
func (s *apiServer) call(token, method, path string, body any, out any) (int, http.Header) {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		data, ok := body.(string)
		if !ok {
			b, _ := json.Marshal(body)
			data = string(b)
		}
		r = strings.NewReader(data)
	}
	req, _ := http.NewRequest(method, s.srv.URL+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if out != nil {
		if p, ok := out.(*[]byte); ok {
			*p = data
		} else if err := json.Unmarshal(data, out); err != nil {
			s.t.Fatalf("%s %s: %d, not the JSON expected: %v\n%s", method, path, res.StatusCode, err, data)
		}
	}
	return res.StatusCode, res.Header
}

// mustToken creates a token through the command line and returns it.
func (c *cli) mustToken(user, label string) string {
	c.t.Helper()
	out, errOut, err := c.run("", "token", "create", "--user", user, label)
	tok := strings.TrimSpace(out)
	if err != nil || !strings.HasPrefix(tok, "fdk_") || strings.Contains(tok, "\n") || !strings.Contains(errOut, "shown only now") {
		c.t.Fatalf("token create: %q %q %v", out, errOut, err)
	}
	return tok
}

const apiHTML = `<!doctype html><html><head><title>Bridge repairs delayed</title></head><body>
<article><h1>Bridge repairs delayed</h1>
<p>The city spent $4.2 million on the Kestrel bridge in 2023, officials said.</p>
<p>Repairs will take 18 months, the transport office said — twice the first estimate.</p></article></body></html>`

// Every API operation, with tokens made by `factdesk token create`.
func TestAPIWithTokensFromTheCommandLine(t *testing.T) {
	c := newCLI(t)
	for user, role := range map[string]string{"rita": "reviewer", "ed": "editor", "vic": "viewer"} {
		if _, _, err := c.run("a long enough password\n", "user", "add", "--role", role, user); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := c.run("", "token", "create", "--user", "nobody", "x"); err == nil || !strings.Contains(err.Error(), "no user") {
		t.Fatalf("token for unknown user: %v", err)
	}
	if _, _, err := c.run("", "token", "create", "--user", "rita"); err == nil {
		t.Fatal("token without a label")
	}
	rita, ed, vic := c.mustToken("rita", "pipeline"), c.mustToken("ed", "publisher"), c.mustToken("vic", "reports")
	s := c.serve()

	var me map[string]string
	if code, _ := s.call(rita, "GET", "/api/v1/me", nil, &me); code != 200 || me["username"] != "rita" || me["role"] != "reviewer" {
		t.Fatalf("me: %d %v", code, me)
	}

	// Documents: create from text and from HTML; the same text again is the same document.
	var created struct {
		Document    handlers.APIDocument `json:"document"`
		Existed     bool                 `json:"existed"`
		ClaimsFound int                  `json:"claims_found"`
	}
	code, hdr := s.call(rita, "POST", "/api/v1/documents", map[string]any{"title": "Budget", "text": cliArticle,
		"url": "https://example.org/budget", "published_at": "2024-12-06"}, &created)
	if code != 201 || created.Existed || created.ClaimsFound < 2 || hdr.Get("Location") != fmt.Sprintf("/api/v1/documents/%d", created.Document.ID) {
		t.Fatalf("create: %d %+v %v", code, created, hdr)
	}
	textDoc := created.Document.ID
	if code, _ := s.call(rita, "POST", "/api/v1/documents", map[string]any{"text": cliArticle}, &created); code != 200 || !created.Existed || created.Document.ID != textDoc {
		t.Fatalf("same text again: %d %+v", code, created)
	}
	if code, _ := s.call(rita, "POST", "/api/v1/documents", map[string]any{"html": apiHTML}, &created); code != 201 || created.Document.Title != "Bridge repairs delayed" {
		t.Fatalf("create from HTML: %d %+v", code, created)
	}
	htmlDoc := created.Document.ID

	// List, a page at a time.
	var seen []int64
	cursor := ""
	for range 5 {
		var page handlers.APIPage[handlers.APIDocument]
		s.call(vic, "GET", "/api/v1/documents?limit=1&cursor="+cursor, nil, &page)
		for _, d := range page.Items {
			seen = append(seen, d.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if fmt.Sprint(seen) != fmt.Sprint([]int64{htmlDoc, textDoc}) {
		t.Fatalf("documents listed %v", seen)
	}

	// Get one with its text and claims: every claim is the text at its offsets.
	var doc handlers.APIDocumentDetail
	s.call(vic, "GET", fmt.Sprintf("/api/v1/documents/%d", textDoc), nil, &doc)
	runes := []rune(doc.Text)
	if doc.URL != "https://example.org/budget" || doc.PublishedAt != "2024-12-06" || len(doc.Claims) < 2 || doc.Counts.Unverified != len(doc.Claims) {
		t.Fatalf("document: %+v", doc.APIDocument)
	}
	for _, cl := range doc.Claims {
		if string(runes[cl.Start:cl.End]) != cl.Text {
			t.Errorf("claim %d: text %q, at %d..%d %q", cl.ID, cl.Text, cl.Start, cl.End, string(runes[cl.Start:cl.End]))
		}
	}

	// Claims, filtered and a page at a time.
	var listed []int64
	cursor = ""
	for range 10 {
		var page handlers.APIPage[handlers.APIClaim]
		s.call(vic, "GET", fmt.Sprintf("/api/v1/claims?document=%d&status=unverified&limit=1&cursor=%s", textDoc, cursor), nil, &page)
		for _, cl := range page.Items {
			listed = append(listed, cl.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(listed) != len(doc.Claims) {
		t.Fatalf("listed %v, document has %d claims", listed, len(doc.Claims))
	}

	// Review: change a status with the version seen, then a stale change.
	first := doc.Claims[0]
	var detail handlers.APIClaimDetail
	if code, _ := s.call(rita, "POST", fmt.Sprintf("/api/v1/claims/%d/status", first.ID),
		map[string]any{"status": "disputed", "version": first.Version, "note": "“Vague” — no budget line"}, &detail); code != 200 ||
		detail.Status != "disputed" || detail.Version != 2 || len(detail.History) != 1 || detail.History[0].User != "rita" {
		t.Fatalf("status change: %d %+v", code, detail)
	}
	var stale handlers.APIError
	if code, _ := s.call(rita, "POST", fmt.Sprintf("/api/v1/claims/%d/status", first.ID),
		map[string]any{"status": "confirmed", "version": first.Version}, &stale); code != 409 || stale.Code != "stale" || stale.Current.Version != 2 {
		t.Fatalf("stale change: %d %+v", code, stale)
	}
	s.call(vic, "GET", fmt.Sprintf("/api/v1/claims/%d", first.ID), nil, &detail)
	if detail.History[0].Note != "“Vague” — no budget line" || detail.Publication.Published {
		t.Fatalf("claim detail: %+v", detail)
	}
	var byRita handlers.APIPage[handlers.APIClaim]
	s.call(vic, "GET", "/api/v1/claims?reviewer=rita&status=disputed", nil, &byRita)
	if len(byRita.Items) != 1 || byRita.Items[0].ID != first.ID || byRita.NextCursor != "" {
		t.Fatalf("claims reviewed by rita: %+v", byRita)
	}

	// Claims from another tool, by position, quote and text; one cannot be placed.
	htmlRunes := []rune(func() string {
		var d handlers.APIDocumentDetail
		s.call(vic, "GET", fmt.Sprintf("/api/v1/documents/%d", htmlDoc), nil, &d)
		return d.Text
	}())
	quote := "twice the first estimate"
	qs := strings.Index(string(htmlRunes), quote)
	qs = len([]rune(string(htmlRunes)[:qs]))
	items := []map[string]any{
		{"start": qs, "end": qs + len([]rune(quote)), "kind": "quantity"},
		{"exact": "Repairs will take 18 months", "prefix": "\n\n", "suffix": ", the transport"},
		{"text": "The city spent $4.2 milion on the Kestrel bridge in 2023", "score": 0.9},
		{"text": "The mayor resigned."},
	}
	var res handlers.ClaimResults
	if code, _ := s.call(rita, "POST", fmt.Sprintf("/api/v1/documents/%d/claims", htmlDoc), map[string]any{"items": items}, &res); code != 200 {
		t.Fatalf("add claims: %d", code)
	}
	if res.Created != 3 || res.Failed != 1 || res.Items[0].Method != "position" || res.Items[1].Method != "quote" ||
		res.Items[2].Method != "fuzzy" || res.Items[3].Code != "not_found" || res.Items[2].Text != "The city spent $4.2 million on the Kestrel bridge in 2023" {
		t.Fatalf("add claims: %+v", res)
	}
	s.call(vic, "POST", fmt.Sprintf("/api/v1/documents/%d/claims", htmlDoc), items, &stale)
	if stale.Code != "forbidden" {
		t.Fatalf("viewer adding claims: %+v", stale)
	}

	// Publish (editor), see the public page, unpublish.
	var pub handlers.APIPublication
	if code, _ := s.call(ed, "PUT", fmt.Sprintf("/api/v1/claims/%d/publication", first.ID), nil, &pub); code != 200 || !pub.Published ||
		pub.URL != fmt.Sprintf("https://desk.example.org/public/claims/%d", first.ID) {
		t.Fatalf("publish: %d %+v", code, pub)
	}
	var page []byte
	if code, _ := s.call("", "GET", fmt.Sprintf("/public/claims/%d", first.ID), nil, &page); code != 200 {
		t.Fatalf("public page: %d", code)
	}
	gq, _ := goquery.NewDocumentFromReader(bytes.NewReader(page))
	var ld export.ClaimReview
	if err := json.Unmarshal([]byte(gq.Find(`script[type="application/ld+json"]`).Text()), &ld); err != nil || ld.ClaimReviewed != first.Text {
		t.Fatalf("JSON-LD: %v %+v", err, ld)
	}
	if code, _ := s.call(ed, "DELETE", fmt.Sprintf("/api/v1/claims/%d/publication", first.ID), nil, &pub); code != 200 || pub.Published {
		t.Fatalf("unpublish: %d %+v", code, pub)
	}
	if code, _ := s.call("", "GET", fmt.Sprintf("/public/claims/%d", first.ID), nil, nil); code != 404 {
		t.Fatalf("public page after unpublishing: %d", code)
	}

	// Export in every format.
	for _, format := range export.Formats {
		var body []byte
		code, hdr := s.call(vic, "GET", "/api/v1/export?status=disputed&format="+format, nil, &body)
		if code != 200 || !strings.Contains(hdr.Get("Content-Disposition"), "attachment") {
			t.Fatalf("export %s: %d %s", format, code, body)
		}
		switch format {
		case "csv":
			rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil || len(rows) != 2 {
				t.Errorf("csv: %d rows, %v", len(rows), err)
			}
		case "jsonl":
			if n := len(strings.Split(strings.TrimSpace(string(body)), "\n")); n != 1 {
				t.Errorf("jsonl: %d lines", n)
			}
		default:
			var arr []map[string]any
			if err := json.Unmarshal(body, &arr); err != nil || len(arr) != 1 {
				t.Errorf("%s: %d items, %v", format, len(arr), err)
			}
		}
	}

	// The CLI lists the tokens, with their last use, and revokes one.
	out, _, err := c.run("", "token", "list", "--user", "vic")
	if err != nil || !strings.Contains(out, "reports") || !strings.Contains(out, "last used") || strings.Contains(out, vic) {
		t.Fatalf("token list: %q %v", out, err)
	}
	id := strings.Split(out, "\t")[0]
	if _, _, err := c.run("", "token", "revoke", "--user", "rita", id); err == nil {
		t.Fatal("rita revoked vic's token")
	}
	if out, _, err := c.run("", "token", "revoke", "--user", "vic", id); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("token revoke: %q %v", out, err)
	}
	var gone handlers.APIError
	if code, _ := s.call(vic, "GET", "/api/v1/me", nil, &gone); code != 401 || gone.Code != "unauthorized" {
		t.Fatalf("revoked token: %d %+v", code, gone)
	}
}

// Export claims as Web Annotations, import them into a fresh database that
// holds the same text: every claim lands on the same offsets. The text has
// a BOM, CRLF, curly quotes, a dash and Greek.
func TestAnnotationRoundTripThroughTheCommandLine(t *testing.T) {
	a := newCLI(t)
	src := writeFile(t, "budget.txt", cliArticle)
	if _, _, err := a.run("", "import", src); err != nil {
		t.Fatal(err)
	}
	// A claim dismissed and restored: the reasons go out as moderating
	// bodies, which import reads past as it does review notes.
	func() {
		ctx := context.Background()
		store, err := db.Open(ctx, a.db)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		ed, err := store.CreateUser(ctx, "ed", "h", "editor")
		if err != nil {
			t.Fatal(err)
		}
		cs, _ := store.DocumentClaims(ctx, 1)
		c, err := store.Dismiss(ctx, cs[0].ID, ed.ID, cs[0].Version, "a headline, not a claim")
		if err == nil {
			_, err = store.Restore(ctx, c.ID, ed.ID, c.Version, "it is a claim after all")
		}
		if err != nil {
			t.Fatal(err)
		}
	}()
	ann := filepath.Join(t.TempDir(), "claims.jsonld")
	if _, _, err := a.run("", "export", "--format", "annotation", "--status", "unverified,confirmed,disputed", "--out", ann); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(ann); !strings.Contains(string(data), `"purpose":"moderating","value":"it is a claim after all"`) {
		t.Fatalf("no moderating body in the export:\n%s", data)
	}
	b := newCLI(t)
	out, _, err := b.run("", "import", "--no-extract", src)
	if err != nil || !strings.Contains(out, "0 claims") {
		t.Fatalf("bare import: %q %v", out, err)
	}
	for _, u := range [][2]string{{"tom", "reviewer"}, {"vi", "viewer"}} {
		if _, _, err := b.run("a long enough password\n", "user", "add", "--role", u[1], u[0]); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, err := b.run("", "import", "--claims", ann, "--user", "tom", "1")
	if err != nil {
		t.Fatalf("import --claims: %v\n%s%s", err, out, errOut)
	}
	claimsOf := func(c *cli) []db.Claim {
		store, err := db.Open(context.Background(), c.db)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		cs, _ := store.DocumentClaims(context.Background(), 1)
		return cs
	}
	want, got := claimsOf(a), claimsOf(b)
	if len(want) < 2 || len(got) != len(want) {
		t.Fatalf("%d claims imported of %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Start != want[i].Start || got[i].End != want[i].End || got[i].Text != want[i].Text {
			t.Errorf("claim %d: %d..%d %q, was %d..%d %q", i, got[i].Start, got[i].End, got[i].Text, want[i].Start, want[i].End, want[i].Text)
		}
		// The kind comes back from the annotation's classifying body.
		if want[i].Kind == "" || got[i].Kind != want[i].Kind {
			t.Errorf("claim %d: kind %q, was %q", i, got[i].Kind, want[i].Kind)
		}
	}
	// The activity feed says who added them, and how many.
	store, err := db.Open(context.Background(), b.db)
	if err != nil {
		t.Fatal(err)
	}
	feed, _, err := store.Activity(context.Background(), db.ActivityFilter{DocumentID: 1})
	store.Close()
	if err != nil || len(feed) != 1 || feed[0].User != "tom" || feed[0].Action != db.ActImportClaims ||
		feed[0].Detail != fmt.Sprintf("%d claims", len(want)) {
		t.Fatalf("activity after import --claims: %+v %v", feed, err)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if f := strings.Split(line, "\t"); len(f) != 5 || f[1] != "created" || f[4] != "position" {
			t.Errorf("line %q", line)
		}
	}
	// Again: nothing new, every claim there already.
	out, _, err = b.run("", "import", "--claims", ann, "--user", "tom", "1")
	if err != nil || strings.Count(out, "\texists\t") != len(want) {
		t.Fatalf("second import: %q %v", out, err)
	}

	// Claims that cannot be placed are listed with the reason; exit status 1.
	bad := writeFile(t, "bad.jsonl", "{\"text\":\"The council approved the $1.2 billion budget\"}\n{\"text\":\"Nobody said this.\"}\nnot json\n")
	out, errOut, err = b.run("", "import", "--claims", bad, "--user", "tom", "1")
	if err == nil || !strings.Contains(out, "1\tfailed\tnot_found\t") || !strings.Contains(out, "2\tfailed\tinvalid\t") ||
		!strings.Contains(out, "0\tcreated\t") || !strings.Contains(errOut, "2 not placed") {
		t.Fatalf("bad claims: %q %q %v", out, errOut, err)
	}
	for _, args := range [][]string{
		{"import", "--claims", ann, "--user", "tom"},
		{"import", "--claims", ann, "--user", "tom", "x"},
		{"import", "--claims", ann, "--user", "tom", "99"},
		{"import", "--claims", filepath.Join(t.TempDir(), "missing.jsonl"), "--user", "tom", "1"},
		{"import", "--claims", writeFile(t, "empty.jsonl", "  \n"), "--user", "tom", "1"},
		{"import", "--claims", ann, "1"},                     // nobody to name in the activity feed
		{"import", "--claims", ann, "--user", "nobody", "1"}, // no such user
		{"import", "--claims", ann, "--user", "vi", "1"},     // a viewer may not add claims
		{"import", "--user", "tom", src},                     // --user goes with --claims
	} {
		if _, _, err := b.run("", args...); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v", args, err)
		}
	}
	// Stdin works too.
	data, _ := os.ReadFile(ann)
	if _, _, err := b.run(string(data), "import", "--claims", "-", "--user", "tom", "1"); err != nil {
		t.Fatalf("claims from stdin: %v", err)
	}
}

func TestExportFormatsFromTheCommandLine(t *testing.T) {
	c := newCLI(t)
	p := writeFile(t, "budget.txt", cliArticle)
	c.run("", "import", "--published", "2024-12-06", "--url", "https://example.org/b", p)
	store, _ := db.Open(context.Background(), c.db)
	c.run("a long enough password\n", "user", "add", "maria")
	u, _ := store.UserByName(context.Background(), "maria")
	cs, _ := store.DocumentClaims(context.Background(), 1)
	store.SetStatus(context.Background(), cs[0].ID, u.ID, 1, "confirmed", "")
	store.Close()
	if _, _, err := c.run("", "export", "--format", "claimreview"); err == nil || !strings.Contains(err.Error(), "org-name") {
		t.Fatalf("claimreview without organisation: %v", err)
	}
	t.Setenv("FACTDESK_ORG_NAME", "Desk")
	out, _, err := c.run("", "export", "--format", "claimreview", "--public-url", "https://desk.example.org")
	var reviews []export.ClaimReview
	if err != nil || json.Unmarshal([]byte(out), &reviews) != nil || len(reviews) != 1 || reviews[0].Author.Name != "Desk" ||
		reviews[0].ItemReviewed.DatePublished != "2024-12-06" || reviews[0].ReviewRating.AlternateName != "Confirmed" {
		t.Fatalf("claimreview: %q %v", out, err)
	}
	for _, args := range [][]string{
		{"export", "--reviewer", "nobody"},
		{"export", "--from", "yesterday"},
		{"export", "--format", "claimreview", "--public-url", "desk.example.org"},
		{"export", "--document", "-3"},
	} {
		if _, _, err := c.run("", args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	out, _, err = c.run("", "export", "--reviewer", "maria", "--format", "jsonl", "--kind", cs[0].Kind, "--document", "1")
	if err != nil || strings.Count(out, "\n") != 1 {
		t.Fatalf("filtered export: %q %v", out, err)
	}
}
