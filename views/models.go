// Package views holds the templ components of the web app and one view-model
// struct per page. It knows nothing of the database: handlers fill the models.
package views

import (
	"strconv"
	"strings"
	"time"
)

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

	// Team work: editors assign, restore and act in bulk; admins manage users.
	CanEdit bool
	IsAdmin bool
	Unread  int // unread inbox entries, shown beside the inbox link
}

// LoginPage is the login form.
type LoginPage struct {
	Base
	Username string
	Next     string
	Error    string
	Notice   string // a message that is not an error, such as after logging out everywhere
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
	// Hidden is the claims the reader owes a blind second opinion on: not
	// counted by status, which would tell their verdicts.
	Hidden int
}

// Total is the number of claims.
func (p Progress) Total() int { return p.Unverified + p.Confirmed + p.Disputed + p.Hidden }

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
	Publisher string
	Text      string
	Error     string
	Limit     string // the size limit in words: "5 MB"
	// FileLost names the file chosen for a refused import: a browser
	// cannot put it back in the field, so the page asks for it again.
	FileLost string

	// Size limits, checked in the browser before the form is sent (a
	// request over the server's limit is refused unread, so nothing typed
	// could come back), and the messages shown for each, the server's own.
	MaxBytes        int // largest text or file accepted
	MaxRequestBytes int // largest text and file together that one request may carry
	TooLargeText    string
	TooLargeFile    string
	Both            string // text pasted and a file chosen
}

// Segment is a run of document text: plain when ClaimID is 0, else a claim.
type Segment struct {
	Text    string
	ClaimID int64
	Status  string
	Version int64 // the claim's version, for live updates of its highlight
	// Part counts a claim's runs from 0: a claim that overlaps others comes
	// in parts around and between them. The first, at the claim's first
	// word, carries the claim's anchor; it has no text when the claim
	// starts where a shorter one does, whose run comes next.
	Part int
	// Words are the claim's words, to name it where the run does not show
	// them whole.
	Words string
	// Also are the words of the other claims over this run: it is theirs
	// too, though it links to this one.
	Also []string
}

// markID is the id of a claim's run in the text: the first is the claim's
// anchor (#claim-ID), which its page links to.
func (s Segment) markID() string {
	if s.Part == 0 {
		return "claim-" + strconv.FormatInt(s.ClaimID, 10)
	}
	return "claim-" + strconv.FormatInt(s.ClaimID, 10) + "-" + strconv.Itoa(s.Part)
}

// title says a run's status and, when other claims share its words, whose
// they are: the link can go to one claim only.
func (s Segment) title() string {
	if len(s.Also) == 0 {
		return StatusLabel(s.Status)
	}
	names := []string{quoteWords(s.Words)}
	for _, w := range s.Also {
		names = append(names, quoteWords(w))
	}
	last := len(names) - 1
	return StatusLabel(s.Status) + " · words of " + strings.Join(names[:last], ", ") + " and " + names[last]
}

// label names a claim's anchor that has no text of its own.
func (s Segment) label() string {
	return quoteWords(s.Words) + " (" + StatusLabel(s.Status) + ")"
}

func quoteWords(w string) string { return "“" + clip(strings.TrimSpace(w), 60) + "”" }

// DocumentPage shows a whole document with its claims highlighted.
type DocumentPage struct {
	Base
	ID          int64
	DocTitle    string
	URL         string
	Publisher   string
	PublishedAt string
	CreatedAt   time.Time
	Segments    []Segment
	Claims      []ClaimRow
	Progress    Progress

	Assignable  []Option // whom an editor may assign the document's claims to
	AssignError string

	AddClaimText  string // what a refused form to add a claim held
	AddClaimError string

	EventsURL string // live updates: the stream that follows the document's claims
}

// ClaimsHeading counts the document's claims as its progress line does,
// without the sentences dismissed as not claims, which it names apart.
func (p DocumentPage) ClaimsHeading() string {
	dismissed := 0
	for _, c := range p.Claims {
		if c.Dismissed {
			dismissed++
		}
	}
	return ClaimsHeading(len(p.Claims), dismissed)
}

// ClaimsHeading heads a document's list of claims: total of them, of which
// dismissed were dismissed as not claims.
func ClaimsHeading(total, dismissed int) string {
	if dismissed == 0 {
		return Claims(total)
	}
	return Claims(total-dismissed) + " · " + strconv.Itoa(dismissed) + " dismissed"
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

	Dismissed  bool   // "not a claim": shown struck through, out of the queue
	Assignee   string // "" when nobody is assigned
	AssigneeID int64  // 0 when nobody is assigned
	Hidden     bool   // the viewer owes a second opinion: the status is not shown
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

	Assignee     string       // the assignee filter: "", "me", "none" or a user name
	AssigneeURLs []FilterLink // All, Mine, Unassigned, each reviewer
	Assignable   []Option     // for the bulk assign form
	Here         string       // this page's URL, to come back to after a bulk action

	Download DownloadForm // the export of the queue's current filter

	Live QueueLive // live updates
}

// EmptyText says what an empty queue page means under its filters, rather
// than a bare "nothing here".
func (p QueuePage) EmptyText() string {
	if p.Total > 0 {
		return "This page is past the end of the queue: its claims have moved on since the link was made. Start again from the first page."
	}
	what := "claims"
	if p.Status != "" {
		what = strings.ToLower(StatusLabel(p.Status)) + " claims"
	}
	where := ""
	if p.DocumentID != 0 {
		where = " in this document"
	}
	switch p.Assignee {
	case "":
	case "me":
		return "No " + what + where + " are assigned to you. Editors assign claims from the queue or from a document's page."
	case "none":
		return "No " + what + where + " are unassigned."
	default:
		return "No " + what + where + " are assigned to " + p.Assignee + "."
	}
	switch {
	case where != "":
		return "This document has no " + what + "."
	case p.Status != "":
		return "No " + what + "."
	}
	return "No claims yet: import an article, and the claims found in it are listed here for review."
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

	ID       int64
	Action   string        // "status", "dismiss" or "restore"
	Evidence []EvidenceRow // links given with this change
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
	SavedIn  string // the card it is shown in: "evidence", "comments", or "" for the review panel
	Team     ClaimTeam

	// The claim's history checked against the history hash chain.
	HistoryChecked int    // rows whose hashes and links hold
	HistoryProblem string // what does not hold, when something does not

	// Publication state and buttons.
	Publish PublishBox

	// What the extractor finds in the claim's text, for the fact-checker to
	// look up: "$4.5 million, 40%" and "Nov. 21, last week"; empty when none.
	Numbers string
	Dates   string

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

// Claims counts claims in words: "1 claim", "3 claims".
func Claims(n int) string { return Count(n, "claim") }

// Count counts things in words: Count(1, "history row") is "1 history
// row", Count(3, "history row") "3 history rows". The noun's plural must
// be the noun and an s.
func Count[N ~int | ~int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.FormatInt(int64(n), 10) + " " + noun + "s"
}

// StatusLabel is how a status reads in the interface.
func StatusLabel(s string) string {
	switch s {
	case "confirmed":
		return "Confirmed"
	case "disputed":
		return "Disputed"
	case "unverified":
		return "Unverified"
	case "dismissed":
		return "Dismissed"
	case "hidden":
		return "Hidden"
	}
	return s
}

// --- Team work: users, review work, comments, evidence, second opinions ---

// UserRow is one account on the users page.
type UserRow struct {
	ID        int64
	Name      string
	Role      string
	Disabled  bool
	CreatedAt time.Time
	Me        bool // the admin looking at the page
}

// UsersPage lists accounts with the forms to manage them.
type UsersPage struct {
	Base
	Users   []UserRow
	Roles   []string
	Error   string
	NewName string // kept when adding a user fails
	NewRole string
	// AddError is why adding a user failed, said beside the form;
	// AddErrorOnPassword puts the focus on the password, else on the name.
	AddError           string
	AddErrorOnPassword bool
}

// Option is a choice in a select: a user to assign, ask or filter by.
type Option struct {
	ID   int64
	Name string
}

// EvidenceRow is a link given as evidence.
type EvidenceRow struct {
	URL     string
	Title   string
	Excerpt string
	User    string
	At      time.Time
}

// EvidenceForm keeps what was typed into an evidence form.
type EvidenceForm struct {
	URL, Title, Excerpt string
}

// TextPart is a run of comment text; Mention marks an @name of a user.
type TextPart struct {
	Text    string
	Mention bool
}

// CommentRow is one comment on a claim.
type CommentRow struct {
	ID    int64
	User  string
	At    time.Time
	Parts []TextPart
}

// OpinionRow is a second opinion: asked for, and answered or not yet.
type OpinionRow struct {
	RequestedBy  string
	RequestedAt  time.Time
	FirstUser    string
	FirstStatus  string
	SecondUser   string
	SecondStatus string // "" while open, and when withdrawn
	SecondNote   string
	SecondAt     time.Time // when answered or withdrawn
	WithdrawnBy  string    // the editor who withdrew the request unanswered
}

// Open reports whether the second verdict is still to come.
func (o OpinionRow) Open() bool { return o.SecondStatus == "" && o.WithdrawnBy == "" }

// ClaimTeam is the team side of the claim page.
type ClaimTeam struct {
	// Blind is set for a reviewer who owes a second opinion on the claim:
	// the verdict, its history, the comments and the evidence stay hidden
	// until they give theirs.
	Blind         bool
	Dismissed     bool
	DismissReason string
	Assignee      string
	AssigneeID    int64
	Assignable    []Option // whom an editor may assign the claim to
	Askable       []Option // whom an editor may ask for a second opinion
	CanAsk        bool     // an editor may ask for a second opinion now
	Opinions      []OpinionRow
	Evidence      []EvidenceRow // attached to the claim itself
	// VerdictEvidence counts the links given with status changes, listed
	// in the history under each.
	VerdictEvidence int
	Comments        []CommentRow

	// What was typed, kept when a form is refused, and the refusal.
	CommentBody   string
	CommentError  string
	Ev            EvidenceForm // the evidence form
	EvidenceError string
	StatusEv      EvidenceForm // evidence given with a status change
	Reason        string       // dismissal reason or restoration note
	ToolsError    string       // dismiss, restore, assign, ask for an opinion
	OpinionNote   string
	OpinionError  string
}

// InboxRow is a mention or a request for a second opinion.
type InboxRow struct {
	ID         int64
	Kind       string // "mention" or "opinion"
	ClaimID    int64
	ClaimText  string
	DocumentID int64
	DocTitle   string
	Actor      string
	Comment    string
	At         time.Time
	Read       bool
	Blind      bool // the comment is hidden until the user gives their second opinion
	Withdrawn  bool // the request for an opinion was withdrawn unanswered
}

// InboxPage lists a user's mentions and second-opinion requests.
type InboxPage struct {
	Base
	Items    []InboxRow
	NextURL  string
	NewestID int64 // "mark as read" stops here, so a newer entry stays unread
}

// ActivityRow is one action in the feed.
type ActivityRow struct {
	At         time.Time
	User       string
	Action     string
	DocumentID int64
	DocTitle   string
	ClaimID    int64
	ClaimText  string
	Subject    string
	From, To   string
	Detail     string
}

// ActivityPage is the feed, for every document or one.
type ActivityPage struct {
	Base
	DocumentID int64 // 0 for every document
	DocTitle   string
	Entries    []ActivityRow
	NextURL    string
	FirstURL   string // back to the newest, from a later page
}

// AgreementRow is the agreement of a pair of reviewers, or overall when A is "".
type AgreementRow struct {
	A, B    string
	N       int
	Agreed  int
	Percent float64
	Kappa   float64
	KappaOK bool
}

// AgreementPage shows agreement between first and second opinions.
type AgreementPage struct {
	Base
	Overall AgreementRow
	Pairs   []AgreementRow
	Matrix  [][]int // first verdict (row) by second verdict (column), in Statuses order
}

// Export, publishing and API tokens.

// DownloadForm exports the claims a list shows, in a chosen format.
type DownloadForm struct {
	Status     string // comma-separated statuses
	DocumentID int64
	Assignee   string // "me", "none", a username or empty, as the queue's link has it
	Formats    []FormatChoice
}

// FormatChoice is one export format.
type FormatChoice struct {
	Value, Label string
	Off          string // when set, the format is shown disabled, and this says how to turn it on
}

// PublishBox is the claim page's publication panel.
type PublishBox struct {
	ClaimID     int64
	Version     int64 // the claim's version: publishing checks it is still the one shown
	CanPublish  bool  // the user is an editor or admin
	Reviewed    bool  // confirmed or disputed: a verdict to publish
	Dismissed   bool  // dismissed as not a claim: nothing to publish until restored
	Asked       bool  // a second opinion is pending: a public verdict would lift its blind
	Published   bool
	PublishedAt time.Time
	By          string
	PublicPath  string
	NoMarkup    string // the settings ClaimReview needs, when missing: pages go out without it
	CSRF        string
	// Blind: the viewer owes a second opinion. Whether the review is out,
	// or could be, would tell them its verdict.
	Blind bool
}

// PublicClaimPage is the public page of a published review.
type PublicClaimPage struct {
	Base
	Text          string
	Status        string
	Speaker       string
	DocumentTitle string
	DocumentURL   string
	DocumentDate  string
	// DocumentPublisher is the article's publisher, or "".
	DocumentPublisher string
	OrgName           string
	OrgURL            string
	PublishedAt       time.Time
	ClaimReview       any // the schema.org ClaimReview, embedded as JSON-LD; nil when not configured
}

// TokensPage lists the user's API tokens; NewToken is shown once, after
// creation.
type TokensPage struct {
	Base
	Tokens   []TokenRow
	NewToken string
	Label    string // kept when creation is refused
	Error    string
}

// TokenRow is one API token.
type TokenRow struct {
	ID         int64
	Label      string
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
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

	// What the page shows besides the version, so that a live re-fetch can
	// tell comments, evidence, opinions and assignments from no change.
	Seen     int64  // an activity id no lower than the claim's newest when the page was read
	Assignee int64  // the assignee's id, 0 for nobody (a whole document's assignment leaves no activity row per claim)
	Mode     string // ClaimMode: which review panel the page shows
}

// QueueLive is what the queue page needs to follow changes made by others.
type QueueLive struct {
	EventsURL string
	Query     string // the queue's filter, kept on claim links
}

// QueueRowView is one row of the queue. A live update sets Notice; a change
// made from the queue that was refused sets Error.
type QueueRowView struct {
	Claim   ClaimRow
	Query   string
	Notice  string
	Error   string
	CanEdit bool // editors get a checkbox for bulk actions
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
	Claim   ClaimRow
	Text    []Fragment  // the claim text, matches marked
	Note    *SearchNote // the best matching note, if a note matched
	Comment *SearchNote // the best matching comment, if a comment matched
	Title   []Fragment  // the document title when it matched, else empty
}

// SearchPage is the search form with its filters, and a page of results.
type SearchPage struct {
	Base
	Query      string
	Status     string
	Kind       string
	DocumentID string
	Assignee   string   // "", "me", "none" or a user name, as in the queue
	Assignees  []string // user names to choose from
	From, To   string
	Kinds      []string
	Documents  []Option // ID and title
	Searched   bool     // a query or a filter was given
	Error      string
	Results    []SearchResult
	Total      int
	First      int // position of the first result shown, from 1
	PrevURL    string
	NextURL    string
	// Capped: there are more claims than the search read; Total is a lower
	// bound and the page says how to narrow the search.
	Capped bool
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

// Security pages.

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Base
	Events    []AuditRow
	Event     string // the kind shown, "" for all
	Filters   []FilterLink
	NextURL   string // older events
	NewestURL string
	Paged     bool // not the first page
}

// AuditRow is one security event.
type AuditRow struct {
	At     time.Time
	Event  string
	Actor  string
	Target string
	IP     string
	Detail string
}
