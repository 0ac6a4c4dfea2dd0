package db

import (
	"context"
	"database/sql"

	"factdesk/export"
)

// ExportFilter selects the claims to export.
type ExportFilter struct {
	Statuses []string // empty means confirmed and disputed
}

// DefaultExportStatuses are the verified statuses.
var DefaultExportStatuses = []string{StatusConfirmed, StatusDisputed}

// ExportClaims streams matching claims with their history, in id order, to
// fn; dismissed sentences are not claims and are left out. It reads inside one transaction so that claims and history agree, and
// holds only one record in memory at a time.
func (s *Store) ExportClaims(ctx context.Context, f ExportFilter, fn func(*export.Record) error) error {
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = DefaultExportStatuses
	}
	args := make([]any, len(statuses))
	for i, st := range statuses {
		args[i] = st
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// One row per history entry (or one row for a claim without history),
	// ordered so that a claim's rows are adjacent.
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.document_id, d.title, d.url, c.text, c.start, c."end",
			c.status, c.score, c.kind, c.speaker,
			h.id, u.username, h.created_at, h.from_status, h.to_status, h.note, h.action
		FROM claims c
		JOIN documents d ON d.id = c.document_id
		LEFT JOIN status_history h ON h.claim_id = c.id
		LEFT JOIN users u ON u.id = h.user_id
		WHERE c.status IN (`+placeholders(len(args))+`) AND c.dismissed = 0
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
		var user, created, from, to, note, action sql.NullString
		if err := rows.Scan(&r.ID, &r.DocumentID, &r.DocumentTitle, &r.DocumentURL, &r.Text, &r.Start, &r.End,
			&r.Status, &r.Score, &r.Kind, &r.Speaker, &hid, &user, &created, &from, &to, &note, &action); err != nil {
			return err
		}
		if cur == nil || cur.ID != r.ID {
			if err := flush(); err != nil {
				return err
			}
			r.History = []export.Event{}
			cur = &r
		}
		if hid.Valid {
			ev := export.Event{
				User: user.String, Time: parseTime(created.String), From: from.String, To: to.String, Note: note.String,
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
