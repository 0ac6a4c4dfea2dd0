package db

import (
	"context"
	"errors"
	"strings"
	"testing"

	"factdesk/export"
)

// An article's publisher goes in on every way of importing, spaces
// collapsed as in a title, and comes out with the document, in the
// documents list and in every exported claim of it (ClaimReview names it
// when a claim has no speaker).
func TestPublisherIsStoredAndExported(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	id, n, existed, err := s.ImportDocument(ctx, NewDocument{Title: "Port vote", Publisher: "  Harbour\n\tDaily ",
		Body: "The council voted 31 to 4 on Tuesday to spend $2.5 billion on the port, officials said."})
	if err != nil || existed || n == 0 {
		t.Fatalf("import: %d claims, existed %v, %v", n, existed, err)
	}
	d, err := s.Document(ctx, id)
	if err != nil || d.Publisher != "Harbour Daily" {
		t.Fatalf("document publisher %q, %v", d.Publisher, err)
	}
	list, err := s.ListDocuments(ctx, 0, 10)
	if err != nil || len(list) != 1 || list[0].Publisher != "Harbour Daily" {
		t.Fatalf("documents list: %+v, %v", list, err)
	}
	var got []string
	err = s.ExportClaims(ctx, ExportFilter{Statuses: Statuses}, func(r *export.Record) error {
		got = append(got, r.DocumentPublisher)
		return nil
	})
	if err != nil || len(got) != n || got[0] != "Harbour Daily" {
		t.Fatalf("exported publishers %q, %v", got, err)
	}

	// Without extraction, and in a batch, the same.
	bare, _, err := s.ImportBareDocument(ctx, NewDocument{Publisher: " The  Courier", Body: "A text of its own."})
	if err != nil {
		t.Fatal(err)
	}
	x, err := ExtractDocument(NewDocument{Publisher: "Valley\nTimes", Body: "Another text, 12 words long."})
	if err != nil {
		t.Fatal(err)
	}
	batch := s.ImportBatch(ctx, []Extracted{x})
	if batch[0].Err != nil {
		t.Fatal(batch[0].Err)
	}
	for id, want := range map[int64]string{bare: "The Courier", batch[0].ID: "Valley Times"} {
		if d, err := s.Document(ctx, id); err != nil || d.Publisher != want {
			t.Errorf("document %d: publisher %q, want %q (%v)", id, d.Publisher, want, err)
		}
	}
}

// A publisher is plain text of at most 200 characters, as the form's field
// says; every way in refuses others and stores nothing.
func TestPublisherRefusedUnlessPlainText(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	long := strings.Repeat("Ж", maxPublisherRunes+1)
	for _, bad := range []string{"nul\x00byte", "bell\x07", "esc\x1b[31m", "caf\xe9", "del\x7f", "csi\u009b31m", long} {
		body := "The council voted 31 to 4, officials said. " + bad
		d := NewDocument{Title: "T", Publisher: bad, Body: strings.ToValidUTF8(body, "?")}
		_, _, _, errImport := s.ImportDocument(ctx, d)
		_, errExtract := ExtractDocument(d)
		_, _, errBare := s.ImportBareDocument(ctx, d)
		_, errClean := CleanPublisher(bad)
		for name, err := range map[string]error{"import": errImport, "extract": errExtract, "bare": errBare, "clean": errClean} {
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "publisher") {
				t.Errorf("%s with publisher %.20q: %v, want it refused", name, bad, err)
			}
		}
	}
	if docs, _ := s.ListDocuments(ctx, 0, 10); len(docs) != 0 {
		t.Fatalf("%d documents stored with a refused publisher", len(docs))
	}
	if p, err := CleanPublisher(long[:2*maxPublisherRunes]); err != nil || p != long[:2*maxPublisherRunes] {
		t.Errorf("a publisher of %d characters: %q, %v", maxPublisherRunes, p, err)
	}
	if p, err := CleanPublisher(" \t\n"); err != nil || p != "" {
		t.Errorf("blank publisher: %q, %v", p, err)
	}
}

// A document stored without extraction has its title checked as any other.
func TestBareDocumentTitleIsChecked(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	d := NewDocument{Title: "esc\x1b[31m red", Body: "The council voted 31 to 4, officials said."}
	if _, _, err := s.ImportBareDocument(ctx, d); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "title") {
		t.Fatalf("bare import with a terminal escape in its title: %v", err)
	}
	d.Title = "Port  vote\nresult"
	id, _, err := s.ImportBareDocument(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if title, err := s.DocumentTitle(ctx, id); err != nil || title != "Port vote result" {
		t.Fatalf("title %q, %v", title, err)
	}
}
