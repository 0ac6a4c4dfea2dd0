package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"factdesk/db"
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
		"q=port&to=2024-02-30":                 "2024-02-30 is not a day of the calendar",
		"q=port&from=2024-02-02&to=2024-01-01": "after the to date",
		"q=port&document=abc":                  "document number",
		"q=port&document=999":                  "no document 999",
		"q=port&page=0":                        "page must be a number",
		"q=port&page=999":                      "results stop after",
		"q=port&page=368934881474191034":       "results stop after", // × 50 wraps round int64
		"q=" + strings.Repeat("x", 600):        "too long",
		"q=port%00":                            "control characters",
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

// ferryArticle is n claims that all mention a ferry.
func ferryArticle(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("Officials said ferry number " + itoa(int64(i+1)) + " carried 1,200 passengers in 2023.\n\n")
	}
	return b.String()
}

// A word in more claims than a search reads: the count is a lower bound,
// the page says why and how to narrow it, and the pages stop at the end of
// what was read. A search without words counts a few pages ahead.
func TestSearchCappedPage(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.login("rita")
	c.importText("Harbour timetable", ferryArticle(270))

	r := c.get("/search?q=ferry")
	count := r.doc.Find("#search-count").Text()
	if r.code != http.StatusOK || r.doc.Find("ol.results li").Length() != 50 || !strings.Contains(count, "250+ claims found; 1 to 50 shown") {
		t.Fatalf("capped search: %d, %d results, count %q", r.code, r.doc.Find("ol.results li").Length(), count)
	}
	notice := r.doc.Find("#search-capped").Text()
	if !strings.Contains(notice, "most recent") || !strings.Contains(notice, "Add a word or choose a filter") {
		t.Errorf("the capped page does not say what it shows and how to narrow it: %q", notice)
	}
	// The newest claims first: the last paragraphs of the article.
	if first := r.doc.Find("ol.results li .result-claim").First().Text(); !strings.Contains(first, "ferry number 270 ") {
		t.Errorf("first result %q, want the newest claim", first)
	}
	// Five pages of 50, no overlap, no sixth.
	seen := map[string]bool{}
	next := "/search?q=ferry"
	pages := 0
	for next != "" && pages < 10 {
		r := c.get(next)
		pages++
		r.doc.Find("ol.results li .result-claim a").Each(func(_ int, s *goquery.Selection) {
			href := s.AttrOr("href", "")
			if seen[href] {
				t.Errorf("page %d repeats %s", pages, href)
			}
			seen[href] = true
		})
		next = r.doc.Find(`nav.pager a[rel="next"]`).AttrOr("href", "")
	}
	if pages != 5 || len(seen) != 250 {
		t.Errorf("%d pages, %d claims; want 5 pages of the 250 read", pages, len(seen))
	}

	// Narrowed by a word, the result is whole again.
	r = c.get("/search?q=ferry+270")
	if n := r.doc.Find("ol.results li").Length(); n != 1 || r.doc.Find("#search-capped").Length() != 0 ||
		!strings.Contains(r.doc.Find("#search-count").Text(), "1 claim found") {
		t.Errorf("ferry 270: %d results, count %q", n, r.doc.Find("#search-count").Text())
	}

	// The document menu is kept between searches, and a new document
	// joins it at once.
	if n := r.doc.Find("#f-document option").Length(); n != 2 {
		t.Errorf("document menu: %d options, want Any and the one document", n)
	}
	c.importText("Island timetable", ferryArticle(3))
	r = c.get("/search?q=ferry+270")
	if got := r.doc.Find("#f-document option").Eq(1).Text(); r.doc.Find("#f-document option").Length() != 3 || got != "Island timetable" {
		t.Errorf("document menu after an import: %d options, newest %q", r.doc.Find("#f-document option").Length(), got)
	}

	// Without words: counted four pages ahead, most recently changed first.
	r = c.get("/search?status=unverified")
	if !strings.Contains(r.doc.Find("#search-count").Text(), "200+ claims found; 1 to 50 shown") ||
		!strings.Contains(r.doc.Find("#search-capped").Text(), "Most recently changed first") {
		t.Errorf("filter alone: count %q, notice %q", r.doc.Find("#search-count").Text(), r.doc.Find("#search-capped").Text())
	}
}

// In a real browser, a capped search shows its lower-bound count and why
// (and, with FACTDESK_SCREENSHOTS set, leaves a picture of it).
func TestBrowserSearchCapped(t *testing.T) {
	bt := startBrowserTest(t, 60*time.Second)
	bt.user("rita", "reviewer")
	_, _, _, err := bt.store.ImportDocument(context.Background(), db.NewDocument{Title: "Harbour timetable", Body: ferryArticle(270)})
	browserMust(t, "import", err)
	b := bt.browser("rita")
	base, bctx := bt.base, b.ctx
	defer b.console.check(t)

	browserMust(t, "log in", chromedp.Do(bctx,
		chromedp.Navigate(base+"/search?q=ferry"),
		chromedp.SendKeys(chromedp.CSS("#username"), "rita"),
		chromedp.SendKeys(chromedp.CSS("#password"), browserPassword),
	))
	_, err = chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	browserMust(t, "submit login", err)
	if p := browserPath(t, bctx); p != "/search" {
		t.Fatalf("after login: at %q, want /search", p)
	}
	count, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.CSS("#search-count")))
	browserMust(t, "read count", err)
	if !strings.Contains(count, "250+ claims found") {
		t.Errorf("count = %q", count)
	}
	visible, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(() => { const n = document.querySelector('#search-capped'); return !!n && n.offsetHeight > 0 })()`))
	browserMust(t, "notice", err)
	if !visible {
		t.Errorf("the capped notice is not visible")
	}
	browserNoTemplLeak(t, bctx, "search")
	browserScreenshot(t, bctx, "search-capped")
}
