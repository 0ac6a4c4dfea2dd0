package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"factdesk/db"
	"factdesk/extract"
)

// overlapBody holds claims that overlap every way the API and the form to
// add a claim allow: two that share words, neither inside the other; a
// chain of three, the middle one with only a line break of its own; and
// the same words twice, once with the paragraph break before them.
const overlapBody = "Officials said the barrier cost $4 million and saved 300 homes last winter.\n\n" +
	"Rates rise in July.\nThe board approved it.\n\n" +
	"Some 10,000 households receive a discount, officials said."

// overlapClaims are the claims laid on overlapBody, in the order added.
var overlapClaims = []string{
	"the barrier cost $4 million",
	"$4 million and saved 300 homes",
	"Rates rise in July.",
	"rise in July.\nThe board approved",
	"The board approved it.",
	"Some 10,000 households receive a discount",
	"\n\nSome 10,000 households receive a discount",
}

// placeOverlapClaims gives each of overlapClaims its offsets in overlapBody.
func placeOverlapClaims() []extract.Claim {
	var out []extract.Claim
	for _, w := range overlapClaims {
		b := strings.Index(overlapBody, w)
		start := utf8.RuneCountInString(overlapBody[:b])
		out = append(out, extract.Claim{Start: start, End: start + utf8.RuneCountInString(w), Text: w})
	}
	return out
}

// Claims that overlap, sent through the API, each show whole on the
// document page: anchored at its first word (where its page's "Show in the
// full document" lands), never as blank space alone, the words two claims
// share framed and named as both's; a claim that starts where a shorter
// one does has a tab of its own there. A live update of a claim brings
// every part of it.
func TestOverlappingClaimsAreHighlighted(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	api := a.token("rita")
	if r := api.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Overlaps", "text": overlapBody, "extract": false}); r.code != http.StatusCreated {
		t.Fatalf("import: %d %s", r.code, r.body)
	}
	var items []map[string]any
	for _, c := range placeOverlapClaims() {
		items = append(items, map[string]any{"start": c.Start, "end": c.End, "text": c.Text})
	}
	if r := api.do(http.MethodPost, "/api/v1/documents/1/claims", items); r.code != http.StatusOK {
		t.Fatalf("add claims: %d %s", r.code, r.body)
	}
	stored, err := a.store.DocumentClaims(ctx, 1)
	if err != nil || len(stored) != len(overlapClaims) {
		t.Fatalf("%d claims stored: %v", len(stored), err)
	}
	byText := map[string]db.Claim{}
	for _, c := range stored {
		byText[c.Text] = c
	}
	rita := a.client()
	rita.login("rita")
	page := rita.get("/documents/1")
	text := page.doc.Find("article.doc-body")
	if got := text.Text(); got != overlapBody {
		t.Fatalf("the text reads %q", got)
	}
	checkOverlapPage(t, text, stored)

	// The words two claims share: the second's anchor, framed, naming both.
	first, second := byText[overlapClaims[0]], byText[overlapClaims[1]]
	shared := text.Find("#claim-" + itoa(second.ID))
	if shared.Text() != "$4 million" || !shared.HasClass("inner") ||
		shared.AttrOr("title", "") != "Unverified · words of “$4 million and saved 300 homes” and “the barrier cost $4 million”" {
		t.Errorf("shared words: %q class %q title %q", shared.Text(), shared.AttrOr("class", ""), shared.AttrOr("title", ""))
	}
	if got := text.Find("#claim-" + itoa(first.ID)).Text(); got != "the barrier cost " {
		t.Errorf("the first claim's own words: %q", got)
	}
	if got := text.Find("#claim-" + itoa(second.ID) + "-1").Text(); got != " and saved 300 homes" {
		t.Errorf("the second claim's own words: %q", got)
	}
	// The middle of the chain: its words, then its line break.
	mid := byText[overlapClaims[3]]
	if got := text.Find("#claim-" + itoa(mid.ID)).Text(); got != "rise in July." {
		t.Errorf("the middle claim of the chain is anchored on %q", got)
	}
	// The same words twice: the later claim is a tab before the earlier.
	once, twice := byText[overlapClaims[5]], byText[overlapClaims[6]]
	tabMark := text.Find("#claim-" + itoa(twice.ID))
	if tabMark.Text() != "" || !tabMark.HasClass("start") || tabMark.AttrOr("aria-label", "") != "“Some 10,000 households receive a discount” (Unverified)" ||
		tabMark.Next().AttrOr("id", "") != "claim-"+itoa(once.ID) {
		t.Errorf("the second claim on the same words: %q class %q label %q, then #%s", tabMark.Text(), tabMark.AttrOr("class", ""),
			tabMark.AttrOr("aria-label", ""), tabMark.Next().AttrOr("id", ""))
	}

	// Each claim's page links to its anchor.
	for _, c := range stored {
		link := rita.get("/claims/"+itoa(c.ID)).doc.Find(`a[href^="/documents/"][href*="#claim-"]`).AttrOr("href", "")
		if link != "/documents/1#claim-"+itoa(c.ID) {
			t.Errorf("claim %d links to %q", c.ID, link)
		}
	}

	// A live update of a claim in parts brings each part, in its new
	// colour; the claims sharing its words keep naming it.
	for _, c := range []db.Claim{first, second, mid, twice} {
		if _, err := a.store.SetStatus(ctx, c.ID, a.user("rita").ID, c.Version, db.StatusDisputed, ""); err != nil {
			t.Fatal(err)
		}
		want := text.Find(`a.hl[href="/claims/` + itoa(c.ID) + `"]`)
		live := rita.get(fmt.Sprintf("/claims/%d/mark?shown=%d", c.ID, c.Version))
		got := live.doc.Find(`a.hl[hx-swap-oob="true"]`)
		if got.Length() != want.Length() {
			t.Errorf("live update of claim %d: %d parts, the page has %d\n%s", c.ID, got.Length(), want.Length(), live.body)
		}
		want.Each(func(i int, w *goquery.Selection) {
			g := got.Eq(i)
			if g.AttrOr("id", "") != w.AttrOr("id", "") || g.Text() != w.Text() || !g.HasClass("s-disputed") ||
				g.HasClass("inner") != w.HasClass("inner") || g.HasClass("start") != w.HasClass("start") {
				t.Errorf("live update of claim %d, part %d: #%s %q class %q; the page has #%s %q", c.ID, i,
					g.AttrOr("id", ""), g.Text(), g.AttrOr("class", ""), w.AttrOr("id", ""), w.Text())
			}
		})
	}
	checkOverlapPage(t, rita.get("/documents/1").doc.Find("article.doc-body"), stored)
}

// checkOverlapPage checks every claim's anchor on a document page: a link
// to the claim at the claim's first word, with words (not blank space
// alone), or a tab named by its words just before another claim's run.
func checkOverlapPage(t *testing.T, text *goquery.Selection, claims []db.Claim) {
	t.Helper()
	at := map[string]int{} // where each run begins in the text, by id
	n := 0
	text.Contents().Each(func(_ int, s *goquery.Selection) {
		if id := s.AttrOr("id", ""); id != "" {
			at[id] = n
		}
		n += len(s.Text())
	})
	body := text.Text()
	for _, c := range claims {
		words := strings.TrimSpace(c.Text)
		wantAt := len(string([]rune(body)[:c.Start])) + strings.Index(c.Text, words)
		id := "claim-" + itoa(c.ID)
		m := text.Find("#" + id)
		if m.Length() != 1 || !m.Is("a.hl") || m.AttrOr("href", "") != "/claims/"+itoa(c.ID) {
			t.Errorf("claim %d: no link anchored #%s", c.ID, id)
			continue
		}
		if got, ok := at[id]; !ok || got != wantAt {
			t.Errorf("claim %d: anchored at byte %d, its first word is at %d", c.ID, got, wantAt)
		}
		switch {
		case m.Text() == "":
			if !m.HasClass("start") || !strings.Contains(m.AttrOr("aria-label", ""), words[:10]) || m.Next().Text() == "" {
				t.Errorf("claim %d: an anchor with no text: class %q, label %q", c.ID, m.AttrOr("class", ""), m.AttrOr("aria-label", ""))
			}
		case strings.TrimSpace(m.Text()) == "" || !strings.HasPrefix(words, m.Text()):
			t.Errorf("claim %d anchored on %q", c.ID, m.Text())
		}
	}
}

// In the browser, overlapping claims each show, can be reached from the
// keyboard, and are where their pages' links land; the page stays
// accessible. (With FACTDESK_SCREENSHOTS, a picture of them.)
func TestBrowserOverlappingClaims(t *testing.T) {
	bt := startBrowserTest(t, 60*time.Second)
	ctx := context.Background()
	rita := bt.user("rita", "reviewer")
	docID, _, err := bt.store.ImportBareDocument(ctx, db.NewDocument{Title: "Overlaps", Body: overlapBody, CreatedBy: rita.ID})
	browserMust(t, "import", err)
	_, err = bt.store.AddClaims(ctx, docID, rita.ID, placeOverlapClaims())
	browserMust(t, "add claims", err)
	claims, err := bt.store.DocumentClaims(ctx, docID)
	browserMust(t, "claims", err)
	_, err = bt.store.SetStatus(ctx, claims[1].ID, rita.ID, 1, db.StatusDisputed, "")
	browserMust(t, "review", err)
	_, err = bt.store.SetStatus(ctx, claims[3].ID, rita.ID, 1, db.StatusConfirmed, "")
	browserMust(t, "review", err)

	b := bt.browser("rita")
	b.login("rita")
	doc := "/documents/" + itoa(docID)
	b.open(doc)
	for _, c := range claims {
		// Seen (a box with room, words or a tab), and focused by the
		// keyboard.
		if got := b.js(`(() => { const a = document.getElementById('claim-` + itoa(c.ID) + `');
			const r = a.getBoundingClientRect(); a.focus();
			return (r.width >= 4 && r.height >= 8) + '|' + (a.textContent.trim() !== '' || a.classList.contains('start')) + '|' +
				(document.activeElement === a); })()`); got != "true|true|true" {
			t.Errorf("claim %d: seen, not blank, and focused: %s", c.ID, got)
		}
	}
	browserScreenshot(t, b.ctx, "overlapping-claims")
	axeCheck(t, b.ctx, "document with overlapping claims")

	// The link to the same words' second claim lands on its tab.
	twin := claims[len(claims)-1]
	for _, c := range claims {
		if c.Text == overlapClaims[6] {
			twin = c
		}
	}
	b.open(doc + "#claim-" + itoa(twin.ID))
	if got := b.js(`(document.querySelector(':target') || {}).id || ''`); got != "claim-"+itoa(twin.ID) {
		t.Errorf("landed on #%s", got)
	}
	browserScreenshot(t, b.ctx, "overlapping-claims-target")
	b.console.check(t)
}
