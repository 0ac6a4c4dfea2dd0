package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Mention is an @name in a comment; Start and End are byte offsets of the
// whole "@name" in the comment body.
type Mention struct {
	Start, End int
	Name       string
}

func nameRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '-'
}

// Mentions finds the @names in a comment. An @ counts only at the start or
// after a character that cannot be part of a name, so an e-mail address is
// not a mention; a name's trailing dots and dashes are punctuation
// ("thanks @rob.").
func Mentions(body string) []Mention {
	var out []Mention
	prev := rune(-1)
	for i := 0; i < len(body); {
		r, size := utf8.DecodeRuneInString(body[i:])
		if r == '@' && (prev == -1 || !(nameRune(prev) || prev == '@')) {
			j := i + size
			for j < len(body) {
				r2, s2 := utf8.DecodeRuneInString(body[j:])
				if !nameRune(r2) {
					break
				}
				j += s2
			}
			name := strings.TrimRight(body[i+size:j], ".-")
			if name != "" && ValidUsername(name) == nil {
				end := i + size + len(name)
				out = append(out, Mention{Start: i, End: end, Name: name})
				prev, i = '_', end
				continue
			}
		}
		prev = r
		i += size
	}
	return out
}

// Comment is a remark on a claim.
type Comment struct {
	ID        int64
	ClaimID   int64
	User      string
	Body      string
	CreatedAt time.Time
	// Mentioned holds the @names in Body that are users, in lower case, so
	// a page can mark them.
	Mentioned map[string]bool
	// Unknown holds, for a comment just added, the @names in Body that are
	// no user's, as typed: those mentions told nobody.
	Unknown []string
	// Disabled holds, for a comment just added, the names of disabled
	// accounts it mentions, who were not told; Told counts who was.
	Disabled []string
	Told     int
}

const commentLimit = 5000

// AddComment stores a comment and notifies each enabled user it mentions
// (not the author), in one transaction.
func (s *Store) AddComment(ctx context.Context, claimID, userID int64, body string) (Comment, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return Comment{}, fmt.Errorf("%w: the comment is empty", ErrInvalid)
	}
	if utf8.RuneCountInString(body) > commentLimit {
		return Comment{}, fmt.Errorf("%w: the comment is longer than 5,000 characters", ErrInvalid)
	}
	if err := checkPlain("the comment", body); err != nil {
		return Comment{}, err
	}
	var c Claim
	var cm Comment
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if c, err = claimForUpdate(ctx, tx, claimID); err != nil {
			return err
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO comments (claim_id, user_id, body, created_at) VALUES (?, ?, ?, ?)`,
			claimID, userID, body, formatTime(now))
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		cm = Comment{ID: id, ClaimID: claimID, Body: body, CreatedAt: now.UTC(), Mentioned: map[string]bool{}}
		notified := map[int64]bool{}
		for _, m := range Mentions(body) {
			u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, m.Name))
			if errors.Is(err, ErrNotFound) {
				if !slices.Contains(cm.Unknown, m.Name) {
					cm.Unknown = append(cm.Unknown, m.Name)
				}
				continue
			}
			if err != nil {
				return err
			}
			cm.Mentioned[strings.ToLower(u.Username)] = true
			if u.Disabled && !slices.Contains(cm.Disabled, u.Username) {
				cm.Disabled = append(cm.Disabled, u.Username)
			}
			if u.ID == userID || u.Disabled || notified[u.ID] {
				continue
			}
			notified[u.ID] = true
			cm.Told++
			if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, kind, claim_id, comment_id, actor_id, created_at)
				VALUES (?, 'mention', ?, ?, ?, ?)`, u.ID, claimID, id, userID, formatTime(now)); err != nil {
				return err
			}
		}
		// A reply deals with what the writer was mentioned in there.
		if err := markClaimRead(ctx, tx, now, userID, claimID, "mention"); err != nil {
			return err
		}
		return logActivity(ctx, tx, now, activityRow{userID: userID, action: ActComment, documentID: c.DocumentID,
			claimID: claimID, detail: body})
	})
	if err != nil {
		return Comment{}, err
	}
	s.publish(Change{ClaimID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Status: c.Status, UserID: userID, Action: ActComment})
	return cm, nil
}

// Comments returns a claim's comments, oldest first, with their mentions
// resolved against the current users.
func (s *Store) Comments(ctx context.Context, claimID int64) ([]Comment, error) {
	rows, err := s.query(ctx, `SELECT c.id, c.claim_id, u.username, c.body, c.created_at
		FROM comments c JOIN users u ON u.id = c.user_id WHERE c.claim_id = ? ORDER BY c.id`, claimID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		var at string
		if err := rows.Scan(&c.ID, &c.ClaimID, &c.User, &c.Body, &at); err != nil {
			return nil, err
		}
		c.CreatedAt = parseTime(at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for i := range out {
		out[i].Mentioned = map[string]bool{}
		for _, m := range Mentions(out[i].Body) {
			key := strings.ToLower(m.Name)
			ok, seen := known[key]
			if !seen {
				_, err := s.UserByName(ctx, m.Name)
				if err != nil && !errors.Is(err, ErrNotFound) {
					return nil, err
				}
				ok = err == nil
				known[key] = ok
			}
			if ok {
				out[i].Mentioned[key] = true
			}
		}
	}
	return out, nil
}

// Notification is one inbox entry: a mention or a second-opinion request.
type Notification struct {
	ID         int64
	Kind       string // "mention" or "opinion"
	ClaimID    int64
	ClaimText  string
	DocumentID int64
	DocTitle   string
	Actor      string
	Comment    string // the mentioning comment; empty while Blind
	At         time.Time
	Read       bool
	// Blind is set while the user owes a second opinion on the claim: the
	// comment could give the first verdict away, so it is not shown.
	Blind bool
	// Withdrawn: the request for an opinion was withdrawn unanswered.
	Withdrawn bool
}

// Inbox returns a page of a user's notifications, newest first, and the
// cursor of the next page (0 on the last).
func (s *Store) Inbox(ctx context.Context, userID, beforeID int64, limit int) ([]Notification, int64, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	if beforeID <= 0 {
		beforeID = 1<<63 - 1
	}
	rows, err := s.r.QueryContext(ctx, `SELECT n.id, n.kind, n.claim_id, c.text, c.document_id, d.title, a.username,
			coalesce(cm.body, ''), n.created_at, n.read_at IS NOT NULL,
			EXISTS (SELECT 1 FROM second_opinions o WHERE o.claim_id = n.claim_id AND o.second_user_id = n.user_id AND o.second_at IS NULL),
			n.kind = 'opinion' AND coalesce((SELECT o.cancelled_by IS NOT NULL FROM second_opinions o
				WHERE o.claim_id = n.claim_id AND o.second_user_id = n.user_id ORDER BY o.id DESC LIMIT 1), 0)
		FROM notifications n
		JOIN claims c ON c.id = n.claim_id
		JOIN documents d ON d.id = c.document_id
		JOIN users a ON a.id = n.actor_id
		LEFT JOIN comments cm ON cm.id = n.comment_id
		WHERE n.user_id = ? AND n.id < ? ORDER BY n.id DESC LIMIT ?`, userID, beforeID, limit+1)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var at string
		if err := rows.Scan(&n.ID, &n.Kind, &n.ClaimID, &n.ClaimText, &n.DocumentID, &n.DocTitle, &n.Actor, &n.Comment, &at,
			&n.Read, &n.Blind, &n.Withdrawn); err != nil {
			return nil, 0, err
		}
		n.At = parseTime(at)
		if n.Blind && n.Kind == "mention" {
			n.Comment = ""
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var next int64
	if len(out) > limit {
		out = out[:limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

// UnreadCount is the number shown beside the inbox link.
func (s *Store) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n)
	return n, err
}

// markClaimRead marks read a user's notifications of one kind about one
// claim: the ones their own action has just dealt with, which the inbox
// would otherwise go on showing as new.
func markClaimRead(ctx context.Context, tx txRunner, now time.Time, userID, claimID int64, kind string) error {
	_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ?
		WHERE user_id = ? AND claim_id = ? AND kind = ? AND read_at IS NULL`, formatTime(now), userID, claimID, kind)
	return err
}

// MarkInboxRead marks a user's notifications read, up to and including
// upToID (0 for all), so that one arriving meanwhile stays unread.
func (s *Store) MarkInboxRead(ctx context.Context, userID, upToID int64) (int64, error) {
	if upToID < 0 {
		return 0, fmt.Errorf("%w: up_to is the id of a message in the inbox", ErrInvalid)
	}
	if upToID == 0 {
		upToID = 1<<63 - 1
	}
	var n int64
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id <= ?`,
			formatTime(s.now()), userID, upToID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
