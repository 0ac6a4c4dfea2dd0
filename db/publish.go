package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"factdesk/export"
)

// Publication says whether and since when a claim's review is public.
type Publication struct {
	Published   bool
	PublishedAt time.Time
	By          string // user name of who published it
}

// Publication returns a claim's publication state.
func (s *Store) Publication(ctx context.Context, claimID int64) (Publication, error) {
	var p Publication
	var at string
	err := s.queryRow(ctx, `SELECT p.published_at, u.username FROM claim_publications p
		JOIN users u ON u.id = p.published_by WHERE p.claim_id = ?`, claimID).Scan(&at, &p.By)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	p.Published, p.PublishedAt = true, parseTime(at)
	return p, nil
}

// Publish makes a reviewed claim's review public. Only a confirmed or
// disputed claim can be published; publishing a published claim keeps its
// first publication date, which is what ClaimReview readers were shown.
// With seenVersion above 0 (the version the editor read), a claim changed
// since is a *StaleError: the verdict that would go out is not the one the
// editor saw.
func (s *Store) Publish(ctx context.Context, claimID, userID, seenVersion int64) (Claim, error) {
	var c Claim
	changed := false
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		c, err = scanClaim(tx.QueryRowContext(ctx, `SELECT `+claimCols+`
			FROM claims c JOIN documents d ON d.id = c.document_id WHERE c.id = ?`, claimID))
		if err != nil {
			return err
		}
		if err := refuseBlind(ctx, tx, claimID, userID, "publishing it"); err != nil {
			return err
		}
		// A public verdict would lift the blind of the reviewer asked.
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM second_opinions WHERE claim_id = ? AND second_at IS NULL`,
			claimID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return fmt.Errorf("%w: a second opinion is pending on this claim; publish once it is given, or withdraw the request", ErrInvalid)
		}
		if seenVersion > 0 && c.Version != seenVersion {
			return &StaleError{Current: c}
		}
		if c.Dismissed {
			return fmt.Errorf("%w: this sentence was dismissed as not a claim; restore it before publishing", ErrInvalid)
		}
		if c.Status != StatusConfirmed && c.Status != StatusDisputed {
			return fmt.Errorf("%w: only a reviewed (confirmed or disputed) claim can be published", ErrInvalid)
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO claim_publications (claim_id, published_by, published_at)
			VALUES (?, ?, ?) ON CONFLICT (claim_id) DO NOTHING`, claimID, userID, formatTime(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed = true
		return logPublication(ctx, tx, now, c, ActPublish, userID)
	})
	if err == nil && changed {
		s.publish(Change{ClaimID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Status: c.Status, UserID: userID, Action: "publish"})
	}
	return c, err
}

// Unpublish removes a claim's public page. Unpublishing an unpublished claim
// changes nothing.
func (s *Store) Unpublish(ctx context.Context, claimID, userID int64) (Claim, error) {
	var c Claim
	changed := false
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		c, err = scanClaim(tx.QueryRowContext(ctx, `SELECT `+claimCols+`
			FROM claims c JOIN documents d ON d.id = c.document_id WHERE c.id = ?`, claimID))
		if err != nil {
			return err
		}
		if err := refuseBlind(ctx, tx, claimID, userID, "unpublishing it"); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, sqlUnpublish, claimID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed = true
		return logPublication(ctx, tx, s.now(), c, ActUnpublish, userID)
	})
	if err == nil && changed {
		s.publish(Change{ClaimID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Status: c.Status, UserID: userID, Action: "unpublish"})
	}
	return c, err
}

// sqlUnpublish takes a claim's review page down.
const sqlUnpublish = `DELETE FROM claim_publications WHERE claim_id = ?`

// logPublication records a publish or unpublish in the claim's publication
// events and in the activity feed.
func logPublication(ctx context.Context, tx txRunner, now time.Time, c Claim, action string, userID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO publication_events (claim_id, action, user_id, created_at)
		VALUES (?, ?, ?, ?)`, c.ID, action, userID, formatTime(now)); err != nil {
		return err
	}
	return logActivity(ctx, tx, now, activityRow{userID: userID, action: action, documentID: c.DocumentID, claimID: c.ID})
}

// PublishedRecord returns the export record of a published claim, the same
// record the exports build, so that its public page and a ClaimReview export
// say the same. A claim that is not published, or was set back to
// unverified after publishing, is ErrNotFound: there is no review to show.
func (s *Store) PublishedRecord(ctx context.Context, claimID int64) (*export.Record, error) {
	var rec *export.Record
	err := s.ExportClaims(ctx, ExportFilter{ClaimID: claimID, Published: true, Statuses: DefaultExportStatuses},
		func(r *export.Record) error { rec = r; return nil })
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, ErrNotFound
	}
	return rec, nil
}
