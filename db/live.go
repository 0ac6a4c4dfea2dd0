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
	q, args := neighbourQueries(f)
	sides := []struct {
		same, other string
		dst         *int64
	}{{q[0], q[1], &n.Next}, {q[2], q[3], &n.Prev}}
	for _, sd := range sides {
		err := s.queryRow(ctx, sd.same, append([]any{c.Score, c.ID}, args...)...).Scan(sd.dst)
		if errors.Is(err, sql.ErrNoRows) {
			err = s.queryRow(ctx, sd.other, append([]any{c.Score}, args...)...).Scan(sd.dst)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return n, err
		}
	}
	return n, nil
}

// LatestActivity returns the id of the newest activity row about a claim (0
// when there is none). Comments, evidence, opinions, assignments and
// publication leave the claim's version alone, so that they do not refuse a
// reviewer's open form; pages that follow a claim watch this id as well.
func (s *Store) LatestActivity(ctx context.Context, claimID int64) (int64, error) {
	var id sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT max(id) FROM activity WHERE claim_id = ?`, claimID).Scan(&id)
	return id.Int64, err
}

// neighbourQueries are QueueNeighbours' statements (next: same score, lower
// score; previous: same score, higher score) and the filter's arguments,
// which follow the score (and id) in each. Each side takes two steps, the
// claims of the same score first, then the nearest score: written as one
// OR, SQLite could not seek an index and sorted every claim in the queue
// (2.4 s a claim page on the 1M-claim demo with no filter).
func neighbourQueries(f QueueFilter) ([4]string, []any) {
	where, args := f.conditions()
	cond := " AND " + strings.Join(where, " AND ")
	return [4]string{
		`SELECT c.id FROM claims c WHERE c.score = ? AND c.id > ?` + cond + ` ORDER BY c.id ASC LIMIT 1`,
		`SELECT c.id FROM claims c WHERE c.score < ?` + cond + ` ORDER BY c.score DESC, c.id ASC LIMIT 1`,
		`SELECT c.id FROM claims c WHERE c.score = ? AND c.id < ?` + cond + ` ORDER BY c.id DESC LIMIT 1`,
		`SELECT c.id FROM claims c WHERE c.score > ?` + cond + ` ORDER BY c.score ASC, c.id DESC LIMIT 1`,
	}, args
}
