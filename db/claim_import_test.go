package db

import (
	"context"
	"errors"
	"testing"

	"factdesk/extract"
)

func TestAddClaims(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "tool", "reviewer")
	docID, existed, err := s.ImportBareDocument(ctx, NewDocument{Title: "Bare", Body: testBody})
	if err != nil || existed {
		t.Fatal(err, existed)
	}
	if cs, _ := s.DocumentClaims(ctx, docID); len(cs) != 0 {
		t.Fatalf("a bare document got %d claims", len(cs))
	}
	if _, _, err := s.ImportBareDocument(ctx, NewDocument{Body: "x", URL: "ftp://x"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad URL: %v", err)
	}
	ru := claimAt(t, testBody, "В Москве 10,000 человек вышли на улицы.")
	ru.Kind, ru.Speaker = "quantity", "police"
	jp := claimAt(t, testBody, "東京の人口は1400万人です。")
	ch, stop := s.Subscribe()
	defer stop()
	got, err := s.AddClaims(ctx, docID, u.ID, []extract.Claim{jp, ru, jp})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Existed || got[1].Existed || !got[2].Existed || got[2].ID != got[0].ID {
		t.Fatalf("outcomes = %+v", got)
	}
	if ev := <-ch; ev.Action != "create" || ev.ClaimID != got[0].ID || ev.DocumentID != docID {
		t.Fatalf("change = %+v", ev)
	}
	<-ch
	select {
	case ev := <-ch:
		t.Fatalf("a claim that existed was announced: %+v", ev)
	default:
	}
	c, _ := s.Claim(ctx, got[1].ID)
	if c.Text != ru.Text || c.Start != ru.Start || c.Kind != "quantity" || c.Speaker != "police" || c.Status != StatusUnverified {
		t.Fatalf("stored claim = %+v", c)
	}
	again, err := s.AddClaims(ctx, docID, u.ID, []extract.Claim{ru})
	if err != nil || !again[0].Existed || again[0].ID != got[1].ID {
		t.Fatalf("adding again: %+v %v", again, err)
	}
	// One wrong claim and nothing is stored.
	bad := jp
	bad.Start++
	okc := claimAt(t, testBody, "the minister said")
	if _, err := s.AddClaims(ctx, docID, u.ID, []extract.Claim{okc, bad}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("mismatched claim: %v", err)
	}
	// A kind or speaker that is not plain text: nothing is stored either.
	for _, c := range []extract.Claim{{Kind: "\x1b[31mred\a"}, {Speaker: "bell\x00nul"}} {
		c.Start, c.End, c.Text = okc.Start, okc.End, okc.Text
		if _, err := s.AddClaims(ctx, docID, u.ID, []extract.Claim{c}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("kind %q, speaker %q: %v", c.Kind, c.Speaker, err)
		}
	}
	past := extract.Claim{Start: 1000, End: 1001, Text: ""}
	if _, err := s.AddClaims(ctx, docID, u.ID, []extract.Claim{past}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("claim past the end: %v", err)
	}
	if cs, _ := s.DocumentClaims(ctx, docID); len(cs) != 2 {
		t.Fatalf("%d claims after refused adds", len(cs))
	}
	if _, err := s.AddClaims(ctx, 999, u.ID, []extract.Claim{jp}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown document: %v", err)
	}
}
