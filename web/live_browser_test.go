package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/web"
)

// browserTest is the real app on a real port and one Chromium; each
// browser() is a separate browser context, with its own cookies, like a
// second person at another computer.
type browserTest struct {
	t     *testing.T
	store *db.Store
	base  string
	root  context.Context // the first tab: it owns the Chromium process
}

const browserPassword = "a long passphrase for tests"

func startBrowserTest(t *testing.T, timeout time.Duration) *browserTest {
	t.Helper()
	return startBrowserTestWith(t, timeout, web.Config{})
}

// startBrowserTestWith is startBrowserTest with settings of the server's
// own (its Store and Log are filled in).
func startBrowserTestWith(t *testing.T, timeout time.Duration, cfg web.Config) *browserTest {
	t.Helper()
	execPath := browserExecPath()
	if execPath == "" {
		if os.Getenv("FACTDESK_REQUIRE_BROWSER") == "1" {
			t.Fatal("FACTDESK_REQUIRE_BROWSER=1 but no chromium, chromium-browser or google-chrome was found (apt-get install -y chromium)")
		}
		t.Skip("no Chromium found; apt-get install -y chromium, or set FACTDESK_REQUIRE_BROWSER=1 to make this a failure")
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	browserMust(t, "open db", err)
	cfg.Store, cfg.Log = store, slog.New(slog.NewTextHandler(io.Discard, nil))
	e := web.New(cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	browserMust(t, "listen", err)
	ts := httptest.NewUnstartedServer(e)
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()

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
	root, rootCancel := chromedp.NewContext(allocCtx)
	// Cleanups run last first: the browser goes, then open streams are
	// told to end, then the server and the database close.
	t.Cleanup(func() { store.Close() })
	t.Cleanup(ts.Close)
	t.Cleanup(func() { e.Server.Shutdown(context.Background()) }) // ends open event streams
	t.Cleanup(cancel)
	t.Cleanup(allocCancel)
	t.Cleanup(rootCancel)
	browserMust(t, "start Chromium", chromedp.Do(root))
	return &browserTest{t: t, store: store, base: "http://" + ln.Addr().String(), root: root}
}

func (bt *browserTest) user(name, role string) db.User {
	bt.t.Helper()
	hash, err := auth.HashPassword(browserPassword)
	browserMust(bt.t, "hash", err)
	u, err := bt.store.CreateUser(context.Background(), name, hash, role)
	browserMust(bt.t, "create user "+name, err)
	return u
}

// tab is one browser context with one page.
type tab struct {
	t       *testing.T
	name    string
	bt      *browserTest
	ctx     context.Context
	console *browserConsole
}

// articleClaims imports the browser article and returns its claims in
// queue order.
func (bt *browserTest) articleClaims() []db.Claim {
	bt.t.Helper()
	ctx := context.Background()
	_, _, _, err := bt.store.ImportDocument(ctx, db.NewDocument{Title: browserTitle, Body: browserArticle})
	browserMust(bt.t, "import", err)
	page, err := bt.store.Queue(ctx, db.QueueFilter{Limit: 50})
	browserMust(bt.t, "queue", err)
	if len(page.Claims) < 2 {
		bt.t.Fatalf("the article gave %d claims", len(page.Claims))
	}
	return page.Claims
}

func (bt *browserTest) browser(name string) *tab {
	bt.t.Helper()
	ctx, cancel := chromedp.NewContext(bt.root, chromedp.WithNewBrowserContext())
	bt.t.Cleanup(cancel)
	b := &tab{t: bt.t, name: name, bt: bt, ctx: ctx, console: &browserConsole{}}
	browserMust(bt.t, name+": open a tab and listen", chromedp.Listen(ctx, b.console.listen))
	_, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	browserMust(bt.t, name+": log.enable", err)
	return b
}

func (b *tab) must(what string, err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatalf("%s: %s: %v", b.name, what, err)
	}
}

func (b *tab) open(path string) {
	b.t.Helper()
	b.must("open "+path, chromedp.Do(b.ctx, chromedp.Navigate(b.bt.base+path)))
	b.waitJS("htmx on "+path, `document.readyState === 'complete' && typeof window.htmx === 'object'`)
}

func (b *tab) login(name string) {
	b.t.Helper()
	b.open("/login")
	b.must("log in", chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#username"), name),
		chromedp.SendKeys(chromedp.CSS("#password"), browserPassword),
	))
	_, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	b.must("submit the login form", err)
	if p := browserPath(b.t, b.ctx); p != "/" {
		b.t.Fatalf("%s: after login at %q", b.name, p)
	}
}

// waitJS polls a JavaScript condition: tests wait on what the page shows,
// never for a fixed time. Each check is short, so a page that navigates
// meanwhile (its old document gone, the new one not there yet) is simply
// checked again.
func (b *tab) waitJS(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(`+cond+`)`))
		cancel()
		if err == nil && ok {
			return
		}
		if b.ctx.Err() != nil {
			break
		}
		last = err
		time.Sleep(20 * time.Millisecond) // between checks, not instead of one
	}
	html, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.querySelector('main') || document.body).outerHTML`))
	b.t.Fatalf("%s: waiting for %s: not true after 15s (last error: %v)\npage now:\n%s", b.name, what, last, html)
}

// waitLive waits until the page's event stream is open.
func (b *tab) waitLive() {
	b.t.Helper()
	b.waitJS("the live stream", `!!document.querySelector('[sse-connect][data-live="open"]')`)
}

func (b *tab) js(expr string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	b.must("evaluate "+expr, err)
	return v
}

// key presses one key where the focus is, as a keyboard does: a keydown
// that carries the key's text, then a keyup. (chromedp.KeyEvent sends the
// text as a separate char event, which a page cannot cancel from keydown
// as it can a real key press.)
func (b *tab) keyAction(k string) chromedp.Action[chromedp.Void] {
	b.t.Helper()
	r := []rune(k)
	v, ok := kb.Keys[r[0]]
	if len(r) != 1 || !ok {
		b.t.Fatalf("%s: no key for %q", b.name, k)
	}
	down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeRawKeyDown, Key: v.Key, Code: v.Code,
		WindowsVirtualKeyCode: v.Windows, NativeVirtualKeyCode: v.Native}
	if v.Shift {
		down.Modifiers = int64(kb.ModifierShift)
	}
	if v.Print || k == "\r" {
		down.Type, down.Text, down.UnmodifiedText = input.DispatchKeyEventTypeKeyDown, v.Text, v.Unmodified
	}
	up := down
	up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, ev := range []input.DispatchKeyEventParams{down, up} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, ev); err != nil {
				return err
			}
		}
		return nil
	})
}

func (b *tab) key(k string) {
	b.t.Helper()
	b.must("press "+k, chromedp.Do(b.ctx, b.keyAction(k)))
}

// keyNav presses a key that opens another page, and waits for it to load.
func (b *tab) keyNav(k, wantPath string) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, b.keyAction(k))
	b.must("press "+k+" to go to "+wantPath, err)
	if p := b.path(); res == nil || res.Status != 200 || p != wantPath {
		b.t.Fatalf("%s: pressing %q led to %q, want %s", b.name, k, p, wantPath)
	}
	b.waitJS("htmx on "+wantPath, `document.readyState === 'complete' && typeof window.htmx === 'object'`)
}

func (b *tab) click(sel string) {
	b.t.Helper()
	b.must("click "+sel, chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(sel))))
}

func (b *tab) path() string { return browserPath(b.t, b.ctx) }

func (b *tab) setSize(w, h int64) {
	b.must("resize", chromedp.Do(b.ctx, chromedp.EmulateViewport(w, h)))
}

const claimStateJS = `(() => ({
	badge: (document.querySelector('dl.facts .badge') || {}).textContent?.trim() ?? '',
	notes: [...document.querySelectorAll('ol.history li')].map(li => li.textContent),
	current: (document.querySelector('button.verdict.current') || {}).value ?? '',
	note: (document.querySelector('#note') || {}).value ?? '',
	mark: (document.querySelector('mark.hl') || {}).textContent ?? '',
}))()`

func (b *tab) claimState() browserClaimState {
	b.t.Helper()
	st, err := chromedp.Run(b.ctx, chromedp.Evaluate[browserClaimState](claimStateJS))
	b.must("read the claim", err)
	return st
}

// TestTwoReviewersLive: two reviewers, two browser contexts, one claim.
// A's change reaches B's page without a reload; B's change made on the
// version B opened is refused in place with the newer state; then the
// keyboard flow, on the claim page and the queue.
func TestTwoReviewersLive(t *testing.T) {
	bt := startBrowserTest(t, 120*time.Second)
	ctx := context.Background()
	bt.user("rita", "reviewer")
	bt.user("rob", "reviewer")
	docID, _, _, err := bt.store.ImportDocument(ctx, db.NewDocument{Title: browserTitle, Body: browserArticle})
	browserMust(t, "import", err)
	page, err := bt.store.Queue(ctx, db.QueueFilter{Limit: 50})
	browserMust(t, "queue", err)
	if len(page.Claims) < 4 {
		t.Fatalf("%d claims in document %d", len(page.Claims), docID)
	}
	q := page.Claims
	target := q[1] // it has a claim before and after it in the queue
	claimPath := fmt.Sprintf("/claims/%d", target.ID)

	a, b := bt.browser("rita"), bt.browser("rob")
	a.login("rita")
	b.login("rob")
	a.open(claimPath)
	b.open(claimPath)
	a.waitLive()
	b.waitLive()
	// A marker that a reload would wipe, and a note rob is in the middle of.
	b.js(`window.__noReload = 'yes'`)
	const robNote = "Checking the utility's annual report"
	b.must("type rob's note", chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS("#note"), robNote)))

	// 1. rita confirms, with a note, by mouse.
	const ritaNote = "Matches the board minutes of 3 March."
	a.must("type rita's note", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#note"), ritaNote)))
	start := time.Now()
	a.click(`button[name=status][value=confirmed]`)
	a.waitJS("rita's save", `(document.querySelector('#review-saved') || {}).textContent?.includes('Confirmed')`)

	// 2. rob's page shows it, live.
	b.waitJS("rita's change on rob's page", fmt.Sprintf(`(() => {
		const badge = document.querySelector('dl.facts .badge');
		return !!badge && badge.textContent.trim() === 'Confirmed' &&
			[...document.querySelectorAll('ol.history li')].some(li => li.textContent.includes(%s));
	})()`, browserJS(ritaNote)))
	t.Logf("rita's change reached rob's page %v after her click", time.Since(start).Round(time.Millisecond))
	if b.js(`window.__noReload`) != "yes" {
		t.Fatal("rob's page reloaded to show the change")
	}
	st := b.claimState()
	if st.Note != robNote || st.Current != "confirmed" {
		t.Errorf("rob's page after the live update: note %q (want his text kept), current verdict %q", st.Note, st.Current)
	}
	if n := b.js(`document.querySelector('#live-notice').textContent`); !strings.Contains(n, "rita changed this claim to Confirmed") {
		t.Errorf("live notice = %q", n)
	}
	b.waitJS("the change announced to screen readers", `document.querySelector('#announce').textContent.includes('rita changed this claim')`)
	browserScreenshot(t, b.ctx, "two-live-update")

	// 3. rob, by keyboard: Esc leaves the note, d disputes. His form still
	// holds the version he opened: refused, in place, with the newer state.
	b.key(special("Escape"))
	b.key("d")
	b.waitJS("the refusal", `(() => {
		const e = document.querySelector('#review-error');
		return !!e && e.textContent.includes('someone else changed') && e.textContent.includes('Confirmed');
	})()`)
	if st := b.claimState(); st.Note != robNote || st.Badge != "Confirmed" {
		t.Errorf("after the refusal: note %q, badge %q", st.Note, st.Badge)
	}
	if cl, _ := bt.store.Claim(ctx, target.ID); cl.Status != "confirmed" || cl.Version != 2 {
		t.Fatalf("the stale change went through: %s v%d", cl.Status, cl.Version)
	}
	browserScreenshot(t, b.ctx, "two-refused")

	// 4. Now on the newer version, d saves; rita sees rob's change live.
	b.key("d")
	b.waitJS("rob's save", `(document.querySelector('#review-saved') || {}).textContent?.includes('Disputed')`)
	a.waitJS("rob's change on rita's page", `(() => {
		const badge = document.querySelector('dl.facts .badge');
		return !!badge && badge.textContent.trim() === 'Disputed' && document.querySelector('#live-notice').textContent.includes('rob changed');
	})()`)
	a.waitJS("rita's own Saved line gone after rob's change", `!document.querySelector('#review-saved')`)
	hist, _ := bt.store.History(ctx, target.ID)
	if len(hist) != 2 || hist[0].Username != "rob" || hist[0].Note != robNote || hist[0].To != "disputed" {
		t.Fatalf("history = %+v", hist)
	}

	// 5. n focuses the note; typed keys go into it, not to shortcuts.
	b.key("n")
	b.waitJS("n to focus the note", `document.activeElement && document.activeElement.id === 'note'`)
	b.must("type in the note", chromedp.Do(b.ctx, chromedp.KeyEvent("just checking: j k c d u")))
	if p := b.path(); p != claimPath {
		t.Fatalf("typing j in the note navigated to %q", p)
	}
	if cl, _ := bt.store.Claim(ctx, target.ID); cl.Version != 3 {
		t.Fatalf("typing c/d/u in the note changed the claim: v%d", cl.Version)
	}
	b.key(special("Escape"))
	b.key("u")
	b.waitJS("u to save unverified with the note", `(document.querySelector('#review-saved') || {}).textContent?.includes('Unverified')`)
	if hist, _ := bt.store.History(ctx, target.ID); len(hist) != 3 || hist[0].Note != "just checking: j k c d u" || hist[0].To != "unverified" {
		t.Fatalf("history after u = %+v", hist)
	}

	// 6. ? lists the shortcuts in a modal dialog; Esc closes it.
	b.key("?")
	b.waitJS("the shortcut list", `!!document.querySelector('dialog#shortcuts[open]') && document.querySelector('dialog#shortcuts').contains(document.activeElement)`)
	b.key("j") // inside the dialog, j does nothing
	if p := b.path(); p != claimPath {
		t.Fatalf("j with the dialog open navigated to %q", p)
	}
	b.key(special("Escape"))
	b.waitJS("the dialog to close", `!document.querySelector('dialog#shortcuts[open]')`)
	// The button does the same, for the mouse.
	b.click("[data-open-shortcuts]")
	b.waitJS("the shortcut list by mouse", `!!document.querySelector('dialog#shortcuts[open]')`)
	b.click("dialog#shortcuts button[type=submit]")
	b.waitJS("the dialog to close by mouse", `!document.querySelector('dialog#shortcuts[open]')`)

	// 7. j and k step through the queue: to its end and back, more pages
	// than a browser keeps connections to one server (six), so a page that
	// kept its stream open after being left would stall the walk.
	for i := 2; i < len(q); i++ {
		b.keyNav("j", fmt.Sprintf("/claims/%d", q[i].ID))
	}
	for i := len(q) - 2; i >= 0; i-- {
		b.keyNav("k", fmt.Sprintf("/claims/%d", q[i].ID))
	}
	// At the start, k stays and says so.
	b.key("k")
	b.waitJS("k at the first claim to say so", fmt.Sprintf(`location.pathname === '/claims/%d' &&
		document.getElementById('announce').textContent === 'First in this queue.' &&
		document.querySelector('.claim-nav [data-end=prev]').classList.contains('nudge')`, q[0].ID))
	browserScreenshot(t, b.ctx, "claim-first-in-queue")
	if len(q) < 7 {
		t.Fatalf("the walk covers %d pages, fewer than the connection limit", 2*len(q)-3)
	}

	// 8. The queue: j/k select rows, c confirms the selected one; rita's
	// queue shows it live.
	a.open("/queue")
	b.open("/queue")
	a.waitLive()
	b.waitLive()
	b.key("j")
	b.waitJS("j to select the first row", fmt.Sprintf(`(() => {
		const r = document.querySelector('tr.selected');
		return !!r && r.dataset.claim === '%d' && r.getAttribute('aria-current') === 'true' && r.contains(document.activeElement);
	})()`, q[0].ID))
	b.key("j")
	b.key("j")
	b.key("k")
	b.waitJS("j j k to select the second row", fmt.Sprintf(`document.querySelector('tr.selected')?.dataset.claim === '%d'`, q[1].ID))
	b.key("c")
	b.waitJS("c to confirm the selected row", fmt.Sprintf(`(() => {
		const r = document.getElementById('claim-row-%d');
		return !!r && r.querySelector('.badge').textContent.trim() === 'Confirmed' && r.textContent.includes('Saved') &&
			r.classList.contains('selected') && r.contains(document.activeElement);
	})()`, q[1].ID))
	a.waitJS("rob's change on rita's queue", fmt.Sprintf(`(() => {
		const r = document.getElementById('claim-row-%d');
		return !!r && r.querySelector('.badge').textContent.trim() === 'Confirmed' && r.textContent.includes('changed by rob');
	})()`, q[1].ID))
	browserScreenshot(t, a.ctx, "two-queue-live")
	browserScreenshot(t, b.ctx, "two-queue-keyboard")
	// rita, by keyboard, on the row rob's change just replaced: as on the
	// claim page, refused once with the newer state, then saved.
	a.key("j")
	a.key("j")
	a.waitJS("j j to select rob's row", fmt.Sprintf(`document.querySelector('tr.selected')?.dataset.claim === '%d'`, q[1].ID))
	a.key("d")
	a.waitJS("the refusal in the row", fmt.Sprintf(`(() => {
		const r = document.getElementById('claim-row-%d');
		return !!r && r.textContent.includes('someone else changed this claim first') && r.textContent.includes('It is now Confirmed');
	})()`, q[1].ID))
	if cl, _ := bt.store.Claim(ctx, q[1].ID); cl.Status != "confirmed" {
		t.Fatalf("rita's keyboard verdict went over rob's unseen change: %s", cl.Status)
	}
	a.key("d")
	a.waitJS("d again to dispute", fmt.Sprintf(`document.getElementById('claim-row-%d')?.querySelector('.badge').textContent.trim() === 'Disputed'`, q[1].ID))
	if cl, _ := bt.store.Claim(ctx, q[1].ID); cl.Status != "disputed" {
		t.Fatalf("after the refusal, d saved %s", cl.Status)
	}
	// rob's queue shows rita's change in the row he has selected, which
	// keeps the selection and the focus through the live update.
	b.waitJS("rita's change on rob's selected row", fmt.Sprintf(`(() => {
		const r = document.getElementById('claim-row-%d');
		return !!r && r.querySelector('.badge').textContent.trim() === 'Disputed' && r.classList.contains('selected') &&
			r.contains(document.activeElement) && !r.classList.contains('htmx-swapping');
	})()`, q[1].ID))
	// Enter opens the selected claim, keeping the queue.
	b.keyNav(special("Enter"), fmt.Sprintf("/claims/%d", q[1].ID))

	// 9. / goes to search.
	b.key("/")
	b.waitJS("/ to focus the search", `document.activeElement && document.activeElement.id === 'site-search'`)
	b.must("type a search", chromedp.Do(b.ctx, chromedp.KeyEvent("reservoir")))
	b.key(special("Enter"))
	b.waitJS("search results", `location.pathname === '/search' && document.querySelectorAll('ol.results mark').length > 0`)
	browserScreenshot(t, b.ctx, "two-search")

	a.console.check(t)
	b.console.check(t)
}

// Two reviewers at once, beyond status changes: rita's comment and
// evidence appear on rob's open claim page, leaving what he is typing and
// the version his form holds alone; rita's status change recolours the
// claim's highlight on rob's open document page.
func TestTwoReviewersSeeTeamWorkLive(t *testing.T) {
	bt := startBrowserTest(t, 90*time.Second)
	ctx := context.Background()
	bt.user("rita", "reviewer")
	bt.user("rob", "reviewer")
	docID, _, _, err := bt.store.ImportDocument(ctx, db.NewDocument{Title: browserTitle, Body: browserArticle})
	browserMust(t, "import", err)
	page, err := bt.store.Queue(ctx, db.QueueFilter{Limit: 50})
	browserMust(t, "queue", err)
	if len(page.Claims) < 2 {
		t.Fatalf("%d claims", len(page.Claims))
	}
	target := page.Claims[0]
	claimPath := fmt.Sprintf("/claims/%d", target.ID)

	a, b := bt.browser("rita"), bt.browser("rob")
	a.login("rita")
	b.login("rob")
	a.open(claimPath)
	b.open(claimPath)
	a.waitLive()
	b.waitLive()
	b.js(`window.__noReload = 'yes'`)
	const robDraft = "Half a thought about the"
	b.must("type rob's draft comment", chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS("#comment-body"), robDraft)))

	// 1. rita comments; rob's page shows it.
	const ritaComment = "The 3.5% is in the utility's July tariff notice. @rob can you check?"
	a.must("type rita's comment", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#comment-body"), ritaComment)))
	start := time.Now()
	a.click(`#comments form button[type=submit]`)
	b.waitJS("rita's comment on rob's page", fmt.Sprintf(`[...document.querySelectorAll('#comment-items li')].some(li => li.textContent.includes(%s))`, browserJS(ritaComment)))
	t.Logf("rita's comment reached rob's page %v after her click", time.Since(start).Round(time.Millisecond))
	if b.js(`window.__noReload`) != "yes" {
		t.Fatal("rob's page reloaded to show the comment")
	}
	if d := b.js(`document.querySelector('#comment-body').value`); d != robDraft {
		t.Errorf("rob's draft comment after the live update = %q", d)
	}
	if n := b.js(`document.querySelector('#live-notice').textContent`); !strings.Contains(n, "rita commented") {
		t.Errorf("live notice = %q", n)
	}

	// 2. rita attaches evidence; rob sees it.
	a.waitLive()
	a.js(`(document.querySelector('#evidence details').open = true, 'open')`)
	a.must("fill the evidence link", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#ev-url"), "https://example.org/tariff-2026")))
	a.must("fill the evidence title", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#ev-title"), "July tariff notice")))
	a.click(`#evidence form button[type=submit]`)
	b.waitJS("rita's evidence on rob's page", `document.querySelector('#evidence-items').textContent.includes('July tariff notice')`)
	browserScreenshot(t, b.ctx, "live-comments")

	// 3. Neither changed the version rob's review form holds: it saves.
	b.click(`button[name=status][value=confirmed]`)
	b.waitJS("rob's save", `(document.querySelector('#review-saved') || {}).textContent?.includes('Confirmed')`)

	// 4. rob watches the document page; rita disputes the claim; the
	// highlight turns disputed on rob's page.
	docPath := fmt.Sprintf("/documents/%d", docID)
	b.open(docPath)
	b.waitLive()
	b.js(`window.__noReload = 'yes'`)
	mark := fmt.Sprintf("#claim-%d", target.ID)
	b.waitJS("the confirmed highlight", fmt.Sprintf(`document.querySelector(%s).classList.contains('s-confirmed')`, browserJS(mark)))
	a.open(claimPath)
	a.waitLive()
	start = time.Now()
	a.click(`button[name=status][value=disputed]`)
	b.waitJS("the highlight turns disputed", fmt.Sprintf(`(() => {
		const m = document.querySelector(%s);
		const li = document.querySelector('#doc-claim-%d .badge');
		return !!m && m.classList.contains('s-disputed') && !!li && li.textContent.trim() === 'Disputed';
	})()`, browserJS(mark), target.ID))
	t.Logf("rita's change reached rob's document page %v after her click", time.Since(start).Round(time.Millisecond))
	// So does the document's progress above the text.
	prog, err := bt.store.DocumentProgress(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	b.waitJS("the progress to count the dispute", fmt.Sprintf(`document.querySelector('#doc-progress .c-disputed')?.textContent.trim() === '%d disputed' &&
		document.querySelector('#doc-progress .c-confirmed')?.textContent.trim() === '%d confirmed'`, prog.Disputed, prog.Confirmed))
	if b.js(`window.__noReload`) != "yes" {
		t.Fatal("rob's document page reloaded")
	}
	browserScreenshot(t, b.ctx, "live-document")

	a.console.check(t)
	b.console.check(t)
}

// special names a key that has no character of its own.
func special(name string) string {
	switch name {
	case "Escape":
		return "\u001b"
	case "Enter":
		return "\r"
	}
	return name
}

// An editor's queue: a row ticked for a bulk action stays ticked when a
// live update replaces it, at the version it was ticked; the page with its
// bulk form passes axe too.
func TestLiveQueueKeepsBulkSelection(t *testing.T) {
	bt := startBrowserTest(t, 90*time.Second)
	ctx := context.Background()
	bt.user("eddie", "editor")
	rita := bt.user("rita", "reviewer")
	claims := bt.articleClaims()
	first, second := claims[0], claims[1]

	e := bt.browser("eddie")
	e.login("eddie")
	e.open("/queue")
	e.waitLive()
	axeCheck(t, e.ctx, "the editor's queue")
	e.click(fmt.Sprintf("#sel-%d", first.ID))
	e.waitJS("the count", `document.getElementById('bulk-count').textContent.includes('1 selected')`)

	_, err := bt.store.SetStatus(ctx, first.ID, rita.ID, 1, "disputed", "")
	browserMust(t, "rita's change", err)
	_, err = bt.store.SetStatus(ctx, second.ID, rita.ID, 1, "confirmed", "")
	browserMust(t, "rita's change", err)
	e.waitJS("both rows updated live", fmt.Sprintf(`(() => {
		const a = document.getElementById('claim-row-%d'), b = document.getElementById('claim-row-%d');
		return a.dataset.version === '2' && b.dataset.version === '2' && a.textContent.includes('changed by rita');
	})()`, first.ID, second.ID))
	e.waitJS("the ticked row still ticked, at the version ticked", fmt.Sprintf(`(() => {
		const box = document.getElementById('sel-%d'), other = document.getElementById('sel-%d');
		return box.checked && box.value === '%d:1' && !other.checked && other.value === '%d:2' &&
			document.getElementById('bulk-count').textContent.includes('1 selected');
	})()`, first.ID, second.ID, first.ID, second.ID))
	browserScreenshot(t, e.ctx, "queue-editor-live")
	e.console.check(t)
}

// The queue's bulk form refuses on the spot what the server would refuse,
// keeping the selection, and stays in view while claims are selected.
func TestBulkFormRefusesInPlace(t *testing.T) {
	bt := startBrowserTest(t, 60*time.Second)
	ctx := context.Background()
	bt.user("eddie", "editor")
	first := bt.articleClaims()[0]

	e := bt.browser("eddie")
	e.login("eddie")
	e.open("/queue")
	e.js(`(window.__stay = 'yes', 'set')`)
	e.click(`#bulk button[value=dismiss]`)
	if msg := e.js(`document.querySelector('#bulk button[value=dismiss]').validationMessage`); !strings.Contains(msg, "Select the claims") {
		t.Errorf("dismissing nothing: message %q", msg)
	}
	e.click(fmt.Sprintf("#sel-%d", first.ID))
	e.waitJS("the count", `document.getElementById('bulk-count').textContent.includes('1 selected')`)
	if pos := e.js(`getComputedStyle(document.getElementById('bulk')).position`); pos != "sticky" {
		t.Errorf("the bulk form with a claim selected is %q, want sticky", pos)
	}
	// Narrower, the form would fill the window: it stays in place, and a
	// bar at the foot counts the selection and leads to it.
	for _, w := range []int64{768, 390} {
		e.setSize(w, 800)
		if pos := e.js(`getComputedStyle(document.getElementById('bulk')).position`); pos == "sticky" {
			t.Errorf("at %dpx the bulk form sticks to the window", w)
		}
		if bar := e.js(`(() => { const j = document.getElementById('bulk-jump'); return j && getComputedStyle(j).display !== 'none' ? j.textContent : ''; })()`); !strings.Contains(bar, "1 selected") {
			t.Errorf("at %dpx: no bar counting the selection (%q)", w, bar)
		}
	}
	browserScreenshot(t, e.ctx, "queue-bulk-390")
	e.setSize(1280, 900)
	if bar := e.js(`getComputedStyle(document.getElementById('bulk-jump')).display`); bar != "none" {
		t.Errorf("at 1280px the selection bar shows too (%s)", bar)
	}
	e.click(`#bulk button[value=dismiss]`)
	if msg := e.js(`document.getElementById('bulk-note').validationMessage`); !strings.Contains(msg, "Say why") {
		t.Errorf("dismissing without a reason: message %q", msg)
	}
	browserScreenshot(t, e.ctx, "queue-bulk-refused")
	if e.js(`window.__stay`) != "yes" || e.js(fmt.Sprintf(`String(document.getElementById("sel-%d").checked)`, first.ID)) != "true" {
		t.Error("the page was left, or the selection lost")
	}
	if c, err := bt.store.Claim(ctx, first.ID); err != nil || c.Dismissed {
		t.Fatalf("dismissed without a reason: %+v, %v", c, err)
	}
	// With a reason it goes.
	e.must("type a reason", chromedp.Do(e.ctx, chromedp.SendKeys(chromedp.CSS("#bulk-note"), "a caption")))
	e.click(`#bulk button[value=dismiss]`)
	e.waitJS("the result", `(document.querySelector('.flash') || {}).textContent?.includes('Dismissed')`)
	if c, err := bt.store.Claim(ctx, first.ID); err != nil || !c.Dismissed {
		t.Fatalf("after dismissing with a reason: %+v, %v", c, err)
	}
	e.console.check(t)
}

// Enter in a one-line field of a form whose buttons each choose an action
// chooses none: not a verdict on the claim page, not a status in the
// queue's bulk form.
func TestEnterChoosesNoVerdict(t *testing.T) {
	bt := startBrowserTest(t, 60*time.Second)
	ctx := context.Background()
	bt.user("eddie", "editor")
	claims := bt.articleClaims()
	first, second := claims[0], claims[1]

	e := bt.browser("eddie")
	e.login("eddie")
	e.open(fmt.Sprintf("/claims/%d", first.ID))
	if n := e.js(`String([...document.querySelectorAll('button.no-implicit')].filter(b => b.getClientRects().length).length)`); n != "0" {
		t.Errorf("%s hidden default buttons show on the claim page", n)
	}
	e.js(`(document.querySelector('details.evidence-fields').open = true, 'open')`)
	e.must("type a note", chromedp.Do(e.ctx, chromedp.SendKeys(chromedp.CSS("#note"), "Checked against the minutes")))
	e.must("type a link", chromedp.Do(e.ctx, chromedp.SendKeys(chromedp.CSS("#status-ev-url"), "https://example.org/minutes")))
	e.must("type a title and Enter", chromedp.Do(e.ctx, chromedp.SendKeys(chromedp.CSS("#status-ev-title"), "Council minutes"+kb.Enter)))
	e.click(`button[name=status][value=disputed]`)
	e.waitJS("the verdict", `(document.querySelector('#review-saved') || {}).textContent?.includes('Disputed')`)
	hist, err := bt.store.History(ctx, first.ID)
	if err != nil || len(hist) != 1 || hist[0].To != "disputed" {
		t.Fatalf("history after Enter, then Disputed: %+v %v", hist, err)
	}

	e.open("/queue")
	e.click(fmt.Sprintf("#sel-%d", second.ID))
	if n := e.js(`String([...document.querySelectorAll('button.no-implicit')].filter(b => b.getClientRects().length).length)`); n != "0" {
		t.Errorf("%s hidden default buttons show in the queue", n)
	}
	e.must("type a reason and Enter", chromedp.Do(e.ctx, chromedp.SendKeys(chromedp.CSS("#bulk-note"), "a caption"+kb.Enter)))
	e.click(`#bulk button[value=dismiss]`)
	e.waitJS("the result", `(document.querySelector('.flash') || {}).textContent?.includes('Dismissed')`)
	hist, err = bt.store.History(ctx, second.ID)
	if err != nil || len(hist) != 1 || hist[0].Action != "dismiss" {
		t.Fatalf("history after Enter, then Dismiss: %+v %v", hist, err)
	}
	e.console.check(t)
}

// Evidence added from the keyboard: its form folds away, and the focus
// goes to the message beside it, not back to the top of the page. A
// comment's message is said in the comments card too.
func TestTeamCardsSayWhatWasDoneWhereTheUserIs(t *testing.T) {
	bt := startBrowserTest(t, 60*time.Second)
	bt.user("eddie", "editor")
	first := bt.articleClaims()[0]

	e := bt.browser("eddie")
	e.login("eddie")
	e.open(fmt.Sprintf("/claims/%d", first.ID))
	e.click(`#evidence details > summary`)
	e.must("type a link", chromedp.Do(e.ctx, chromedp.SendKeys(chromedp.CSS("#ev-url"), "https://example.org/minutes")))
	e.must("type a title and Enter", chromedp.Do(e.ctx, chromedp.SendKeys(chromedp.CSS("#ev-title"), "Council minutes"+kb.Enter)))
	e.waitJS("the evidence's message", `(document.querySelector('#evidence #evidence-saved') || {}).textContent?.includes('Evidence added')`)
	e.waitJS("the focus on it", `document.activeElement === document.getElementById('evidence-saved')`)
	if n := e.js(`String(document.querySelectorAll('#review-saved').length)`); n != "0" {
		t.Error("the evidence's message is said in the review panel too")
	}

	e.must("write a comment", chromedp.Do(e.ctx, chromedp.SendKeys(chromedp.CSS("#comment-body"), "Ask @nobody about the minutes")))
	e.click(`#comments button[type=submit]`)
	e.waitJS("the comment's message", `(document.querySelector('#comments #comment-saved') || {}).textContent?.includes('told nobody')`)
	e.console.check(t)
}
