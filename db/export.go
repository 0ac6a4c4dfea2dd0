package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"factdesk/export"
)

// ClaimFilter selects claims for exports and the API: the queue's filters.
// The zero value selects every claim.
type ClaimFilter struct {
	Statuses   []string // empty: every status (but see ExportClaims)
	Kinds      []string // empty: every kind
	DocumentID int64    // 0: every document
	Reviewer   string   // claims whose status this user changed at least once
	From, To   string   // YYYY-MM-DD, inclusive: the claim's last change (UTC)
	ClaimID    int64    // 0: every claim
	Published  bool     // only claims with a public page
	// BlindFor leaves out the claims on which this user owes a second
	// opinion: every export format carries the verdict they must not see,
	// and a claim's presence under a status filter would tell it too.
	BlindFor int64
	// Quotes fills export.Record's Prefix and Suffix (the text around the
	// claim, for Web Annotation), which costs a read of the document text.
	Quotes bool
}

// ExportFilter selects the claims to export.
type ExportFilter = ClaimFilter

// DefaultExportStatuses are the verified statuses.
var DefaultExportStatuses = []string{StatusConfirmed, StatusDisputed}

// QuoteContext is how many code points of text around a claim an exported
// TextQuoteSelector carries as prefix and suffix, as Hypothesis does.
const QuoteContext = 32

// ParseKinds splits a comma-separated list of kinds.
func ParseKinds(list string) ([]string, error) {
	var out []string
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if utf8.RuneCountInString(k) > 50 || len(out) >= 20 {
			return nil, fmt.Errorf("%w: the kind filter takes up to 20 kinds of up to 50 characters", ErrInvalid)
		}
		out = append(out, k)
	}
	return out, nil
}

// where turns the filter into SQL over claims c, checking it first.
func (f ClaimFilter) where(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (string, []any, error) {
	// Dismissed sentences are not claims: exports and the API leave them out.
	conds := []string{"c.dismissed = 0"}
	var args []any
	if len(f.Statuses) > 0 {
		for _, st := range f.Statuses {
			if !ValidStatus(st) {
				return "", nil, fmt.Errorf("%w: unknown status %q (use unverified, confirmed or disputed)", ErrInvalid, st)
			}
			args = append(args, st)
		}
		conds = append(conds, "c.status IN ("+placeholders(len(f.Statuses))+")")
	}
	if len(f.Kinds) > 0 {
		for _, k := range f.Kinds {
			args = append(args, k)
		}
		conds = append(conds, "c.kind IN ("+placeholders(len(f.Kinds))+")")
	}
	if f.DocumentID < 0 || f.ClaimID < 0 {
		return "", nil, fmt.Errorf("%w: document and claim numbers are positive", ErrInvalid)
	}
	if f.DocumentID > 0 {
		conds = append(conds, "c.document_id = ?")
		args = append(args, f.DocumentID)
	}
	if f.ClaimID > 0 {
		conds = append(conds, "c.id = ?")
		args = append(args, f.ClaimID)
	}
	if f.Reviewer != "" {
		var uid int64
		err := q.QueryRowContext(ctx, `SELECT id FROM users WHERE username = ?`, f.Reviewer).Scan(&uid)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil, fmt.Errorf("%w: there is no user named %q to filter by", ErrInvalid, f.Reviewer)
		}
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, "EXISTS (SELECT 1 FROM status_history r WHERE r.claim_id = c.id AND r.user_id = ?)")
		args = append(args, uid)
	}
	var from, to time.Time
	for _, d := range []struct {
		s   string
		dst *time.Time
	}{{f.From, &from}, {f.To, &to}} {
		if d.s == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.s)
		if err != nil {
			return "", nil, fmt.Errorf("%w: dates look like 2024-12-31, not %q", ErrInvalid, d.s)
		}
		*d.dst = t
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return "", nil, fmt.Errorf("%w: the date range ends before it starts", ErrInvalid)
	}
	if !from.IsZero() {
		conds = append(conds, "c.updated_at >= ?")
		args = append(args, formatTime(from))
	}
	if !to.IsZero() {
		conds = append(conds, "c.updated_at < ?")
		args = append(args, formatTime(to.AddDate(0, 0, 1)))
	}
	if f.Published {
		conds = append(conds, "p.claim_id IS NOT NULL")
	}
	if f.BlindFor > 0 {
		conds = append(conds, `NOT EXISTS (SELECT 1 FROM second_opinions o
			WHERE o.claim_id = c.id AND o.second_user_id = ? AND o.second_at IS NULL)`)
		args = append(args, f.BlindFor)
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// ExportClaims streams matching claims with their history, in id order, to
// fn; dismissed sentences are not claims and are left out. With no status
// given it exports the verified ones (confirmed and disputed). It reads inside one transaction so that claims and history
// agree, and holds only one record in memory at a time.
func (s *Store) ExportClaims(ctx context.Context, f ExportFilter, fn func(*export.Record) error) error {
	if len(f.Statuses) == 0 {
		f.Statuses = DefaultExportStatuses
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	where, args, err := f.where(ctx, tx)
	if err != nil {
		return err
	}
	// SQLite's substr counts characters, which for valid UTF-8 are code
	// points, the unit of every offset that leaves the program.
	quotes := `'', ''`
	if f.Quotes {
		quotes = fmt.Sprintf(`substr(d.body, max(1, c.start - %d), min(c.start, %d)), substr(d.body, c."end" + 1, %d)`,
			QuoteContext-1, QuoteContext, QuoteContext)
	}
	// One row per history entry (or one row for a claim without history),
	// ordered so that a claim's rows are adjacent.
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.document_id, d.title, d.url, d.published_at, d.publisher, d.sha256,
			c.text, c.start, c."end", c.status, c.score, c.kind, c.speaker, c.created_at, c.updated_at,
			coalesce(p.published_at, ''), `+quotes+`,
			h.id, u.username, h.created_at, h.from_status, h.to_status, h.note, h.action
		FROM claims c
		JOIN documents d ON d.id = c.document_id
		LEFT JOIN claim_publications p ON p.claim_id = c.id
		LEFT JOIN status_history h ON h.claim_id = c.id
		LEFT JOIN users u ON u.id = h.user_id`+where+`
		ORDER BY c.id, h.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var cur *export.Record
	flush := func() error {
		if cur == nil {
			return nil
		}
		if n := len(cur.History); n > 0 {
			last := cur.History[n-1]
			cur.LastReviewer, cur.LastReviewedAt = last.User, &last.Time
		}
		return fn(cur)
	}
	for rows.Next() {
		var r export.Record
		var hid sql.NullInt64
		var created, updated, published string
		var user, hcreated, from, to, note, action sql.NullString
		if err := rows.Scan(&r.ID, &r.DocumentID, &r.DocumentTitle, &r.DocumentURL, &r.DocumentPublishedAt, &r.DocumentPublisher,
			&r.DocumentSHA256, &r.Text, &r.Start, &r.End, &r.Status, &r.Score, &r.Kind, &r.Speaker, &created, &updated,
			&published, &r.Prefix, &r.Suffix, &hid, &user, &hcreated, &from, &to, &note, &action); err != nil {
			return err
		}
		if cur == nil || cur.ID != r.ID {
			if err := flush(); err != nil {
				return err
			}
			r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
			if published != "" {
				t := parseTime(published)
				r.PublishedAt = &t
			}
			r.History = []export.Event{}
			cur = &r
		}
		if hid.Valid {
			ev := export.Event{
				User: user.String, Time: parseTime(hcreated.String), From: from.String, To: to.String, Note: note.String,
			}
			if action.String != HistoryStatus {
				ev.Action = action.String
			}
			cur.History = append(cur.History, ev)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

// ListClaims returns up to limit claims matching f with ids above afterID,
// in id order (keyset pagination: a page costs the same however deep), and
// whether more follow.
func (s *Store) ListClaims(ctx context.Context, f ClaimFilter, afterID int64, limit int) ([]Claim, bool, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	where, args, err := f.where(ctx, s.r)
	if err != nil {
		return nil, false, err
	}
	where += " AND c.id > ?"
	args = append(args, afterID, limit+1)
	rows, err := s.r.QueryContext(ctx, `SELECT `+claimCols+`
		FROM claims c JOIN documents d ON d.id = c.document_id
		LEFT JOIN claim_publications p ON p.claim_id = c.id`+where+`
		ORDER BY c.id LIMIT ?`, args...)
	if err != nil {
		return nil, false, err
	}
	claims, err := collectClaims(rows)
	if err != nil {
		return nil, false, err
	}
	more := len(claims) > limit
	if more {
		claims = claims[:limit]
	}
	return claims, more, nil
}

// CheckFilter reports what is wrong with a filter (an unknown status or
// reviewer, a reversed date range), so that a stream can refuse it before
// it starts.
func (s *Store) CheckFilter(ctx context.Context, f ClaimFilter) error {
	_, _, err := f.where(ctx, s.r)
	return err
}
