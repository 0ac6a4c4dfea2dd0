package db

import (
	"context"
	"database/sql"
	"testing"
)

// seedActivity writes n feed rows and n/10 unread notifications for one
// user straight into the tables, in one transaction.
func seedActivity(b *testing.B, n int) (*Store, int64, int64) {
	b.Helper()
	s, err := Open(context.Background(), b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	u, _ := s.CreateUser(ctx, "ann", "h", "reviewer")
	docID, _, _, err := s.ImportDocument(ctx, NewDocument{Title: "T", Body: "The city spent $4.2 million on the bridge in 2023, officials said."})
	if err != nil {
		b.Fatal(err)
	}
	cs, _ := s.DocumentClaims(ctx, docID)
	err = s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for i := range n {
			if err := logActivity(ctx, tx, s.now(), activityRow{userID: u.ID, action: ActComment, documentID: docID,
				claimID: cs[0].ID, detail: "a comment"}); err != nil {
				return err
			}
			if i%10 == 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, kind, claim_id, actor_id, created_at)
					VALUES (?, 'mention', ?, ?, ?)`, u.ID, cs[0].ID, u.ID, formatTime(s.now())); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s, u.ID, docID
}

// The feed pages by id, so a page deep in a large feed costs what the first does.
func BenchmarkActivityPage(b *testing.B) {
	s, uid, docID := seedActivity(b, 50000)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		f    ActivityFilter
	}{
		{"first", ActivityFilter{ViewerID: uid}},
		{"deep", ActivityFilter{BeforeID: 1000, ViewerID: uid}},
		{"document-deep", ActivityFilter{DocumentID: docID, BeforeID: 1000, ViewerID: uid}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := s.Activity(ctx, bc.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("unread-count", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.UnreadCount(ctx, uid); err != nil {
				b.Fatal(err)
			}
		}
	})
}
