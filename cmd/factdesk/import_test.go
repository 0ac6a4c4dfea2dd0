package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"factdesk/db"
)

// Many files go into the database a batch at a time, and the report still
// has one line per file, in the order given, with each file's own outcome:
// a file that cannot be read is reported and leaves the others stored, and
// text given twice is stored once.
func TestImportManyFilesReportsEachFile(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	var files, want []string
	nextID := 1
	for i := range 2*importBatch + 5 {
		switch i {
		case 3, importBatch + 1: // missing files, one in each of two batches
			p := filepath.Join(dir, fmt.Sprintf("missing-%d.txt", i))
			files = append(files, p)
			want = append(want, "error "+p)
			continue
		case 10, 2 * importBatch: // the text of the first file again
			p := writeFileIn(t, dir, fmt.Sprintf("again-%d.txt", i), article(0))
			files = append(files, p)
			want = append(want, "1\tHarbour report 0\texists already")
			continue
		}
		files = append(files, writeFileIn(t, dir, fmt.Sprintf("article-%d.txt", i), article(i)))
		want = append(want, fmt.Sprintf("%d\tHarbour report %d\t", nextID, i))
		nextID++
	}
	out, errOut, err := c.run("", append([]string{"import"}, files...)...)
	if !errors.Is(err, errReported) {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	errLines := strings.Split(strings.TrimSpace(errOut), "\n")
	for _, w := range want {
		if p, ok := strings.CutPrefix(w, "error "); ok {
			if len(errLines) == 0 || !strings.Contains(errLines[0], p) {
				t.Fatalf("want an error for %s, stderr %q", p, errLines)
			}
			errLines = errLines[1:]
			continue
		}
		if len(lines) == 0 || !strings.HasPrefix(lines[0], w) {
			t.Fatalf("want a line %q, got %q", w, lines)
		}
		if !strings.Contains(w, "exists") && !strings.HasSuffix(lines[0], " claims") {
			t.Fatalf("line %q: no claim count", lines[0])
		}
		lines = lines[1:]
	}
	if len(lines) != 0 || len(errLines) != 1 || errLines[0] != fmt.Sprintf("factdesk: 2 of %d files not imported", len(files)) {
		t.Fatalf("left over: stdout %q, stderr %q", lines, errLines)
	}
	// Each line's claim count is what the database holds for that document.
	ctx := context.Background()
	store, err := db.Open(ctx, c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(l, "\t")
		if strings.Contains(l, "exists") {
			continue
		}
		var id, n int64
		if _, err := fmt.Sscan(f[0], &id); err != nil {
			t.Fatal(err)
		}
		if _, err := fmt.Sscanf(f[2], "%d claims", &n); err != nil {
			t.Fatal(err)
		}
		d, err := store.Document(ctx, id)
		if err != nil || d.Title != f[1] || !strings.Contains(d.Body, f[1]+"\n") {
			t.Fatalf("document %d: %q, %v; line %q", id, d.Title, err, l)
		}
		cs, err := store.DocumentClaims(ctx, id)
		if err != nil || int64(len(cs)) != n || n == 0 {
			t.Fatalf("document %d: %d claims stored, line %q", id, len(cs), l)
		}
	}
}

func article(i int) string {
	return fmt.Sprintf("Harbour report %d\n\nThe port authority said %d ships docked in 2024, up 12%% on the year before.\n\n"+
		"Officials said the new crane cost $%d million, the mayor told reporters on Monday.\n", i, 100+i, 20+i)
}

func writeFileIn(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
