package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"factdesk/db"
	"factdesk/ingest"
)

func runImport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("import", "[--title T] [--url U] [--published YYYY-MM-DD] FILE...", stderr)
	title := fs.String("title", "", "document `title` (default: from the text)")
	url := fs.String("url", "", "source `URL` of the article")
	published := fs.String("published", "", "publication `date`, YYYY-MM-DD")
	maxMB := fs.Float64("max-doc-mb", float64(ingest.DefaultMaxBytes)/(1<<20), "largest document accepted, in `MB`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return usageError{"import needs at least one FILE (or - for standard input)"}
	}
	if len(files) > 1 && (*title != "" || *url != "" || *published != "") {
		return usageError{"--title, --url and --published describe one article: give a single FILE"}
	}
	if err := db.CheckMeta(*url, *published); err != nil {
		return usageError{strings.TrimPrefix(err.Error(), db.ErrInvalid.Error()+": ")}
	}
	store, err := db.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	max := int(*maxMB * (1 << 20))
	failed := 0
	for _, name := range files {
		if err := importOne(ctx, store, name, *title, *url, *published, max, stdin, stdout); err != nil {
			fmt.Fprintf(stderr, "factdesk: %v\n", err)
			failed++
		}
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "factdesk: %d of %d files not imported\n", failed, len(files))
		return errReported
	}
	return nil
}

func importOne(ctx context.Context, store *db.Store, name, title, url, published string, max int, stdin io.Reader, stdout io.Writer) error {
	doc, err := readInput(name, stdin, max)
	if err != nil {
		return err
	}
	if title == "" {
		title = doc.Title
	}
	if title == "" && name != "-" {
		title = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	id, n, existed, err := store.ImportDocument(ctx, db.NewDocument{Title: title, URL: url, PublishedAt: published, Body: doc.Body})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if existed {
		d, err := store.Document(ctx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d\t%s\texists already (same text), not imported again\n", id, d.Title)
		return nil
	}
	fmt.Fprintf(stdout, "%d\t%s\t%d claims\n", id, orUntitled(title), n)
	return nil
}

func orUntitled(t string) string {
	if strings.TrimSpace(t) == "" {
		return "Untitled"
	}
	return strings.TrimSpace(t)
}
