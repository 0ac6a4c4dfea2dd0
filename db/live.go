package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// ClaimVersions returns the current version of each listed claim that
// exists. A page that reconnects to the live stream says which versions it
// shows, and is told at once about the claims that changed meanwhile.
func (s *Store) ClaimVersions(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, version FROM claims WHERE id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func(r *sql.Rows) error {
		var id, v int64
		if err := r.Scan(&id, &v); err != nil {
			return err
		}
		out[id] = v
		return nil
	})
	return out, err
}

// Neighbours are the claims before and after one claim in the queue's order
// (score descending, id ascending) under the same filter; 0 when there is none.
type Neighbours struct {
	Prev, Next int64
}

// QueueNeighbours finds the claims next to c in the queue that f selects
// (its cursors and limit are ignored), so that a reviewer can step through
// the queue from a claim page. c itself need not match the filter: after a
// reviewer changes its status, its neighbours in the old filter are still
// found.
func (s *Store) QueueNeighbours(ctx context.Context, c Claim, f QueueFilter) (Neighbours, error) {
	var n Neighbours
	where, args := f.conditions()
	cond := " AND " + strings.Join(where, " AND ")
	next := `SELECT c.id FROM claims c WHERE (c.score < ? OR (c.score = ? AND c.id > ?))` + cond + ` ORDER BY c.score DESC, c.id ASC LIMIT 1`
	prev := `SELECT c.id FROM claims c WHERE (c.score > ? OR (c.score = ? AND c.id < ?))` + cond + ` ORDER BY c.score ASC, c.id DESC LIMIT 1`
	for q, dst := range map[string]*int64{next: &n.Next, prev: &n.Prev} {
		err := s.r.QueryRowContext(ctx, q, append([]any{c.Score, c.Score, c.ID}, args...)...).Scan(dst)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return n, err
		}
	}
	return n, nil
}
