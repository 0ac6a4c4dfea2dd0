package web_test

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"factdesk/db"
)

// axeSource is axe-core (see testdata/README.md), injected into each page.
//
//go:embed testdata/axe.min.js
var axeSource string

type axeNode struct {
	Target []any  `json:"target"`
	HTML   string `json:"html"`
	Why    string `json:"failureSummary"`
}

type axeViolation struct {
	ID     string    `json:"id"`
	Impact string    `json:"impact"`
	Help   string    `json:"help"`
	URL    string    `json:"helpUrl"`
	Nodes  []axeNode `json:"nodes"`
}

// axeRun injects axe-core into the current page, once, and runs it.
func axeRun(t *testing.T, ctx context.Context, page string) []axeViolation {
	t.Helper()
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object'`))
	browserMust(t, "look for axe on "+page, err)
	if !loaded {
		_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource))
		browserMust(t, "inject axe into "+page, err)
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	browserMust(t, "run axe on "+page, err)
	return vs
}

// axeCheck runs axe-core on the current page and fails on serious or
// critical violations; lesser ones are logged.
func axeCheck(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	for _, v := range axeRun(t, ctx, page) {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Why, "\n", "\n      ")))
		}
		msg := fmt.Sprintf("%s: axe %s (%s): %s %s\n    %s", page, v.ID, v.Impact, v.Help, v.URL, strings.Join(where, "\n    "))
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

// TestAccessibility runs axe-core in Chromium on every page a reviewer
// uses, in the states that matter: with data, after a review, with an
// error shown and with the shortcut list open.
func TestAccessibility(t *testing.T) {
	bt := startBrowserTest(t, 90*time.Second)
	ctx := context.Background()
	rita := bt.user("rita", "reviewer")
	rob := bt.user("rob", "reviewer")
	docID, _, _, err := bt.store.ImportDocument(ctx, db.NewDocument{Title: browserTitle, Body: browserArticle, PublishedAt: "2024-03-12", URL: "https://example.org/marlow"})
	browserMust(t, "import", err)
	claims, err := bt.store.DocumentClaims(ctx, docID)
	browserMust(t, "claims", err)
	if len(claims) < 3 {
		t.Fatalf("%d claims", len(claims))
	}
	_, err = bt.store.SetStatus(ctx, claims[0].ID, rita.ID, 1, "disputed", "Board minutes put the revenue at $3.9 million.")
	browserMust(t, "review", err)
	_, err = bt.store.SetStatus(ctx, claims[1].ID, rob.ID, 1, "confirmed", "")
	browserMust(t, "review", err)

	b := bt.browser("a11y")
	b.open("/login")
	axeCheck(t, b.ctx, "login")
	browserScreenshot(t, b.ctx, "login")

	// The check itself works: a button without a name and an image without
	// a text alternative, added to the page, are reported.
	b.js(`(() => { const m = document.querySelector('main');
		m.insertAdjacentHTML('beforeend', '<button type="button"></button><img src="/assets/icon.svg">'); return ''; })()`)
	found := map[string]bool{}
	for _, v := range axeRun(t, b.ctx, "login with planted faults") {
		if v.Impact == "critical" || v.Impact == "serious" {
			found[v.ID] = true
		}
	}
	if !found["button-name"] || !found["image-alt"] {
		t.Fatalf("axe missed planted faults: reported %v, want button-name and image-alt", found)
	}
	b.login("rita")

	claim := fmt.Sprintf("/claims/%d", claims[0].ID)
	for _, p := range []struct{ name, path string }{
		{"documents", "/"},
		{"document", fmt.Sprintf("/documents/%d", docID)},
		{"queue", "/queue"},
		{"queue-filtered", "/queue?status=unverified"},
		{"claim", claim},
		{"dashboard", "/dashboard"},
		{"search", "/search?q=reservoir+OR+minutes"},
		{"search-empty", "/search"},
		{"search-error", `/search?q="unclosed`},
		{"import", "/documents/new"},
	} {
		b.open(p.path)
		axeCheck(t, b.ctx, p.name)
		browserNoTemplLeak(t, b.ctx, p.name)
		browserScreenshot(t, b.ctx, p.name)
	}

	// The shortcut list, open, is a modal dialog with a name.
	b.open(claim)
	b.waitLive()
	b.key("?")
	b.waitJS("the shortcut list to open", `document.querySelector('dialog#shortcuts[open]') !== null`)
	axeCheck(t, b.ctx, "claim with the shortcut list open")
	browserScreenshot(t, b.ctx, "shortcuts")

	// A refused change shows its message; still accessible.
	_, err = bt.store.SetStatus(ctx, claims[0].ID, rob.ID, 2, "confirmed", "")
	browserMust(t, "change behind the page", err)
	b.open(claim)
	b.waitLive()
	_, err = bt.store.SetStatus(ctx, claims[0].ID, rob.ID, 3, "unverified", "")
	browserMust(t, "change behind the page", err)
	b.waitJS("the live notice", `document.querySelector('#live-notice').textContent.includes('rob changed')`)
	axeCheck(t, b.ctx, "claim with a live notice")
	browserScreenshot(t, b.ctx, "claim-live-notice")
	b.click(`button[name=status][value=disputed]`)
	b.waitJS("the refusal", `!!document.querySelector('#review-error')`)
	axeCheck(t, b.ctx, "claim with a refused change")
	browserScreenshot(t, b.ctx, "claim-refused")
	b.console.check(t)

	if os.Getenv("FACTDESK_SCREENSHOTS") != "" {
		b.setSize(420, 900) // a phone
		for name, path := range map[string]string{"narrow-claim": claim, "narrow-dashboard": "/dashboard", "narrow-queue": "/queue"} {
			b.open(path)
			browserScreenshot(t, b.ctx, name)
		}
	}
}
