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
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/web"
)

// TestBrowserTeamFlow: a reviewer disputes a claim with evidence, mentions a
// colleague and dismisses a sentence; an editor assigns claims in bulk and
// asks for a second opinion; the second reviewer finds it in their inbox,
// answers blind and then sees both verdicts; an admin reads the users,
// activity and agreement pages. Screenshots of each page when
// FACTDESK_SCREENSHOTS is set.
func TestBrowserTeamFlow(t *testing.T) {
	execPath := browserExecPath()
	if execPath == "" {
		if os.Getenv("FACTDESK_REQUIRE_BROWSER") == "1" {
			t.Fatal("FACTDESK_REQUIRE_BROWSER=1 but no chromium, chromium-browser or google-chrome was found (apt-get install -y chromium)")
		}
		t.Skip("no Chromium found; apt-get install -y chromium, or set FACTDESK_REQUIRE_BROWSER=1 to make this a failure")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "team.db"))
	browserMust(t, "open db", err)
	t.Cleanup(func() { store.Close() })
	const password = "team-members-read-footnotes"
	hash, err := auth.HashPassword(password)
	browserMust(t, "hash", err)
	for name, role := range map[string]string{"ada": "admin", "eddie": "editor", "rita": "reviewer", "rob": "reviewer", "vic": "viewer"} {
		_, err := store.CreateUser(ctx, name, hash, role)
		browserMust(t, "create "+name, err)
	}
	rita, _ := store.UserByName(ctx, "rita")
	docID, n, _, err := store.ImportDocument(ctx, db.NewDocument{Title: browserTitle, Body: browserArticle, CreatedBy: rita.ID})
	browserMust(t, "import", err)
	if n < 5 {
		t.Fatalf("only %d claims", n)
	}
	page, err := store.Queue(ctx, db.QueueFilter{Limit: 100})
	browserMust(t, "queue", err)
	claims := page.Claims

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
		chromedp.ExecPath(execPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.WindowSize(1280, 900),
	)
	defer allocCancel()
	bctx, bcancel := chromedp.NewContext(allocCtx)
	defer bcancel()
	console := &browserConsole{}
	browserMust(t, "start browser", chromedp.Listen(bctx, console.listen))
	_, err = chromedp.Call(bctx, cdplog.Enable, cdp.Empty{})
	browserMust(t, "log.enable", err)
	defer console.check(t)

	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%s) || {}).textContent ?? ''`, browserJS(sel))))
		browserMust(t, "read "+sel, err)
		return strings.TrimSpace(s)
	}
	submit := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		resp, err := chromedp.RunResponse(bctx, actions...)
		browserMust(t, what, err)
		if resp.Status >= 400 {
			t.Fatalf("%s: HTTP %d; page says %q", what, resp.Status, text("main"))
		}
	}
	open := func(path string) {
		t.Helper()
		browserMust(t, "open "+path, chromedp.Do(bctx, chromedp.Navigate(base+path)))
		browserNoTemplLeak(t, bctx, path)
	}
	login := func(name string) {
		t.Helper()
		open("/login")
		browserMust(t, "fill login", chromedp.Do(bctx,
			chromedp.SendKeys(chromedp.CSS("#username"), name),
			chromedp.SendKeys(chromedp.CSS("#password"), password)))
		submit("log in as "+name, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	}
	logout := func() {
		t.Helper()
		submit("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	}

	// 1. rita disputes a claim with evidence and mentions rob; dismisses another.
	login("rita")
	target, other := claims[1], claims[4]
	claimURL := fmt.Sprintf("/claims/%d", target.ID)
	open(claimURL)
	browserMust(t, "fill the review", chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#note"), "The board minutes give $3.9 million."),
		chromedp.Click(chromedp.CSS("details.evidence-fields summary")),
		chromedp.SendKeys(chromedp.CSS("#status-ev-url"), "https://example.org/board-minutes"),
		chromedp.SendKeys(chromedp.CSS("#status-ev-title"), "Board minutes, 4 March"),
		chromedp.SendKeys(chromedp.CSS("#status-ev-excerpt"), "extra revenue of $3.9 million a year"),
	))
	// The status form saves through htmx: wait for the swapped history.
	browserMust(t, "click Disputed", chromedp.Do(bctx, chromedp.Click(chromedp.CSS("button[name=status][value=disputed]"))))
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](`(() => { const h = document.querySelector('ol.history > li');
		return !!h && h.textContent.includes('Board minutes, 4 March'); })()`, chromedp.WithPollingTimeout(10*time.Second)))
	browserMust(t, "the history shows the evidence", err)
	browserMust(t, "write a comment", chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#comment-body"), "@rob can you look at the minutes? I make it 3.9, not 4.2.")))
	// The comment form sends through htmx too: wait for the swapped comment.
	browserMust(t, "comment", chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`#comments form button[type=submit]`))))
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](`!!document.querySelector('ol.comments li strong.mention')`, chromedp.WithPollingTimeout(10*time.Second)))
	browserMust(t, "the comment appears", err)
	if got := text("ol.comments li strong.mention"); got != "@rob" {
		t.Errorf("mention shown as %q", got)
	}
	open(fmt.Sprintf("/claims/%d", other.ID))
	browserMust(t, "open the dismiss form", chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS("#dismiss summary")),
		chromedp.SendKeys(chromedp.CSS("#dismiss-reason"), "A photo caption, not a claim")))
	submit("dismiss", chromedp.Click(chromedp.CSS(`#dismiss form button[type=submit]`)))
	if got := text(".dismissed-note"); !strings.Contains(got, "A photo caption") {
		t.Errorf("after dismissing: %q", got)
	}
	browserScreenshot(t, bctx, "claim-dismissed")
	open(fmt.Sprintf("/documents/%d", docID))
	browserScreenshot(t, bctx, "document-team")
	logout()

	// 2. eddie: select all by keyboard, untick two, assign the rest to rob;
	// ask rob for a second opinion on rita's verdict.
	login("eddie")
	open("/queue")
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name=claim][form=bulk]').length`))
	browserMust(t, "count rows", err)
	browserMust(t, "select all by keyboard", chromedp.Do(bctx,
		chromedp.Focus(chromedp.CSS("#select-all")),
		chromedp.KeyEvent(" ")))
	if got := text("#bulk-count"); got != fmt.Sprintf("(%d selected)", rows) {
		t.Fatalf("after select all: %q, want %d selected", got, rows)
	}
	browserMust(t, "untick the target", chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#sel-%d", target.ID)))))
	if got := text("#bulk-count"); got != fmt.Sprintf("(%d selected)", rows-1) {
		t.Errorf("after unticking one: %q", got)
	}
	robOpt, err := chromedp.Run(bctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll('#bulk-assignee option')].find(o => o.textContent === 'rob').value`))
	browserMust(t, "find rob", err)
	browserMust(t, "choose rob", chromedp.Do(bctx, chromedp.SetValue(chromedp.CSS("#bulk-assignee"), robOpt)))
	browserScreenshot(t, bctx, "queue-bulk")
	submit("bulk assign", chromedp.Click(chromedp.CSS(`form#bulk button[value=assign]`)))
	if got := text(".flash"); !strings.Contains(got, fmt.Sprintf("Assigned to rob: %d claims", rows-1)) {
		t.Errorf("bulk flash = %q", got)
	}
	open(claimURL)
	browserMust(t, "choose the second reviewer", chromedp.Do(bctx, chromedp.SetValue(chromedp.CSS("#second-reviewer"), robOpt)))
	submit("ask for a second opinion", chromedp.Click(chromedp.CSS(`#opinions form button[type=submit]`)))
	if got := text("#opinions .pending"); !strings.Contains(got, "rob") {
		t.Errorf("pending opinion = %q", got)
	}
	browserScreenshot(t, bctx, "claim-team")
	logout()

	// 3. rob: two unread in the header; the claim is blind until he answers.
	login("rob")
	if got := text("header a.inbox .count"); got != "2" {
		t.Errorf("rob's unread count = %q, want 2", got)
	}
	open("/inbox")
	browserScreenshot(t, bctx, "inbox")
	submit("follow the request", chromedp.Click(chromedp.CSS(`ol.inbox-list li a[href="`+claimURL+`"]`)))
	main := text("main")
	for _, secret := range []string{"3.9 million", "Board minutes", "I make it 3.9"} {
		if strings.Contains(main, secret) {
			t.Errorf("the blind claim page shows %q", secret)
		}
	}
	if got := text("dl.facts .badge"); got != "Hidden" {
		t.Errorf("status badge for the blind reviewer = %q", got)
	}
	browserScreenshot(t, bctx, "claim-blind")
	browserMust(t, "write the opinion", chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#opinion-note"), "The utility's release says $4.2 million.")))
	submit("give the opinion", chromedp.Click(chromedp.CSS(`#opinion button[value=confirmed]`)))
	if got := text("#opinions .pair"); !strings.Contains(got, "rita") || !strings.Contains(got, "Disputed") ||
		!strings.Contains(got, "Confirmed") || !strings.Contains(got, "disagree") {
		t.Errorf("after answering: %q", got)
	}
	if got := text("#review-saved"); !strings.Contains(got, "Second opinion recorded: Confirmed. You disagree with rita") {
		t.Errorf("the page does not say the opinion was saved: %q (live notice %q)", got, text("#live-notice"))
	}
	browserScreenshot(t, bctx, "claim-opinions")
	logout()

	// 4. ada: users, activity, agreement.
	login("ada")
	open("/admin/users")
	if got := text("table.users tbody"); !strings.Contains(got, "eddie") {
		t.Errorf("users = %q", got)
	}
	browserScreenshot(t, bctx, "admin-users")
	open("/activity")
	if got := text("ol.activity"); !strings.Contains(got, "gave a second opinion") || !strings.Contains(got, "dismissed as not a claim") {
		t.Errorf("activity = %q", got)
	}
	browserScreenshot(t, bctx, "activity")
	open("/agreement")
	if got := text("#overall-percent"); got != "0.0%" {
		t.Errorf("agreement = %q", got)
	}
	browserScreenshot(t, bctx, "agreement")
}
