package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"factdesk/db"
	"factdesk/views"
)

const reextractUsage = "[--doc ID]"

// runReextract re-runs the current extractor over stored documents, one
// transaction per document, and prints what changed in each.
func runReextract(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("reextract", reextractUsage, stdout)
	doc := fs.String("doc", "", "re-extract only the document with this `ID` (default: every document)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{msg: "reextract takes no arguments besides its flags"}
	}
	var only int64
	if *doc != "" {
		id, err := strconv.ParseInt(*doc, 10, 64)
		if err != nil || id <= 0 {
			return usageError{msg: fmt.Sprintf("--doc needs a document id (a positive number), not %q", *doc)}
		}
		only = id
	}
	store, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	ids := []int64{only}
	if only == 0 {
		if ids, err = store.DocumentIDs(ctx); err != nil {
			return err
		}
	}
	var total db.ReextractResult
	failed := 0
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := store.Reextract(ctx, id)
		if errors.Is(err, db.ErrNotFound) {
			return fmt.Errorf("no document with id %d", id)
		}
		if err != nil {
			fmt.Fprintf(stderr, "factdesk: document %d: %v\n", id, err)
			failed++
			continue
		}
		fmt.Fprintf(stdout, "%d\t%s\t%s\n", r.DocumentID, orUntitled(r.Title), summary(r))
		total.Added += r.Added
		total.Removed += r.Removed
		total.Updated += r.Updated
		total.Unchanged += r.Unchanged
		total.Reviewed += r.Reviewed
		total.Others += r.Others
		total.Skipped += r.Skipped
	}
	if len(ids) > 1 {
		fmt.Fprintf(stdout, "%s\t%s\n", views.Count(len(ids)-failed, "document"), summary(total))
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "factdesk: %d of %s not re-extracted\n", failed, views.Count(len(ids), "document"))
		return errReported
	}
	return nil
}

func summary(r db.ReextractResult) string {
	if r.NoExtract {
		return "imported without extraction, left as it is"
	}
	s := fmt.Sprintf("%d added, %d removed, %d updated, %d unchanged, %d reviewed kept", r.Added, r.Removed, r.Updated, r.Unchanged, r.Reviewed)
	if r.Others > 0 {
		s += fmt.Sprintf(", %d placed by other tools kept", r.Others)
	}
	switch {
	case r.Skipped == 1:
		s += " (1 new claim overlaps a kept one, not added)"
	case r.Skipped > 1:
		s += fmt.Sprintf(" (%d new claims overlap kept ones, not added)", r.Skipped)
	}
	return s
}
