package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/web"
)

// browserArticle is a made-up news story with the things real pastes have:
// curly quotes, an em dash, percentages, thousands separators, attribution,
// an ad marker and a photo credit line.
const browserArticle = `Water bills in the port city of Marlow Bay will rise 3.5% from July after reservoir levels fell to their lowest point in a decade, officials said on Tuesday.

The utility’s board approved the increase by five votes to two. It says the extra revenue — about $4.2 million a year — will pay to repair 120 kilometres of leaking mains. “We lose almost a fifth of our treated water before it reaches a tap,” said board chair Helen Okafor. “That is money running into the ground.”

Advertisement

Some 10,000 households already receive a discount for low incomes, and that programme will grow by 1,500 places next year, officials said. Critics argue the discount has not kept pace with inflation, which reached 6.1% last year.

Photo: The Kestrel Dam reservoir in March (Jonah Reyes/Marlow Bay Courier)

The Kestrel Dam reservoir held 38% of its capacity at the end of February, compared with a long-term average of 71% for the month, according to the regional water authority. Rainfall in the catchment was 40% below normal over the winter.

Councillor Dev Anand, who voted against the rise, said residents were “being asked to pay twice for the same pipes.” He said the utility had promised similar repairs in 2019 and spent less than half of the money it raised.

The board will hold a public meeting on April 14 before the new rates take effect. A spokesperson said the utility would publish a list of the streets where repairs are planned by the end of the month.
`

const browserTitle = "Marlow Bay water rates rise 3.5% as reservoir falls"

// browserExecPath finds a Chromium or Chrome binary, or "".
func browserExecPath() string {
	if fi, err := os.Stat("/usr/bin/chromium"); err == nil && !fi.IsDir() {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browserConsole collects what the page reports: uncaught exceptions and
// log entries (CSP violations arrive as log entries).
type browserConsole struct {
	mu       sync.Mutex
	problems []string // fail the test
	notes    []string // logged only
}

func (c *browserConsole) listen(ev any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		c.problems = append(c.problems, fmt.Sprintf("JS exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		line := fmt.Sprintf("log %s/%s: %s (%s)", e.Source, e.Level, e.Text, e.URL)
		if e.Source == cdplog.EntrySourceSecurity ||
			strings.Contains(e.Text, "Content Security Policy") || strings.Contains(e.Text, "Refused to") {
			c.problems = append(c.problems, line)
		} else {
			c.notes = append(c.notes, line)
		}
	}
}

func (c *browserConsole) check(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.notes {
		t.Logf("browser %s", n)
	}
	for _, p := range c.problems {
		t.Errorf("browser reported: %s", p)
	}
	c.problems, c.notes = nil, nil
}

// browserScreenshot writes a full-page PNG to $FACTDESK_SCREENSHOTS, if set.
func browserScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("FACTDESK_SCREENSHOTS")
	if dir == "" {
		return
	}
	// Quality 100 is what makes chromedp capture a PNG; below it is JPEG.
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// browserJS quotes a Go string as a JavaScript string literal.
func browserJS(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// browserPath is the path of the current page.
func browserPath(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("location %q: %v", loc, err)
	}
	return u.Path
}

func browserMust(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// browserNoTemplLeak fails when the page shows templ source such as
// "@statusBadge(h.To)": templ only treats @component as a call at the start
// of a line, so one written after text on the same line is printed verbatim.
func browserNoTemplLeak(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	leaks, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`document.body.innerText.match(/@[A-Za-z_][A-Za-z0-9_.]*\([^)]*\)/g) || []`))
	if err != nil {
		t.Fatalf("read the text of %s: %v", page, err)
	}
	for _, l := range leaks {
		t.Errorf("%s shows unrendered templ source %q", page, l)
	}
}

type browserLink struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

type browserClaimState struct {
	Badge   string   `json:"badge"`
	Notes   []string `json:"notes"`
	Current string   `json:"current"`
	Note    string   `json:"note"`
	Mark    string   `json:"mark"`
}

const browserClaimStateJS = `(() => ({
	badge: (document.querySelector('dl.facts .badge') || {}).textContent?.trim() ?? '',
	notes: [...document.querySelectorAll('ol.history li')].map(li => li.textContent),
	current: (document.querySelector('button.verdict.current') || {}).value ?? '',
	note: (document.querySelector('#note') || {}).value ?? '',
	mark: (document.querySelector('mark.hl') || {}).textContent ?? '',
}))()`

func TestBrowserReviewFlow(t *testing.T) {
	execPath := browserExecPath()
	if execPath == "" {
		if os.Getenv("FACTDESK_REQUIRE_BROWSER") == "1" {
			t.Fatal("FACTDESK_REQUIRE_BROWSER=1 but no chromium, chromium-browser or google-chrome was found (apt-get install -y chromium)")
		}
		t.Skip("no Chromium found (/usr/bin/chromium, chromium, chromium-browser, google-chrome); apt-get install -y chromium, or set FACTDESK_REQUIRE_BROWSER=1 to make this a failure")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// The real app over a real database file, on a real port.
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	browserMust(t, "open db", err)
	t.Cleanup(func() { store.Close() })
	const password = "rita-reads-the-footnotes"
	hash, err := auth.HashPassword(password)
	browserMust(t, "hash", err)
	_, err = store.CreateUser(ctx, "rita", hash, "reviewer")
	browserMust(t, "create user", err)
	e := web.New(web.Config{Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	browserMust(t, "listen", err)
	ts := httptest.NewUnstartedServer(e)
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)
	base := "http://" + ln.Addr().String()

	allocCtx, allocCancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.WindowSize(1280, 900),
	)
	defer allocCancel()
	bctx, bcancel := chromedp.NewContext(allocCtx)
	defer bcancel()

	console := &browserConsole{}
	browserMust(t, "start browser and listen", chromedp.Listen(bctx, console.listen))
	_, err = chromedp.Call(bctx, cdplog.Enable, cdp.Empty{})
	browserMust(t, "log.enable", err)
	defer console.check(t)

	// 1. A protected page sends an anonymous visitor to the login form.
	browserMust(t, "open /queue", chromedp.Do(bctx, chromedp.Navigate(base+"/queue")))
	if p := browserPath(t, bctx); p != "/login" {
		t.Fatalf("GET /queue when logged out: landed on %q, want /login", p)
	}
	browserMust(t, "fill login", chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#username"), "rita"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	))
	resp, err := chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	browserMust(t, "submit login", err)
	// next=/queue brings the reviewer back to the page asked for.
	if p := browserPath(t, bctx); p != "/queue" || resp.Status != 200 {
		t.Fatalf("after login: %d at %q, want 200 at /queue", resp.Status, p)
	}

	// 2. Import a pasted article.
	browserMust(t, "open import form", chromedp.Do(bctx,
		chromedp.Navigate(base+"/documents/new"),
		chromedp.SendKeys(chromedp.CSS("#title"), browserTitle),
		chromedp.SetValue(chromedp.CSS("#text"), browserArticle), // a paste, not typing
	))
	resp, err = chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS(`form[action="/documents"] button[type=submit]`)))
	browserMust(t, "submit import", err)
	docPath := browserPath(t, bctx)
	if resp.Status != 200 || !strings.HasPrefix(docPath, "/documents/") {
		errText, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`(document.querySelector('.error') || {}).textContent ?? ''`))
		t.Fatalf("after import: %d at %q (error on page: %q), want a document page", resp.Status, docPath, errText)
	}
	h1, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.CSS("h1")))
	browserMust(t, "read h1", err)
	if strings.TrimSpace(h1) != browserTitle {
		t.Errorf("document h1 = %q, want %q", h1, browserTitle)
	}

	// 3. The highlights: every one matches the claim it links to.
	hls, err := chromedp.Run(bctx, chromedp.Evaluate[[]browserLink](
		`[...document.querySelectorAll('article.doc-body a.hl')].map(a => ({href: a.getAttribute('href'), text: a.textContent}))`))
	browserMust(t, "read highlights", err)
	side, err := chromedp.Run(bctx, chromedp.Evaluate[[]browserLink](
		`[...document.querySelectorAll('aside.doc-claims ol.claims li a')].map(a => ({href: a.getAttribute('href'), text: a.textContent}))`))
	browserMust(t, "read claim list", err)
	if len(hls) == 0 {
		t.Fatal("the document page has no highlighted claims (a.hl)")
	}
	t.Logf("%d highlights, %d claims in the side list", len(hls), len(side))
	if len(hls) != len(side) {
		t.Errorf("%d highlights but %d claims listed beside the text", len(hls), len(side))
	}
	listed := map[string]string{}
	for _, l := range side {
		listed[l.Href] = l.Text
	}
	for _, h := range hls {
		if strings.Contains(h.Text, "Advertisement") {
			t.Errorf("highlight %s contains the ad marker: %q", h.Href, h.Text)
		}
		if strings.Contains(h.Text, "Jonah Reyes") {
			t.Errorf("highlight %s is the photo credit: %q", h.Href, h.Text)
		}
		if want, ok := listed[h.Href]; !ok {
			t.Errorf("highlight %s (%q) is not in the claim list", h.Href, h.Text)
		} else if h.Text != want {
			t.Errorf("highlight %s text %q, claim list says %q", h.Href, h.Text, want)
		}
	}
	browserScreenshot(t, bctx, "document")

	// Open the first, a middle and the last claim: the passage marks the
	// same text as the highlight.
	for _, i := range []int{0, len(hls) / 2, len(hls) - 1} {
		h := hls[i]
		browserMust(t, "open "+h.Href, chromedp.Do(bctx, chromedp.Navigate(base+h.Href)))
		mark, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.CSS("mark.hl")))
		browserMust(t, "read mark.hl on "+h.Href, err)
		if mark != h.Text {
			t.Errorf("%s: mark.hl %q, highlight on the document %q", h.Href, mark, h.Text)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// 4. Review the second claim, which sits mid-paragraph, so the claim
	// page shows text before and after it: click it on the document page.
	browserMust(t, "back to the document", chromedp.Do(bctx, chromedp.Navigate(base+docPath)))
	_, err = chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS("article.doc-body a.hl:nth-of-type(2)")))
	browserMust(t, "click the second highlight", err)
	claimPath := browserPath(t, bctx)
	if claimPath != hls[1].Href {
		t.Fatalf("clicking the second highlight went to %q, want %q", claimPath, hls[1].Href)
	}
	claimID, err := strconv.ParseInt(strings.TrimPrefix(claimPath, "/claims/"), 10, 64)
	browserMust(t, "claim id from "+claimPath, err)

	const note = "Board minutes put the extra revenue at $3.9 million a year — see p. 4."
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](`typeof window.htmx === 'object' && !!document.querySelector('#claim-main form[hx-post]')`,
		chromedp.WithPollingTimeout(10*time.Second)))
	browserMust(t, "wait for htmx to load", err)
	browserMust(t, "type the note", chromedp.Do(bctx,
		// A marker that a full page load would wipe: the save must be an htmx swap.
		chromedp.Evaluate[chromedp.Void](`window.__browserNoReload = true`),
		chromedp.SendKeys(chromedp.CSS("#note"), note),
		chromedp.Click(chromedp.CSS("button[name=status][value=disputed]")),
	))
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](fmt.Sprintf(`(() => {
		const badge = document.querySelector('dl.facts .badge');
		const items = [...document.querySelectorAll('ol.history li')];
		return !!badge && badge.textContent.trim() === 'Disputed' && items.some(li => li.textContent.includes(%s));
	})()`, browserJS(note)), chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		html, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`(document.querySelector('#claim-main') || document.body).outerHTML`))
		t.Fatalf("after clicking Disputed, the badge never read Disputed with the note in the history: %v\npage now:\n%s", err, html)
	}
	stillThere, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.__browserNoReload === true`))
	browserMust(t, "check for reload", err)
	if !stillThere {
		t.Error("saving the review reloaded the whole page; htmx should have swapped #claim-main")
	}
	st, err := chromedp.Run(bctx, chromedp.Evaluate[browserClaimState](browserClaimStateJS))
	browserMust(t, "read claim state", err)
	if st.Current != "disputed" {
		t.Errorf("after the swap the current verdict button is %q, want disputed", st.Current)
	}
	if st.Note != "" {
		t.Errorf("after a successful save the note box still holds %q", st.Note)
	}
	browserNoTemplLeak(t, bctx, "the claim page after the htmx swap")
	browserScreenshot(t, bctx, "claim")

	// 5. It persisted: a reload shows the same.
	browserMust(t, "reload", chromedp.Do(bctx, chromedp.Reload()))
	st, err = chromedp.Run(bctx, chromedp.Evaluate[browserClaimState](browserClaimStateJS))
	browserMust(t, "read claim state after reload", err)
	browserNoTemplLeak(t, bctx, "the claim page")
	if st.Badge != "Disputed" {
		t.Errorf("after reload the status badge reads %q, want Disputed", st.Badge)
	}
	if len(st.Notes) != 1 || !strings.Contains(st.Notes[0], note) || !strings.Contains(st.Notes[0], "rita") {
		t.Errorf("after reload the history is %q, want one entry by rita with the note", st.Notes)
	}

	// 5b. Someone else changes the claim meanwhile: the change made on the
	// stale page is refused in place, showing the newer status and keeping
	// the typed note.
	rita, err := store.UserByName(ctx, "rita")
	browserMust(t, "look up rita", err)
	_, err = store.SetStatus(ctx, claimID, rita.ID, 2, "confirmed", "changed in another tab")
	browserMust(t, "change the claim behind the page", err)
	const staleNote = "second look at the minutes"
	browserMust(t, "submit on the stale page", chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#note"), staleNote),
		chromedp.Click(chromedp.CSS("button[name=status][value=unverified]")),
	))
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](`(() => {
		const e = document.querySelector('#review-error');
		return !!e && e.textContent.includes('someone else changed') && e.textContent.includes('Confirmed');
	})()`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		html, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`(document.querySelector('#claim-main') || document.body).outerHTML`))
		t.Fatalf("the stale change was not refused on the page: %v\npage now:\n%s", err, html)
	}
	st, err = chromedp.Run(bctx, chromedp.Evaluate[browserClaimState](browserClaimStateJS))
	browserMust(t, "read claim state after the refusal", err)
	if st.Note != staleNote {
		t.Errorf("after the refusal the note box holds %q, want the typed note kept", st.Note)
	}
	if cl, _ := store.Claim(ctx, claimID); cl.Status != "confirmed" {
		t.Errorf("the stale change went through: claim is %s", cl.Status)
	}
	// Put the claim back to disputed for the export check below.
	_, err = store.SetStatus(ctx, claimID, rita.ID, 3, "disputed", "")
	browserMust(t, "restore the claim", err)
	browserMust(t, "reload after the refusal", chromedp.Do(bctx, chromedp.Reload()))

	// 6. The export, fetched by the page with its session cookie.
	type exported struct {
		ID      int64  `json:"id"`
		Status  string `json:"status"`
		History []struct {
			User string `json:"user"`
			To   string `json:"to"`
			Note string `json:"note"`
		} `json:"history"`
	}
	type fetched struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Body   string `json:"body"`
	}
	res, err := chromedp.Run(bctx, chromedp.Evaluate[fetched](
		`fetch('/export?format=json&status=disputed').then(async r => ({status: r.status, type: r.headers.get('Content-Type'), body: await r.text()}))`,
		chromedp.EvalAwaitPromise))
	browserMust(t, "fetch the export", err)
	if res.Status != 200 || !strings.HasPrefix(res.Type, "application/json") {
		t.Fatalf("export: %d %q, want 200 application/json; body:\n%s", res.Status, res.Type, res.Body)
	}
	if !strings.Contains(res.Body, `"disputed"`) || !strings.Contains(res.Body, note) {
		t.Errorf("export lacks the status or the note:\n%s", res.Body)
	}
	var recs []exported
	if err := json.Unmarshal([]byte(res.Body), &recs); err != nil {
		t.Fatalf("export is not a JSON array: %v\n%s", err, res.Body)
	}
	if len(recs) != 1 || recs[0].ID != claimID || recs[0].Status != "disputed" ||
		len(recs[0].History) != 3 || recs[0].History[0].Note != note || recs[0].History[0].User != "rita" {
		t.Errorf("export of disputed claims = %+v, want claim %d, disputed by rita with the note, then its two later changes", recs, claimID)
	}

	// 7. The document now shows the disputed highlight.
	browserMust(t, "document after review", chromedp.Do(bctx, chromedp.Navigate(base+docPath)))
	cls, err := chromedp.Run(bctx, chromedp.Evaluate[string](
		fmt.Sprintf(`document.getElementById('claim-%d').className`, claimID)))
	browserMust(t, "read highlight class", err)
	if !strings.Contains(cls, "s-disputed") {
		t.Errorf("highlight of claim %d has class %q, want s-disputed", claimID, cls)
	}
	browserNoTemplLeak(t, bctx, "the document page")
	browserScreenshot(t, bctx, "document-reviewed")

	// 8. The other pages, for the screenshots only.
	if os.Getenv("FACTDESK_SCREENSHOTS") != "" {
		for name, path := range map[string]string{"documents": "/", "queue": "/queue", "import": "/documents/new"} {
			browserMust(t, "open "+path, chromedp.Do(bctx, chromedp.Navigate(base+path)))
			browserScreenshot(t, bctx, name)
		}
	}
}
