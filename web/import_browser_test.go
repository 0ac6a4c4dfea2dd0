package web_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"factdesk/web"
)

// TestBrowserImportTooLarge: a paste or a file over the limit is refused in
// the page, before anything is sent, and nothing typed is lost; a file the
// server refuses brings the pasted text back; an import that fits goes
// through.
func TestBrowserImportTooLarge(t *testing.T) {
	bt := startBrowserTestWith(t, 90*time.Second, web.Config{MaxDocBytes: 64 << 10})
	bt.user("rita", "reviewer")
	b := bt.browser("rita")
	defer b.console.check(t)
	b.login("rita")

	const title = "Port vote, all of it"
	// Fewer characters than the limit, more bytes: the check counts what
	// is sent (UTF-8), not what is shown.
	const paste = `'Совет проголосовал 31 против 4.\n'.repeat(2000)`
	b.open("/documents/new")
	b.must("fill the form", chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		chromedp.SendKeys(chromedp.CSS("#url"), "https://news.example.org/port"),
		chromedp.Evaluate[chromedp.Void](`window.__pasted = `+paste+`;
			document.querySelector('#text').value = window.__pasted;
			window.__noReload = true`),
	))
	if n, _ := strconv.Atoi(b.js(`String(window.__pasted.length)`)); n == 0 || n >= 64<<10 {
		t.Fatalf("the paste is %d characters: it must be under the limit in characters", n)
	}
	// On a phone the button is a screen below the message's place.
	b.must("phone screen", chromedp.Do(b.ctx, chromedp.EmulateViewport(390, 700)))
	b.click(`#import-form button[type=submit]`)
	b.waitJS("the inline message", `(document.querySelector('#import-error') || {}).textContent?.includes('The pasted text is larger than the 64 KB limit')`)
	if b.js(`String(window.__noReload === true && document.querySelector('#text').value === window.__pasted)`) != "true" {
		t.Fatal("after the refused submit the page reloaded or the text box lost the pasted text")
	}
	if got := b.js(`document.querySelector('#title').value`); got != title {
		t.Errorf("title after the refused submit: %q", got)
	}
	if got := b.js(`document.activeElement ? document.activeElement.id : ''`); got != "text" {
		t.Errorf("focus after the refused submit is on %q, want the text box", got)
	}
	if p := b.path(); p != "/documents/new" {
		t.Errorf("after the refused submit at %q", p)
	}
	if b.js(`(() => { const r = document.querySelector('#import-error').getBoundingClientRect();
		return String(r.top >= 0 && r.bottom <= window.innerHeight) })()`) != "true" {
		t.Error("the message is out of sight after the refused submit")
	}
	b.must("desktop screen", chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 900)))
	browserNoTemplLeak(t, b.ctx, "the import form")
	browserScreenshot(t, b.ctx, "import-too-large")

	// A file over the limit: said as soon as it is chosen, and not sent.
	dir := t.TempDir()
	big := filepath.Join(dir, "big.txt")
	browserMust(t, "write big.txt", os.WriteFile(big, bytes.Repeat([]byte("The port handled 10,000 containers. "), 2000), 0o644))
	b.must("a big file", chromedp.Do(b.ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#text').value = ''`),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{big}),
	))
	b.waitJS("the file message", `(document.querySelector('#import-error') || {}).textContent?.includes('The file is larger than the 64 KB limit')`)
	b.click(`#import-form button[type=submit]`)
	// The submit is refused at once, in the page: had it been sent, the
	// marker would be gone with the old page.
	if b.js(`String(window.__noReload === true)`) != "true" || b.path() != "/documents/new" {
		t.Fatal("a file over the limit was sent")
	}

	// Text beside a file that fits: one import is one article, so the page
	// asks which, and sends nothing.
	small := filepath.Join(dir, "port.txt")
	browserMust(t, "write port.txt", os.WriteFile(small, []byte("The port handled 10,000 containers in May."), 0o644))
	b.must("text and a small file", chromedp.Do(b.ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#text').value = 'Typed as well.'`),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{small}),
	))
	b.click(`#import-form button[type=submit]`)
	b.waitJS("the message for both", `(document.querySelector('#import-error') || {}).textContent?.includes('You pasted text and chose a file')`)
	if b.js(`String(window.__noReload === true)`) != "true" || b.path() != "/documents/new" {
		t.Fatal("text and a file were sent")
	}
	browserScreenshot(t, b.ctx, "import-text-and-file")

	// A file the server refuses (a program): the form comes back with the
	// title and the URL.
	exe := filepath.Join(dir, "setup.exe")
	browserMust(t, "write setup.exe", os.WriteFile(exe, []byte("MZ\x90\x00 not an article"), 0o644))
	b.must("a program", chromedp.Do(b.ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#text').value = ''`),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{exe}),
	))
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`#import-form button[type=submit]`)))
	b.must("submit a program", err)
	if res == nil || res.Status != 422 {
		t.Fatalf("a program: %v, want the form again with 422", res)
	}
	if msg := b.js(`document.querySelector('#import-error').textContent`); !strings.Contains(msg, `".exe"`) {
		t.Errorf("message for a program: %q", msg)
	}
	if got := b.js(`document.querySelector('#title').value`); got != title {
		t.Errorf("title after the server refused the file: %q", got)
	}
	if got := b.js(`document.querySelector('#url').value`); got != "https://news.example.org/port" {
		t.Errorf("URL after the server refused the file: %q", got)
	}
	browserScreenshot(t, b.ctx, "import-refused-file")

	// What fits goes through: the check does not stand in the way.
	const kept = "The council voted 31 to 4 on Tuesday, officials said."
	b.must("type the text", chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#text').value = `+browserJS(kept))))
	res, err = chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`#import-form button[type=submit]`)))
	b.must("submit the text alone", err)
	if p := b.path(); res == nil || res.Status != 200 || !strings.HasPrefix(p, "/documents/") || p == "/documents/new" {
		t.Fatalf("an import that fits: %v at %q", res, p)
	}
	docs, err := bt.store.ListDocuments(context.Background(), 0, 10)
	browserMust(t, "list documents", err)
	if len(docs) != 1 || docs[0].Title != title {
		t.Fatalf("documents stored: %+v, want the one that fit, titled %q", docs, title)
	}
}
