package db

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"factdesk/auth"
	"factdesk/extract"
)

// The demo data must obey every rule real data does: offsets that point at
// the claim text, a version per change, a history that chains from
// unverified to the claim's status, and the same data for the same seed.
func TestDemoData(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var progress []DemoStats
	st, err := s.Demo(ctx, DemoOptions{Docs: 120, Seed: 7, PasswordHash: "h", Progress: func(d DemoStats) { progress = append(progress, d) }})
	if err != nil {
		t.Fatal(err)
	}
	if st.Docs != 120 || len(progress) != 2 || progress[1].Docs != 120 {
		t.Fatalf("stats %+v, progress %+v", st, progress)
	}
	// About 100 claims per document and 3 history rows per claim.
	if perDoc := float64(st.Claims) / 120; perDoc < 80 || perDoc > 120 {
		t.Errorf("%.1f claims per document", perDoc)
	}
	if perClaim := float64(st.History) / float64(st.Claims); perClaim < 2.5 || perClaim > 3.5 {
		t.Errorf("%.2f history rows per claim", perClaim)
	}
	roles := map[string]bool{}
	for _, u := range st.Users {
		got, err := s.UserByName(ctx, u.Name)
		if err != nil || got.Role != u.Role || got.ID != u.ID {
			t.Fatalf("user %+v: %+v %v", u, got, err)
		}
		roles[u.Role] = true
	}
	// Every role has a demo user to try the app as: there was no editor.
	for _, r := range auth.Roles {
		if !roles[r] {
			t.Errorf("no demo user has the role %s: %+v", r, st.Users)
		}
	}

	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM claims`).Scan(&n); err != nil || n != st.Claims {
		t.Fatalf("claims table has %d rows, stats say %d (%v)", n, st.Claims, err)
	}
	if err := s.r.QueryRow(`SELECT count(*) FROM status_history`).Scan(&n); err != nil || n != st.History {
		t.Fatalf("history table has %d rows, stats say %d (%v)", n, st.History, err)
	}
	statuses := map[string]int{}
	for _, docID := range []int64{1, 60, 120} {
		d, err := s.Document(ctx, docID)
		if err != nil {
			t.Fatal(err)
		}
		if d.SHA256 != BodySHA256(d.Body) || d.URL == "" || d.PublishedAt == "" {
			t.Errorf("document %d: %+v", docID, d)
		}
		claims, err := s.DocumentClaims(ctx, docID)
		if err != nil || len(claims) == 0 {
			t.Fatalf("document %d: %d claims, %v", docID, len(claims), err)
		}
		// The claims are what the extractor finds in the body.
		want := extract.Extract(d.Body)
		if len(want) != len(claims) {
			t.Fatalf("document %d: %d claims stored, extractor finds %d", docID, len(claims), len(want))
		}
		for i, c := range claims {
			offs := extract.ByteOffsets(d.Body, c.Start, c.End)
			if d.Body[offs[0]:offs[1]] != c.Text || c.Text != want[i].Text || c.Score != want[i].Score {
				t.Fatalf("claim %d: %d..%d %q does not match the body", c.ID, c.Start, c.End, c.Text)
			}
			hist, err := s.History(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Version != int64(len(hist))+1 {
				t.Fatalf("claim %d: version %d with %d history rows", c.ID, c.Version, len(hist))
			}
			status := StatusUnverified
			for k := len(hist) - 1; k >= 0; k-- { // oldest first
				h := hist[k]
				if h.From != status || h.To == h.From || h.CreatedAt.Before(d.CreatedAt) {
					t.Fatalf("claim %d: history row %+v after status %s", c.ID, h, status)
				}
				status = h.To
			}
			if status != c.Status {
				t.Fatalf("claim %d is %s, its history ends at %s", c.ID, c.Status, status)
			}
			statuses[c.Status]++
		}
	}
	if len(statuses) != 3 {
		t.Errorf("statuses %v", statuses)
	}
	// The history is sealed into the hash chain as the app seals it, and
	// every status change is in the activity feed.
	if rep, err := s.VerifyHistory(ctx); err != nil {
		t.Fatalf("the demo's history does not verify: %v (%+v)", err, rep)
	}
	if err := s.r.QueryRow(`SELECT count(*) FROM activity WHERE action = 'status'`).Scan(&n); err != nil || n != st.History {
		t.Fatalf("%d status rows in the activity feed for %d history rows (%v)", n, st.History, err)
	}

	// The same seed gives the same data; another database is not needed
	// for the articles themselves.
	if a, b := newDemoArticle(7, 5, 2025), newDemoArticle(7, 5, 2025); a != b {
		t.Error("the same seed and index gave different articles")
	}
	if a, b := newDemoArticle(7, 5, 2025), newDemoArticle(8, 5, 2025); a.Body == b.Body {
		t.Error("different seeds gave the same article")
	}

	// A database with documents is refused, and nothing is added.
	_, err = s.Demo(ctx, DemoOptions{Docs: 5, Seed: 7, PasswordHash: "h"})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("demo on a filled database: %v", err)
	}
	if err := s.r.QueryRow(`SELECT count(*) FROM documents`).Scan(&n); err != nil || n != 120 {
		t.Fatalf("%d documents after the refused demo (%v)", n, err)
	}
}

// Two databases made with the same seed hold the same claims.
func TestDemoDeterministic(t *testing.T) {
	ctx := context.Background()
	sum := func() (int, float64, string) {
		s, err := Open(ctx, filepath.Join(t.TempDir(), "d.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Demo(ctx, DemoOptions{Docs: 30, Seed: 3, PasswordHash: "h"}); err != nil {
			t.Fatal(err)
		}
		var n int
		var score float64
		var last string
		if err := s.r.QueryRow(`SELECT count(*), sum(score), max(status || text) FROM claims`).Scan(&n, &score, &last); err != nil {
			t.Fatal(err)
		}
		var hist string
		if err := s.r.QueryRow(`SELECT group_concat(to_status || user_id, '') FROM status_history WHERE claim_id < 50`).Scan(&hist); err != nil {
			t.Fatal(err)
		}
		return n, score, last + hist
	}
	n1, s1, l1 := sum()
	n2, s2, l2 := sum()
	if n1 != n2 || s1 != s2 || l1 != l2 {
		t.Fatalf("same seed, different data: %d/%d claims, scores %v/%v", n1, n2, s1, s2)
	}
}
