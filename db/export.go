package db

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"factdesk/export"
	"factdesk/extract"
)

// ClaimFilter selects claims for exports and the API: the queue's filters.
// The zero value selects every claim.
type ClaimFilter struct {
	Statuses   []string // empty: every status (but see ExportClaims)
	Kinds      []string // empty: every kind
	DocumentID int64    // 0: every document
	Reviewer   string   // claims whose status this user changed at least once
	AssigneeID int64    // claims assigned to this user; 0: anyone's
	Unassigned bool     // claims assigned to no one
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

	// walk keeps the index on update times out of the conditions, for an
	// export that walks every claim in id order once: through the index,
	// each batch would collect and sort the whole date range again.
	walk bool
}

// ExportFilter selects the claims to export.
type ExportFilter = ClaimFilter

// DefaultExportStatuses are the verified statuses.
var DefaultExportStatuses = []string{StatusConfirmed, StatusDisputed}

// QuoteContext is how many code points of text around a claim an exported
// TextQuoteSelector carries as prefix and suffix, as Hypothesis does.
const QuoteContext = 32

// ParseKinds splits a comma-separated list of kinds, refusing unknown
// ones as ParseStatuses does: a misspelt kind must not read as "none".
func ParseKinds(list string) ([]string, error) {
	var out []string
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if err := checkKind(k); err != nil {
			return nil, err
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// checkKind refuses a kind the extractor does not give.
func checkKind(k string) error {
	if !extract.ValidKind(k) {
		return fmt.Errorf("%w: unknown kind %q (use %s)", ErrInvalid, clip(k, 50), strings.Join(extract.Kinds, ", "))
	}
	return nil
}

// clip shortens what a stranger typed, for a message.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
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
		// The unary + keeps SQLite from using the status index: for a
		// keyset page in id order (exports, the API) it would collect and
		// sort every claim of those statuses for each page, which is what it
		// chose with no statistics and with the ones PRAGMA optimize
		// leaves; walking the primary key from the cursor reads one page.
		conds = append(conds, "+c.status IN ("+placeholders(len(f.Statuses))+")")
	}
	if len(f.Kinds) > 0 {
		for _, k := range f.Kinds {
			if err := checkKind(k); err != nil {
				return "", nil, err
			}
			args = append(args, k)
		}
		conds = append(conds, "c.kind IN ("+placeholders(len(f.Kinds))+")")
	}
	if f.DocumentID < 0 || f.ClaimID < 0 {
		return "", nil, fmt.Errorf("%w: document and claim numbers are positive", ErrInvalid)
	}
	if f.DocumentID > 0 {
		// An unknown document is a mistake to say, not an empty export.
		var one int
		err := q.QueryRowContext(ctx, `SELECT 1 FROM documents WHERE id = ?`, f.DocumentID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil, fmt.Errorf("%w: there is no document %d to filter by", ErrInvalid, f.DocumentID)
		}
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, "c.document_id = ?")
		args = append(args, f.DocumentID)
	}
	if f.ClaimID > 0 {
		conds = append(conds, "c.id = ?")
		args = append(args, f.ClaimID)
	}
	switch {
	case f.AssigneeID > 0:
		// Unary +, as for the status: the walk stays on the primary key.
		conds = append(conds, "+c.assignee_id = ?")
		args = append(args, f.AssigneeID)
	case f.Unassigned:
		conds = append(conds, "+c.assignee_id IS NULL")
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
	updated := "c.updated_at"
	if f.walk {
		updated = "+c.updated_at"
	}
	if !from.IsZero() {
		conds = append(conds, updated+" >= ?")
		args = append(args, formatTime(from))
	}
	if !to.IsZero() {
		conds = append(conds, updated+" < ?")
		args = append(args, formatTime(to.AddDate(0, 0, 1)))
	}
	if f.Published {
		conds = append(conds, "p.claim_id IS NOT NULL")
	}
	if f.BlindFor > 0 {
		conds = append(conds, owedBlindOpinion)
		args = append(args, f.BlindFor)
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// exportBatch is how many claims are read per query, so that memory holds
// one batch at a time.
const exportBatch = 1000

// exportHistorySQL packs a claim's whole history into one text value: per
// row "id,user_id,created_at,from,to,action,N,note" where N is the note's
// length in bytes, so that a note may hold any character. Reading the
// history as rows of its own, or joined to the claims, costs a column read
// per field per row; through the driver that was most of the time of a large
// export. One range query per batch rather than one lookup per claim. The
// rows come in index order (claim_id, id); unpackHistory checks the ids and
// sorts if they are not, which costs less than ORDER BY inside group_concat.
// (group_concat and concat_ws are SQLite's; PostgreSQL has string_agg.)
const exportHistorySQL = `SELECT h.claim_id, group_concat(concat_ws(',', h.id, h.user_id, h.created_at,
	h.from_status, h.to_status, h.action, octet_length(h.note), h.note), '')
	FROM status_history h WHERE h.claim_id BETWEEN ? AND ? GROUP BY h.claim_id ORDER BY h.claim_id`

// exportOpinionsSQL reads the second opinions of a range of claims in
// claim order, and each claim's in the order asked: one range of the index
// on (claim_id, id), one query per batch as for the history. Names come
// from the users map, as the history's do.
const exportOpinionsSQL = `SELECT o.claim_id, o.requested_by, o.requested_at, o.first_user_id, o.first_status,
	o.second_user_id, coalesce(o.second_status, ''), o.second_note, coalesce(o.second_at, ''), coalesce(o.cancelled_by, 0)
	FROM second_opinions o WHERE o.claim_id BETWEEN ? AND ? ORDER BY o.claim_id, o.id`

// exportEvidenceSQL reads the evidence of a range of claims in claim
// order, and each claim's oldest first: one range of the index on
// (claim_id, id), one query per batch as for the opinions.
const exportEvidenceSQL = `SELECT e.claim_id, coalesce(e.history_id, 0), e.user_id, e.url, e.title, e.excerpt, e.created_at
	FROM evidence e WHERE e.claim_id BETWEEN ? AND ? ORDER BY e.claim_id, e.id`

// exportClaimsSQL reads the next batch of claims matching where (from
// ClaimFilter.where, which keeps the status index out of it) after a cursor.
func exportClaimsSQL(where string, quotes bool) string {
	// SQLite's substr counts characters, which for valid UTF-8 are code
	// points, the unit of every offset that leaves the program.
	cols, join := `'', ''`, ``
	if quotes {
		cols = fmt.Sprintf(`substr(d.body, max(1, c.start - %d), min(c.start, %d)), substr(d.body, c."end" + 1, %d)`,
			QuoteContext-1, QuoteContext, QuoteContext)
		join = ` JOIN documents d ON d.id = c.document_id`
	}
	return `SELECT c.id, c.document_id, c.text, c.start, c."end", c.status, c.score, c.kind, c.speaker,
			c.created_at, c.updated_at, coalesce(p.published_at, ''), ` + cols + `
		FROM claims c` + join + ` LEFT JOIN claim_publications p ON p.claim_id = c.id` + where + ` AND c.id > ?
		ORDER BY c.id LIMIT ?`
}

// ExportClaims streams matching claims with their history, second
// opinions and evidence, in id order, to fn; dismissed sentences are not
// claims and are left out. With no status given it exports the verified
// ones (confirmed and disputed). It reads inside one transaction so that
// claims, history, opinions and evidence agree. Claims come in batches by
// id (keyset: each batch one primary key range), and the history, the
// opinions and the evidence of a batch each in one range of their index.
// With BlindFor, the claims that user owes a second opinion on are left
// out, and with them their opinions, which hold the first verdict, and
// their evidence.
func (s *Store) ExportClaims(ctx context.Context, f ExportFilter, fn func(*export.Record) error) error {
	if len(f.Statuses) == 0 {
		f.Statuses = DefaultExportStatuses
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	f.walk = true
	where, fargs, err := f.where(ctx, tx)
	if err != nil {
		return err
	}
	users, err := usernames(ctx, tx)
	if err != nil {
		return err
	}
	claimsQ, err := tx.PrepareContext(ctx, exportClaimsSQL(where, f.Quotes))
	if err != nil {
		return err
	}
	defer claimsQ.Close()
	histQ, err := tx.PrepareContext(ctx, exportHistorySQL)
	if err != nil {
		return err
	}
	defer histQ.Close()
	opinionsQ, err := tx.PrepareContext(ctx, exportOpinionsSQL)
	if err != nil {
		return err
	}
	defer opinionsQ.Close()
	evidenceQ, err := tx.PrepareContext(ctx, exportEvidenceSQL)
	if err != nil {
		return err
	}
	defer evidenceQ.Close()
	docQ, err := tx.PrepareContext(ctx, exportDocumentSQL)
	if err != nil {
		return err
	}
	defer docQ.Close()

	args := append(fargs, int64(0), exportBatch)
	after := &args[len(args)-2]
	var doc struct {
		id                                         int64
		title, url, publishedAt, publisher, sha256 string
	}
	doc.id = -1
	// read returns the next batch, complete; an empty one at the end.
	read := func(ctx context.Context) ([]export.Record, error) {
		batch := make([]export.Record, 0, exportBatch)
		rows, err := claimsQ.QueryContext(ctx, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r export.Record
			var created, updated, published string
			if err := rows.Scan(&r.ID, &r.DocumentID, &r.Text, &r.Start, &r.End, &r.Status, &r.Score, &r.Kind, &r.Speaker,
				&created, &updated, &published, &r.Prefix, &r.Suffix); err != nil {
				rows.Close()
				return nil, err
			}
			r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
			if published != "" {
				t := parseTime(published)
				r.PublishedAt = &t
			}
			r.History = []export.Event{}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(batch) == 0 {
			return nil, err
		}
		*after = batch[len(batch)-1].ID
		if err := exportHistory(ctx, histQ, batch, users); err != nil {
			return nil, err
		}
		if err := exportOpinions(ctx, opinionsQ, batch, users); err != nil {
			return nil, err
		}
		if err := exportEvidence(ctx, evidenceQ, batch, users); err != nil {
			return nil, err
		}
		for i := range batch {
			r := &batch[i]
			// A document's claims have neighbouring ids: its columns are
			// read once per run of them.
			if r.DocumentID != doc.id {
				if err := docQ.QueryRowContext(ctx, r.DocumentID).Scan(&doc.title, &doc.url, &doc.publishedAt,
					&doc.publisher, &doc.sha256); err != nil {
					return nil, err
				}
				doc.id = r.DocumentID
			}
			r.DocumentTitle, r.DocumentURL, r.DocumentPublishedAt = doc.title, doc.url, doc.publishedAt
			r.DocumentPublisher, r.DocumentSHA256 = doc.publisher, doc.sha256
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
// range also holds claims the filter left out; their history is skipped.
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

// mergeBatch runs q over the id range of a batch of claims in id order,
// whose rows come in claim order, and merges them: scan reads a row and
// says its claim, add puts it on that claim's record. The range also
// holds claims the filter left out; their rows are skipped.
func mergeBatch(ctx context.Context, q *sql.Stmt, batch []export.Record, scan func(*sql.Rows) (int64, error), add func(*export.Record)) error {
	rows, err := q.QueryContext(ctx, batch[0].ID, batch[len(batch)-1].ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		id, err := scan(rows)
		if err != nil {
			return err
		}
		for i < len(batch) && batch[i].ID < id {
			i++
		}
		if i == len(batch) {
			break
		}
		if batch[i].ID == id {
			add(&batch[i])
		}
	}
	return rows.Err()
}

// exportOpinions adds their second opinions to a batch of claims.
func exportOpinions(ctx context.Context, q *sql.Stmt, batch []export.Record, users map[int64]string) error {
	var o export.Opinion
	return mergeBatch(ctx, q, batch, func(rows *sql.Rows) (int64, error) {
		var id, by, first, second, cancelled int64
		var requested, firstStatus, status, note, closed string
		if err := rows.Scan(&id, &by, &requested, &first, &firstStatus, &second, &status, &note, &closed, &cancelled); err != nil {
			return 0, err
		}
		o = export.Opinion{RequestedBy: users[by], RequestedAt: parseTime(requested), FirstReviewer: users[first],
			FirstStatus: firstStatus, Reviewer: users[second], Status: status, Note: note}
		if closed != "" {
			t := parseTime(closed)
			if cancelled != 0 {
				o.WithdrawnBy, o.WithdrawnAt = users[cancelled], &t
			} else {
				o.AnsweredAt = &t
			}
		}
		return id, nil
	}, func(r *export.Record) { r.SecondOpinions = append(r.SecondOpinions, o) })
}

// exportEvidence adds their evidence to a batch of claims whose history is
// read: a link given with a status change goes in that history row, the
// others in the claim's own list.
func exportEvidence(ctx context.Context, q *sql.Stmt, batch []export.Record, users map[int64]string) error {
	var e export.Evidence
	var historyID int64
	return mergeBatch(ctx, q, batch, func(rows *sql.Rows) (int64, error) {
		var id, uid int64
		var at string
		e = export.Evidence{}
		if err := rows.Scan(&id, &historyID, &uid, &e.URL, &e.Title, &e.Excerpt, &at); err != nil {
			return 0, err
		}
		e.User, e.CreatedAt = users[uid], parseTime(at)
		return id, nil
	}, func(r *export.Record) {
		// The history is in id order.
		if historyID != 0 {
			if k, ok := slices.BinarySearchFunc(r.History, historyID, func(ev export.Event, id int64) int {
				return cmp.Compare(ev.ID, id)
			}); ok {
				r.History[k].Evidence = append(r.History[k].Evidence, e)
				return
			}
		}
		r.Evidence = append(r.Evidence, e)
	})
}

// unpackHistory reads what exportHistorySQL packed, oldest first.
func unpackHistory(s string, users map[int64]string) ([]export.Event, error) {
	out := make([]export.Event, 0, strings.Count(s, ",")/7)
	var ids []int64
	sorted := true
	for s != "" {
		var f [7]string
		for i := range f {
			j := strings.IndexByte(s, ',')
			if j < 0 {
				return nil, errors.New("history packed wrongly")
			}
			f[i], s = s[:j], s[j+1:]
		}
		id, err0 := strconv.ParseInt(f[0], 10, 64)
		uid, err1 := strconv.ParseInt(f[1], 10, 64)
		n, err2 := strconv.Atoi(f[6])
		if err0 != nil || err1 != nil || err2 != nil || n < 0 || n > len(s) {
			return nil, errors.New("history packed wrongly")
		}
		if len(ids) > 0 && id < ids[len(ids)-1] {
			sorted = false
		}
		ids = append(ids, id)
		e := export.Event{ID: id, User: users[uid], Time: parseTime(f[2]), From: f[3], To: f[4], Note: s[:n]}
		if f[5] != HistoryStatus {
			e.Action = f[5]
		}
		out = append(out, e)
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

// exportDocumentSQL reads a document's fields for its claims' records from
// an index (0015_documents_list.sql): from the table, sha256, which comes
// after the body, was read by walking the body's pages.
const exportDocumentSQL = `SELECT title, url, published_at, publisher, sha256
	FROM documents INDEXED BY documents_list WHERE id = ?`
