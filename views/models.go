// Package views holds the templ components of the web app and one view-model
// struct per page. It knows nothing of the database: handlers fill the models.
package views

import "time"

// Base is what every page's layout needs.
type Base struct {
	Title string
	User  *User // nil when nobody is logged in
	CSRF  string
	Flash string
	Nav   string // which main menu entry is current
}

// User is the logged-in user as the layout shows them.
type User struct {
	Name      string
	Role      string
	CanReview bool
}

// LoginPage is the login form.
type LoginPage struct {
	Base
	Username string
	Next     string
	Error    string
}

// SetupPage creates the first admin account.
type SetupPage struct {
	Base
	Token    string
	Username string
	Error    string
}

// Progress counts claims by status.
type Progress struct {
	Unverified, Confirmed, Disputed int
}

// Total is the number of claims.
func (p Progress) Total() int { return p.Unverified + p.Confirmed + p.Disputed }

// DocumentRow is one line of the documents list.
type DocumentRow struct {
	ID          int64
	Title       string
	URL         string
	PublishedAt string
	CreatedAt   time.Time
	Progress    Progress
}

// DocumentsPage lists documents, newest first.
type DocumentsPage struct {
	Base
	Documents []DocumentRow
	NextURL   string
}

// ImportPage is the import form; on error it keeps what was entered.
type ImportPage struct {
	Base
	Title     string
	URL       string
	Published string
	Text      string
	Error     string
	MaxMB     float64
}

// Segment is a run of document text: plain when ClaimID is 0, else a claim.
type Segment struct {
	Text    string
	ClaimID int64
	Status  string
}

// DocumentPage shows a whole document with its claims highlighted.
type DocumentPage struct {
	Base
	ID          int64
	DocTitle    string
	URL         string
	PublishedAt string
	CreatedAt   time.Time
	Segments    []Segment
	Claims      []ClaimRow
	Progress    Progress
}

// ClaimRow is a claim as lists and the claim page show it.
type ClaimRow struct {
	ID            int64
	DocumentID    int64
	DocumentTitle string
	Text          string
	Status        string
	Score         float64
	Kind          string
	Speaker       string
	Version       int64
	UpdatedAt     time.Time
}

// QueuePage is one page of the review queue.
type QueuePage struct {
	Base
	Claims        []ClaimRow
	Status        string
	DocumentID    int64
	DocumentTitle string
	Total         int
	NextURL       string
	PrevURL       string
	StatusURLs    []FilterLink
	ExportURL     string

	Live QueueLive // live updates
}

// FilterLink is one choice of a filter.
type FilterLink struct {
	Label   string
	URL     string
	Current bool
}

// HistoryRow is one status change.
type HistoryRow struct {
	User string
	At   time.Time
	From string
	To   string
	Note string
}

// ClaimPage shows one claim beside its source passage, with the review form.
type ClaimPage struct {
	Base
	Claim    ClaimRow
	Before   string // paragraph text before the claim
	After    string // paragraph text after the claim
	DocURL   string // link to the claim in the full document
	History  []HistoryRow
	Note     string // kept when a change is refused, so nothing typed is lost
	Error    string
	Conflict bool
	Saved    string // confirmation after an in-page (htmx) change

	Live ClaimLive // live updates and keyboard navigation
}

// ErrorPage is shown for every error.
type ErrorPage struct {
	Base
	Code      int
	Heading   string
	Message   string
	RequestID string
}

// Statuses in display order.
var Statuses = []string{"unverified", "confirmed", "disputed"}

// StatusLabel is how a status reads in the interface.
func StatusLabel(s string) string {
	switch s {
	case "confirmed":
		return "Confirmed"
	case "disputed":
		return "Disputed"
	case "unverified":
		return "Unverified"
	}
	return s
}

// ---- Live updates and keyboard navigation (live.templ) ----

// ClaimLive is what the claim page needs to follow changes made by others
// and to step through the queue.
type ClaimLive struct {
	EventsURL string // the server-sent events stream for this claim
	Query     string // the queue's filter (status, document), kept on claim links
	PrevURL   string // the previous and next claims in that queue, "" at its ends
	NextURL   string
	Notice    string // after a live update: who changed the claim, and to what
}

// QueueLive is what the queue page needs to follow changes made by others.
type QueueLive struct {
	EventsURL string
	Query     string // the queue's filter, kept on claim links
}

// QueueRowView is one row of the queue. A live update sets Notice; a change
// made from the queue that was refused sets Error.
type QueueRowView struct {
	Claim  ClaimRow
	Query  string
	Notice string
	Error  string
}

// ---- Search (search.templ) ----

// Fragment is a run of text, marked when it matched a search.
type Fragment struct {
	Text string
	Mark bool
}

// SearchNote is a review note that matched, cut around the match.
type SearchNote struct {
	User    string
	At      time.Time
	Snippet []Fragment
}

// SearchResult is one claim found.
type SearchResult struct {
	Claim ClaimRow
	Text  []Fragment  // the claim text, matches marked
	Note  *SearchNote // the best matching note, if a note matched
	Title []Fragment  // the document title when it matched, else empty
}

// Option is one choice of a select menu.
type Option struct {
	Value, Label string
}

// SearchPage is the search form with its filters, and a page of results.
type SearchPage struct {
	Base
	Query      string
	Status     string
	Kind       string
	DocumentID string
	From, To   string
	Kinds      []string
	Documents  []Option
	Searched   bool // a query or a filter was given
	Error      string
	Results    []SearchResult
	Total      int
	First      int // position of the first result shown, from 1
	PrevURL    string
	NextURL    string
}

// ---- Dashboard (dashboard.templ) ----

// ProgressRow is one bar of a progress chart: a document or a kind.
type ProgressRow struct {
	Label    string
	URL      string // where the row's table link goes; "" for none
	Progress Progress
}

// ReviewerRow is one reviewer's status changes per day.
type ReviewerRow struct {
	Name   string
	PerDay []int // one count per day of DashboardPage.Days
	Total  int
}

// DashboardPage shows where the work stands.
type DashboardPage struct {
	Base
	Overall        Progress
	Documents      []ProgressRow // the most recently imported documents
	DocumentsTotal int
	Kinds          []ProgressRow
	Days           []time.Time // the days of the work chart, oldest first
	Reviewers      []ReviewerRow
	RangeLinks     []FilterLink // choices of how many days to show
}
