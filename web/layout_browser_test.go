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

	"factdesk/db"
	"factdesk/ingest"
)

// layoutFit is how wide a page is against the window, and when it is too
// wide, the elements that stick out (to say which one to fix).
type layoutFit struct {
	Inner  int      `json:"inner"`
	Scroll int      `json:"scroll"`
	Wide   []string `json:"wide"`
}

const layoutFitJS = `(() => {
	const w = window.innerWidth, sw = document.documentElement.scrollWidth;
	const wide = [];
	if (sw > w) {
		for (const el of document.querySelectorAll('body *')) {
			const r = el.getBoundingClientRect();
			// Inside a box that scrolls or clips it: not what widens the page.
			// (An absolutely placed element escapes a box that is not placed.)
			let clipped = false;
			const pos = getComputedStyle(el).position;
			for (let p = el.parentElement; p && p !== document.body && pos !== 'absolute' && pos !== 'fixed'; p = p.parentElement) {
				if (getComputedStyle(p).overflowX !== 'visible') { clipped = true; break; }
			}
			if (!clipped && r.width > 0 && r.right > w + 1) {
				const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
				wide.push(el.tagName.toLowerCase() + cls + ' right=' + Math.round(r.right));
			}
		}
	}
	return {inner: w, scroll: sw, wide: wide.slice(0, 12)};
})()`

// fits fails when the page scrolls sideways: wide content must wrap, or
// scroll inside its own box, never widen the page.
func (b *tab) fits(page string) {
	b.t.Helper()
	fit, err := chromedp.Run(b.ctx, chromedp.Evaluate[layoutFit](layoutFitJS))
	b.must("measure "+page, err)
	if fit.Scroll > fit.Inner {
		b.t.Errorf("%s is %dpx wide in a %dpx window; sticking out:\n    %s", page, fit.Scroll, fit.Inner, strings.Join(fit.Wide, "\n    "))
	}
}

// chartText is one piece of text on the dashboard as drawn: its size in
// screen pixels (an SVG's font size times the SVG's scale) and whether it
// belongs to a chart.
type chartText struct {
	Text  string  `json:"text"`
	Size  float64 `json:"size"`
	Chart bool    `json:"chart"`
}

const chartTextJS = `(() => {
	const out = [];
	for (const el of document.querySelectorAll('main *')) {
		const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
		if (!own || !el.checkVisibility() || el.getClientRects().length === 0 || el.closest('details:not([open]) > :not(summary)')) continue;
		let size = parseFloat(getComputedStyle(el).fontSize);
		const svg = el.closest('svg');
		if (svg) size *= svg.getScreenCTM().a;
		out.push({text: own, size: size, chart: !!el.closest('svg.chart, .chart-list')});
	}
	return out;
})()`

// layoutGaps measures the document page: how far the activity link sits
// below the "Review these claims" button, and for the claim list beside the
// text, how wide the room left of each entry is against the width its
// number needs (the list's font, "24. ").
type layoutGaps struct {
	ButtonToLink float64 `json:"buttonToLink"`
	NumberRoom   float64 `json:"numberRoom"`
	NumberNeeds  float64 `json:"numberNeeds"`
	ListLeft     float64 `json:"listLeft"`
	BoxLeft      float64 `json:"boxLeft"`
	Items        int     `json:"items"`
}

const layoutGapsJS = `(() => {
	const btn = document.querySelector('.heading a.button').getBoundingClientRect();
	const link = document.querySelector('.doc-team a').getBoundingClientRect();
	const box = document.querySelector('aside.doc-claims');
	const ol = box.querySelector('ol.claims');
	const items = ol.querySelectorAll(':scope > li');
	const last = items[items.length - 1];
	const probe = document.createElement('span');
	probe.textContent = items.length + '. ';
	probe.style.font = getComputedStyle(last).font; // a test-only probe; CSP governs the app's own markup
	probe.style.position = 'absolute';
	probe.style.whiteSpace = 'pre';
	document.body.appendChild(probe);
	const needs = probe.getBoundingClientRect().width;
	probe.remove();
	return {
		buttonToLink: link.top - btn.bottom,
		numberRoom: last.firstElementChild.getBoundingClientRect().left - ol.getBoundingClientRect().left,
		numberNeeds: needs,
		listLeft: ol.getBoundingClientRect().left,
		boxLeft: box.getBoundingClientRect().left,
		items: items.length,
	};
})()`

// TestPageLayout: on a phone (390px) every page a reviewer uses fits the
// screen, its tables reflowed or scrolled in their own box, and the
// dashboard's charts stay readable; at 1280px the queue gives the claim the
// room, and on a document page with a long title and 24 claims nothing is
// cut off or crammed. The data are real articles (../shared/seeds).
func TestPageLayout(t *testing.T) {
	files, _ := filepath.Glob("../../shared/seeds/*.txt")
	if len(files) == 0 {
		t.Skip("no seed articles at ../../shared/seeds")
	}
	bt := startBrowserTest(t, 120*time.Second)
	ctx := context.Background()
	alice := bt.user("alice", "admin") // an admin has the fullest header
	rob := bt.user("rob", "reviewer")

	// The seeds, imported as the import form does; the page checks use the
	// document with the most claims (two-digit numbers in its list).
	var docID int64
	var claims []db.Claim
	total := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		browserMust(t, "read "+f, err)
		doc, err := ingest.Parse(filepath.Base(f), data, 0)
		browserMust(t, "parse "+f, err)
		// A title with a word longer than a phone is wide, as a pasted
		// hashtag or address makes: it wraps rather than widen a page.
		title := doc.Title + " #HarbourAuthorityQuarterlyFiguresRevisedAgainWithoutExplanation"
		id, _, _, err := bt.store.ImportDocument(ctx, db.NewDocument{Title: title, Body: doc.Body, CreatedBy: alice.ID,
			URL: "https://example.org/news/" + strings.TrimSuffix(filepath.Base(f), ".txt")})
		browserMust(t, "import "+f, err)
		cs, err := bt.store.DocumentClaims(ctx, id)
		browserMust(t, "claims of "+f, err)
		total += len(cs)
		if len(cs) > len(claims) {
			docID, claims = id, cs
		}
	}
	if len(claims) < 10 {
		t.Fatalf("the largest seed has %d claims; the list check needs 10 or more", len(claims))
	}
	for i, r := range []struct {
		user   int64
		status string
	}{{alice.ID, "confirmed"}, {alice.ID, "disputed"}, {rob.ID, "confirmed"}, {rob.ID, "disputed"}} {
		_, err := bt.store.SetStatus(ctx, claims[i].ID, r.user, 1, r.status, "Checked against the ministry's statement.")
		browserMust(t, "review", err)
	}
	_, err := bt.store.AssignClaims(ctx, alice.ID, rob.ID, []int64{claims[4].ID, claims[5].ID})
	browserMust(t, "assign", err)

	doc := fmt.Sprintf("/documents/%d", docID)
	pages := []struct{ name, path string }{
		{"queue", "/queue"},
		{"claim", fmt.Sprintf("/claims/%d", claims[1].ID)},
		{"document", doc},
		{"documents", "/"},
		{"dashboard", "/dashboard"},
		{"search", "/search?q=Korean"},
		{"import", "/documents/new"},
	}

	b := bt.browser("phone")
	b.setSize(390, 844)
	b.open("/login")
	b.fits("login at 390px")
	browserScreenshot(t, b.ctx, "login-390")
	b.login("alice")
	// The other pages share the header and have tables of their own.
	others := []struct{ name, path string }{
		{"activity", "/activity"}, {"document-activity", doc + "/activity"}, {"agreement", "/agreement"},
		{"users", "/admin/users"}, {"audit", "/admin/audit"}, {"tokens", "/tokens"}, {"inbox", "/inbox"},
	}
	for _, p := range append(pages, others...) {
		b.open(p.path)
		b.fits(p.name + " at 390px")
		browserNoTemplLeak(t, b.ctx, p.name)
		browserScreenshot(t, b.ctx, p.name+"-390")
	}

	// The dashboard's charts: their text as drawn.
	b.open("/dashboard")
	texts, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]chartText](chartTextJS))
	browserMust(t, "measure the dashboard's text", err)
	seen := map[string]bool{}
	for _, tx := range texts {
		if tx.Chart {
			seen[tx.Text] = true
		}
		if tx.Size < 11 {
			t.Errorf("dashboard at 390px: %q is drawn %.1fpx tall, want 11px or more", tx.Text, tx.Size)
		}
	}
	for _, want := range []string{"All claims", "alice", "rob", fmt.Sprintf("4/%d", total)} {
		if !seen[want] {
			t.Errorf("dashboard at 390px: no chart shows %q; chart text seen: %v", want, seen)
		}
	}

	// Its tables of numbers, opened: each row a card on a phone, the
	// name on a line of its own above the figures.
	b.js(`(document.querySelectorAll('main details').forEach(d => d.open = true), 'open')`)
	b.fits("dashboard with its numbers at 390px")
	// The narrowest name, and whether any runs past its card.
	nameW, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](`(() => {
		const ths = [...document.querySelectorAll('table.numbers.cards tbody th')];
		return [Math.min(...ths.map(th => th.getBoundingClientRect().width)),
			Math.max(...ths.map(th => th.scrollWidth - th.clientWidth)), ths.length];
	})()`))
	browserMust(t, "measure the rows' names", err)
	if nameW[2] == 0 || nameW[0] < 250 || nameW[1] > 0 {
		t.Errorf("dashboard at 390px: of %.0f rows' names the narrowest is %.0fpx wide (want the card's width), and one runs %.0fpx past it",
			nameW[2], nameW[0], nameW[1])
	}
	browserScreenshot(t, b.ctx, "dashboard-numbers-390")

	b.open(doc)
	b.checkDocumentGaps("390px")

	// A phone leaves the token's label room to read what is typed.
	b.open("/tokens")
	w, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](`document.querySelector('#label').getBoundingClientRect().width`))
	browserMust(t, "measure the token label", err)
	if w < 200 {
		t.Errorf("tokens at 390px: the label field is %.0fpx wide, want 200px or more", w)
	}

	// An admin on a phone reaches every account's controls without
	// scrolling the table sideways: each row is a card.
	b.open("/admin/users")
	if out := b.js(`[...document.querySelectorAll('table.users tbody button, table.users tbody summary, table.users tbody select')]
		.filter(e => { const r = e.getBoundingClientRect(); return r.width === 0 || r.left < 0 || r.right > window.innerWidth; })
		.map(e => e.textContent.trim().replace(/\s+/g, ' ')).join(' | ')`); out != "" {
		t.Errorf("users at 390px: out of sight without scrolling sideways: %s", out)
	}

	b.setSize(1280, 900)
	for _, p := range pages {
		b.open(p.path)
		b.fits(p.name + " at 1280px")
		browserScreenshot(t, b.ctx, p.name+"-1280")
	}
	b.open(doc)
	b.checkDocumentGaps("1280px")

	// The queue gives the claim most of the row; a document's title,
	// however long, takes less.
	b.open("/queue")
	type columns struct {
		Claim float64 `json:"claim"`
		Doc   float64 `json:"doc"`
	}
	widths, err := chromedp.Run(b.ctx, chromedp.Evaluate[columns](`(() => {
		const row = document.querySelector('table.queue tbody tr');
		return {claim: row.querySelector('td.claim-text').getBoundingClientRect().width,
			doc: row.querySelector('a[href^="/documents/"]').closest('td').getBoundingClientRect().width};
	})()`))
	browserMust(t, "measure the queue's columns", err)
	t.Logf("queue at 1280px: claim column %.0fpx, document column %.0fpx", widths.Claim, widths.Doc)
	if widths.Claim < 1.75*widths.Doc {
		t.Errorf("queue at 1280px: the claim column is %.0fpx, the document column %.0fpx; want the claim at least 1.75 times as wide", widths.Claim, widths.Doc)
	}
	b.console.check(t)
}

func (b *tab) checkDocumentGaps(at string) {
	b.t.Helper()
	g, err := chromedp.Run(b.ctx, chromedp.Evaluate[layoutGaps](layoutGapsJS))
	b.must("measure the document page", err)
	if g.ButtonToLink < 8 {
		b.t.Errorf("document at %s: the activity link is %.0fpx below the review button, want 8px or more", at, g.ButtonToLink)
	}
	if g.NumberRoom < g.NumberNeeds || g.ListLeft < g.BoxLeft {
		b.t.Errorf("document at %s: claim %d's number needs %.1fpx, the list leaves %.1fpx (list at %.0fpx, its box at %.0fpx)",
			at, g.Items, g.NumberNeeds, g.NumberRoom, g.ListLeft, g.BoxLeft)
	}
}
