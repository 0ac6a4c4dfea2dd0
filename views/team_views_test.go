package views

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

// The team pages render, print no templ call as text, escape what users
// typed, and need no inline script or style.
func TestTeamPagesRenderAndEscape(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	base := Base{Title: "T", User: &User{Name: "ed", Role: "editor", CanReview: true, CanEdit: true, IsAdmin: true, Unread: 3}, CSRF: "tok"}
	claim := ClaimRow{ID: 7, DocumentID: 3, DocumentTitle: hostile, Text: hostile, Status: "disputed", Version: 2, Assignee: "rob"}
	ev := EvidenceRow{URL: "https://example.org/a", Title: hostile, Excerpt: hostile, User: "ann", At: at}
	team := ClaimTeam{Assignee: "rob", AssigneeID: 2, Assignable: []Option{{2, "rob"}}, Askable: []Option{{2, "rob"}}, CanAsk: true,
		Opinions:    []OpinionRow{{RequestedBy: "ed", FirstUser: "ann", FirstStatus: "disputed", SecondUser: "rob", SecondStatus: "confirmed", SecondNote: hostile, SecondAt: at}},
		Evidence:    []EvidenceRow{ev},
		Comments:    []CommentRow{{ID: 1, User: "ann", At: at, Parts: []TextPart{{Text: "@rob", Mention: true}, {Text: " " + hostile}}}},
		CommentBody: hostile, CommentError: "bad", Ev: EvidenceForm{URL: hostile}, Reason: hostile}
	hist := []HistoryRow{{ID: 1, Action: "status", User: "ann", At: at, From: "unverified", To: "disputed", Note: hostile, Evidence: []EvidenceRow{ev}},
		{ID: 2, Action: "dismiss", User: "ann", At: at, From: "disputed", To: "disputed", Note: hostile}}
	pages := map[string]templ.Component{
		"users": UsersView(UsersPage{Base: base, Roles: []string{"admin", "viewer"}, Users: []UserRow{{ID: 1, Name: "ed", Role: "admin", CreatedAt: at, Me: true},
			{ID: 2, Name: "rob", Role: "viewer", Disabled: true}}, Error: hostile, NewName: hostile}),
		"inbox": InboxView(InboxPage{Base: base, NewestID: 4, Items: []InboxRow{{ID: 4, Kind: "mention", ClaimID: 7, ClaimText: hostile, DocTitle: hostile,
			Actor: "ann", Comment: hostile, At: at}, {ID: 3, Kind: "opinion", ClaimID: 7, ClaimText: hostile, Actor: "ed", Read: true, Blind: true}}}),
		"activity": ActivityView(ActivityPage{Base: base, Entries: []ActivityRow{{At: at, User: "ann", Action: "status", ClaimID: 7, ClaimText: hostile,
			DocumentID: 3, DocTitle: hostile, From: "unverified", To: "disputed", Detail: hostile}, {At: at, User: "ed", Action: "assign", DocumentID: 3, Detail: "4 claims", Subject: "rob"},
			{At: at, User: "ed", Action: "opinion_request", ClaimID: 7, Subject: "rob"}}, NextURL: "/activity?before=3"}),
		"agreement": AgreementView(AgreementPage{Base: base, Overall: AgreementRow{N: 4, Agreed: 3, Percent: 75, Kappa: .5, KappaOK: true},
			Pairs: []AgreementRow{{A: hostile, B: "rob", N: 4, Agreed: 3, Percent: 75}}, Matrix: [][]int{{0, 0, 0}, {0, 2, 0}, {0, 1, 1}}}),
		"claim":       ClaimView(ClaimPage{Base: base, Claim: claim, History: hist, Team: team}),
		"claim-blind": ClaimView(ClaimPage{Base: base, Claim: ClaimRow{ID: 7, Status: "disputed", Hidden: true}, Team: ClaimTeam{Blind: true, Opinions: []OpinionRow{{RequestedBy: "ed", SecondUser: "ed"}}, OpinionNote: hostile}}),
		"claim-gone":  ClaimView(ClaimPage{Base: base, Claim: claim, Team: ClaimTeam{Dismissed: true, DismissReason: hostile}}),
		"queue":       QueueView(QueuePage{Base: base, Claims: []ClaimRow{claim, {ID: 8, Text: hostile, Status: "confirmed", Hidden: true}}, Total: 2, Here: "/queue", Assignable: []Option{{2, hostile}}}),
		"document":    DocumentView(DocumentPage{Base: base, ID: 3, DocTitle: hostile, Claims: []ClaimRow{{ID: 7, Text: hostile, Status: "unverified", Dismissed: true}}, Assignable: []Option{{2, "rob"}}, AssignError: hostile}),
	}
	leak := regexp.MustCompile(`@[a-zA-Z]+\(`)
	for name, c := range pages {
		html, doc := render(t, c)
		if m := leak.FindString(doc.Text()); m != "" {
			t.Errorf("%s: templ call shown as text: %q", name, m)
		}
		if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x") {
			t.Errorf("%s: hostile text not escaped", name)
		}
		if doc.Find("script:not([src])").Length() > 0 || doc.Find("[style]").Length() > 0 {
			t.Errorf("%s: inline script or style (the CSP forbids them)", name)
		}
		// Every visible form control has a label or an aria-label.
		doc.Find("input:not([type=hidden]):not([hidden]), select, textarea").Each(func(_ int, s *goquery.Selection) {
			id, _ := s.Attr("id")
			_, aria := s.Attr("aria-label")
			if !aria && (id == "" || doc.Find(`label[for="`+id+`"]`).Length() == 0) {
				t.Errorf("%s: control %q has no label", name, id)
			}
		})
	}
	_, doc := render(t, pages["claim-blind"])
	if doc.Find(".badge.s-disputed").Length() != 0 || doc.Find("mark.hl.s-hidden").Length() != 1 || doc.Find(`form[action="/claims/7/opinion"]`).Length() != 1 {
		t.Error("the blind claim page shows the verdict or lacks the opinion form")
	}
	_, doc = render(t, pages["agreement"])
	if doc.Find("#overall-kappa").Text() != "0.50" || !strings.Contains(doc.Find("table.pairs").Text(), "undefined") {
		t.Errorf("agreement figures: %q / %q", doc.Find("#overall-kappa").Text(), doc.Find("table.pairs").Text())
	}
	_, doc = render(t, base0())
	if doc.Find("header a.inbox .count").Text() != "3" || !strings.Contains(doc.Find("header a.inbox").Text(), "3 unread") {
		t.Error("the unread count is not in the header")
	}
}

func base0() templ.Component {
	return InboxView(InboxPage{Base: Base{User: &User{Name: "ed", Role: "editor", Unread: 3}}})
}
