package views

import (
	"bufio"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
)

// benchQueuePage is a full queue page as a reviewer sees it: fifty rows of
// claim-sized text, each in a document with a title.
func benchQueuePage() QueuePage {
	p := QueuePage{Base: Base{Title: "Review queue", Nav: "queue", CSRF: strings.Repeat("t", 43),
		User: &User{Name: "demo-reviewer-1", Role: "reviewer", CanReview: true}},
		Status: "confirmed", Total: 331204, NextURL: "/queue?status=confirmed&after=0.61:4242", PrevURL: "/queue?status=confirmed&before=0.64:4141"}
	for _, s := range []string{"", "unverified", "confirmed", "disputed"} {
		p.StatusURLs = append(p.StatusURLs, FilterLink{Label: StatusLabel(s), URL: "/queue?status=" + s, Current: s == p.Status})
	}
	for i := range 8 {
		name := "demo-reviewer-" + string(rune('1'+i))
		p.AssigneeURLs = append(p.AssigneeURLs, FilterLink{Label: name, URL: "/queue?assignee=" + name})
	}
	p.Live = QueueLive{EventsURL: "/events?status=confirmed", Query: "status=confirmed"}
	for i := range 50 {
		p.Claims = append(p.Claims, ClaimRow{ID: int64(400000 + i*977), DocumentID: int64(1000 + i), Version: 3,
			DocumentTitle: "Council approves £42m flood barrier after years of delays on the riverside",
			Text:          "The council said on Tuesday that 1,240 homes had been flooded since 2019, and that the barrier would cost £42 million over four years.",
			Status:        "confirmed", Score: 0.62, Kind: "quantity", Speaker: "the council", UpdatedAt: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)})
	}
	return p
}

func BenchmarkQueueView(b *testing.B) {
	p := benchQueuePage()
	benchRender(b, QueueView(p))
}

func BenchmarkClaimView(b *testing.B) {
	q := benchQueuePage()
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	p := ClaimPage{Base: q.Base, Claim: q.Claims[0], DocURL: "/documents/1000#claim-400000",
		Before:  strings.Repeat("Residents along the river said the water rose within an hour. ", 6),
		After:   strings.Repeat("The agency said it would publish its own figures next month. ", 6),
		Numbers: "1,240 · £42 million", Dates: "2019 · Tuesday"}
	for i := range 4 {
		p.History = append(p.History, HistoryRow{ID: int64(i + 1), User: "demo-reviewer-2", At: at, From: "unverified", To: "confirmed",
			Note: "Checked against the council's published flood register and the agency's annual report."})
	}
	benchRender(b, ClaimView(p))
}

// BenchmarkDocumentsView is a page of the documents list: fifty documents
// with their progress.
func BenchmarkDocumentsView(b *testing.B) {
	p := DocumentsPage{Base: benchQueuePage().Base, NextURL: "/?before=9950"}
	for i := range 50 {
		p.Documents = append(p.Documents, DocumentRow{ID: int64(10000 - i), Title: "Council approves £42m flood barrier after years of delays",
			URL: "https://news.example/flood-barrier", PublishedAt: "2026-03-04", CreatedAt: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
			Progress: Progress{Unverified: 60 + i, Confirmed: 20 + i, Disputed: 9}})
	}
	benchRender(b, DocumentsView(p))
}

// BenchmarkDashboardView is the dashboard of a busy desk: twenty
// documents, six kinds, and eight reviewers over fourteen days.
func BenchmarkDashboardView(b *testing.B) {
	base := benchQueuePage().Base
	p := DashboardPage{Base: base, Overall: Progress{Unverified: 663640, Confirmed: 221204, Disputed: 110000}, DocumentsTotal: 10000}
	for i := range 20 {
		p.Documents = append(p.Documents, ProgressRow{Label: "Council approves £42m flood barrier after years of delays",
			URL: "/documents/" + strconv.Itoa(9980+i), Progress: Progress{Unverified: 60 + i, Confirmed: 20 + i, Disputed: 9}})
	}
	for _, k := range []string{"quantity", "comparison", "causal", "attribution", "prediction", "other"} {
		p.Kinds = append(p.Kinds, ProgressRow{Label: k, Progress: Progress{Unverified: 120000, Confirmed: 40000, Disputed: 17000}})
	}
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for d := range 14 {
		p.Days = append(p.Days, day.AddDate(0, 0, d))
	}
	for r := range 8 {
		row := ReviewerRow{Name: "demo-reviewer-" + strconv.Itoa(r+1)}
		for d := range 14 {
			row.PerDay = append(row.PerDay, 40+r*d%37)
			row.Total += row.PerDay[d]
		}
		p.Reviewers = append(p.Reviewers, row)
	}
	benchRender(b, DashboardView(p))
}

// benchRender renders c into a discarding buffer, as Render does into its
// pooled one.
func benchRender(b *testing.B, c templ.Component) {
	w := bufio.NewWriterSize(io.Discard, 4096)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Render(ctx, w); err != nil {
			b.Fatal(err)
		}
	}
}
