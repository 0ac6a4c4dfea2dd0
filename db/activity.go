package db

import (
	"context"
	"database/sql"
	"strconv"
	"time"
	"unicode/utf8"
)

// Activity actions, as stored in activity.action.
const (
	ActStatus          = "status"
	ActDismiss         = "dismiss"
	ActRestore         = "restore"
	ActAssign          = "assign"
	ActComment         = "comment"
	ActEvidence        = "evidence"
	ActOpinionRequest  = "opinion_request"
	ActOpinion         = "opinion"
	ActOpinionWithdraw = "opinion_withdraw"

	// Publishing a review, and claims added by other tools (a row per
	// document and batch, with the count in detail).
	ActPublish      = "publish"
	ActUnpublish    = "unpublish"
	ActImportClaims = "import_claims"
)

// activityRow is one action to record in the feed.
type activityRow struct {
	userID     int64
	action     string
	documentID int64
	claimID    int64
	subjectID  int64 // assignee or second reviewer; 0 for none
	from, to   string
	detail     string
}

// detailLimit bounds the excerpt the feed keeps of a note, reason or comment.
const detailLimit = 200

func excerpt(s string) string {
	if utf8.RuneCountInString(s) <= detailLimit {
		return s
	}
	r := []rune(s)
	return string(r[:detailLimit-1]) + "…"
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id > 0} }

const sqlActivityInsert = `INSERT INTO activity
		(created_at, user_id, action, document_id, claim_id, subject_user_id, from_status, to_status, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

// logActivity appends a row to the feed inside the action's transaction.
func logActivity(ctx context.Context, tx txRunner, now time.Time, a activityRow) error {
	_, err := tx.ExecContext(ctx, sqlActivityInsert,
		formatTime(now), a.userID, a.action, nullID(a.documentID), nullID(a.claimID), nullID(a.subjectID),
		a.from, a.to, excerpt(a.detail))
	return err
}

// ActivityEntry is one line of the feed.
type ActivityEntry struct {
	ID            int64
	At            time.Time
	User          string
	Action        string
	DocumentID    int64
	DocumentTitle string
	ClaimID       int64
	ClaimText     string
	Subject       string // assignee or second reviewer
	From, To      string
	Detail        string
}

// ActivityFilter selects a page of the feed, newest first.
type ActivityFilter struct {
	DocumentID int64 // 0 for every document
	ClaimID    int64 // 0 for every claim
	BeforeID   int64 // keyset: entries with smaller ids; 0 for the newest
	Limit      int
	// ViewerID hides, from a reviewer who owes a second opinion on a claim,
	// what would tell them the first verdict: that claim's status changes,
	// dismissals, comments and evidence.
	ViewerID int64
}

// claimCount is a count of claims as the activity feed shows it: "1 claim",
// "3 claims" (views.Claims words counts the same way on pages).
func claimCount(n int) string {
	if n == 1 {
		return "1 claim"
	}
	return strconv.Itoa(n) + " claims"
}

// blindActions are the actions hidden from a pending second reviewer.
// Publishing tells that a claim was confirmed or disputed, and an earlier
// second opinion gives a verdict of its own.
const blindActions = `('status', 'dismiss', 'restore', 'comment', 'evidence', 'publish', 'unpublish', 'opinion')`

// Activity returns a page of the feed and the cursor of the next page (0 on
// the last page). Keyset paging on the id keeps deep pages as cheap as the first.
func (s *Store) Activity(ctx context.Context, f ActivityFilter) ([]ActivityEntry, int64, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	before := f.BeforeID
	if before <= 0 {
		before = 1<<63 - 1
	}
	q := `SELECT a.id, a.created_at, u.username, a.action, coalesce(a.document_id, 0), coalesce(d.title, ''),
			coalesce(a.claim_id, 0), coalesce(c.text, ''), coalesce(su.username, ''), a.from_status, a.to_status, a.detail
		FROM activity a
		JOIN users u ON u.id = a.user_id
		LEFT JOIN documents d ON d.id = a.document_id
		LEFT JOIN claims c ON c.id = a.claim_id
		LEFT JOIN users su ON su.id = a.subject_user_id
		WHERE a.id < ?`
	args := []any{before}
	if f.DocumentID > 0 {
		q += ` AND a.document_id = ?`
		args = append(args, f.DocumentID)
	}
	if f.ClaimID > 0 {
		q += ` AND a.claim_id = ?`
		args = append(args, f.ClaimID)
	}
	if f.ViewerID > 0 {
		q += ` AND NOT (a.action IN ` + blindActions + ` AND coalesce(a.claim_id, 0) IN
			(SELECT claim_id FROM second_opinions WHERE second_user_id = ? AND second_at IS NULL))`
		args = append(args, f.ViewerID)
	}
	q += ` ORDER BY a.id DESC LIMIT ?`
	args = append(args, f.Limit+1)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []ActivityEntry
	for rows.Next() {
		var e ActivityEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.User, &e.Action, &e.DocumentID, &e.DocumentTitle, &e.ClaimID, &e.ClaimText,
			&e.Subject, &e.From, &e.To, &e.Detail); err != nil {
			return nil, 0, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var next int64
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}
