package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// markupArticle has markup-like text in its claims: it must come back as
// text, with only the search's own <mark> elements around matches.
const markupArticle = `Bus punctuality report

The transport board said <b>40%</b> of buses ran late in March, according to its monthly report.

Drivers' union leader Sam Ortiz said 300 <script>alert("x")</script> drivers quit last year.`

func TestSearchPage(t *testing.T) {
	a := newApp(t)
	c := a.client()
	if r := c.get("/search?q=port"); r.code != http.StatusSeeOther {
		t.Fatalf("anonymous search: %d", r.code)
	}
	c.login("rita")
	c.importText("Port plan", article)
	c.importText("Buses <late>", markupArticle)

	// The empty form.
	r := c.get("/search")
	if r.code != http.StatusOK || r.doc.Find(`form[role="search"] input[name="q"]`).Length() != 1 || r.doc.Find("ol.results").Length() != 0 {
		t.Fatalf("empty search page: %d", r.code)
	}
	for _, id := range []string{"site-search", "f-status", "f-kind", "f-document", "f-from", "f-to"} {
		if r.doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("field %s has no label", id)
		}
	}

	// A word in a claim: the result links the claim, the match is marked.
	r = c.get("/search?q=containers")
	res := r.doc.Find("ol.results li.result")
	if r.code != http.StatusOK || res.Length() != 1 {
		t.Fatalf("containers: %d, %d results", r.code, res.Length())
	}
	if m := res.Find(".result-claim mark"); m.Length() != 1 || m.Text() != "containers" {
		t.Errorf("marks = %d %q", m.Length(), m.Text())
	}
	if href := res.Find(".result-claim a").AttrOr("href", ""); !strings.HasPrefix(href, "/claims/") {
		t.Errorf("result links %q", href)
	}

	// Markup in claims and titles stays text.
	r = c.get("/search?q=buses")
	if r.code != http.StatusOK || r.doc.Find("ol.results li").Length() < 1 {
		t.Fatalf("buses: %d %s", r.code, r.body)
	}
	if r.doc.Find("ol.results b, ol.results script, ol.results late").Length() != 0 {
		t.Fatalf("markup from the article became elements:\n%s", r.body)
	}
	if !strings.Contains(r.body, "&lt;b&gt;40%&lt;/b&gt;") {
		t.Errorf("escaped claim text missing:\n%s", r.body)
	}
	r.doc.Find("ol.results mark").Each(func(_ int, s *goquery.Selection) {
		if strings.ToLower(s.Text()) != "buses" {
			t.Errorf("mark around %q", s.Text())
		}
	})
	if r := c.get("/search?q=script"); !strings.Contains(r.body, "&lt;<mark>script</mark>&gt;alert") {
		t.Errorf("a match inside markup-like text is not escaped then marked:\n%s", r.body)
	}

	// A note, with who wrote it; a title.
	id := firstClaimID(t, a)
	tok := c.csrf("/claims/" + itoa(id))
	if r := c.post("/claims/"+itoa(id)+"/status", url.Values{"_csrf": {tok}, "version": {"1"}, "status": {"disputed"},
		"note": {"The harbourmaster's logbook shows otherwise."}}); r.code != http.StatusSeeOther {
		t.Fatalf("review: %d", r.code)
	}
	r = c.get("/search?q=logbook")
	note := r.doc.Find("ol.results .result-note")
	if note.Length() != 1 || !strings.Contains(note.Text(), "Note by rita") || note.Find("mark").Text() != "logbook" {
		t.Fatalf("note result: %q", note.Text())
	}
	r = c.get("/search?q=late")
	if r.doc.Find("ol.results li").Length() != 2 || r.doc.Find(`ol.results a[href^="/documents/"] mark`).First().Text() != "late" {
		t.Errorf("title search: %d results, title mark %q", r.doc.Find("ol.results li").Length(),
			r.doc.Find(`ol.results a[href^="/documents/"] mark`).First().Text())
	}

	// Filters live in the URL and show in the form.
	r = c.get("/search?q=port&status=disputed")
	if n := r.doc.Find("ol.results li").Length(); n != 1 {
		t.Errorf("port, disputed: %d results", n)
	}
	if v := r.doc.Find(`#f-status option[selected]`).AttrOr("value", ""); v != "disputed" {
		t.Errorf("status menu shows %q", v)
	}
	if v := r.doc.Find(`#site-search`).AttrOr("value", ""); v != "port" {
		t.Errorf("query field shows %q", v)
	}
	r = c.get("/search?status=disputed")
	if n := r.doc.Find("ol.results li").Length(); n != 1 {
		t.Errorf("filter alone: %d results", n)
	}
	if r := c.get("/search?q=port&document=1"); r.doc.Find("ol.results li").Length() == 0 ||
		r.doc.Find(`#f-document option[selected]`).AttrOr("value", "") != "1" {
		t.Errorf("document filter: %d results", r.doc.Find("ol.results li").Length())
	}
	if r := c.get("/search?q=port&document=2"); r.doc.Find("ol.results li").Length() != 0 {
		t.Errorf("port in the bus document: %d results", r.doc.Find("ol.results li").Length())
	}
	if r := c.get("/search?q=port&from=2000-01-01&to=2000-01-02"); r.code != http.StatusOK || r.doc.Find("ol.results li").Length() != 0 ||
		!strings.Contains(r.doc.Find("#search-count").Text(), "No claims found") {
		t.Errorf("date range in the past: %d, %q", r.code, r.doc.Find("#search-count").Text())
	}
}

// Whatever a user types, the answer is a page with a message, never a 500,
// and the form keeps what they typed.
func TestSearchBadInput(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.login("vic")
	for q, want := range map[string]string{
		"q=%22leaking+mains":                   "quotation mark is not closed",
		"q=rates+OR":                           "OR goes between",
		"q=-dam":                               "what to look for",
		"q=re-serv*":                           "prefix of one word",
		"q=*":                                  "no letters or digits",
		"q=NEAR(a+b)+AND+":                     "", // FTS5 syntax is plain text: no error
		"q=port&status=maybe":                  "unknown status",
		"q=port&from=yesterday":                "must look like 2024-12-31",
		"q=port&from=2024-02-02&to=2024-01-01": "after the to date",
		"q=port&document=abc":                  "document number",
		"q=port&document=999":                  "no document 999",
		"q=port&page=0":                        "page must be a number",
		"q=port&page=999":                      "results stop after",
		"q=" + strings.Repeat("x", 600):        "too long",
	} {
		r := c.get("/search?" + q)
		if want == "" {
			if r.code != http.StatusOK {
				t.Errorf("%s: %d", q, r.code)
			}
			continue
		}
		msg := r.doc.Find("#search-error").Text()
		if r.code != http.StatusBadRequest || !strings.Contains(strings.ToLower(msg), strings.ToLower(want)) {
			t.Errorf("%s: %d %q, want 400 saying %q", q, r.code, msg, want)
		}
		if r.doc.Find(`form[role="search"]`).Length() != 1 {
			t.Errorf("%s: the form is gone", q)
		}
	}
	r := c.get("/search?q=%22leaking+mains")
	if v := r.doc.Find("#site-search").AttrOr("value", ""); v != `"leaking mains` {
		t.Errorf("the query field holds %q", v)
	}
}

func TestSearchPages(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.login("rita")
	// Many claims mentioning the same word.
	var b strings.Builder
	for i := 0; i < 60; i++ {
		b.WriteString("Officials said ferry number " + itoa(int64(i+1)) + " carried 1,200 passengers in 2023.\n\n")
	}
	c.importText("Ferries", b.String())
	r := c.get("/search?q=ferry&kind=")
	if n := r.doc.Find("ol.results li").Length(); n != 50 {
		t.Fatalf("first page: %d results (%s)", n, r.doc.Find("#search-count").Text())
	}
	next := r.doc.Find(`nav.pager a[rel="next"]`).AttrOr("href", "")
	if next != "/search?page=2&q=ferry" {
		t.Fatalf("next = %q", next)
	}
	r = c.get(next)
	if n := r.doc.Find("ol.results li").Length(); n == 0 || r.doc.Find("ol.results").AttrOr("start", "") != "51" ||
		r.doc.Find(`nav.pager a[rel="prev"]`).AttrOr("href", "") != "/search?q=ferry" {
		t.Fatalf("second page: %d results, start %q", n, r.doc.Find("ol.results").AttrOr("start", ""))
	}
}
