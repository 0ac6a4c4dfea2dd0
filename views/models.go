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

	// What the extractor finds in the claim's text, for the fact-checker to
	// look up: "$4.5 million, 40%" and "Nov. 21, last week"; empty when none.
	Numbers string
	Dates   string
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
