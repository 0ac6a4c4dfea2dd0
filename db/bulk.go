package db

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Bulk actions on claims selected in the queue.
const (
	BulkStatus  = "status"
	BulkAssign  = "assign"
	BulkDismiss = "dismiss"
)

// BulkAction is what to do to every selected claim.
type BulkAction struct {
	Kind       string // BulkStatus, BulkAssign or BulkDismiss
	Status     string // for BulkStatus
	Note       string // the note of a status change, the reason of a dismissal
	AssigneeID int64  // for BulkAssign; 0 unassigns
}

// BulkItem is a selected claim and the version the page showed.
type BulkItem struct{ ClaimID, Version int64 }

// BulkSkip is a selected claim left unchanged, and why.
type BulkSkip struct {
	ClaimID int64
	Reason  string
}

// BulkResult reports what happened to each selected claim.
type BulkResult struct {
	Done    []Claim
	Stale   []Claim // changed by someone else since the page was shown: as they are now
	Skipped []BulkSkip
}

// MaxBulk bounds one bulk action.
const MaxBulk = 200

// Bulk applies one action to several claims. Status changes and
// dismissals go claim by claim through SetStatus and Dismiss, so each claim
// gets its own history row and its own version check: a claim changed
// since the page was shown is reported stale and left alone, the others
// go through. Assignment does not depend on the verdict and is one
// transaction. What is wrong with the action itself (its status, note or
// reason, the assignee) refuses the whole request; what is wrong with one
// claim (no such claim, one that cannot take the change) is reported for
// that claim, whatever the action.
func (s *Store) Bulk(ctx context.Context, userID int64, a BulkAction, items []BulkItem) (BulkResult, error) {
	var r BulkResult
	if len(items) == 0 {
		return r, fmt.Errorf("%w: select at least one claim", ErrInvalid)
	}
	if len(items) > MaxBulk {
		return r, fmt.Errorf("%w: select at most %d claims at once", ErrInvalid, MaxBulk)
	}
	switch a.Kind {
	case BulkStatus:
		if !ValidStatus(a.Status) {
			return r, fmt.Errorf("%w: choose the status to set", ErrInvalid)
		}
		// The note is every claim's: refused once, not claim by claim.
		if err := checkNote(strings.TrimSpace(a.Note)); err != nil {
			return r, err
		}
	case BulkDismiss:
		if strings.TrimSpace(a.Note) == "" {
			return r, fmt.Errorf("%w: say why these are not claims", ErrInvalid)
		}
		if err := checkDismissReason(strings.TrimSpace(a.Note)); err != nil {
			return r, err
		}
	case BulkAssign:
		ids := make([]int64, len(items))
		for i, it := range items {
			ids[i] = it.ClaimID
		}
		done, missing, err := s.assignClaims(ctx, userID, a.AssigneeID, ids, true, nil)
		if err != nil {
			return r, err
		}
		r.Done = done
		changed := map[int64]bool{}
		for _, c := range done {
			changed[c.ID] = true
		}
		for _, id := range ids {
			switch {
			case missing[id]:
				r.Skipped = append(r.Skipped, BulkSkip{ClaimID: id, Reason: "no such claim"})
			case !changed[id]:
				r.Skipped = append(r.Skipped, BulkSkip{ClaimID: id, Reason: "already assigned so"})
			}
		}
		return r, nil
	default:
		return r, fmt.Errorf("%w: choose what to do with the selected claims", ErrInvalid)
	}
	for _, it := range items {
		var c Claim
		var err error
		if a.Kind == BulkStatus {
			c, err = s.SetStatus(ctx, it.ClaimID, userID, it.Version, a.Status, a.Note)
		} else {
			c, err = s.Dismiss(ctx, it.ClaimID, userID, it.Version, a.Note)
		}
		var stale *StaleError
		switch {
		case err == nil:
			r.Done = append(r.Done, c)
		case errors.As(err, &stale):
			r.Stale = append(r.Stale, stale.Current)
		case errors.Is(err, ErrNotFound):
			r.Skipped = append(r.Skipped, BulkSkip{ClaimID: it.ClaimID, Reason: "no such claim"})
		case errors.Is(err, ErrInvalid):
			r.Skipped = append(r.Skipped, BulkSkip{ClaimID: it.ClaimID, Reason: strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": ")})
		default:
			return r, err
		}
	}
	return r, nil
}
