package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"factdesk/extract"
)

// The history chain makes status_history tamper-evident: each row stores
// prev_hash, the hash of the row before it (global chain in id order, "" for
// the first row), and hash = SHA-256 over prev_hash and the row's own content.
// Editing, removing or reordering a row breaks the chain at that row, which
// `factdesk verify` and the claim page report. Whoever can write the file can
// also recompute every hash after an edit; the chain head that verify prints
// is what to keep elsewhere to catch that.

// chainDomain starts every hash input, so that a future encoding can use a
// new domain and both can be told apart.
const chainDomain = "factdesk/status_history/v1"

// laterColumn is a column added to status_history after the chain began.
type laterColumn struct {
	Name    string // column name
	Default string // its default, as SQLite's CAST(col AS TEXT) prints it
}

// laterColumns lists, in a fixed order, the status_history columns added
// after the chain began. A column added to status_history must be
// listed here, with its default, to be covered by the chain. Each one joins
// the hash input, as its name and its value, only when its value differs
// from its default; rows written before the column existed hold the
// default, so their hashes, computed without it, still verify. Columns must
// be NOT NULL with a default.
var laterColumns = []laterColumn{
	// 0004_team.sql: what the row records; 'status' is what rows before it mean.
	{Name: "action", Default: HistoryStatus},
}

// chainRow is a status_history row as the chain sees it. CreatedAt is the
// stored text, so that the hash covers exactly what is in the file.
type chainRow struct {
	ID        int64
	ClaimID   int64
	From, To  string
	UserID    int64
	Note      string
	CreatedAt string
	Later     []string // values of laterColumns, in their order, as text
	PrevHash  string
	Hash      string
}

// chainHash is the one definition of a row's hash. Its input is a fixed,
// canonical sequence of length-prefixed fields (8-byte big-endian length,
// then the bytes), so no two different rows share an input:
//
//	chainDomain, prev_hash, id, claim_id, from_status, to_status, user_id,
//	note, created_at, then for each later column whose value is not its
//	default: its name, its value
//
// Integers are decimal text; text is the stored UTF-8 bytes.
func chainHash(r chainRow) string {
	h := sha256.New()
	var n [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(chainDomain)
	field(r.PrevHash)
	field(strconv.FormatInt(r.ID, 10))
	field(strconv.FormatInt(r.ClaimID, 10))
	field(r.From)
	field(r.To)
	field(strconv.FormatInt(r.UserID, 10))
	field(r.Note)
	field(r.CreatedAt)
	for i, col := range laterColumns {
		if i < len(r.Later) && r.Later[i] != col.Default {
			field(col.Name)
			field(r.Later[i])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// chainCols selects a chainRow's columns from status_history aliased h.
func chainCols() string {
	var b strings.Builder
	b.WriteString(`h.id, h.claim_id, h.from_status, h.to_status, h.user_id, h.note, h.created_at`)
	for _, col := range laterColumns {
		b.WriteString(`, CAST(h."` + col.Name + `" AS TEXT)`)
	}
	b.WriteString(`, h.prev_hash, h.hash`)
	return b.String()
}

// chainDest returns scan destinations for chainCols, followed by extra.
func (r *chainRow) dest(extra ...any) []any {
	r.Later = make([]string, len(laterColumns))
	d := []any{&r.ID, &r.ClaimID, &r.From, &r.To, &r.UserID, &r.Note, &r.CreatedAt}
	for i := range r.Later {
		d = append(d, &r.Later[i])
	}
	return append(append(d, &r.PrevHash, &r.Hash), extra...)
}

// later returns the value of the later column name, "" when there is none.
func (r chainRow) later(name string) string {
	for i, c := range laterColumns {
		if c.Name == name && i < len(r.Later) {
			return r.Later[i]
		}
	}
	return ""
}

// historyRecord is a new history row.
type historyRecord struct {
	ClaimID   int64
	From, To  string
	UserID    int64
	Note      string
	CreatedAt string            // formatTime
	Later     map[string]string // values for laterColumns; missing ones take their default
}

// appendHistory adds a row at the end of the chain. It must run inside a
// write transaction: the writer is a single connection under BEGIN
// IMMEDIATE, so "the last row" cannot change until commit. Every write to
// status_history goes through here; the insert trigger refuses rows that
// do not extend the chain.
func appendHistory(ctx context.Context, tx txRunner, rec historyRecord) (int64, error) {
	var lastID int64
	var lastHash string
	err := tx.QueryRowContext(ctx, sqlHistoryLast).Scan(&lastID, &lastHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	r := chainRow{ID: lastID + 1, ClaimID: rec.ClaimID, From: rec.From, To: rec.To, UserID: rec.UserID,
		Note: rec.Note, CreatedAt: rec.CreatedAt, PrevHash: lastHash}
	args := make([]any, 0, 9+len(laterColumns))
	args = append(args, r.ID, r.ClaimID, r.From, r.To, r.UserID, r.Note, r.CreatedAt, r.PrevHash, nil)
	r.Later = make([]string, 0, len(laterColumns))
	for _, col := range laterColumns {
		v, ok := rec.Later[col.Name]
		if !ok {
			v = col.Default
		}
		r.Later = append(r.Later, v)
		args = append(args, v)
	}
	r.Hash = chainHash(r)
	args[8] = r.Hash
	_, err = tx.ExecContext(ctx, historyInsertSQL(), args...)
	return r.ID, err
}

// sqlHistoryLast and historyInsertSQL are the statements appendHistory
// runs, kept prepared on the writer (keptWrites).
const sqlHistoryLast = `SELECT id, hash FROM status_history ORDER BY id DESC LIMIT 1`

// historyInsertSQL is built from laterColumns on each call, so that it
// always names the columns the chain covers; while they are the ones the
// store opened with, it is the statement kept on the writer.
func historyInsertSQL() string {
	cols := `id, claim_id, from_status, to_status, user_id, note, created_at, prev_hash, hash`
	for _, col := range laterColumns {
		cols += `, "` + col.Name + `"`
	}
	return `INSERT INTO status_history (` + cols + `) VALUES (` + placeholders(9+len(laterColumns)) + `)`
}

// sealHistory gives hashes to rows written before the chain existed, in one
// transaction, as they stand. It runs after migrations; once every row is
// sealed it finds nothing to do. The update trigger lets it set only the
// hash columns of rows that have none.
func (s *Store) sealHistory(ctx context.Context) error {
	// New rows are sealed as they are written and unsealed ones can only
	// precede them, so a sealed (or missing) first row means nothing to do,
	// found without scanning the table.
	var first string
	err := s.w.QueryRowContext(ctx, `SELECT hash FROM status_history ORDER BY id LIMIT 1`).Scan(&first)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && first != "") {
		return nil
	} else if err != nil {
		return err
	}
	return s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// Unsealed rows can only precede sealed ones (the insert trigger
		// refuses new unsealed rows), so sealing starts after the last
		// sealed row before them, if any.
		var first int64
		if err := tx.QueryRowContext(ctx, `SELECT min(id) FROM status_history WHERE hash = ''`).Scan(&first); err != nil {
			return err
		}
		var later int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM status_history WHERE hash <> '' AND id > ?`, first).Scan(&later); err != nil {
			return err
		}
		if later > 0 {
			return fmt.Errorf("status_history row %d has no hash but rows after it have: run factdesk verify", first)
		}
		var prev string
		err := tx.QueryRowContext(ctx, `SELECT hash FROM status_history WHERE id < ? ORDER BY id DESC LIMIT 1`, first).Scan(&prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		after := first - 1
		for {
			batch, err := chainBatch(ctx, tx, after, 1000)
			if err != nil || len(batch) == 0 {
				return err
			}
			for _, r := range batch {
				r.PrevHash = prev
				h := chainHash(r)
				if _, err := tx.ExecContext(ctx, `UPDATE status_history SET prev_hash = ?, hash = ? WHERE id = ?`, prev, h, r.ID); err != nil {
					return fmt.Errorf("sealing status_history row %d: %w", r.ID, err)
				}
				prev, after = h, r.ID
			}
		}
	})
}

// chainBatch reads up to n rows with ids above after, in id order.
func chainBatch(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, after int64, n int) ([]chainRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+chainCols()+` FROM status_history h WHERE h.id > ? ORDER BY h.id LIMIT ?`, after, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []chainRow
	for rows.Next() {
		var r chainRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ChainError names the first place where history and the chain disagree.
type ChainError struct {
	RowID   int64 // the history row at fault; 0 when the fault is in the claim
	ClaimID int64
	Problem string
}

func (e *ChainError) Error() string {
	if e.RowID == 0 {
		return fmt.Sprintf("claim %d: %s", e.ClaimID, e.Problem)
	}
	return fmt.Sprintf("history row %d (claim %d): %s", e.RowID, e.ClaimID, e.Problem)
}

// ChainReport sums up a verified history.
type ChainReport struct {
	Rows   int64  // history rows checked
	Claims int64  // claims whose status was checked against their history
	Head   string // hash of the last row: keep it to detect a rewrite of everything
}

// checkRow checks a row's own hash and its link to the hash of the row
// before it, and that it starts from the status the claim's previous row
// left (unverified for its first row).
func checkRow(r chainRow, prevID int64, prevHash, claimStatus string) *ChainError {
	switch {
	case r.Hash == "":
		return &ChainError{r.ID, r.ClaimID, "it has no hash"}
	case r.PrevHash != prevHash && prevID == 0:
		return &ChainError{r.ID, r.ClaimID, "it does not link to the start of the chain (rows before it were removed, or it was changed)"}
	case r.PrevHash != prevHash:
		return &ChainError{r.ID, r.ClaimID, fmt.Sprintf("it does not link to row %d before it (one of them was changed, or rows between them removed)", prevID)}
	case chainHash(r) != r.Hash:
		return &ChainError{r.ID, r.ClaimID, "its content does not match its hash (it was changed after it was written)"}
	case r.From != claimStatus:
		return &ChainError{r.ID, r.ClaimID, fmt.Sprintf("it changes the claim from %s, but the claim was %s", r.From, claimStatus)}
	}
	return nil
}

// VerifyHistory checks the whole chain in id order, then that every claim's
// status is what its last history row set (unverified when it has none). It
// reads one snapshot, so it can run beside the server. A break comes back
// as a *ChainError naming the first row (or claim) at fault.
func (s *Store) VerifyHistory(ctx context.Context) (ChainReport, error) {
	var rep ChainReport
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()
	last := map[int64]string{}    // claim id -> status its latest row set
	dismissed := map[int64]bool{} // claim id -> dismissed by its latest dismissal or restoration
	var prev string
	var after int64
	for {
		batch, err := chainBatch(ctx, tx, after, 5000)
		if err != nil {
			return rep, err
		}
		if len(batch) == 0 {
			break
		}
		for _, r := range batch {
			from, ok := last[r.ClaimID]
			if !ok {
				from = StatusUnverified
			}
			if ce := checkRow(r, after, prev, from); ce != nil {
				return rep, ce
			}
			last[r.ClaimID] = r.To
			switch r.later("action") {
			case HistoryDismiss:
				dismissed[r.ClaimID] = true
			case HistoryRestore:
				dismissed[r.ClaimID] = false
			}
			prev, after = r.Hash, r.ID
			rep.Rows++
		}
	}
	rep.Head = prev
	rows, err := tx.QueryContext(ctx, `SELECT id, status, dismissed FROM claims ORDER BY id`)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var status string
		var dis bool
		if err := rows.Scan(&id, &status, &dis); err != nil {
			return rep, err
		}
		want, ok := last[id]
		if !ok {
			want = StatusUnverified
		}
		if status != want {
			return rep, &ChainError{ClaimID: id, Problem: fmt.Sprintf("its status is %s, but its history leaves it %s", status, want)}
		}
		if ce := checkDismissed(id, dis, dismissed[id]); ce != nil {
			return rep, ce
		}
		delete(last, id)
		rep.Claims++
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	if len(last) > 0 {
		// Foreign keys prevent this unless they were switched off to do it.
		var id int64 = 1<<63 - 1
		for c := range last {
			id = min(id, c)
		}
		return rep, &ChainError{ClaimID: id, Problem: "it has history but the claim is missing"}
	}
	return rep, verifyClaimText(ctx, tx)
}

// verifyClaimText checks that every claim's text is the article's text at
// its offsets: a verdict recorded on a claim whose words were changed since
// would stand for a sentence the article does not hold. Claims are read a
// document at a time, with its body once.
func verifyClaimText(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.document_id, c.start, c."end", c.text FROM claims c ORDER BY c.document_id, c.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var doc int64
	var ids []int64
	var claims []extract.Claim
	check := func() error {
		if len(claims) == 0 {
			return nil
		}
		var body string
		if err := tx.QueryRowContext(ctx, `SELECT body FROM documents WHERE id = ?`, doc).Scan(&body); err != nil {
			return err
		}
		if i := mismatch(body, claims); i >= 0 {
			return &ChainError{ClaimID: ids[i], Problem: fmt.Sprintf(
				"its text is not the article's text at its place (%d..%d): the claim or the article was changed outside factdesk", claims[i].Start, claims[i].End)}
		}
		ids, claims = ids[:0], claims[:0]
		return nil
	}
	for rows.Next() {
		var id, d int64
		var c extract.Claim
		if err := rows.Scan(&id, &d, &c.Start, &c.End, &c.Text); err != nil {
			return err
		}
		if d != doc {
			if err := check(); err != nil {
				return err
			}
			doc = d
		}
		ids, claims = append(ids, id), append(claims, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return check()
}

// checkDismissed compares a claim's dismissed flag with what its history
// says: dismissals and restorations are history rows too, and a flag
// changed beside them would take a claim out of the queue and the exports,
// or bring one back, with nothing recorded.
func checkDismissed(claimID int64, dismissed, byHistory bool) *ChainError {
	switch {
	case dismissed && !byHistory:
		return &ChainError{ClaimID: claimID, Problem: "it is dismissed, but its history does not dismiss it (or restores it)"}
	case !dismissed && byHistory:
		return &ChainError{ClaimID: claimID, Problem: "it is in the queue, but its history leaves it dismissed"}
	}
	return nil
}

// VerifyClaimHistory checks one claim's history cheaply enough for every
// view of the claim page: each of its rows' own hash, the link to the row
// before it and from the row after it (wherever those are in the global
// chain), and that the claim's status is what its last row set. It returns
// the number of rows checked, and a *ChainError on a break.
func (s *Store) VerifyClaimHistory(ctx context.Context, claimID int64) (int, error) {
	_, n, err := s.ClaimHistory(ctx, claimID)
	return n, err
}

// ClaimHistory returns a claim's history, newest first, as History does,
// checked as VerifyClaimHistory checks it: the claim page shows both, and
// one statement reads the rows once for the two. On a break in the chain
// the history is still returned whole, with the *ChainError of the first
// break and the number of rows checked before it.
func (s *Store) ClaimHistory(ctx context.Context, claimID int64) ([]HistoryEntry, int, error) {
	// One statement, so one snapshot without a read transaction around it
	// (BEGIN and ROLLBACK were a third of the check's time): the claim's
	// status comes on every row, and a claim without history comes as one
	// row whose history columns are NULL, which has tells apart.
	rows, err := s.query(ctx, claimChainQuery, claimID)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	found, n, cur := false, 0, StatusUnverified
	var status string
	var dismissed, dismissedByHistory bool
	var hist []HistoryEntry
	var broken *ChainError
	for rows.Next() {
		found = true
		var r chainRow
		var has bool
		var beforeID int64
		var before, username string
		var next sql.NullString
		if err := rows.Scan(append([]any{&status, &dismissed, &has}, r.dest(&beforeID, &before, &next, &username)...)...); err != nil {
			return nil, n, err
		}
		if !has {
			break
		}
		action := r.later("action")
		switch action {
		case HistoryDismiss:
			dismissedByHistory = true
		case HistoryRestore:
			dismissedByHistory = false
		}
		hist = append(hist, HistoryEntry{ID: r.ID, ClaimID: r.ClaimID, Action: action, From: r.From, To: r.To,
			UserID: r.UserID, Username: username, Note: r.Note, CreatedAt: parseTime(r.CreatedAt)})
		if broken != nil {
			continue
		}
		if ce := checkRow(r, beforeID, before, cur); ce != nil {
			broken = ce
			continue
		}
		if next.Valid && next.String != r.Hash {
			broken = &ChainError{r.ID, r.ClaimID, "the row after it does not link to it (one of them was changed, or rows between them removed)"}
			continue
		}
		cur = r.To
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, n, err
	}
	if !found {
		return nil, 0, ErrNotFound
	}
	slices.Reverse(hist)
	if broken != nil {
		return hist, n, broken
	}
	if status != cur {
		return hist, n, &ChainError{ClaimID: claimID, Problem: fmt.Sprintf("its status is %s, but its history leaves it %s", status, cur)}
	}
	if ce := checkDismissed(claimID, dismissed, dismissedByHistory); ce != nil {
		return hist, n, ce
	}
	return hist, n, nil
}

// claimChainSQL selects a claim's status, whether the row holds history,
// the chainCols of each of its history rows and their neighbours' links.
// The history columns are coalesced so that the row of a claim without
// history scans; has (h.id IS NOT NULL) says which rows are real.
var claimChainQuery = claimChainSQL()

func claimChainSQL() string {
	var b strings.Builder
	b.WriteString(`SELECT c.status, c.dismissed, h.id IS NOT NULL, coalesce(h.id, 0), coalesce(h.claim_id, 0), coalesce(h.from_status, ''),
		coalesce(h.to_status, ''), coalesce(h.user_id, 0), coalesce(h.note, ''), coalesce(h.created_at, '')`)
	for _, col := range laterColumns {
		b.WriteString(`, coalesce(CAST(h."` + col.Name + `" AS TEXT), '')`)
	}
	// A row's neighbours in the chain are the rows with the next smaller
	// and larger ids. Rows are numbered one after another, so they are
	// looked up by id ± 1 in one seek each, and searched for only when
	// that row is missing (COALESCE evaluates its arguments lazily).
	b.WriteString(`, coalesce(h.prev_hash, ''), coalesce(h.hash, ''),
			coalesce(p.id, (SELECT p.id FROM status_history p WHERE p.id < h.id ORDER BY p.id DESC LIMIT 1), 0),
			coalesce(p.hash, (SELECT p.hash FROM status_history p WHERE p.id < h.id ORDER BY p.id DESC LIMIT 1), ''),
			CASE WHEN n.id IS NOT NULL THEN n.prev_hash ELSE (SELECT n.prev_hash FROM status_history n WHERE n.id > h.id ORDER BY n.id LIMIT 1) END,
			coalesce((SELECT u.username FROM users u WHERE u.id = h.user_id), '')
		FROM claims c LEFT JOIN status_history h ON h.claim_id = c.id
			LEFT JOIN status_history p ON p.id = h.id - 1
			LEFT JOIN status_history n ON n.id = h.id + 1
		WHERE c.id = ? ORDER BY h.id`)
	return b.String()
}

// HistoryRowWithHash returns the id of the history row whose hash is h, or
// ErrNotFound. A chain that verifies and still holds a head noted earlier
// has not been rewritten up to that row, since each hash commits to every
// row before it.
func (s *Store) HistoryRowWithHash(ctx context.Context, h string) (int64, error) {
	var id int64
	err := s.r.QueryRowContext(ctx, `SELECT id FROM status_history WHERE hash = ?`, h).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, err
}
