package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"factdesk/db"
	"factdesk/export"
	"factdesk/web"
)

// TestBrowserClaimReviewOff: on a server started without the organisation's
// name, the queue's download menu shows ClaimReview greyed out with the
// setting that turns it on.
func TestBrowserClaimReviewOff(t *testing.T) {
	bt := startBrowserTestWith(t, 60*time.Second, web.Config{Export: export.Options{PublicURL: "http://127.0.0.1:8080"}})
	ed := bt.user("ed", "editor")
	_, _, _, err := bt.store.ImportDocument(context.Background(), db.NewDocument{Title: "Port plan", Body: article, CreatedBy: ed.ID})
	browserMust(t, "import", err)
	b := bt.browser("ed")
	defer b.console.check(t)
	b.login("ed")
	b.open("/queue")
	if got := b.js(`String(document.querySelector('#export-format option[value=claimreview]').disabled)`); got != "true" {
		t.Fatalf("ClaimReview option disabled = %s", got)
	}
	hint := b.js(`document.querySelector('#format-off-claimreview').innerText`)
	if !strings.Contains(hint, "FACTDESK_ORG_NAME") {
		t.Errorf("hint %q", hint)
	}
	if got := b.js(`String(document.querySelector('#format-off-claimreview').getBoundingClientRect().height > 0)`); got != "true" {
		t.Error("the hint is not shown")
	}
	browserNoTemplLeak(t, b.ctx, "the queue")
	browserScreenshot(t, b.ctx, "queue-claimreview-off")
	b.setSize(390, 844)
	browserScreenshot(t, b.ctx, "queue-claimreview-off-390")

	// The claim page's publication panel names the same setting.
	b.setSize(1280, 900)
	b.open("/claims/" + itoa(firstClaimIDOf(t, bt.store)))
	if note := b.js(`(document.querySelector('#no-markup') || {}).innerText ?? ''`); !strings.Contains(note, "FACTDESK_ORG_NAME") {
		t.Errorf("claim page note %q", note)
	}
	browserScreenshot(t, b.ctx, "claim-claimreview-off")
}
