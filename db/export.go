package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"factdesk/export"
)

// ExportFilter selects the claims to export.
type ExportFilter struct {
	Statuses []string // empty means confirmed and disputed
}

// DefaultExportStatuses are the verified statuses.
var DefaultExportStatuses = []string{StatusConfirmed, StatusDisputed}

// exportBatch is how many claims are read per query, so that memory holds
// one batch at a time.
const exportBatch = 1000

// exportHistorySQL packs a claim's whole history into one text value: per
// row "id,user_id,created_at,from,to,N,note" where N is the note's length
// in bytes, so that a note may hold any character. Reading the history as
// rows of its own, or joined to the claims, costs a column read per field
// per row; through the driver that was most of the time of a large export.
// One range query per batch rather than one lookup per claim. The rows come
// in index order (claim_id, id); unpackHistory checks the ids and sorts if
// they are not, which costs less than ORDER BY inside group_concat.
const exportHistorySQL = `SELECT h.claim_id, group_concat(concat_ws(',', h.id, h.user_id, h.created_at,
	h.from_status, h.to_status, octet_length(h.note), h.note), '')
	FROM status_history h WHERE h.claim_id BETWEEN ? AND ? GROUP BY h.claim_id ORDER BY h.claim_id`

// exportClaimsSQL reads the next batch of claims with one of n statuses.
// The unary + keeps SQLite from using the status index: it would collect and
// sort every claim of those statuses for each batch of 1000 (the planner
// chose that with no statistics, and with the ones PRAGMA optimize leaves),
// where walking the primary key from the cursor reads one batch.
func exportClaimsSQL(n int) string {
	return `SELECT c.id, c.document_id, c.text, c.start, c."end", c.status, c.score, c.kind, c.speaker
		FROM claims c WHERE c.id > ? AND +c.status IN (` + placeholders(n) + `) ORDER BY c.id LIMIT ?`
}

// ExportClaims streams matching claims with their history, in id order, to
// fn. It reads inside one transaction so that claims and history agree.
// Claims come in batches by id (keyset: each batch one primary key range),
// and the history of a batch in one range of the history index.
func (s *Store) ExportClaims(ctx context.Context, f ExportFilter, fn func(*export.Record) error) error {
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = DefaultExportStatuses
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	users, err := usernames(ctx, tx)
	if err != nil {
		return err
	}
	claimsQ, err := tx.PrepareContext(ctx, exportClaimsSQL(len(statuses)))
	if err != nil {
		return err
	}
	defer claimsQ.Close()
	histQ, err := tx.PrepareContext(ctx, exportHistorySQL)
	if err != nil {
		return err
	}
	defer histQ.Close()
	docQ, err := tx.PrepareContext(ctx, `SELECT title, url FROM documents WHERE id = ?`)
	if err != nil {
		return err
	}
	defer docQ.Close()

	args := make([]any, 0, len(statuses)+2)
	args = append(args, int64(0))
	for _, st := range statuses {
		args = append(args, st)
	}
	args = append(args, exportBatch)
	var docID int64 = -1
	var docTitle, docURL string
	// read returns the next batch, complete; an empty one at the end.
	read := func(ctx context.Context) ([]export.Record, error) {
		batch := make([]export.Record, 0, exportBatch)
		rows, err := claimsQ.QueryContext(ctx, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r export.Record
			if err := rows.Scan(&r.ID, &r.DocumentID, &r.Text, &r.Start, &r.End, &r.Status, &r.Score, &r.Kind, &r.Speaker); err != nil {
				rows.Close()
				return nil, err
			}
			r.History = []export.Event{}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(batch) == 0 {
			return nil, err
		}
		args[0] = batch[len(batch)-1].ID
		if err := exportHistory(ctx, histQ, batch, users); err != nil {
			return nil, err
		}
		for i := range batch {
			r := &batch[i]
			// A document's claims have neighbouring ids: its title is
			// read once per run of them.
			if r.DocumentID != docID {
				if err := docQ.QueryRowContext(ctx, r.DocumentID).Scan(&docTitle, &docURL); err != nil {
					return nil, err
				}
				docID = r.DocumentID
			}
			r.DocumentTitle, r.DocumentURL = docTitle, docURL
			if n := len(r.History); n > 0 {
				last := r.History[n-1]
				r.LastReviewer, r.LastReviewedAt = last.User, &last.Time
			}
		}
		return batch, nil
	}

	// The next batch is read while fn writes the one before, so that the
	// database and the encoding each have a core. At most three batches are
	// in memory: one being read, one waiting, one being written.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []export.Record, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		for {
			batch, err := read(ctx)
			if err != nil || len(batch) == 0 {
				readErr <- err
				return
			}
			select {
			case batches <- batch:
			case <-ctx.Done():
				readErr <- ctx.Err()
				return
			}
			if len(batch) < exportBatch {
				readErr <- nil
				return
			}
		}
	}()
	var werr error
	for batch := range batches {
		if werr != nil {
			continue // drain, so that the reader ends before the transaction does
		}
		for i := range batch {
			if werr = fn(&batch[i]); werr != nil {
				cancel()
				break
			}
		}
	}
	if rerr := <-readErr; werr == nil {
		werr = rerr
	}
	return werr
}

// exportHistory adds their history to a batch of claims in id order. The
// range also holds claims of other statuses; their history is skipped.
func exportHistory(ctx context.Context, q *sql.Stmt, batch []export.Record, users map[int64]string) error {
	rows, err := q.QueryContext(ctx, batch[0].ID, batch[len(batch)-1].ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var id int64
		var packed string
		if err := rows.Scan(&id, &packed); err != nil {
			return err
		}
		for i < len(batch) && batch[i].ID < id {
			i++
		}
		if i == len(batch) {
			break
		}
		if batch[i].ID != id {
			continue
		}
		if batch[i].History, err = unpackHistory(packed, users); err != nil {
			return fmt.Errorf("claim %d: %w", id, err)
		}
	}
	return rows.Err()
}

// unpackHistory reads what exportHistorySQL packed, oldest first.
func unpackHistory(s string, users map[int64]string) ([]export.Event, error) {
	out := make([]export.Event, 0, strings.Count(s, ",")/6)
	var ids []int64
	sorted := true
	for s != "" {
		var f [6]string
		for i := range f {
			j := strings.IndexByte(s, ',')
			if j < 0 {
				return nil, errors.New("history packed wrongly")
			}
			f[i], s = s[:j], s[j+1:]
		}
		id, err0 := strconv.ParseInt(f[0], 10, 64)
		uid, err1 := strconv.ParseInt(f[1], 10, 64)
		n, err2 := strconv.Atoi(f[5])
		if err0 != nil || err1 != nil || err2 != nil || n < 0 || n > len(s) {
			return nil, errors.New("history packed wrongly")
		}
		if len(ids) > 0 && id < ids[len(ids)-1] {
			sorted = false
		}
		ids = append(ids, id)
		out = append(out, export.Event{User: users[uid], Time: parseTime(f[2]), From: f[3], To: f[4], Note: s[:n]})
		s = s[n:]
	}
	if !sorted {
		idx := make([]int, len(out))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return ids[idx[a]] < ids[idx[b]] })
		byID := make([]export.Event, len(out))
		for i, k := range idx {
			byID[i] = out[k]
		}
		out = byID
	}
	return out, nil
}

// usernames maps user ids to names; teams are small.
func usernames(ctx context.Context, tx *sql.Tx) (map[int64]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, username FROM users`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := make(map[int64]string)
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		m[id] = name
	}
	return m, rows.Err()
}
