package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SecondOpinion is an editor's request for an independent second verdict on
// a claim, and the answer once given.
type SecondOpinion struct {
	ID           int64
	ClaimID      int64
	RequestedBy  string
	RequestedAt  time.Time
	FirstUserID  int64
	FirstUser    string
	FirstStatus  string
	SecondUserID int64
	SecondUser   string
	SecondStatus string // "" while open, and when withdrawn
	SecondNote   string
	SecondAt     time.Time // when answered or withdrawn
	CancelledBy  string    // the editor who withdrew the request
}

// Open reports whether the second verdict is still to come.
func (o SecondOpinion) Open() bool { return o.SecondAt.IsZero() }

// RequestSecondOpinion asks secondUserID for a verdict on a claim without
// seeing the current one. The current verdict, from the claim's latest
// status change, is the first opinion. The second reviewer must be someone
// other than the first reviewer and than the editor asking, who has seen it.
func (s *Store) RequestSecondOpinion(ctx context.Context, claimID, editorID, secondUserID int64) (SecondOpinion, error) {
	var c Claim
	var o SecondOpinion
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if c, err = claimForUpdate(ctx, tx, claimID); err != nil {
			return err
		}
		if c.Dismissed {
			return fmt.Errorf("%w: this sentence was dismissed as not a claim", ErrInvalid)
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM second_opinions WHERE claim_id = ? AND second_at IS NULL`,
			claimID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return fmt.Errorf("%w: a second opinion on this claim is pending already", ErrInvalid)
		}
		var histID, firstID int64
		var firstStatus, firstName string
		err = tx.QueryRowContext(ctx, `SELECT h.id, h.user_id, h.to_status, u.username FROM status_history h
			JOIN users u ON u.id = h.user_id
			WHERE h.claim_id = ? AND h.action = 'status' ORDER BY h.id DESC LIMIT 1`, claimID).
			Scan(&histID, &firstID, &firstStatus, &firstName)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: this claim has no verdict yet; a second opinion needs a first one", ErrInvalid)
		}
		if err != nil {
			return err
		}
		second, err := checkAssignee(ctx, tx, secondUserID)
		if err != nil {
			return err
		}
		switch secondUserID {
		case 0:
			return fmt.Errorf("%w: choose who gives the second opinion", ErrInvalid)
		case firstID:
			return fmt.Errorf("%w: the first verdict came from %s; ask someone else for the second", ErrInvalid, firstName)
		case editorID:
			return fmt.Errorf("%w: you have seen the first verdict; ask someone who has not", ErrInvalid)
		}
		// A blind opinion needs someone who has not seen a verdict on the
		// claim: not one who gave one, nor one who answered a request on it
		// (agreement would count the claim twice), and not while the
		// verdict is public.
		var seen bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM status_history WHERE claim_id = ?1 AND user_id = ?2)
			OR EXISTS (SELECT 1 FROM second_opinions WHERE claim_id = ?1 AND second_user_id = ?2 AND second_at IS NOT NULL AND cancelled_by IS NULL)`,
			claimID, secondUserID).Scan(&seen); err != nil {
			return err
		}
		if seen {
			return fmt.Errorf("%w: %s has seen a verdict on this claim already; ask someone who has not", ErrInvalid, second.Username)
		}
		var published bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM claim_publications WHERE claim_id = ?)`, claimID).Scan(&published); err != nil {
			return err
		}
		if published {
			return fmt.Errorf("%w: this claim's verdict is published, so an opinion on it would not be blind; unpublish it first", ErrInvalid)
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO second_opinions
			(claim_id, requested_by, requested_at, first_user_id, first_status, first_history_id, second_user_id)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, claimID, editorID, formatTime(now), firstID, firstStatus, histID, secondUserID)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, kind, claim_id, actor_id, created_at)
			VALUES (?, 'opinion', ?, ?, ?)`, secondUserID, claimID, editorID, formatTime(now)); err != nil {
			return err
		}
		o = SecondOpinion{ID: id, ClaimID: claimID, RequestedAt: now.UTC(), FirstUserID: firstID, FirstUser: firstName,
			FirstStatus: firstStatus, SecondUserID: secondUserID, SecondUser: second.Username}
		return logActivity(ctx, tx, now, activityRow{userID: editorID, action: ActOpinionRequest, documentID: c.DocumentID,
			claimID: claimID, subjectID: secondUserID})
	})
	if err != nil {
		return SecondOpinion{}, err
	}
	s.publish(Change{ClaimID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Status: c.Status, UserID: editorID, Action: ActOpinion})
	return o, nil
}

// SubmitSecondOpinion records the second reviewer's verdict. It does not
// change the claim's status: the two verdicts stand side by side on the
// claim page for an editor to settle.
func (s *Store) SubmitSecondOpinion(ctx context.Context, claimID, userID int64, verdict, note string) (SecondOpinion, error) {
	if !ValidStatus(verdict) {
		return SecondOpinion{}, fmt.Errorf("%w: unknown status %q (use unverified, confirmed or disputed)", ErrInvalid, verdict)
	}
	note = strings.TrimSpace(note)
	if err := checkNote(note); err != nil {
		return SecondOpinion{}, err
	}
	var c Claim
	var id int64
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if c, err = claimForUpdate(ctx, tx, claimID); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT id FROM second_opinions WHERE claim_id = ? AND second_user_id = ? AND second_at IS NULL`,
			claimID, userID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: no second opinion of yours is pending on this claim", ErrInvalid)
		}
		if err != nil {
			return err
		}
		if c.Dismissed {
			// Dismissing withdraws the request; this refuses one left
			// pending by an older factdesk.
			return fmt.Errorf("%w: this sentence was dismissed as not a claim, so it has no verdict to give a second opinion on", ErrInvalid)
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE second_opinions SET second_status = ?, second_note = ?, second_at = ? WHERE id = ?`,
			verdict, note, formatTime(now), id); err != nil {
			return err
		}
		if err := markClaimRead(ctx, tx, now, userID, claimID, "opinion"); err != nil {
			return err
		}
		return logActivity(ctx, tx, now, activityRow{userID: userID, action: ActOpinion, documentID: c.DocumentID,
			claimID: claimID, to: verdict, detail: note})
	})
	if err != nil {
		return SecondOpinion{}, err
	}
	s.publish(Change{ClaimID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Status: c.Status, UserID: userID, Action: ActOpinion})
	all, err := s.SecondOpinions(ctx, claimID)
	if err != nil {
		return SecondOpinion{}, err
	}
	for _, o := range all {
		if o.ID == id {
			return o, nil
		}
	}
	return SecondOpinion{}, ErrNotFound
}

// WithdrawSecondOpinion closes a claim's open request unanswered, for
// example when the reviewer asked is away: the blind is lifted and another
// reviewer can be asked.
func (s *Store) WithdrawSecondOpinion(ctx context.Context, claimID, editorID int64) (SecondOpinion, error) {
	var c Claim
	var id, second int64
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if c, err = claimForUpdate(ctx, tx, claimID); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT id, second_user_id FROM second_opinions WHERE claim_id = ? AND second_at IS NULL`,
			claimID).Scan(&id, &second)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: no second opinion is pending on this claim", ErrInvalid)
		}
		if err != nil {
			return err
		}
		if second == editorID {
			// Withdrawn, the claim would show them the verdict they owe
			// an opinion on without it.
			return fmt.Errorf("%w: the second opinion is asked of you; give it, or ask another editor to withdraw the request", ErrInvalid)
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE second_opinions SET second_at = ?, cancelled_by = ? WHERE id = ?`,
			formatTime(now), editorID, id); err != nil {
			return err
		}
		if err := markClaimRead(ctx, tx, now, second, claimID, "opinion"); err != nil {
			return err
		}
		return logActivity(ctx, tx, now, activityRow{userID: editorID, action: ActOpinionWithdraw, documentID: c.DocumentID,
			claimID: claimID, subjectID: second})
	})
	if err != nil {
		return SecondOpinion{}, err
	}
	s.publish(Change{ClaimID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Status: c.Status, UserID: editorID, Action: ActOpinion})
	all, err := s.SecondOpinions(ctx, claimID)
	if err != nil {
		return SecondOpinion{}, err
	}
	for _, o := range all {
		if o.ID == id {
			return o, nil
		}
	}
	return SecondOpinion{}, ErrNotFound
}

const opinionCols = `o.id, o.claim_id, r.username, o.requested_at, o.first_user_id, f.username, o.first_status,
	o.second_user_id, s.username, coalesce(o.second_status, ''), o.second_note, coalesce(o.second_at, ''), coalesce(x.username, '')`

const opinionJoins = ` FROM second_opinions o
	JOIN users r ON r.id = o.requested_by
	JOIN users f ON f.id = o.first_user_id
	JOIN users s ON s.id = o.second_user_id
	LEFT JOIN users x ON x.id = o.cancelled_by`

func scanOpinion(row interface{ Scan(...any) error }) (SecondOpinion, error) {
	var o SecondOpinion
	var req, at string
	err := row.Scan(&o.ID, &o.ClaimID, &o.RequestedBy, &req, &o.FirstUserID, &o.FirstUser, &o.FirstStatus,
		&o.SecondUserID, &o.SecondUser, &o.SecondStatus, &o.SecondNote, &at, &o.CancelledBy)
	o.RequestedAt, o.SecondAt = parseTime(req), parseTime(at)
	return o, err
}

// SecondOpinions returns a claim's second opinions, oldest first.
func (s *Store) SecondOpinions(ctx context.Context, claimID int64) ([]SecondOpinion, error) {
	rows, err := s.query(ctx, `SELECT `+opinionCols+opinionJoins+` WHERE o.claim_id = ? ORDER BY o.id`, claimID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SecondOpinion
	for rows.Next() {
		o, err := scanOpinion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// PendingOpinions returns the ids of the claims on which userID owes a
// second opinion: pages hide those claims' verdicts from them.
func (s *Store) PendingOpinions(ctx context.Context, userID int64) (map[int64]bool, error) {
	rows, err := s.query(ctx, `SELECT claim_id FROM second_opinions WHERE second_user_id = ? AND second_at IS NULL`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// OpinionPair is a completed second opinion: two reviewers' verdicts on one claim.
type OpinionPair struct {
	FirstUser, SecondUser     string
	FirstStatus, SecondStatus string
}

// OpinionPairs returns every answered second opinion, for agreement figures.
func (s *Store) OpinionPairs(ctx context.Context) ([]OpinionPair, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT f.username, s.username, o.first_status, o.second_status
		FROM second_opinions o JOIN users f ON f.id = o.first_user_id JOIN users s ON s.id = o.second_user_id
		WHERE o.second_status IS NOT NULL ORDER BY o.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OpinionPair
	for rows.Next() {
		var p OpinionPair
		if err := rows.Scan(&p.FirstUser, &p.SecondUser, &p.FirstStatus, &p.SecondStatus); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// OwedCount is how many claims of one document, kind and status a user
// owes a blind second opinion on.
type OwedCount struct {
	DocumentID   int64
	Kind, Status string
	N            int
}

// Owed is the claims a user owes a blind second opinion on, grouped so that
// progress read from the counter tables can take them out (Hide*): the
// counts would otherwise tell the verdicts the claim list hides.
type Owed []OwedCount

// sqlOwedCounts is OwedCounts' statement (TestOwedCountsReadsRequests
// checks its plan).
const sqlOwedCounts = `SELECT c.document_id, c.kind, c.status, count(*) FROM ` + owedClaims + `
		AND c.dismissed = 0 GROUP BY c.document_id, c.kind, c.status`

// OwedCounts groups the claims in the queue (not dismissed, as in the
// counter tables) on which userID owes a second opinion. One indexed
// statement over the user's few open requests.
func (s *Store) OwedCounts(ctx context.Context, userID int64) (Owed, error) {
	rows, err := s.query(ctx, sqlOwedCounts, userID)
	if err != nil {
		return nil, err
	}
	var out Owed
	err = eachRow(rows, func(r *sql.Rows) error {
		var o OwedCount
		if err := r.Scan(&o.DocumentID, &o.Kind, &o.Status, &o.N); err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	return out, err
}

// hide moves n claims of a status into Hidden.
func (p *Progress) hide(status string, n int) {
	p.addStatus(status, -n)
	p.Hidden += n
}

// HideAll takes the owed claims out of progress over every claim.
func (o Owed) HideAll(p Progress) Progress {
	for _, c := range o {
		p.hide(c.Status, c.N)
	}
	return p
}

// HideDocument takes a document's owed claims out of its progress.
func (o Owed) HideDocument(id int64, p Progress) Progress {
	for _, c := range o {
		if c.DocumentID == id {
			p.hide(c.Status, c.N)
		}
	}
	return p
}

// HideKind takes the owed claims of a kind out of its progress.
func (o Owed) HideKind(kind string, p Progress) Progress {
	for _, c := range o {
		if c.Kind == kind {
			p.hide(c.Status, c.N)
		}
	}
	return p
}
