package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// History row actions (status_history.action).
const (
	HistoryStatus  = "status"
	HistoryDismiss = "dismiss"
	HistoryRestore = "restore"
)

// checkReviewable refuses a verdict on a dismissed sentence, and one from a
// reviewer who owes a second opinion on the claim: their verdict must come
// through the second-opinion form, blind to the first.
func checkReviewable(ctx context.Context, tx txRunner, c Claim, userID int64) error {
	if c.Dismissed {
		return fmt.Errorf("%w: this sentence was dismissed as not a claim; restore it before reviewing it", ErrInvalid)
	}
	pending, err := opinionPending(ctx, tx, c.ID, userID)
	if err != nil {
		return err
	}
	if pending {
		return fmt.Errorf("%w: you were asked for a second opinion on this claim: give your verdict in the second-opinion form", ErrInvalid)
	}
	return nil
}

// refuseBlind refuses an act on a claim that userID owes a blind second
// opinion on, before anything else is said about the claim: publishing
// it, for one, would tell them that its verdict is confirmed or disputed.
func refuseBlind(ctx context.Context, tx *sql.Tx, claimID, userID int64, act string) error {
	pending, err := opinionPending(ctx, tx, claimID, userID)
	if err != nil {
		return err
	}
	if pending {
		return fmt.Errorf("%w: you were asked for a second opinion on this claim; give it before %s", ErrInvalid, act)
	}
	return nil
}

// sqlOpinionWithdrawOpen closes a claim's pending second opinion, if any,
// as withdrawn, giving whom it was asked of.
const sqlOpinionWithdrawOpen = `UPDATE second_opinions SET second_at = ?, cancelled_by = ?
		WHERE claim_id = ? AND second_at IS NULL RETURNING second_user_id`

const sqlOpinionPending = `SELECT count(*) FROM second_opinions
		WHERE claim_id = ? AND second_user_id = ? AND second_at IS NULL`

// opinionPending reports whether userID owes a second opinion on claimID.
func opinionPending(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, claimID, userID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, sqlOpinionPending, claimID, userID).Scan(&n)
	return n > 0, err
}

// recordStatusChange adds what accompanies a status change in its
// transaction: the evidence given with it and the activity row.
func recordStatusChange(ctx context.Context, tx txRunner, c Claim, historyID, userID int64, to, note string, evidence []NewEvidence, now time.Time) error {
	if to != c.Status {
		// A published review says the verdict an editor published: a new
		// verdict takes the page down, recorded as an unpublishing, until
		// an editor publishes it again.
		res, err := tx.ExecContext(ctx, sqlUnpublish, c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if err := logPublication(ctx, tx, now, c, ActUnpublish, userID); err != nil {
				return err
			}
		}
		// A pending second opinion was asked on the verdict this replaces:
		// answered, it would be compared with a verdict no longer held.
		// The request is withdrawn with the change; an editor may ask again.
		if err := withdrawOpenOpinion(ctx, tx, now, c, userID); err != nil {
			return err
		}
	}
	for _, ev := range evidence {
		if _, err := insertEvidence(ctx, tx, c.ID, historyID, userID, ev, now); err != nil {
			return err
		}
	}
	return logActivity(ctx, tx, now, activityRow{userID: userID, action: ActStatus, documentID: c.DocumentID, claimID: c.ID,
		from: c.Status, to: to, detail: note})
}

// withdrawOpenOpinion closes the claim's pending second opinion, if any, as
// withdrawn by userID, with its activity row.
func withdrawOpenOpinion(ctx context.Context, tx txRunner, now time.Time, c Claim, userID int64) error {
	var second int64
	err := tx.QueryRowContext(ctx, sqlOpinionWithdrawOpen, formatTime(now), userID, c.ID).Scan(&second)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	// The request leaves the asked reviewer's unread messages.
	if err := markClaimRead(ctx, tx, now, second, c.ID, "opinion"); err != nil {
		return err
	}
	return logActivity(ctx, tx, now, activityRow{userID: userID, action: ActOpinionWithdraw, documentID: c.DocumentID,
		claimID: c.ID, subjectID: second})
}

// reasonLimit bounds a dismissal reason or restoration note.
const reasonLimit = 1000

func claimForUpdate(ctx context.Context, tx *sql.Tx, claimID int64) (Claim, error) {
	return scanClaim(tx.QueryRowContext(ctx, `SELECT `+claimCols+`
		FROM claims c JOIN documents d ON d.id = c.document_id WHERE c.id = ?`, claimID))
}

// Dismiss marks an extracted sentence as not a claim, with a reason: it
// leaves the queue and the progress counts, keeps its status, and the
// history gets a 'dismiss' row. Like SetStatus it checks the version seen.
func (s *Store) Dismiss(ctx context.Context, claimID, userID, seenVersion int64, reason string) (Claim, error) {
	reason = strings.TrimSpace(reason)
	if err := checkDismissReason(reason); err != nil {
		return Claim{}, err
	}
	return s.setDismissed(ctx, claimID, userID, seenVersion, true, reason)
}

// checkDismissReason checks a dismissal's reason, trimmed.
func checkDismissReason(reason string) error {
	if reason == "" {
		return fmt.Errorf("%w: say why this is not a claim", ErrInvalid)
	}
	if utf8.RuneCountInString(reason) > reasonLimit {
		return fmt.Errorf("%w: the reason is longer than %d characters", ErrInvalid, reasonLimit)
	}
	return checkPlain("the reason", reason)
}

// Restore puts a dismissed sentence back in the queue; the note is optional.
func (s *Store) Restore(ctx context.Context, claimID, userID, seenVersion int64, note string) (Claim, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > reasonLimit {
		return Claim{}, fmt.Errorf("%w: the note is longer than %d characters", ErrInvalid, reasonLimit)
	}
	if err := checkPlain("the note", note); err != nil {
		return Claim{}, err
	}
	return s.setDismissed(ctx, claimID, userID, seenVersion, false, note)
}

func (s *Store) setDismissed(ctx context.Context, claimID, userID, seenVersion int64, dismiss bool, note string) (Claim, error) {
	if err := checkVersion(seenVersion); err != nil {
		return Claim{}, err
	}
	var c Claim
	action := HistoryRestore
	if dismiss {
		action = HistoryDismiss
	}
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// Dismissing takes a claim out of the queue, the counts and the
		// exports, and unpublishes it: a verdict of its own.
		act := "restoring it"
		if dismiss {
			act = "dismissing it"
		}
		if err := refuseBlind(ctx, tx, claimID, userID, act); err != nil {
			return err
		}
		var err error
		if c, err = claimForUpdate(ctx, tx, claimID); err != nil {
			return err
		}
		if c.Version != seenVersion {
			return &StaleError{Current: c}
		}
		if c.Dismissed == dismiss {
			if dismiss {
				return fmt.Errorf("%w: this sentence is dismissed already", ErrInvalid)
			}
			return fmt.Errorf("%w: this claim is not dismissed", ErrInvalid)
		}
		now := s.now()
		reason := ""
		if dismiss {
			reason = note
		}
		if _, err := tx.ExecContext(ctx, `UPDATE claims SET dismissed = ?, dismiss_reason = ?, version = version + 1, updated_at = ?
			WHERE id = ?`, dismiss, reason, formatTime(now), claimID); err != nil {
			return err
		}
		if _, err := appendHistory(ctx, tx, historyRecord{ClaimID: claimID, From: c.Status, To: c.Status, UserID: userID,
			Note: note, CreatedAt: formatTime(now), Later: map[string]string{"action": action}}); err != nil {
			return err
		}
		if err := logActivity(ctx, tx, now, activityRow{userID: userID, action: action, documentID: c.DocumentID,
			claimID: claimID, detail: note}); err != nil {
			return err
		}
		if dismiss {
			// A sentence that is not a claim has no verdict to give a
			// second opinion on: a pending request is withdrawn.
			if err := withdrawOpenOpinion(ctx, tx, now, c, userID); err != nil {
				return err
			}
			// Nor a review to show: its public page goes, recorded as an
			// unpublishing, and restoring it does not bring the page back
			// unasked.
			res, err := tx.ExecContext(ctx, sqlUnpublish, claimID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				if err := logPublication(ctx, tx, now, c, ActUnpublish, userID); err != nil {
					return err
				}
			}
		}
		c.Dismissed, c.DismissReason, c.Version, c.UpdatedAt = dismiss, reason, c.Version+1, now.UTC()
		return nil
	})
	if err == nil {
		s.publish(Change{ClaimID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Status: c.Status, UserID: userID, Action: action})
	}
	return c, err
}
