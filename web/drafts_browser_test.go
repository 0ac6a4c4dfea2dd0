package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"factdesk/web"
)

// Saving one form of the claim page swaps the whole panel; what was typed
// into the other forms (a comment, a link, the review note) stays, while
// the form that was sent comes back as the server rendered it: empty when
// saved, kept with its message when refused as stale.
func TestClaimPageKeepsDraftsOfOtherForms(t *testing.T) {
	bt := startBrowserTest(t, 90*time.Second)
	ctx := context.Background()
	bt.user("rita", "reviewer")
	rob := bt.user("rob", "reviewer")
	target := bt.articleClaims()[0]

	a := bt.browser("rita")
	a.login("rita")
	a.open(fmt.Sprintf("/claims/%d", target.ID))
	a.waitLive()
	a.js(`window.__noReload = 'yes'`)
	value := func(sel string) string {
		t.Helper()
		return a.js(fmt.Sprintf(`(document.querySelector(%s) || {}).value ?? '<missing>'`, browserJS(sel)))
	}

	// 1. A comment and a link half typed; the status is saved with a note.
	const commentDraft = "Not sure yet about the"
	const linkDraft = "https://example.org/minutes"
	const note = "Matches the board minutes."
	a.must("type a comment draft", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#comment-body"), commentDraft)))
	a.js(`(document.querySelector('#evidence details').open = true, 'open')`)
	a.must("type a link draft", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#ev-url"), linkDraft)))
	a.must("type a note", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#note"), note)))
	a.click(`button[name=status][value=confirmed]`)
	a.waitJS("the saved status", `(document.querySelector('#review-saved') || {}).textContent?.includes('Confirmed')`)
	if got, err := bt.store.Claim(ctx, target.ID); err != nil || got.Status != "confirmed" {
		t.Fatalf("after saving: status %q, err %v", got.Status, err)
	}
	if d := value("#comment-body"); d != commentDraft {
		t.Errorf("comment draft after saving the status = %q, want %q", d, commentDraft)
	}
	if d := value("#ev-url"); d != linkDraft {
		t.Errorf("link draft after saving the status = %q, want %q", d, linkDraft)
	}
	if a.js(`String(document.querySelector('#evidence details').open)`) != "true" {
		t.Error("the link draft is folded away")
	}
	if d := value("#note"); d != "" {
		t.Errorf("the saved note is still in the form: %q", d)
	}
	browserScreenshot(t, a.ctx, "claim-drafts-kept")

	// 2. A note half typed; the comment is sent.
	const noteDraft = "Waiting for the utility's answer"
	a.must("type a note draft", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#note"), noteDraft)))
	a.click(`#comments form button[type=submit]`)
	a.waitJS("the comment", fmt.Sprintf(`[...document.querySelectorAll('#comment-items li')].some(li => li.textContent.includes(%s))`, browserJS(commentDraft)))
	if d := value("#note"); d != noteDraft {
		t.Errorf("note draft after sending a comment = %q, want %q", d, noteDraft)
	}
	if d := value("#comment-body"); d != "" {
		t.Errorf("the sent comment is still in its box: %q", d)
	}
	if d := value("#ev-url"); d != linkDraft {
		t.Errorf("link draft after sending a comment = %q, want %q", d, linkDraft)
	}

	// 3. rob changes the claim meanwhile; rita's save is refused as stale,
	// keeping her note (the server's doing) and her new comment draft.
	const commentDraft2 = "One more thing:"
	a.must("type another comment draft", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#comment-body"), commentDraft2)))
	cl, err := bt.store.Claim(ctx, target.ID)
	browserMust(t, "read the claim", err)
	_, err = bt.store.SetStatus(ctx, target.ID, rob.ID, cl.Version, "disputed", "")
	browserMust(t, "rob's change", err)
	a.waitJS("rob's change, live", `document.querySelector('#live-notice').textContent.includes('rob')`)
	// The swap settles (the out-of-date "Saved" line goes) before the
	// click: a click aimed at a button that then moves lands elsewhere.
	a.waitJS("the live change to settle", `!document.querySelector('#review-saved, .htmx-request, .htmx-swapping, .htmx-settling')`)
	if d := value("#note"); d != noteDraft {
		t.Fatalf("note draft after rob's live change = %q, want %q", d, noteDraft)
	}
	a.click(`button[name=status][value=unverified]`)
	a.waitJS("the refusal", `!!document.querySelector('#review-error.conflict')`)
	if d := value("#note"); d != noteDraft {
		t.Errorf("note after the refusal = %q, want %q", d, noteDraft)
	}
	if d := value("#comment-body"); d != commentDraft2 {
		t.Errorf("comment draft after the refusal = %q, want %q", d, commentDraft2)
	}
	if got, err := bt.store.Claim(ctx, target.ID); err != nil || got.Status != "disputed" {
		t.Errorf("after the refusal: status %q, err %v", got.Status, err)
	}
	if a.js(`window.__noReload`) != "yes" {
		t.Error("the page reloaded")
	}
	a.console.check(t)
}

// Saving from the keyboard keeps the keyboard where it was: the panel is
// replaced, and focus goes to the same button in the new one, so the next
// Tab carries on from there rather than from the top of the page.
func TestKeyboardSaveKeepsFocus(t *testing.T) {
	bt := startBrowserTest(t, 60*time.Second)
	bt.user("rita", "reviewer")
	a := bt.browser("rita")
	a.login("rita")
	a.open(fmt.Sprintf("/claims/%d", bt.articleClaims()[0].ID))
	a.waitLive()
	focused := func() string {
		return a.js(`(() => { const e = document.activeElement; if (!e || e === document.body) return 'body';
			return e.tagName.toLowerCase() + (e.name ? '[name=' + e.name + ']' : '') + (e.value && e.tagName === 'BUTTON' ? '[value=' + e.value + ']' : '') +
				(e.closest('#claim-main') ? ' in panel' : ''); })()`)
	}

	a.js(`(document.querySelector('#note').focus(), 'ok')`)
	a.must("type a note", chromedp.Do(a.ctx, chromedp.KeyEvent("Checked against the minutes.")))
	a.js(`(document.querySelector('button[name=status][value=disputed]').focus(), 'ok')`)
	a.key("\r")
	a.waitJS("the saved status", `(document.querySelector('#review-saved') || {}).textContent?.includes('Disputed')`)
	a.waitJS("the swap to settle", `!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')`)
	if got, want := focused(), "button[name=status][value=disputed] in panel"; got != want {
		t.Errorf("focus after saving with Enter: %s, want %s", got, want)
	}
	a.key("\t")
	if got := focused(); !strings.HasSuffix(got, " in panel") {
		t.Errorf("Tab after saving went to %s, outside the review panel", got)
	}

	a.js(`(document.querySelector('#comment-body').focus(), 'ok')`)
	a.must("type a comment", chromedp.Do(a.ctx, chromedp.KeyEvent("Minutes attached.")))
	a.js(`(document.querySelector('#comments form button[type=submit]').focus(), 'ok')`)
	a.key("\r")
	a.waitJS("the comment", `[...document.querySelectorAll('#comment-items li')].some(li => li.textContent.includes('Minutes attached.'))`)
	a.waitJS("the swap to settle", `!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')`)
	if got := focused(); got == "body" || !strings.HasPrefix(got, "button") {
		t.Errorf("focus after sending a comment with Enter: %s, want its button", got)
	}
	a.console.check(t)
}

// A browser cuts pasted text at a field's maxlength without a word. With
// the page's script, nothing is cut: the field says it is too long, by how
// much, and its form is not sent until it is shortened.
func TestLongTextIsNotCutSilently(t *testing.T) {
	bt := startBrowserTest(t, 60*time.Second)
	ctx := context.Background()
	bt.user("rita", "reviewer")
	target := bt.articleClaims()[0]

	a := bt.browser("rita")
	a.login("rita")
	a.open(fmt.Sprintf("/claims/%d", target.ID))
	a.js(`(document.querySelector('#evidence details').open = true, 'open')`)
	a.must("fill the link", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#ev-url"), "https://example.org/report")))
	a.must("fill the title", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#ev-title"), "Annual report")))
	// 1,999 characters are there; three more are typed: past the limit.
	a.js(`(document.querySelector('#ev-excerpt').value = 'é'.repeat(1999), 'set')`)
	a.must("type past the limit", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#ev-excerpt"), "abc")))
	if n := a.js(`String(Array.from(document.querySelector('#ev-excerpt').value).length)`); n != "2002" {
		t.Fatalf("excerpt holds %s characters, want all 2002 typed", n)
	}
	note := a.js(`(document.querySelector('#ev-excerpt + .limit-note') || {}).textContent || ''`)
	if !strings.Contains(note, "2,002") || !strings.Contains(note, "2,000") {
		t.Fatalf("no note saying the excerpt is too long: %q", note)
	}
	a.js(`(document.activeElement.blur(), window.scrollTo(0, 0), 'ok')`)
	time.Sleep(200 * time.Millisecond)
	browserScreenshot(t, a.ctx, "evidence-too-long")
	a.click(`#evidence form button[type=submit]`)
	time.Sleep(300 * time.Millisecond)
	if ev, err := bt.store.ClaimEvidence(ctx, target.ID); err != nil || len(ev) != 0 {
		t.Fatalf("evidence sent with an excerpt over the limit: %d, %v", len(ev), err)
	}
	// Shortened, it goes.
	a.must("shorten", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#ev-excerpt"), "\b\b\b")))
	if note := a.js(`String(!!document.querySelector('#ev-excerpt + .limit-note'))`); note != "false" {
		t.Error("the note stays after shortening")
	}
	a.click(`#evidence form button[type=submit]`)
	a.waitJS("the evidence", `document.querySelectorAll('#evidence li').length > 0`)
	a.console.check(t)
}

// A note typed while the session ends (idle, or logged out on another
// device) is not saved, but it is not lost either: after logging in again
// as the same user, through a mistyped password, it is back in its form.
// Anyone else logging in in that tab gets an empty form, and the note is
// put back once only.
func TestNoteSurvivesAnEndedSession(t *testing.T) {
	bt := startBrowserTest(t, 90*time.Second)
	ctx := context.Background()
	rita := bt.user("rita", "reviewer")
	bt.user("rob", "reviewer")
	target := bt.articleClaims()[0]
	claimPath := fmt.Sprintf("/claims/%d", target.ID)

	a := bt.browser("rita")
	a.login("rita")
	value := func(sel string) string {
		t.Helper()
		return a.js(fmt.Sprintf(`(document.querySelector(%s) || {}).value ?? '<missing>'`, browserJS(sel)))
	}
	endedThenSend := func(note string) {
		t.Helper()
		a.open(claimPath)
		a.must("type a note", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#note"), note)))
		browserMust(t, "end rita's sessions", bt.store.DeleteUserSessions(ctx, rita.ID))
		a.click(`button[name=status][value=disputed]`)
		a.waitJS("the login page", `location.pathname === '/login' && document.readyState === 'complete'`)
		a.waitJS("the notice", `(document.querySelector('#login-notice') || {}).textContent?.includes('kept in this tab')`)
		if got, err := bt.store.Claim(ctx, target.ID); err != nil || got.Status != target.Status || got.Version != target.Version {
			t.Fatalf("after the ended session: claim %+v, err %v; want it unchanged", got, err)
		}
	}
	logIn := func(name, password string) {
		t.Helper()
		a.js(`(document.querySelector('#username').value = '', document.querySelector('#password').value = '', 'cleared')`)
		a.must("log in as "+name, chromedp.Do(a.ctx,
			chromedp.SendKeys(chromedp.CSS("#username"), name),
			chromedp.SendKeys(chromedp.CSS("#password"), password),
		))
		a.click(`form[action="/login"] button[type=submit]`)
	}

	const note = "Checked with the council press office: “not yet.”"
	endedThenSend(note)
	logIn("rita", "not the password")
	a.waitJS("the refused login", `!!document.querySelector('#login-error')`)
	logIn("rita", browserPassword)
	a.waitJS("back on the claim", fmt.Sprintf(`location.pathname === %s && !!document.querySelector('#note')`, browserJS(claimPath)))
	if got := value("#note"); got != note {
		t.Errorf("note after logging in again = %q, want %q", got, note)
	}
	if !strings.Contains(a.js(`(document.querySelector('#unsaved-restored') || {}).textContent || ''`), "not saved yet") {
		t.Error("no word that the note is back and not saved")
	}
	browserScreenshot(t, a.ctx, "note-after-ended-session")
	a.open(claimPath)
	if got := value("#note"); got != "" {
		t.Errorf("note put back a second time: %q", got)
	}

	// Someone else logging in in the same tab does not get rita's note.
	endedThenSend("Only for rita")
	logIn("rob", browserPassword)
	a.waitJS("rob on the claim", fmt.Sprintf(`location.pathname === %s && !!document.querySelector('#note')`, browserJS(claimPath)))
	if got := value("#note"); got != "" {
		t.Errorf("rob's form holds rita's note: %q", got)
	}
	a.console.check(t)
}

// When the session ends while a claim page is open, the page says so at
// once (the live stream tells it), before a note is sent in vain; its link
// back through the login page puts the note back.
func TestOpenPageSaysTheSessionEnded(t *testing.T) {
	bt := startBrowserTestWith(t, 60*time.Second, web.Config{KeepAlive: 200 * time.Millisecond})
	ctx := context.Background()
	rita := bt.user("rita", "reviewer")
	target := bt.articleClaims()[0]
	claimPath := fmt.Sprintf("/claims/%d", target.ID)

	a := bt.browser("rita")
	a.login("rita")
	a.open(claimPath)
	a.waitLive()
	const note = "Half a note about the reservoir figures"
	a.must("type a note", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#note"), note)))
	browserMust(t, "end rita's sessions", bt.store.DeleteUserSessions(ctx, rita.ID))
	a.waitJS("the page saying the session ended", `(document.querySelector('#alerts #session-ended') || {}).textContent?.includes('session has ended')`)
	browserScreenshot(t, a.ctx, "session-ended-alert")

	// Logged in again in another tab, the note is saved from this one: it
	// is not offered again as unsaved afterwards.
	other, cancel := chromedp.NewContext(a.ctx)
	defer cancel()
	a.must("log in in another tab", chromedp.Do(other,
		chromedp.Navigate(bt.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "rita"),
		chromedp.SendKeys(chromedp.CSS("#password"), browserPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("header .who")),
	))
	a.click(`button[name=status][value=disputed]`)
	a.waitJS("the saved change", `(document.querySelector('#review-saved') || {}).textContent?.includes('Disputed')`)
	a.open(claimPath)
	if got := a.js(`document.querySelector('#note').value + (document.querySelector('#unsaved-restored') ? ' [restored]' : '')`); got != "" {
		t.Errorf("after a save that went through, the page offers %q again", got)
	}

	// The session ends again; the alert's link keeps the note through the
	// login page.
	a.waitLive()
	a.must("type a note", chromedp.Do(a.ctx, chromedp.SendKeys(chromedp.CSS("#note"), note)))
	browserMust(t, "end rita's sessions", bt.store.DeleteUserSessions(ctx, rita.ID))
	a.waitJS("the page saying the session ended", `!!document.querySelector('#alerts #session-ended')`)
	a.click(`#session-ended a`)
	a.waitJS("the login page", `location.pathname === '/login' && document.readyState === 'complete'`)
	a.must("log in again", chromedp.Do(a.ctx,
		chromedp.SendKeys(chromedp.CSS("#username"), "rita"),
		chromedp.SendKeys(chromedp.CSS("#password"), browserPassword),
	))
	a.click(`form[action="/login"] button[type=submit]`)
	a.waitJS("back on the claim", fmt.Sprintf(`location.pathname === %s && !!document.querySelector('#note')`, browserJS(claimPath)))
	if got := a.js(`document.querySelector('#note').value`); got != note {
		t.Errorf("note after logging in again = %q, want %q", got, note)
	}
	a.console.check(t)
}

// The import form sent after the session ended: its title and address
// come back after logging in again; the file chosen cannot be put back
// and is left alone, without breaking the page.
func TestImportFormSurvivesAnEndedSession(t *testing.T) {
	bt := startBrowserTest(t, 60*time.Second)
	ctx := context.Background()
	rita := bt.user("rita", "reviewer")
	file := filepath.Join(t.TempDir(), "port.txt")
	browserMust(t, "write port.txt", os.WriteFile(file, []byte("The port handled 10,000 containers in May, officials said."), 0o644))

	a := bt.browser("rita")
	a.login("rita")
	a.open("/documents/new")
	const title = "Port figures for May"
	a.must("fill the import form", chromedp.Do(a.ctx,
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
	))
	browserMust(t, "end rita's sessions", bt.store.DeleteUserSessions(ctx, rita.ID))
	a.click(`#import-form button[type=submit]`)
	a.waitJS("the login page", `location.pathname === '/login' && document.readyState === 'complete'`)
	a.must("log in again", chromedp.Do(a.ctx,
		chromedp.SendKeys(chromedp.CSS("#username"), "rita"),
		chromedp.SendKeys(chromedp.CSS("#password"), browserPassword),
	))
	a.click(`form[action="/login"] button[type=submit]`)
	a.waitJS("back on the import form", `location.pathname === '/documents/new' && !!document.querySelector('#unsaved-restored')`)
	if got := a.js(`document.querySelector('#title').value`); got != title {
		t.Errorf("title after logging in again = %q, want %q", got, title)
	}
	a.console.check(t)
}
