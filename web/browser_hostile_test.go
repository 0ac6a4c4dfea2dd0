package web_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"factdesk/web"
)

// browserVerdict is what a page says about itself after loading: whether a
// payload ran (window.__pwned is set by every script payload, and DOM
// clobbering would define it too) and which CSP violations it saw.
type browserVerdict struct {
	Pwned string   `json:"pwned"`
	CSP   []string `json:"csp"`
}

// Recorded on every new document before any of its scripts run; DevTools
// scripts are not subject to the page's CSP.
const browserWatch = `window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));`

const browserVerdictJS = `(() => ({pwned: typeof window.__pwned === 'undefined' ? '' : String(window.__pwned), csp: window.__csp || []}))()`

// Chromium opens every page that shows the hostile corpus: the documents
// list, each document, every queue page, each claim with its hostile note,
// the audit log with hostile user names, error pages echoing hostile query
// values, and the import form refusing hostile values. No payload runs, no
// dialog opens and no CSP violation happens.
func TestBrowserHostileInput(t *testing.T) {
	execPath := browserExecPath()
	if execPath == "" {
		if os.Getenv("FACTDESK_REQUIRE_BROWSER") == "1" {
			t.Fatal("FACTDESK_REQUIRE_BROWSER=1 but no chromium, chromium-browser or google-chrome was found (apt-get install -y chromium)")
		}
		t.Skip("no Chromium found; apt-get install -y chromium, or set FACTDESK_REQUIRE_BROWSER=1 to make this a failure")
	}
	a, _ := newConfiguredApp(t, func(cfg *web.Config) {
		cfg.MaxDocBytes = 0
		loopbackProxy(cfg)
	})
	rita := a.loginAs("rita")
	seed := seedHostile(t, a, rita)
	values := hostileValues(t)
	for i, v := range values {
		anon := a.client()
		anon.post("/login", url.Values{"_csrf": {anon.csrf("/login")}, "username": {v}, "password": {"wrong password " + strconv.Itoa(i)}},
			"X-Forwarded-For", "192.0.2."+strconv.Itoa(i+1))
	}
	if t.Failed() {
		t.FailNow()
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	allocCtx, allocCancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(execPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")), chromedp.WindowSize(1280, 900),
	)
	defer allocCancel()
	bctx, bcancel := chromedp.NewContext(allocCtx)
	defer bcancel()

	console := &browserConsole{}
	var mu sync.Mutex
	var dialogs []string
	browserMust(t, "start the browser and listen", chromedp.Listen(bctx, func(ev any) {
		console.listen(ev)
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			mu.Lock()
			dialogs = append(dialogs, fmt.Sprintf("%s %q at %s", d.Type, d.Message, d.URL))
			mu.Unlock()
			// Listen's callback must not run commands itself.
			go chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}))
	_, err := chromedp.Call(bctx, cdplog.Enable, cdp.Empty{})
	browserMust(t, "log.enable", err)
	_, err = chromedp.Call(bctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: browserWatch})
	browserMust(t, "watch for CSP violations", err)
	defer console.check(t)

	// Each step gets its own deadline, so a page that breaks fails the test
	// at once instead of waiting for the overall timeout.
	step := func() (context.Context, context.CancelFunc) { return context.WithTimeout(bctx, 20*time.Second) }
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := step()
		defer cancel()
		browserMust(t, what, chromedp.Do(sctx, steps...))
	}
	click := func(what, sel string) {
		t.Helper()
		sctx, cancel := step()
		defer cancel()
		_, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(sel)))
		browserMust(t, what, err)
	}
	text := func(what, sel string) string {
		t.Helper()
		sctx, cancel := step()
		defer cancel()
		s, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(sel)))
		browserMust(t, what, err)
		return s
	}
	base := a.srv.URL
	visited := 0
	check := func(what string) {
		t.Helper()
		visited++
		sctx, cancel := step()
		defer cancel()
		v, err := chromedp.Run(sctx, chromedp.Evaluate[browserVerdict](browserVerdictJS))
		browserMust(t, "read "+what, err)
		if v.Pwned != "" {
			t.Errorf("%s: a payload ran (window.__pwned = %q)", what, v.Pwned)
		}
		for _, c := range v.CSP {
			t.Errorf("%s: CSP violation: %s", what, c)
		}
		mu.Lock()
		for _, d := range dialogs {
			t.Errorf("%s: a dialog opened: %s", what, d)
		}
		dialogs = nil
		mu.Unlock()
	}
	open := func(path string) {
		t.Helper()
		do("open "+path, chromedp.Navigate(base+path))
		check(path)
	}

	// Log in as the admin, with the browser's own form.
	do("log in",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#username"), "ada"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	click("submit login", `form[action="/login"] button[type=submit]`)

	open("/")
	browserScreenshot(t, bctx, "hostile-documents")
	// Titles are isolated: a right-to-left override in one cannot reorder
	// the text after its link.
	isolated, err := chromedp.Run(bctx, chromedp.Evaluate[bool](
		`[...document.querySelectorAll('td a, .who span')].every(e => getComputedStyle(e).unicodeBidi === 'isolate')`))
	browserMust(t, "read unicode-bidi", err)
	if !isolated {
		t.Error("user text in links and names is not bidi-isolated")
	}
	for i, id := range seed.docs {
		open("/documents/" + itoa(id))
		if i == 0 {
			browserScreenshot(t, bctx, "hostile-document")
		}
	}
	for next, n := "/queue", 0; next != "" && n < 20; n++ {
		open(next)
		sctx, cancel := step()
		next, err = chromedp.Run(sctx, chromedp.Evaluate[string](`(document.querySelector('a[rel=next]') || {}).getAttribute?.('href') ?? ''`))
		cancel()
		browserMust(t, "next queue page", err)
	}
	for i, id := range seed.claims {
		open("/claims/" + itoa(id))
		if i == 0 {
			browserScreenshot(t, bctx, "hostile-claim")
		}
	}
	open("/activity")
	open("/inbox")
	open("/admin/audit")
	browserScreenshot(t, bctx, "audit")
	open("/admin/audit?event=login_failed")

	// Error pages that repeat what was asked for.
	for _, v := range values[:10] {
		q := url.QueryEscape(v)
		for _, p := range []string{"/queue?status=" + q, "/admin/audit?event=" + q, "/claims/" + url.PathEscape(v)} {
			open(p)
		}
	}

	// The import form, refused, shows everything typed again: inert.
	for _, v := range values[:8] {
		do("fill the import form",
			chromedp.Navigate(base+"/documents/new"),
			chromedp.SetValue(chromedp.CSS("#title"), v),
			chromedp.SetValue(chromedp.CSS("#text"), v+" </textarea><script>window.__pwned=1</script>"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#url').type = 'text'`), // let the browser send what it would refuse
			chromedp.SetValue(chromedp.CSS("#url"), "javascript:window.__pwned=1//"+v),
		)
		click("submit the import form", `form[action="/documents"] button[type=submit]`)
		msg := text("read the refusal", "#import-error")
		if !strings.Contains(msg, "http") {
			t.Errorf("import with URL javascript:...%q: message %q", v, msg)
		}
		check("refused import of " + v)
	}

	// A hostile note saved in place by htmx, then shown in the history.
	claimPath := "/claims/" + itoa(seed.claims[0])
	open(claimPath)
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](`typeof window.htmx === 'object'`, chromedp.WithPollingTimeout(10*time.Second)))
	browserMust(t, "wait for htmx", err)
	browserNoReload := `window.__noReload = true`
	do("mark the page", chromedp.Evaluate[chromedp.Void](browserNoReload))
	const note = `<img src=x onerror="window.__pwned='htmx'"><script>window.__pwned='htmx'</script><div hx-get="/logout" hx-trigger="load">x</div>`
	do("type a hostile note",
		chromedp.SetValue(chromedp.CSS("#note"), note),
		chromedp.Click(chromedp.CSS("button[name=status][value=unverified]")),
	)
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](fmt.Sprintf(`[...document.querySelectorAll('ol.history p.note')].some(p => p.textContent === %s)`, browserJS(note)),
		chromedp.WithPollingTimeout(10*time.Second)))
	browserMust(t, "the note shown as text after the htmx swap", err)
	check("htmx swap with a hostile note")
	if same, _ := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.__noReload === true`)); !same {
		t.Error("the note was saved with a page load, not the htmx swap this check is about")
	}
	// Still logged in: the hx-get="/logout" in the note did nothing.
	open("/")
	who := text("still logged in", ".who")
	if !strings.Contains(who, "ada") {
		t.Errorf("after the hostile note the header reads %q", who)
	}

	// Logged out, the login page with a hostile next.
	click("log out", `form[action="/logout"] button`)
	for _, v := range values[:8] {
		open("/login?next=" + url.QueryEscape(v))
	}
	t.Logf("%d pages checked in Chromium", visited)
	if visited < 60 {
		t.Errorf("only %d pages checked", visited)
	}
}
