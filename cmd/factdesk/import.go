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
	for p := range readAhead(ctx, files, *title, *url, *published, max, stdin) {
		if err := storeOne(ctx, store, p, stdout); err != nil {
			fmt.Fprintf(stderr, "factdesk: %v\n", err)
			failed++
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "factdesk: %d of %d files not imported\n", failed, len(files))
		return errReported
	}
	return nil
}

// prepared is one file read, parsed and extracted, or the error doing so.
type prepared struct {
	name  string
	title string
	x     db.Extracted
	err   error
}

// readAhead reads, parses and extracts the files in order on a goroutine of
// its own, a few files ahead of the writes: extraction is CPU work that
// needs no database, so with two cores an import of many files runs at the
// speed of the slower half instead of the sum of both.
func readAhead(ctx context.Context, files []string, title, url, published string, max int, stdin io.Reader) <-chan prepared {
	out := make(chan prepared, 4)
	go func() {
		defer close(out)
		for _, name := range files {
			p := prepared{name: name}
			doc, err := readInput(name, stdin, max)
			p.title = title
			if p.title == "" {
				p.title = doc.Title
			}
			if p.title == "" && name != "-" {
				p.title = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
			}
			if err != nil {
				p.err = err
			} else if p.x, err = db.ExtractDocument(db.NewDocument{Title: p.title, URL: url, PublishedAt: published, Body: doc.Body}); err != nil {
				p.err = fmt.Errorf("%s: %w", name, err)
			}
			select {
			case out <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func storeOne(ctx context.Context, store *db.Store, p prepared, stdout io.Writer) error {
	if p.err != nil {
		return p.err
	}
	id, n, existed, err := store.ImportExtracted(ctx, p.x)
	if err != nil {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	if existed {
		d, err := store.Document(ctx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d\t%s\texists already (same text), not imported again\n", id, d.Title)
		return nil
	}
	fmt.Fprintf(stdout, "%d\t%s\t%d claims\n", id, orUntitled(p.title), n)
	return nil
}

func orUntitled(t string) string {
	if strings.TrimSpace(t) == "" {
		return "Untitled"
	}
	return strings.TrimSpace(t)
}
