package web_test

import (
	"context"
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
	"factdesk/handlers"
	"factdesk/web"
)

// In a real browser: an editor publishes a review, the public page carries
// ClaimReview JSON-LD without upsetting the Content-Security-Policy, and the
// tokens page makes a token.
func TestBrowserPublishAndTokens(t *testing.T) {
	execPath := browserExecPath()
	if execPath == "" {
		if os.Getenv("FACTDESK_REQUIRE_BROWSER") == "1" {
			t.Fatal("FACTDESK_REQUIRE_BROWSER=1 but no chromium, chromium-browser or google-chrome was found (apt-get install -y chromium)")
		}
		t.Skip("no Chromium found; apt-get install -y chromium, or set FACTDESK_REQUIRE_BROWSER=1 to make this a failure")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	browserMust(t, "open db", err)
	t.Cleanup(func() { store.Close() })
	const password = "ed-edits-the-verdicts"
	hash, err := auth.HashPassword(password)
	browserMust(t, "hash", err)
	ed, err := store.CreateUser(ctx, "ed", hash, "editor")
	browserMust(t, "create user", err)
	docID, _, _, err := store.ImportDocument(ctx, db.NewDocument{Title: browserTitle, URL: "https://courier.example/water-rates",
		PublishedAt: "2026-03-03", Body: browserArticle, CreatedBy: ed.ID})
	browserMust(t, "import", err)
	claims, err := store.DocumentClaims(ctx, docID)
	browserMust(t, "claims", err)
	claim := claims[1]
	_, err = store.SetStatus(ctx, claim.ID, ed.ID, 1, "disputed", "Board minutes say $3.9 million.")
	browserMust(t, "review", err)

	e := web.New(web.Config{Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Export: testExport})
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
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")), chromedp.WindowSize(1280, 900),
	)
	defer allocCancel()
	bctx, bcancel := chromedp.NewContext(allocCtx)
	defer bcancel()
	console := &browserConsole{}
	browserMust(t, "start browser", chromedp.Listen(bctx, console.listen))
	_, err = chromedp.Call(bctx, cdplog.Enable, cdp.Empty{})
	browserMust(t, "log.enable", err)
	defer console.check(t)

	browserMust(t, "log in", chromedp.Do(bctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#username"), "ed"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	))
	_, err = chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	browserMust(t, "submit login", err)

	// The claim page offers publishing; clicking it publishes.
	claimPath := "/claims/" + itoa(claim.ID)
	browserMust(t, "open the claim", chromedp.Do(bctx, chromedp.Navigate(base+claimPath)))
	browserScreenshot(t, bctx, "claim-unpublished")
	_, err = chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS("#publish")))
	browserMust(t, "click Publish", err)
	link, err := chromedp.Run(bctx, chromedp.Evaluate[string](`(document.querySelector('#public-link') || {}).getAttribute?.('href') ?? ''`))
	browserMust(t, "read the public link", err)
	if link != "/public/claims/"+itoa(claim.ID) {
		t.Fatalf("after publishing the claim page links to %q", link)
	}
	browserNoTemplLeak(t, bctx, "the claim page")
	browserScreenshot(t, bctx, "claim-published")

	// The public page: its JSON-LD is a ClaimReview of this claim.
	_, err = chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS("#public-link")))
	browserMust(t, "open the public page", err)
	type ld struct {
		Type    string `json:"@type"`
		Claim   string `json:"claimReviewed"`
		Verdict string `json:"verdict"`
	}
	got, err := chromedp.Run(bctx, chromedp.Evaluate[ld](`(() => {
		const d = JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent);
		return {"@type": d["@type"], claimReviewed: d.claimReviewed, verdict: d.reviewRating.alternateName};
	})()`))
	browserMust(t, "read the JSON-LD", err)
	if got.Type != "ClaimReview" || got.Claim != claim.Text || got.Verdict != "Disputed" {
		t.Errorf("JSON-LD on the public page = %+v", got)
	}
	shown, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.CSS("blockquote.claim-quote")))
	browserMust(t, "read the quote", err)
	if shown != claim.Text {
		t.Errorf("public page quotes %q, want %q", shown, claim.Text)
	}
	browserNoTemplLeak(t, bctx, "the public page")
	browserScreenshot(t, bctx, "public-claim")

	// The tokens page makes a token and shows it once.
	browserMust(t, "open tokens", chromedp.Do(bctx,
		chromedp.Navigate(base+"/tokens"),
		chromedp.SendKeys(chromedp.CSS("#label"), "nightly export"),
	))
	_, err = chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS(`form[action="/tokens"] button[type=submit]`)))
	browserMust(t, "create a token", err)
	secret, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.CSS("#new-token")))
	browserMust(t, "read the token", err)
	if u, _, err := store.TokenUser(ctx, strings.TrimSpace(secret)); err != nil || u.Username != "ed" {
		t.Fatalf("the token shown does not work: %v", err)
	}
	browserScreenshot(t, bctx, "tokens")

	// The queue's download form.
	browserMust(t, "open the queue", chromedp.Do(bctx, chromedp.Navigate(base+"/queue?status=disputed")))
	formats, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('form.download option')].map(o => o.value)`))
	browserMust(t, "read the formats", err)
	if strings.Join(formats, ",") != "json,jsonl,csv,claimreview,annotation" {
		t.Errorf("download formats %v", formats)
	}
	browserScreenshot(t, bctx, "queue-download")

	// The document's activity shows the publishing, and claims another tool
	// added (as POST /api/v1/documents/ID/claims and import --claims do).
	res, err := handlers.PlaceClaims(ctx, store, docID, ed.ID, []byte(`[{"text": "Rainfall in the catchment was 40% below normal"}]`))
	if err != nil || res.Created != 1 {
		t.Fatalf("claims from another tool: %+v %v", res, err)
	}
	browserMust(t, "open the activity", chromedp.Do(bctx, chromedp.Navigate(base+"/documents/"+itoa(docID)+"/activity")))
	feed, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('ol.activity li .what')].map(w => w.innerText.replace(/\s+/g, ' ').trim())`))
	browserMust(t, "read the activity", err)
	if len(feed) != 3 || feed[0] != "ed added 1 claim the extractor had not found Rainfall in the catchment was 40% below normal" || !strings.HasPrefix(feed[1], "ed published the review of "+claim.Text[:20]) {
		t.Errorf("activity = %q", feed)
	}
	browserNoTemplLeak(t, bctx, "the activity page")
	browserScreenshot(t, bctx, "activity-publish")
}
