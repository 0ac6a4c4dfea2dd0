package views

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

func render(t *testing.T, c templ.Component) (string, *goquery.Document) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), doc
}

const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)> “quoted” — 東京`

// Every page renders, shows no templ call as literal text (a templ call after
// text on one line prints as text), and escapes document text.
func TestPagesRenderAndEscape(t *testing.T) {
	base := Base{Title: "T", User: &User{Name: "rita", Role: "reviewer", CanReview: true}, CSRF: "tok"}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	claim := ClaimRow{ID: 7, DocumentID: 3, DocumentTitle: hostile, Text: hostile, Status: "disputed", Score: 0.8, Kind: "quantity", Speaker: "officials", Version: 2}
	pages := map[string]templ.Component{
		"login":     LoginView(LoginPage{Base: Base{CSRF: "tok"}, Error: "Wrong user name or password."}),
		"setup":     SetupView(SetupPage{Base: Base{CSRF: "tok"}, Token: "x"}),
		"error":     ErrorView(ErrorPage{Base: base, Code: 500, Heading: "Something went wrong", Message: "m", RequestID: "rid"}),
		"documents": DocumentsView(DocumentsPage{Base: base, Documents: []DocumentRow{{ID: 3, Title: hostile, CreatedAt: at, Progress: Progress{Unverified: 1, Confirmed: 2, Disputed: 3}}}}),
		"import":    ImportView(ImportPage{Base: base, Text: hostile, Limit: "5 MB"}),
		"document": DocumentView(DocumentPage{Base: base, ID: 3, DocTitle: hostile, CreatedAt: at, URL: "https://example.org/a",
			Segments: []Segment{{Text: hostile + "\n\n"}, {Text: hostile, ClaimID: 7, Status: "disputed"}}, Claims: []ClaimRow{claim}}),
		"queue": QueueView(QueuePage{Base: base, Claims: []ClaimRow{claim}, Total: 1}),
		"claim": ClaimView(ClaimPage{Base: base, Claim: claim, Before: hostile, After: hostile, DocURL: "/documents/3#claim-7",
			History: []HistoryRow{{User: "rita", At: at, From: "unverified", To: "disputed", Note: hostile}}, Saved: "Saved."}),
	}
	leak := regexp.MustCompile(`@[a-zA-Z]+\(`)
	for name, c := range pages {
		html, doc := render(t, c)
		if m := leak.FindString(doc.Text()); m != "" {
			t.Errorf("%s: templ call shown as text: %q", name, m)
		}
		if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x") {
			t.Errorf("%s: hostile text not escaped", name)
		}
		if doc.Find("script:not([src])").Length() > 0 || doc.Find("[style]").Length() > 0 {
			t.Errorf("%s: inline script or style (the CSP forbids them)", name)
		}
	}
	_, doc := render(t, pages["claim"])
	if doc.Find("ol.history .badge").Length() != 2 || doc.Find("dl.facts .badge.s-disputed").Length() != 1 {
		t.Error("claim history or status badge missing")
	}
	_, doc = render(t, pages["document"])
	if doc.Find("a.hl#claim-7[href='/claims/7']").Text() != hostile || !strings.Contains(doc.Find("p.meta").Text(), "2026-01-02") {
		t.Error("document highlight or import time wrong")
	}
}
