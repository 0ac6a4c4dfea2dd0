package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"unicode/utf8"

	"factdesk/extract"
)

// AddedClaim is the outcome of adding one claim to a document.
type AddedClaim struct {
	ID      int64
	Existed bool // a claim at exactly this place was there already
}

// AddClaims stores claims that were placed on a document outside the
// extractor (by other tools), in one transaction, and returns one outcome
// per claim in the order given. A claim at the same offsets as an existing
// one is not added twice. Every claim is checked against the document's
// text: offsets that do not hold the claim's text are a bug upstream, and
// nothing is stored. The activity feed says that userID added them.
func (s *Store) AddClaims(ctx context.Context, docID, userID int64, claims []extract.Claim) ([]AddedClaim, error) {
	if userID <= 0 {
		return nil, fmt.Errorf("%w: say who adds the claims", ErrInvalid)
	}
	out := make([]AddedClaim, len(claims))
	var created []int
	err := s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		created = created[:0]
		var body string
		err := tx.QueryRowContext(ctx, `SELECT body FROM documents WHERE id = ?`, docID).Scan(&body)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := checkClaimTexts(body, claims); err != nil {
			return err
		}
		when := s.now()
		now := formatTime(when)
		find, err := tx.PrepareContext(ctx, `SELECT id FROM claims WHERE document_id = ? AND start = ? AND "end" = ?`)
		if err != nil {
			return err
		}
		defer find.Close()
		// origin 'added': factdesk reextract leaves these claims alone.
		ins, err := tx.PrepareContext(ctx, `INSERT INTO claims (document_id, start, "end", text, score, kind, speaker, created_at, updated_at, origin)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'added')`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for i, c := range claims {
			var id int64
			err := find.QueryRowContext(ctx, docID, c.Start, c.End).Scan(&id)
			switch {
			case err == nil:
				out[i] = AddedClaim{ID: id, Existed: true}
				continue
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			res, err := ins.ExecContext(ctx, docID, c.Start, c.End, c.Text, c.Score, c.Kind, c.Speaker, now, now)
			if err != nil {
				return err
			}
			if id, err = res.LastInsertId(); err != nil {
				return err
			}
			out[i] = AddedClaim{ID: id}
			created = append(created, i)
		}
		if len(created) == 0 {
			return nil
		}
		// One claim added is linked from the feed.
		row := activityRow{userID: userID, action: ActImportClaims, documentID: docID, detail: claimCount(len(created))}
		if len(created) == 1 {
			row.claimID = out[created[0]].ID
		}
		return logActivity(ctx, tx, when, row)
	})
	if err != nil {
		return nil, err
	}
	for _, i := range created {
		s.publish(Change{ClaimID: out[i].ID, DocumentID: docID, Version: 1, Status: StatusUnverified, Action: "create"})
	}
	return out, nil
}

// checkClaimTexts converts every offset in one pass over the body.
func checkClaimTexts(body string, claims []extract.Claim) error {
	cps := make([]int, 0, 2*len(claims))
	for _, c := range claims {
		if c.Start < 0 || c.End <= c.Start {
			return fmt.Errorf("%w: claim %d..%d is not a span of the text", ErrInvalid, c.Start, c.End)
		}
		for _, f := range []struct{ what, s string }{{"kind", c.Kind}, {"speaker", c.Speaker}} {
			if err := checkPlain(fmt.Sprintf("the %s of claim %d..%d", f.what, c.Start, c.End), f.s); err != nil {
				return err
			}
		}
		cps = append(cps, c.Start, c.End)
	}
	sort.Ints(cps)
	bytes := extract.ByteOffsets(body, cps...)
	at := make(map[int]int, len(cps))
	for i, cp := range cps {
		at[cp] = bytes[i]
	}
	n := utf8.RuneCountInString(body)
	for _, c := range claims {
		if c.End > n || body[at[c.Start]:at[c.End]] != c.Text {
			return fmt.Errorf("%w: claim %d..%d does not match the document text", ErrInvalid, c.Start, c.End)
		}
	}
	return nil
}

// ImportBareDocument stores a document without extracting claims, for
// callers that bring their own. Like ImportDocument, the same text imported
// again is the existing document, with existed set.
func (s *Store) ImportBareDocument(ctx context.Context, d NewDocument) (id int64, existed bool, err error) {
	x, err := BareDocument(d)
	if err != nil {
		return 0, false, err
	}
	r := s.ImportBatch(ctx, []Extracted{x})[0]
	return r.ID, r.Existed, r.Err
}
