package db

import (
	"context"
	"database/sql"
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
// (score descending, id ascending) under the same filter; 0 when there is
// none. Seen is the newest activity row of the whole desk: the page is
// out of date once its claim's LatestActivity is above it.
type Neighbours struct {
	Prev, Next int64
	Seen       int64
}

// QueueNeighbours finds the claims next to c in the queue that f selects
// (its cursors and limit are ignored), so that a reviewer can step through
// the queue from a claim page. c itself need not match the filter: after a
// reviewer changes its status, its neighbours in the old filter are still
// found. It reads the newest activity in the same statement: one
// statement instead of five was a tenth of a claim page's CPU time. The
// desk's newest activity, not the claim's, since activity ids only grow:
// the claim's own was a seek into a 50 MB index, an eighth of the page.
func (s *Store) QueueNeighbours(ctx context.Context, c Claim, f QueueFilter) (Neighbours, error) {
	var n Neighbours
	var next, prev, seen sql.NullInt64
	q, args := neighbourQuery(f, c.Score, c.ID)
	if err := s.queryRow(ctx, q, args...).Scan(&next, &prev, &seen); err != nil {
		return n, err
	}
	n.Next, n.Prev, n.Seen = next.Int64, prev.Int64, seen.Int64
	return n, nil
}

// LatestActivity returns the id of the newest activity row about a claim (0
// when there is none). Comments, evidence, opinions, assignments and
// publication leave the claim's version alone, so that they do not refuse a
// reviewer's open form; pages that follow a claim watch this id as well.
func (s *Store) LatestActivity(ctx context.Context, claimID int64) (int64, error) {
	var id sql.NullInt64
	err := s.queryRow(ctx, sqlLatestActivity, claimID).Scan(&id)
	return id.Int64, err
}

const sqlLatestActivity = `SELECT max(id) FROM activity WHERE claim_id = ?`

// neighbourQuery is QueueNeighbours' statement and its arguments for a claim
// of that score and id: the filter's follow the score (and id) in each of
// its four parts, and the claim's id ends them. Each side
// takes two steps, the claims of the same score first, then the nearest
// score (coalesce runs the second only when the first finds nothing):
// written as one OR, SQLite could not seek an index and sorted every claim
// in the queue (2.4 s a claim page on the 1M-claim demo with no filter).
func neighbourQuery(f QueueFilter, score float64, id int64) (string, []any) {
	where, fargs := f.conditions()
	cond := " AND " + strings.Join(where, " AND ")
	// With no status, document or assignee to seek, the score index is the
	// queue's order; sampled statistics (PRAGMA optimize) led the planner to
	// skip-scan the status index instead and sort every claim below the score.
	from := "claims c"
	if f.Status == "" && f.DocumentID == 0 && f.AssigneeID == 0 {
		from = "claims c INDEXED BY claims_score_live"
	}
	args := make([]any, 0, 4*len(fargs)+7)
	for _, part := range [][]any{{score, id}, {score}, {score, id}, {score}} {
		args = append(append(args, part...), fargs...)
	}
	args = append(args, id)
	return `SELECT coalesce(
		(SELECT c.id FROM ` + from + ` WHERE c.score = ? AND c.id > ?` + cond + ` ORDER BY c.id ASC LIMIT 1),
		(SELECT c.id FROM ` + from + ` WHERE c.score < ?` + cond + ` ORDER BY c.score DESC, c.id ASC LIMIT 1)),
	coalesce(
		(SELECT c.id FROM ` + from + ` WHERE c.score = ? AND c.id < ?` + cond + ` ORDER BY c.id DESC LIMIT 1),
		(SELECT c.id FROM ` + from + ` WHERE c.score > ?` + cond + ` ORDER BY c.score ASC, c.id DESC LIMIT 1)),
	(SELECT max(id) FROM activity)`, args
}
