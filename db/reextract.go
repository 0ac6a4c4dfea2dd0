package db

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"factdesk/extract"
)

// ReextractResult says what re-running the extractor did to one document.
type ReextractResult struct {
	DocumentID int64
	Title      string
	Added      int  // claims the current extractor finds that were not stored
	Removed    int  // unreviewed claims it no longer finds
	Updated    int  // unreviewed claims whose score, kind or speaker changed
	Unchanged  int  // unreviewed claims found again as they were
	Reviewed   int  // claims with history, left exactly as they were
	Others     int  // claims placed by other tools or by hand, left as they were
	Skipped    int  // new claims not added because they overlap a claim left as it was
	NoExtract  bool // imported without extraction: left alone
}

// reviewedSQL is true for a claim that someone has worked on and that
// re-extraction must therefore never change or remove: it has history of
// any kind (status changes, dismissal, assignment, comments, evidence,
// second opinions, notifications, publication; the feed's row for adding
// the claim is not work on it). A later table that records
// work on a claim belongs here too.
const reviewedSQL = `(c.status <> 'unverified' OR c.dismissed <> 0 OR c.assignee_id IS NOT NULL
	OR EXISTS (SELECT 1 FROM status_history x WHERE x.claim_id = c.id)
	OR EXISTS (SELECT 1 FROM comments x WHERE x.claim_id = c.id)
	OR EXISTS (SELECT 1 FROM evidence x WHERE x.claim_id = c.id)
	OR EXISTS (SELECT 1 FROM second_opinions x WHERE x.claim_id = c.id)
	OR EXISTS (SELECT 1 FROM notifications x WHERE x.claim_id = c.id)
	OR EXISTS (SELECT 1 FROM activity x WHERE x.claim_id = c.id AND x.action <> 'import_claims')
	OR EXISTS (SELECT 1 FROM claim_publications x WHERE x.claim_id = c.id)
	OR EXISTS (SELECT 1 FROM publication_events x WHERE x.claim_id = c.id))`

// DocumentIDs returns the id of every document, in import order.
func (s *Store) DocumentIDs(ctx context.Context) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM documents ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Reextract runs the current extractor over a stored document again: new
// claims are added, unreviewed claims it no longer finds are removed, and
// unreviewed claims it finds again take its new score, kind and speaker. A
// claim with any history is never removed or changed, nor is a claim that
// another tool placed (origin 'added'), and a new claim that overlaps one of
// those is not added, so the document never shows two claims over the same
// words. It is one transaction.
func (s *Store) Reextract(ctx context.Context, docID int64) (ReextractResult, error) {
	return s.reextract(ctx, docID, extract.Extract)
}

// storedClaim is what reextract needs to know of a stored claim.
type storedClaim struct {
	id             int64
	start, end     int
	score          float64
	kind, speaker  string
	version        int64
	reviewed, seen bool
	added          bool // placed by another tool, not the extractor
}

// kept reports a claim that re-extraction must leave exactly as it is.
func (c storedClaim) kept() bool { return c.reviewed || c.added }

func (s *Store) reextract(ctx context.Context, docID int64, find func(string) []extract.Claim) (ReextractResult, error) {
	res := ReextractResult{DocumentID: docID}
	doc, err := s.Document(ctx, docID)
	if err != nil {
		return res, err
	}
	res.Title = doc.Title
	if err := s.r.QueryRowContext(ctx, `SELECT extracted = 0 FROM documents WHERE id = ?`, docID).Scan(&res.NoExtract); err != nil {
		return res, err
	}
	if res.NoExtract {
		return res, nil
	}
	// The body never changes, so the extractor runs before the write
	// transaction and does not hold up other writers.
	found := find(doc.Body)
	var changes []Change
	err = s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		changes = changes[:0]
		r := ReextractResult{DocumentID: docID, Title: doc.Title}
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.start, c."end", c.score, c.kind, c.speaker, c.version,
			`+reviewedSQL+`, c.origin = 'added'
			FROM claims c WHERE c.document_id = ? ORDER BY c.start, c.id`, docID)
		if err != nil {
			return err
		}
		var stored []storedClaim
		byRange := map[[2]int]int{}
		for rows.Next() {
			var c storedClaim
			if err := rows.Scan(&c.id, &c.start, &c.end, &c.score, &c.kind, &c.speaker, &c.version, &c.reviewed, &c.added); err != nil {
				rows.Close()
				return err
			}
			byRange[[2]int{c.start, c.end}] = len(stored)
			stored = append(stored, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := formatTime(s.now())
		var add []extract.Claim
		for _, n := range found {
			if i, ok := byRange[[2]int{n.Start, n.End}]; ok {
				c := &stored[i]
				c.seen = true
				switch {
				case c.kept():
				case math.Abs(c.score-n.Score) < 1e-9 && c.kind == n.Kind && c.speaker == n.Speaker:
					r.Unchanged++
				default:
					if _, err := tx.ExecContext(ctx, `UPDATE claims SET score = ?, kind = ?, speaker = ?, version = version + 1, updated_at = ?
						WHERE id = ?`, n.Score, n.Kind, n.Speaker, now, c.id); err != nil {
						return err
					}
					r.Updated++
					changes = append(changes, Change{ClaimID: c.id, DocumentID: docID, Version: c.version + 1, Status: StatusUnverified, Action: "reextract"})
				}
				continue
			}
			if overlapsKept(stored, n.Start, n.End) {
				r.Skipped++
				continue
			}
			add = append(add, n)
		}
		for _, c := range stored {
			switch {
			case c.reviewed:
				r.Reviewed++
			case c.added:
				r.Others++
			case !c.seen:
				if _, err := tx.ExecContext(ctx, `DELETE FROM claims WHERE id = ?`, c.id); err != nil {
					return fmt.Errorf("remove claim %d: %w", c.id, err)
				}
				r.Removed++
				changes = append(changes, Change{ClaimID: c.id, DocumentID: docID, Version: c.version, Action: "delete"})
			}
		}
		for _, n := range add {
			// insertClaims checks the offsets against the body.
			if err := insertClaims(ctx, tx, docID, doc.Body, []extract.Claim{n}, now); err != nil {
				return err
			}
			var id int64
			if err := tx.QueryRowContext(ctx, `SELECT id FROM claims WHERE document_id = ? AND start = ? AND "end" = ?`,
				docID, n.Start, n.End).Scan(&id); err != nil {
				return err
			}
			changes = append(changes, Change{ClaimID: id, DocumentID: docID, Version: 1, Status: StatusUnverified, Action: "create"})
		}
		r.Added = len(add)
		res = r
		return nil
	})
	if err != nil {
		return ReextractResult{DocumentID: docID, Title: doc.Title}, err
	}
	for _, c := range changes {
		s.publish(c)
	}
	return res, nil
}

// overlapsKept reports whether [start, end) shares text with a claim that
// re-extraction leaves as it is.
func overlapsKept(stored []storedClaim, start, end int) bool {
	for _, c := range stored {
		if c.kept() && start < c.end && c.start < end {
			return true
		}
	}
	return false
}
