package db

// Counts for the dashboard, read from the counter tables that triggers
// keep: claim_counts (by kind, status and assignment, 0018_counts_merged.sql),
// doc_counts (0008_perf.sql) and work_days (0014_work_days.sql). None reads
// the history or claims tables, so the dashboard costs the same as they
// grow. Dismissed sentences are not claims and are left out
// of the progress counts, as on the documents page.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The dashboard's statements (TestDashboardReadsCounters checks their plans).
const (
	sqlOverallProgress    = `SELECT status, sum(n) FROM claim_counts GROUP BY status`
	sqlDocumentCount      = `SELECT count(*) FROM documents`
	sqlProgressByDocument = `SELECT d.id, d.title, c.status, coalesce(c.n, 0)
		FROM (SELECT id, title FROM documents ORDER BY id DESC LIMIT ?) d
		LEFT JOIN doc_counts c ON c.document_id = d.id
		ORDER BY d.id DESC`
	sqlProgressByKind = `SELECT kind, status, sum(n) FROM claim_counts GROUP BY kind, status HAVING sum(n) > 0 ORDER BY kind`
	sqlWorkByReviewer = `SELECT w.day, w.user_id, u.username, w.n
		FROM work_days w JOIN users u ON u.id = w.user_id WHERE w.day >= ? AND w.day <= ?`
)

// addStatus adds n claims of a status to p.
func (p *Progress) addStatus(status string, n int) {
	switch status {
	case StatusConfirmed:
		p.Confirmed += n
	case StatusDisputed:
		p.Disputed += n
	case StatusUnverified:
		p.Unverified += n
	}
}

// OverallProgress counts every claim by status.
func (s *Store) OverallProgress(ctx context.Context) (Progress, error) {
	var p Progress
	rows, err := s.r.QueryContext(ctx, sqlOverallProgress)
	if err != nil {
		return p, err
	}
	err = eachRow(rows, func(r *sql.Rows) error {
		var st string
		var n int
		if err := r.Scan(&st, &n); err != nil {
			return err
		}
		p.addStatus(st, n)
		return nil
	})
	return p, err
}

// DocumentProgress is one document's claims by status.
type DocumentProgress struct {
	ID       int64
	Title    string
	Progress Progress
}

// ProgressByDocument returns the progress of the limit most recently
// imported documents, newest first, and how many documents there are.
func (s *Store) ProgressByDocument(ctx context.Context, limit int) ([]DocumentProgress, int, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	var total int
	if err := s.r.QueryRowContext(ctx, sqlDocumentCount).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.r.QueryContext(ctx, sqlProgressByDocument, limit)
	if err != nil {
		return nil, 0, err
	}
	var out []DocumentProgress
	err = eachRow(rows, func(r *sql.Rows) error {
		var id int64
		var title string
		var st sql.NullString
		var n int
		if err := r.Scan(&id, &title, &st, &n); err != nil {
			return err
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, DocumentProgress{ID: id, Title: title})
		}
		out[len(out)-1].Progress.addStatus(st.String, n)
		return nil
	})
	return out, total, err
}

// KindProgress is the claims of one kind by status.
type KindProgress struct {
	Kind     string // "" for claims without a kind
	Progress Progress
}

// ProgressByKind counts claims by kind and status, kinds in name order.
func (s *Store) ProgressByKind(ctx context.Context) ([]KindProgress, error) {
	rows, err := s.r.QueryContext(ctx, sqlProgressByKind)
	if err != nil {
		return nil, err
	}
	var out []KindProgress
	err = eachRow(rows, func(r *sql.Rows) error {
		var kind, st string
		var n int
		if err := r.Scan(&kind, &st, &n); err != nil {
			return err
		}
		if len(out) == 0 || out[len(out)-1].Kind != kind {
			out = append(out, KindProgress{Kind: kind})
		}
		out[len(out)-1].Progress.addStatus(st, n)
		return nil
	})
	return out, err
}

// ReviewerWork is one reviewer's history rows (status changes, dismissals
// and restores) per day over a range of days.
type ReviewerWork struct {
	UserID   int64
	Username string
	PerDay   []int // one count per day of the range, oldest first
	Total    int
}

// WorkByReviewer counts history rows per reviewer per UTC day, for the
// days from first to last inclusive (YYYY-MM-DD), busiest reviewer first.
func (s *Store) WorkByReviewer(ctx context.Context, first, last time.Time) ([]ReviewerWork, error) {
	first = time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, time.UTC)
	last = time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, time.UTC)
	days := int(last.Sub(first).Hours()/24) + 1
	if days < 1 || days > 366 {
		return nil, fmt.Errorf("%w: choose a range of 1 to 366 days", ErrInvalid)
	}
	rows, err := s.r.QueryContext(ctx, sqlWorkByReviewer, first.Format(time.DateOnly), last.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	byUser := map[int64]*ReviewerWork{}
	var out []*ReviewerWork
	err = eachRow(rows, func(r *sql.Rows) error {
		var day, name string
		var uid int64
		var n int
		if err := r.Scan(&day, &uid, &name, &n); err != nil {
			return err
		}
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return err
		}
		i := int(d.Sub(first).Hours() / 24)
		if i < 0 || i >= days {
			return nil
		}
		w := byUser[uid]
		if w == nil {
			w = &ReviewerWork{UserID: uid, Username: name, PerDay: make([]int, days)}
			byUser[uid] = w
			out = append(out, w)
		}
		w.PerDay[i] += n
		w.Total += n
		return nil
	})
	if err != nil {
		return nil, err
	}
	res := make([]ReviewerWork, len(out))
	for i, w := range out {
		res[i] = *w
	}
	// Busiest reviewer first, then by name.
	slices.SortFunc(res, func(a, b ReviewerWork) int {
		if a.Total != b.Total {
			return b.Total - a.Total
		}
		return strings.Compare(a.Username, b.Username)
	})
	return res, nil
}
