package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// checkAssignee loads the user claims are assigned to: someone who may
// review and is not disabled. id 0 means unassigning and returns a zero User.
func checkAssignee(ctx context.Context, tx *sql.Tx, id int64) (User, error) {
	if id == 0 {
		return User{}, nil
	}
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if errors.Is(err, ErrNotFound) {
		return u, fmt.Errorf("%w: there is no such user to assign", ErrInvalid)
	}
	if err != nil {
		return u, err
	}
	if u.Disabled {
		return u, fmt.Errorf("%w: user %s is disabled and cannot be assigned claims", ErrInvalid, u.Username)
	}
	if rank[u.Role] < rank["reviewer"] {
		return u, fmt.Errorf("%w: user %s is a viewer and cannot review; give them the reviewer role first", ErrInvalid, u.Username)
	}
	return u, nil
}

// rank orders roles as auth does; db keeps its own copy so that it does not
// import auth (roles are stored values here, checked by the schema).
var rank = map[string]int{"viewer": 1, "reviewer": 2, "editor": 3, "admin": 4}

// AssignClaims assigns claims to a reviewer (assigneeID 0 unassigns them) and
// returns the claims that changed; claims already so assigned are left
// alone. One transaction: an unknown claim changes nothing.
func (s *Store) AssignClaims(ctx context.Context, actorID, assigneeID int64, claimIDs []int64) ([]Claim, error) {
	changed, _, err := s.assignClaims(ctx, actorID, assigneeID, claimIDs, false, nil)
	return changed, err
}

// AssignClaimSeen assigns one claim as AssignClaims does, provided it is
// still assigned to seenAssigneeID (0: nobody), as the editor saw it: two
// editors handing out the same claim at once do not silently undo each
// other, nor take it from a reviewer given it meanwhile.
func (s *Store) AssignClaimSeen(ctx context.Context, actorID, assigneeID, claimID, seenAssigneeID int64) ([]Claim, error) {
	changed, _, err := s.assignClaims(ctx, actorID, assigneeID, []int64{claimID}, false, func(c Claim) error {
		if c.AssigneeID == seenAssigneeID || c.AssigneeID == assigneeID {
			return nil
		}
		if c.AssigneeID == 0 {
			return fmt.Errorf("%w: meanwhile someone else took the claim from its reviewer; it is nobody's now. Choose again", ErrInvalid)
		}
		return fmt.Errorf("%w: meanwhile someone else gave the claim to %s. Choose again to change that", ErrInvalid, c.Assignee)
	})
	return changed, err
}

// assignClaims is AssignClaims; with skipMissing, unknown claims are
// returned in missing rather than refusing the whole assignment, and check,
// when given, may refuse a claim as it is now.
func (s *Store) assignClaims(ctx context.Context, actorID, assigneeID int64, claimIDs []int64, skipMissing bool, check func(Claim) error) (changed []Claim, missing map[int64]bool, err error) {
	err = s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		changed, missing = nil, map[int64]bool{}
		to, err := checkAssignee(ctx, tx, assigneeID)
		if err != nil {
			return err
		}
		now := s.now()
		for _, id := range claimIDs {
			c, err := claimForUpdate(ctx, tx, id)
			if skipMissing && errors.Is(err, ErrNotFound) {
				missing[id] = true
				continue
			}
			if err != nil {
				return err
			}
			if check != nil {
				if err := check(c); err != nil {
					return err
				}
			}
			if c.AssigneeID == assigneeID {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE claims SET assignee_id = ?, updated_at = ? WHERE id = ?`,
				nullID(assigneeID), formatTime(now), id); err != nil {
				return err
			}
			if err := logActivity(ctx, tx, now, activityRow{userID: actorID, action: ActAssign, documentID: c.DocumentID,
				claimID: id, subjectID: assigneeID}); err != nil {
				return err
			}
			c.AssigneeID, c.Assignee, c.UpdatedAt = assigneeID, to.Username, now.UTC()
			changed = append(changed, c)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	s.publishAssigned(changed, actorID)
	return changed, missing, nil
}

// AssignDocument assigns every claim of a document that is not dismissed,
// or with onlyUnassigned the claims nobody has, leaving others' work where
// it is; the feed gets one row for the document rather than one per claim.
func (s *Store) AssignDocument(ctx context.Context, actorID, assigneeID, docID int64, onlyUnassigned bool) ([]Claim, error) {
	var changed []Claim
	err := s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		changed = nil
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, docID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		to, err := checkAssignee(ctx, tx, assigneeID)
		if err != nil {
			return err
		}
		scope, cscope := "", ""
		if onlyUnassigned {
			scope, cscope = " AND assignee_id IS NULL", " AND c.assignee_id IS NULL"
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+claimCols+` FROM claims c JOIN documents d ON d.id = c.document_id
			WHERE c.document_id = ? AND c.dismissed = 0 AND c.assignee_id IS NOT ?`+cscope+`
			ORDER BY c.start, c.id`, docID, nullID(assigneeID))
		if err != nil {
			return err
		}
		if changed, err = collectClaims(rows); err != nil {
			return err
		}
		if len(changed) == 0 {
			return nil
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE claims SET assignee_id = ?, updated_at = ?
			WHERE document_id = ? AND dismissed = 0 AND assignee_id IS NOT ?`+scope,
			nullID(assigneeID), formatTime(now), docID, nullID(assigneeID)); err != nil {
			return err
		}
		for i := range changed {
			changed[i].AssigneeID, changed[i].Assignee, changed[i].UpdatedAt = assigneeID, to.Username, now.UTC()
		}
		return logActivity(ctx, tx, now, activityRow{userID: actorID, action: ActAssign, documentID: docID,
			subjectID: assigneeID, detail: claimCount(len(changed))})
	})
	if err != nil {
		return nil, err
	}
	s.publishAssigned(changed, actorID)
	return changed, nil
}

func (s *Store) publishAssigned(claims []Claim, actorID int64) {
	for _, c := range claims {
		s.publish(Change{ClaimID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Status: c.Status, UserID: actorID, Action: ActAssign})
	}
}

// assignable selects the users claims can be assigned to, by name.
const assignable = `FROM users WHERE disabled = 0 AND role IN ('reviewer', 'editor', 'admin') ORDER BY username`

// Assignable lists the users claims can be assigned to, by name.
func (s *Store) Assignable(ctx context.Context) ([]User, error) {
	rows, err := s.query(ctx, `SELECT `+userCols+` `+assignable)
	if err != nil {
		return nil, err
	}
	return collectUsers(rows)
}

// UserName is a user's id and name, what a menu of users shows.
type UserName struct {
	ID       int64
	Username string
}

// AssignableNames lists the ids and names of the users claims can be
// assigned to, by name. The queue, search and claim pages show them on
// every page: reading the other columns of each was a twentieth of a
// queue page.
func (s *Store) AssignableNames(ctx context.Context) ([]UserName, error) {
	rows, err := s.query(ctx, `SELECT id, username `+assignable)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UserName
	for rows.Next() {
		var u UserName
		if err := rows.Scan(&u.ID, &u.Username); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func collectUsers(rows *sql.Rows) ([]User, error) {
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
