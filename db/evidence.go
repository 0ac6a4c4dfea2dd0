package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// NewEvidence is a link to attach to a claim or to a status change.
type NewEvidence struct {
	URL     string
	Title   string
	Excerpt string // optional quoted passage from the source
}

// webAddress reports whether raw is an http or https address with a host
// and no white space: the only links stored, so that no javascript: or
// data: link reaches a page.
// maxURLBytes bounds every stored link, as the forms' fields do: browsers
// and servers commonly refuse longer addresses anyway.
const maxURLBytes = 2000

func webAddress(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(raw, " \t\r\n")
}

// Empty reports whether no field was filled in (an evidence form left blank).
func (e NewEvidence) Empty() bool {
	return strings.TrimSpace(e.URL) == "" && strings.TrimSpace(e.Title) == "" && strings.TrimSpace(e.Excerpt) == ""
}

// normalize trims the fields and checks them: an http or https URL with a
// host (so no javascript: or data: link can be stored), a title, bounded sizes.
func (e *NewEvidence) normalize() error {
	e.URL, e.Title, e.Excerpt = strings.TrimSpace(e.URL), strings.TrimSpace(e.Title), strings.TrimSpace(e.Excerpt)
	if e.URL == "" {
		return fmt.Errorf("%w: evidence needs a link (http:// or https://)", ErrInvalid)
	}
	if len(e.URL) > maxURLBytes {
		return fmt.Errorf("%w: the evidence link is longer than 2,000 characters", ErrInvalid)
	}
	if !webAddress(e.URL) {
		return fmt.Errorf("%w: the evidence link must be a web address starting with http:// or https://", ErrInvalid)
	}
	if e.Title == "" {
		return fmt.Errorf("%w: give the evidence a title, such as the source's name", ErrInvalid)
	}
	if utf8.RuneCountInString(e.Title) > 300 {
		return fmt.Errorf("%w: the evidence title is longer than 300 characters", ErrInvalid)
	}
	if utf8.RuneCountInString(e.Excerpt) > 2000 {
		return fmt.Errorf("%w: the quoted excerpt is longer than 2,000 characters", ErrInvalid)
	}
	for _, f := range []struct{ what, s string }{{"the evidence link", e.URL}, {"the evidence title", e.Title}, {"the quoted excerpt", e.Excerpt}} {
		if err := checkPlain(f.what, f.s); err != nil {
			return err
		}
	}
	return nil
}

// Evidence is a stored link.
type Evidence struct {
	ID        int64
	ClaimID   int64
	HistoryID int64 // the status change it came with; 0 when attached to the claim
	URL       string
	Title     string
	Excerpt   string
	User      string
	CreatedAt time.Time
}

func insertEvidence(ctx context.Context, tx txRunner, claimID, historyID, userID int64, ev NewEvidence, now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO evidence (claim_id, history_id, url, title, excerpt, user_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, claimID, nullID(historyID), ev.URL, ev.Title, ev.Excerpt, userID, formatTime(now))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// AddEvidence attaches a link to a claim.
func (s *Store) AddEvidence(ctx context.Context, claimID, userID int64, ev NewEvidence) (Evidence, error) {
	if err := ev.normalize(); err != nil {
		return Evidence{}, err
	}
	var c Claim
	var id int64
	var now time.Time
	err := s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if c, err = claimForUpdate(ctx, tx, claimID); err != nil {
			return err
		}
		now = s.now()
		if id, err = insertEvidence(ctx, tx, claimID, 0, userID, ev, now); err != nil {
			return err
		}
		return logActivity(ctx, tx, now, activityRow{userID: userID, action: ActEvidence, documentID: c.DocumentID,
			claimID: claimID, detail: ev.Title})
	})
	if err != nil {
		return Evidence{}, err
	}
	s.publish(Change{ClaimID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Status: c.Status, UserID: userID, Action: ActEvidence})
	return Evidence{ID: id, ClaimID: claimID, URL: ev.URL, Title: ev.Title, Excerpt: ev.Excerpt, CreatedAt: now.UTC()}, nil
}

// ClaimEvidence returns a claim's evidence, oldest first.
func (s *Store) ClaimEvidence(ctx context.Context, claimID int64) ([]Evidence, error) {
	rows, err := s.query(ctx, `SELECT e.id, e.claim_id, coalesce(e.history_id, 0), e.url, e.title, e.excerpt, u.username, e.created_at
		FROM evidence e JOIN users u ON u.id = e.user_id WHERE e.claim_id = ? ORDER BY e.id`, claimID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Evidence
	for rows.Next() {
		var e Evidence
		var at string
		if err := rows.Scan(&e.ID, &e.ClaimID, &e.HistoryID, &e.URL, &e.Title, &e.Excerpt, &e.User, &at); err != nil {
			return nil, err
		}
		e.CreatedAt = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
