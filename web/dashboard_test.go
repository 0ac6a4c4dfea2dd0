package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"factdesk/db"
)

func TestDashboard(t *testing.T) {
	a := newApp(t)
	c := a.client()
	if r := c.get("/dashboard"); r.code != http.StatusSeeOther {
		t.Fatalf("anonymous dashboard: %d", r.code)
	}
	c.login("rita")
	c.importText("Port plan", article)
	ctx := context.Background()
	page, _ := a.store.Queue(ctx, db.QueueFilter{Limit: 50})
	n := len(page.Claims)
	if n < 3 {
		t.Fatalf("%d claims", n)
	}
	rita, _ := a.store.UserByName(ctx, "rita")
	rob, _ := a.store.UserByName(ctx, "rob")
	set := func(i int, u db.User, ver int64, to string) {
		t.Helper()
		if _, err := a.store.SetStatus(ctx, page.Claims[i].ID, u.ID, ver, to, ""); err != nil {
			t.Fatal(err)
		}
	}
	set(0, rita, 1, "confirmed")
	set(1, rita, 1, "disputed")
	set(0, rob, 2, "disputed")

	viewer := a.client()
	viewer.login("vic") // every role may look
	r := viewer.get("/dashboard")
	if r.code != http.StatusOK {
		t.Fatalf("dashboard: %d", r.code)
	}
	// Overall, as numbers.
	cells := map[string]string{}
	r.doc.Find("#overall-h").Parent().Find("table tbody tr").Each(func(_ int, s *goquery.Selection) {
		cells[strings.TrimSpace(s.Find("th").Text())] = strings.TrimSpace(s.Find("td").First().Text())
	})
	if cells["Confirmed"] != "0" || cells["Disputed"] != "2" || cells["Unverified"] != itoa(int64(n-2)) {
		t.Errorf("overall = %v", cells)
	}
	// "Verified" counts verdicts: a claim reviewed and left unverified
	// has none, and the line says what it counts.
	if big := strings.Join(strings.Fields(r.doc.Find(".big").Text()), " "); !strings.Contains(big, "verified (2 of "+itoa(int64(n))+" claims confirmed or disputed)") {
		t.Errorf("overall line = %q", big)
	}

	// Every chart is an image with a title and a description, and no
	// script: server-drawn SVG.
	charts := r.doc.Find("svg.chart")
	if charts.Length() != 4 {
		t.Fatalf("%d charts, want overall, documents, kinds and work", charts.Length())
	}
	charts.Each(func(i int, s *goquery.Selection) {
		ids := strings.Fields(s.AttrOr("aria-labelledby", ""))
		if s.AttrOr("role", "") != "img" || len(ids) != 2 || s.Find("title#"+ids[0]).Length() != 1 || s.Find("desc#"+ids[1]).Length() != 1 ||
			strings.TrimSpace(s.Find("desc").Text()) == "" {
			t.Errorf("chart %d lacks a text alternative: %s", i, goquery.NodeName(s))
		}
	})
	if r.doc.Find("script:not([src])").Length() != 0 || strings.Contains(r.body, "style=") {
		t.Error("inline script or style on the dashboard")
	}

	// Progress by document: the document, linked, with its numbers.
	doc := r.doc.Find("#docs-h").Parent()
	if d := doc.Find("desc").Text(); !strings.Contains(d, "Documents: 1.") || !strings.Contains(d, "Port plan") {
		t.Errorf("document chart description = %q", doc.Find("desc").Text())
	}
	row := doc.Find("table tbody tr").First()
	if row.Find(`th a[href="/documents/1"]`).Text() != "Port plan" || row.Find("td").Eq(1).Text() != "2" {
		t.Errorf("document row = %q", row.Text())
	}
	// Kinds: one row per kind, counts adding up to every claim.
	total := 0
	r.doc.Find("#kinds-h").Parent().Find("table tbody tr").Each(func(_ int, s *goquery.Selection) {
		s.Find("td").Slice(0, 3).Each(func(_ int, td *goquery.Selection) {
			total += atoi(t, td.Text())
		})
	})
	if total != n {
		t.Errorf("kinds add up to %d claims, want %d", total, n)
	}

	// Work per reviewer: rita made two changes today, rob one.
	work := map[string]string{}
	r.doc.Find("#work-h").Closest("section").Find("table tbody tr").Each(func(_ int, s *goquery.Selection) {
		work[s.Find("th").Text()] = s.Find("td").First().Text()
	})
	if work["rita"] != "2" || work["rob"] != "1" || len(work) != 2 {
		t.Errorf("work = %v", work)
	}
	if r.doc.Find("#work-h").Closest("section").Find("rect.r-work").Length() != 2 {
		t.Errorf("work bars = %d, want one per reviewer for today", r.doc.Find("rect.r-work").Length())
	}
	if cur := r.doc.Find(`nav[aria-label="Days shown"] a[aria-current="page"]`).Text(); cur != "14 days" {
		t.Errorf("default range = %q", cur)
	}
	r = viewer.get("/dashboard?days=90")
	if r.code != http.StatusOK || r.doc.Find(`nav[aria-label="Days shown"] a[aria-current="page"]`).Text() != "90 days" {
		t.Errorf("90 days: %d", r.code)
	}
	for _, bad := range []string{"0", "15", "x", "-7"} {
		if r := viewer.get("/dashboard?days=" + bad); r.code != http.StatusBadRequest || !strings.Contains(r.body, "Days must be") {
			t.Errorf("days=%s: %d", bad, r.code)
		}
	}
}

func TestDashboardEmpty(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.login("rita")
	r := c.get("/dashboard")
	if r.code != http.StatusOK || !strings.Contains(r.body, "No documents yet") || !strings.Contains(r.body, "No review actions") {
		t.Fatalf("empty dashboard: %d\n%s", r.code, r.body)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, ch := range strings.TrimSpace(s) {
		if ch < '0' || ch > '9' {
			t.Fatalf("not a number: %q", s)
		}
		n = n*10 + int(ch-'0')
	}
	return n
}
