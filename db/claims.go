package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Statuses a claim can have.
const (
	StatusUnverified = "unverified"
	StatusConfirmed  = "confirmed"
	StatusDisputed   = "disputed"
)

// Statuses lists every status in display order.
var Statuses = []string{StatusUnverified, StatusConfirmed, StatusDisputed}

// ValidStatus reports whether s is a status.
func ValidStatus(s string) bool {
	return s == StatusUnverified || s == StatusConfirmed || s == StatusDisputed
}

// ParseStatuses splits a comma-separated list of statuses, refusing unknown ones.
func ParseStatuses(list string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !ValidStatus(s) {
			return nil, fmt.Errorf("%w: unknown status %q (use unverified, confirmed or disputed)", ErrInvalid, s)
		}
		out = append(out, s)
	}
	return out, nil
}

// Claim is one extracted claim. Start and End are code point offsets into
// its document's body.
type Claim struct {
	ID            int64
	DocumentID    int64
	DocumentTitle string
	Start, End    int
	Text          string
	Score         float64
	Kind          string
	Speaker       string
	Status        string
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// Team review state (0004_team.sql).
	Dismissed     bool   // "not a claim": out of the queue, kept with its history
	DismissReason string // why it was dismissed
	AssigneeID    int64  // 0 when nobody is assigned
	Assignee      string // the assignee's user name
}

// claimCols reads the assignee's name with a subquery rather than a join,
// so that every query selecting claimCols FROM claims c JOIN documents d
// keeps working.
const claimCols = `c.id, c.document_id, d.title, c.start, c."end", c.text, c.score, c.kind, c.speaker,
	c.status, c.version, c.created_at, c.updated_at,
	c.dismissed, c.dismiss_reason, coalesce(c.assignee_id, 0),
	coalesce((SELECT username FROM users WHERE id = c.assignee_id), '')`

func scanClaim(row interface{ Scan(...any) error }) (Claim, error) {
	return scanClaimAnd(row)
}

// scanClaimAnd scans claimCols and then the columns that follow them into
// more.
func scanClaimAnd(row interface{ Scan(...any) error }, more ...any) (Claim, error) {
	var c Claim
	var created, updated string
	err := row.Scan(append([]any{&c.ID, &c.DocumentID, &c.DocumentTitle, &c.Start, &c.End, &c.Text, &c.Score, &c.Kind, &c.Speaker,
		&c.Status, &c.Version, &created, &updated,
		&c.Dismissed, &c.DismissReason, &c.AssigneeID, &c.Assignee}, more...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
	return c, err
}

// Claim returns one claim.
func (s *Store) Claim(ctx context.Context, id int64) (Claim, error) {
	return scanClaim(s.queryRow(ctx, `SELECT `+claimCols+`
		FROM claims c JOIN documents d ON d.id = c.document_id WHERE c.id = ?`, id))
}

// ClaimRecords says which records a claim has beside its history: second
// opinions, evidence, comments, a publication. Most claims have none, and
// a claim page reads only those it has: each is a statement.
type ClaimRecords struct {
	Opinions, Evidence, Comments, Published bool
}

// ClaimInText returns one claim, the text of its document, which a claim
// page shows it in, and which records it has: one statement instead of
// Claim, Document and a read of each kind of record.
func (s *Store) ClaimInText(ctx context.Context, id int64) (Claim, string, ClaimRecords, error) {
	var body string
	var r ClaimRecords
	c, err := scanClaimAnd(s.queryRow(ctx, `SELECT `+claimCols+`, d.body,
			EXISTS (SELECT 1 FROM second_opinions o WHERE o.claim_id = c.id),
			EXISTS (SELECT 1 FROM evidence e WHERE e.claim_id = c.id),
			EXISTS (SELECT 1 FROM comments m WHERE m.claim_id = c.id),
			EXISTS (SELECT 1 FROM claim_publications p WHERE p.claim_id = c.id)
		FROM claims c JOIN documents d ON d.id = c.document_id WHERE c.id = ?`, id),
		&body, &r.Opinions, &r.Evidence, &r.Comments, &r.Published)
	return c, body, r, err
}

// DocumentClaims returns a document's claims in text order.
func (s *Store) DocumentClaims(ctx context.Context, docID int64) ([]Claim, error) {
	rows, err := s.query(ctx, `SELECT `+claimCols+`
		FROM claims c JOIN documents d ON d.id = c.document_id
		WHERE c.document_id = ? ORDER BY c.start, c.id`, docID)
	if err != nil {
		return nil, err
	}
	return collectClaims(rows)
}

func collectClaims(rows *sql.Rows) ([]Claim, error) {
	return collectWith(rows, scanClaim)
}

func collectWith(rows *sql.Rows, scan func(interface{ Scan(...any) error }) (Claim, error)) ([]Claim, error) {
	defer rows.Close()
	var out []Claim
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// queueCols is what a queue row shows: claimCols without the offsets, the
// times, the dismissal's reason and the assignee's id. The driver reads
// each column of each row under the connection's mutex, and a page reads
// fifty rows.
const queueCols = `c.id, c.document_id, d.title, c.text, c.score, c.kind, c.speaker,
	c.status, c.version, c.dismissed, coalesce(c.assignee_id, 0),
	coalesce((SELECT username FROM users WHERE id = c.assignee_id), '')`

func scanQueueClaim(row interface{ Scan(...any) error }) (Claim, error) {
	var c Claim
	err := row.Scan(&c.ID, &c.DocumentID, &c.DocumentTitle, &c.Text, &c.Score, &c.Kind, &c.Speaker,
		&c.Status, &c.Version, &c.Dismissed, &c.AssigneeID, &c.Assignee)
	return c, err
}

// Cursor marks a position in the queue's order (score descending, id ascending).
type Cursor struct {
	Score float64
	ID    int64
}

// String encodes the cursor for a URL.
func (c Cursor) String() string {
	return strconv.FormatFloat(c.Score, 'g', -1, 64) + "_" + strconv.FormatInt(c.ID, 10)
}

// ParseCursor decodes a cursor made by String.
func ParseCursor(s string) (Cursor, error) {
	a, b, ok := strings.Cut(s, "_")
	score, err1 := strconv.ParseFloat(a, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || id <= 0 || math.IsNaN(score) || math.IsInf(score, 0) {
		return Cursor{}, fmt.Errorf("%w: bad page cursor", ErrInvalid)
	}
	return Cursor{Score: score, ID: id}, nil
}

// QueueFilter selects a page of the review queue.
type QueueFilter struct {
	Status     string // "" for every status
	DocumentID int64  // 0 for every document
	AssigneeID int64  // 0 for anyone's claims
	Unassigned bool   // only claims assigned to nobody
	// BlindFor leaves out, when filtering by status, the claims on which
	// this user owes a second opinion: the filter would tell them the verdict.
	BlindFor int64
	After    *Cursor
	Before   *Cursor
	Limit    int
}

// QueuePage is one page of the queue, with cursors to its neighbours.
type QueuePage struct {
	Claims []Claim // what a queue row shows (queueCols)
	Next   *Cursor // nil on the last page
	Prev   *Cursor // nil on the first page
	Total  int
}

// queueWhere is the filter's WHERE terms on claims c and their arguments,
// but for leaving out the claims owed a blind second opinion (see
// queueQueries and conditions).
func queueWhere(f QueueFilter) ([]string, []any) {
	// Dismissed sentences are not claims: they leave the queue.
	return appendClaimTerms([]string{"c.dismissed = 0"}, nil, f.Status, f.AssigneeID, f.Unassigned, f.DocumentID)
}

// appendClaimTerms adds the filter terms on claims c that the queue and
// search share: assignee, status and document.
func appendClaimTerms(where []string, args []any, status string, assigneeID int64, unassigned bool, documentID int64) ([]string, []any) {
	switch {
	case assigneeID > 0:
		where = append(where, "c.assignee_id = ?")
		args = append(args, assigneeID)
	case unassigned:
		where = append(where, "c.assignee_id IS NULL")
	}
	if status != "" {
		where = append(where, "c.status = ?")
		args = append(args, status)
	}
	if documentID > 0 {
		where = append(where, "c.document_id = ?")
		args = append(args, documentID)
	}
	return where, args
}

// owedBlindOpinion leaves out the claims whose verdict the user (its one
// argument) must not see yet: they owe a blind second opinion on them.
const owedBlindOpinion = `NOT EXISTS (SELECT 1 FROM second_opinions o
			WHERE o.claim_id = c.id AND o.second_user_id = ? AND o.second_at IS NULL)`

// owedClaims is the claims c on which a user (its one argument) owes a
// blind second opinion, joined to their requests o: a FROM clause and the
// start of its WHERE. The requests come first (CROSS JOIN): a user owes
// few, found by the index second_opinions_pending.
const owedClaims = `second_opinions o CROSS JOIN claims c ON c.id = o.claim_id
		WHERE o.second_user_id = ? AND o.second_at IS NULL`

// conditions is every WHERE term of the queue that f selects, so that a
// claim page steps through the same claims as the queue (QueueNeighbours).
func (f QueueFilter) conditions() ([]string, []any) {
	where, args := queueWhere(f)
	if f.Status != "" && f.BlindFor > 0 {
		where = append(where, owedBlindOpinion)
		args = append(args, f.BlindFor)
	}
	return where, args
}

// Queue returns a page of claims, highest score first, by keyset pagination
// so that deep pages cost the same as the first.
func (s *Store) Queue(ctx context.Context, f QueueFilter) (QueuePage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Status != "" && !ValidStatus(f.Status) {
		return QueuePage{}, fmt.Errorf("%w: unknown status %q", ErrInvalid, f.Status)
	}
	var page QueuePage
	countSQL, countArgs, parts := queueQueries(f)
	if err := s.queryRow(ctx, countSQL, countArgs...).Scan(&page.Total); err != nil {
		return page, err
	}
	var claims []Claim
	for _, part := range parts {
		left := f.Limit + 1 - len(claims)
		if left == 0 {
			break
		}
		part.args[len(part.args)-1] = left
		rows, err := s.query(ctx, part.sql, part.args...)
		if err != nil {
			return page, err
		}
		more, err := collectWith(rows, scanQueueClaim)
		if err != nil {
			return page, err
		}
		claims = append(claims, more...)
	}
	more := len(claims) > f.Limit
	if more {
		claims = claims[:f.Limit]
	}
	backward := f.Before != nil
	if backward {
		for i, j := 0, len(claims)-1; i < j; i, j = i+1, j-1 {
			claims[i], claims[j] = claims[j], claims[i]
		}
	}
	page.Claims = claims
	if len(claims) == 0 {
		return page, nil
	}
	first := &Cursor{claims[0].Score, claims[0].ID}
	last := &Cursor{claims[len(claims)-1].Score, claims[len(claims)-1].ID}
	if backward {
		page.Next = last
		if more {
			page.Prev = first
		}
	} else {
		if more {
			page.Next = last
		}
		if f.After != nil {
			page.Prev = first
		}
	}
	return page, nil
}

// queueQueries returns the queries of a queue page: its total and its
// claims. Totals that claim_counts holds (every document; by status and
// whether assigned) are read from it, kept by triggers; the others are
// counted in an index range: one document's claims, one reviewer's, or the
// few claims on which a reviewer owes a second opinion, taken from a total.
//
// A cursor splits the page into two index ranges, each a seek: the rest of
// the cursor's score (scores tie often: they are rounded), then the lower
// scores. A single condition such as "score < ? OR (score = ? AND id > ?)"
// makes SQLite walk the index from the top, so that deep pages would cost
// as much as every page before them.
func queueQueries(f QueueFilter) (countSQL string, countArgs []any, parts []queuePart) {
	where, args := queueWhere(f)
	blind := f.Status != "" && f.BlindFor > 0
	// The claims owed a blind second opinion by the reader, among those the
	// other conditions select: left out when filtering by status, as the
	// filter would tell the verdict.
	// They are few: CROSS JOIN starts at them, where SQLite, without
	// statistics, walked every claim of the status and probed for each.
	owed := `SELECT count(*) FROM ` + owedClaims + ` AND ` + strings.Join(where, " AND ")
	owedArgs := append([]any{f.BlindFor}, args...)

	switch {
	case f.AssigneeID > 0 && f.DocumentID == 0:
		// One reviewer's claims, not (as SQLite chose without statistics)
		// every claim of the status.
		countSQL, countArgs = "SELECT count(*) FROM claims c INDEXED BY claims_assignee WHERE "+strings.Join(where, " AND "), slices.Clone(args)
	case f.AssigneeID > 0 || (f.DocumentID > 0 && f.Unassigned):
		// One document's claims, a hundred or so: without statistics, SQLite
		// chose to count the status's whole range in the queue's index,
		// which holds the assignee too.
		countSQL, countArgs = "SELECT count(*) FROM claims c INDEXED BY claims_doc_queue WHERE "+strings.Join(where, " AND "), slices.Clone(args)
	case f.DocumentID > 0:
		countSQL, countArgs = "SELECT coalesce(sum(n), 0) FROM doc_counts WHERE document_id = ?", []any{f.DocumentID}
		if f.Status != "" {
			countSQL += " AND status = ?"
			countArgs = append(countArgs, f.Status)
		}
	default:
		var cw []string
		if f.Status != "" {
			cw = append(cw, "status = ?")
			countArgs = append(countArgs, f.Status)
		}
		if f.Unassigned {
			cw = append(cw, "assigned = 0")
		}
		countSQL = "SELECT coalesce(sum(n), 0) FROM claim_counts"
		if len(cw) > 0 {
			countSQL += " WHERE " + strings.Join(cw, " AND ")
		}
	}
	if blind {
		countSQL = "SELECT (" + countSQL + ") - (" + owed + ")"
		countArgs = append(countArgs, owedArgs...)
		where = append(where, owedBlindOpinion)
		args = append(args, f.BlindFor)
	}
	return countSQL, countArgs, queueSQL(where, args, f)
}

// queuePart is one statement of a queue page; its last argument is the
// number of rows it may add (the page's limit, less those read before it).
type queuePart struct {
	sql  string
	args []any
}

// queueSQL builds the page's statements from the filter's conditions: a
// first page walks a score index once; a cursor page walks the two ranges
// queueQueries describes, the second only when the first comes short of a
// page. Each statement reads whole only the rows it returns; one statement
// merging the two ranges chose the page from both and sorted it (a deep
// page cost 0.92 ms against 0.57 for the first).
func queueSQL(where []string, args []any, f QueueFilter) []queuePart {
	base := ""
	if len(where) > 0 {
		base = " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit + 1
	// Both ranges are ordered by score and id, though the first has one
	// score: that is the order of the score indexes, which SQLite then walks
	// rather than collecting the whole tie and sorting it.
	cur, order, tie, rest := f.After, "c.score DESC, c.id ASC", "c.id > ?", "c.score < ?"
	if f.Before != nil {
		cur, order, tie, rest = f.Before, "c.score ASC, c.id DESC", "c.id < ?", "c.score > ?"
	}
	// Claims first (CROSS JOIN keeps SQLite from starting at documents and
	// sorting what it found), and the whole queue's order is the score
	// index's: without it, exact statistics led SQLite to skip-scan the
	// status index and sort each tie.
	claims := "claims c"
	if f.Status == "" && f.DocumentID == 0 && f.AssigneeID == 0 {
		claims = "claims c INDEXED BY claims_score_live"
	}
	from := `SELECT ` + queueCols + ` FROM ` + claims + ` CROSS JOIN documents d ON d.id = c.document_id` + base
	and := " AND "
	if base == "" {
		and = " WHERE "
	}
	if cur == nil {
		return []queuePart{{from + " ORDER BY " + order + " LIMIT ?", append(slices.Clone(args), limit)}}
	}
	return []queuePart{
		{from + and + "c.score = ? AND " + tie + " ORDER BY " + order + " LIMIT ?", append(slices.Clone(args), cur.Score, cur.ID, limit)},
		{from + and + rest + " ORDER BY " + order + " LIMIT ?", append(slices.Clone(args), cur.Score, limit)},
	}
}

// StaleError is returned when a change was made on an old version of a
// claim; Current is the claim as it is now.
type StaleError struct{ Current Claim }

func (e *StaleError) Error() string {
	return fmt.Sprintf("claim %d was changed by someone else: it is now %s (version %d)", e.Current.ID, e.Current.Status, e.Current.Version)
}

// Is makes errors.Is(err, ErrStale) true.
func (e *StaleError) Is(target error) bool { return target == ErrStale }

// The statements of a status change, kept prepared (see stmts.go).
const (
	sqlSetStatusRead = `SELECT ` + claimCols + `
		FROM claims c JOIN documents d ON d.id = c.document_id WHERE c.id = ?`
	sqlSetStatusUpdate = `UPDATE claims SET status = ?, version = version + 1, updated_at = ? WHERE id = ?`
)

// SetStatus records a review: in one transaction it checks that the claim is
// still at seenVersion, sets its status, bumps its version and appends a
// history row. Keeping the same status is allowed only with a note, so that
// every history row says something.
//
// Evidence given with the change is attached to its history row in the
// same transaction.
func (s *Store) SetStatus(ctx context.Context, claimID, userID, seenVersion int64, to, note string, evidence ...NewEvidence) (Claim, error) {
	if !ValidStatus(to) {
		return Claim{}, fmt.Errorf("%w: unknown status %q (use unverified, confirmed or disputed)", ErrInvalid, to)
	}
	if err := checkVersion(seenVersion); err != nil {
		return Claim{}, err
	}
	note = strings.TrimSpace(note)
	if err := checkNote(note); err != nil {
		return Claim{}, err
	}
	for i := range evidence {
		if err := evidence[i].normalize(); err != nil {
			return Claim{}, err
		}
	}
	var c Claim
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		c, err = scanClaim(s.txQueryRow(ctx, tx, sqlSetStatusRead, claimID))
		if err != nil {
			return err
		}
		// Whether the user may give a verdict at all comes first: a stale
		// refusal says the claim's verdict, which a reviewer who owes a
		// blind second opinion must not learn.
		kt := keptTx{s, tx}
		if err := checkReviewable(ctx, kt, c, userID); err != nil {
			return err
		}
		if c.Version != seenVersion {
			return &StaleError{Current: c}
		}
		if c.Status == to && note == "" {
			return fmt.Errorf("%w: the claim is already %s; add a note to record a review without a change", ErrInvalid, to)
		}
		now := s.now()
		if _, err := s.txExec(ctx, tx, sqlSetStatusUpdate, to, formatTime(now), claimID); err != nil {
			return err
		}
		historyID, err := appendHistory(ctx, kt, historyRecord{ClaimID: claimID, From: c.Status, To: to, UserID: userID,
			Note: note, CreatedAt: formatTime(now)})
		if err != nil {
			return err
		}
		if err := recordStatusChange(ctx, kt, c, historyID, userID, to, note, evidence, now); err != nil {
			return err
		}
		c.Status, c.Version, c.UpdatedAt = to, c.Version+1, now.UTC()
		return nil
	})
	if err == nil {
		s.publish(Change{ClaimID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Status: c.Status, UserID: userID, Action: "status"})
	}
	return c, err
}

// HistoryEntry is one row of a claim's status history.
type HistoryEntry struct {
	ID        int64
	ClaimID   int64
	Action    string // "status", "dismiss" or "restore"
	From, To  string
	UserID    int64
	Username  string
	Note      string
	CreatedAt time.Time
}

// History returns a claim's history, newest first.
func (s *Store) History(ctx context.Context, claimID int64) ([]HistoryEntry, error) {
	rows, err := s.query(ctx, `SELECT h.id, h.claim_id, h.action, h.from_status, h.to_status, h.user_id, u.username, h.note, h.created_at
		FROM status_history h JOIN users u ON u.id = h.user_id
		WHERE h.claim_id = ? ORDER BY h.id DESC`, claimID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var created string
		if err := rows.Scan(&h.ID, &h.ClaimID, &h.Action, &h.From, &h.To, &h.UserID, &h.Username, &h.Note, &created); err != nil {
			return nil, err
		}
		h.CreatedAt = parseTime(created)
		out = append(out, h)
	}
	return out, rows.Err()
}

// noteLimit bounds a review's note, in characters (code points), as the
// API documents it (JSON Schema's maxLength) and the form's maxlength
// allows: 6,000 "é" are 12,000 bytes, and a note all the same.
const noteLimit = 10000

// checkNote checks a review's note, trimmed.
func checkNote(note string) error {
	if utf8.RuneCountInString(note) > noteLimit {
		return fmt.Errorf("%w: the note is longer than 10,000 characters", ErrInvalid)
	}
	return checkPlain("the note", note)
}

// checkVersion refuses a version no claim has (versions start at 1): that
// is a broken form or request, not a claim changed meanwhile.
func checkVersion(v int64) error {
	if v < 1 {
		return fmt.Errorf("%w: the claim version must be a number from 1 (the version the claim was read at)", ErrInvalid)
	}
	return nil
}

// checkPlain refuses text that is not plain: what reviewers write is kept
// for good (history is never rewritten) and shown to others, so invalid
// UTF-8 or control characters other than tabs and line breaks are refused
// rather than stored. what names the field in the message ("the note").
func checkPlain(what, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s is not valid text (UTF-8)", ErrInvalid, what)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return fmt.Errorf("%w: %s holds control characters; use plain text", ErrInvalid, what)
		}
	}
	return nil
}
