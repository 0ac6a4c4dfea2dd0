package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"factdesk/db"
)

// A reviewer who owes a blind second opinion sees, in a real browser, the
// claim counted as hidden on the document page, the documents list and the
// dashboard (screenshots with FACTDESK_SCREENSHOTS).
func TestBrowserBlindCounts(t *testing.T) {
	bt := startBrowserTest(t, 60*time.Second)
	ctx := context.Background()
	rita, eddie := bt.user("rita", "reviewer"), bt.user("eddie", "editor")
	rob := bt.user("rob", "reviewer")
	docID, _, _, err := bt.store.ImportDocument(ctx, db.NewDocument{Title: browserTitle, Body: browserArticle, CreatedBy: rita.ID})
	browserMust(t, "import", err)
	page, err := bt.store.Queue(ctx, db.QueueFilter{DocumentID: docID, Limit: 10})
	browserMust(t, "queue", err)
	for _, cl := range page.Claims[:2] {
		_, err := bt.store.SetStatus(ctx, cl.ID, rita.ID, cl.Version, db.StatusConfirmed, "")
		browserMust(t, "confirm", err)
	}
	_, err = bt.store.RequestSecondOpinion(ctx, page.Claims[0].ID, eddie.ID, rob.ID)
	browserMust(t, "ask rob", err)

	b := bt.browser("rob")
	b.login("rob")
	for _, p := range []struct{ path, sel, shot string }{
		{"/documents/" + itoa(docID), "main .progress .counts", "blind-document"},
		{"/", "main .progress .counts", "blind-documents"},
		{"/dashboard", "#overall-d", "blind-dashboard"},
	} {
		b.open(p.path)
		got := b.js(`document.querySelector(` + browserJS(p.sel) + `).textContent`)
		if !strings.Contains(got, "1 confirmed") || !strings.Contains(got, "1 hidden") {
			t.Errorf("%s: %q, want 1 confirmed and 1 hidden", p.path, got)
		}
		browserScreenshot(t, b.ctx, p.shot)
	}
	b.console.check(t)
}
