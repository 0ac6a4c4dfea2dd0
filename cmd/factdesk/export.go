package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"factdesk/db"
	"factdesk/export"
)

const exportUsage = "[--format json|jsonl|csv|claimreview|annotation] [--status S,...] [--kind K,...] [--document ID] " +
	"[--assignee NAME|none] [--reviewer NAME] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--org-name N --public-url U [--org-url U]] [--out FILE]"

func runExport(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("export", exportUsage, stdout)
	format := fs.String("format", "json", "output `format`: "+strings.Join(export.Formats, ", "))
	status := fs.String("status", "confirmed,disputed", "comma-separated `statuses` to export")
	kind := fs.String("kind", "", "comma-separated claim `kinds` (quantity, quote, event, ...)")
	document := fs.Int64("document", 0, "only the claims of this document `ID`")
	assignee := fs.String("assignee", "", "only claims assigned to this `user` (none: to no one)")
	reviewer := fs.String("reviewer", "", "only claims this `user` reviewed")
	from := fs.String("from", "", "only claims last changed on or after this `date` (YYYY-MM-DD, UTC)")
	to := fs.String("to", "", "only claims last changed on or before this `date` (YYYY-MM-DD, UTC)")
	opts := orgFlags(fs)
	out := fs.String("out", "", "write to `FILE` instead of standard output (- is standard output)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{msg: fmt.Sprintf("export takes no arguments, got %q", fs.Arg(0))}
	}
	statuses, err := db.ParseStatuses(*status)
	if err != nil {
		return usageError{msg: fmt.Sprintf("unknown status in %q (use unverified, confirmed or disputed)", *status)}
	}
	kinds, err := db.ParseKinds(*kind)
	if err != nil {
		return usageError{msg: message(err)}
	}
	if *document < 0 {
		return usageError{msg: "--document takes a document number"}
	}
	o := opts()
	if _, err := export.NewWith(*format, io.Discard, o); err != nil {
		return usageError{msg: err.Error()}
	}
	if err := export.CheckURLs(o); err != nil {
		return usageError{msg: err.Error()}
	}
	if *out == "-" {
		*out = "" // as for every file a command reads or writes
	}
	if st, err := os.Stat(*out); *out != "" && err == nil && st.IsDir() {
		return fmt.Errorf("%s is a folder: give --out the name of a file to write", *out)
	}
	store, err := openToRead(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	// An export allocates briskly but keeps little: collecting at 4x the
	// live heap instead of 2x halves the time lost to the collector, and the
	// soft limit keeps the process small whatever the database holds.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(48 << 20))
	f := db.ExportFilter{Statuses: statuses, Kinds: kinds, DocumentID: *document, Reviewer: *reviewer,
		From: *from, To: *to, Quotes: export.NeedsQuotes(*format)}
	switch a := strings.TrimSpace(*assignee); a {
	case "":
	case "none":
		f.Unassigned = true
	default:
		u, err := store.UserByName(ctx, a)
		if errors.Is(err, db.ErrNotFound) {
			return usageError{msg: fmt.Sprintf("there is no user named %q to filter by", a)}
		}
		if err != nil {
			return err
		}
		f.AssigneeID = u.ID
	}
	if err := store.CheckFilter(ctx, f); err != nil {
		return usageError{msg: message(err)}
	}

	dst := stdout
	var tmp *os.File
	if *out != "" {
		// Write beside the target and rename at the end, so a failed export
		// never leaves a half-written file under the requested name.
		tmp, err = os.CreateTemp(filepath.Dir(*out), ".factdesk-export-*")
		if err != nil {
			return fmt.Errorf("cannot write %s: %w", *out, pathErr(err))
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		dst = tmp
	}
	w, _ := export.NewWith(*format, dst, o)
	if err := store.ExportClaims(ctx, f, w.Write); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if tmp != nil {
		// CreateTemp makes the file private; an export is meant to be shared.
		if err := tmp.Chmod(0o644); err != nil {
			return err
		}
		if err := tmp.Sync(); err != nil {
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), *out); err != nil {
			return fmt.Errorf("cannot write %s: %w", *out, err)
		}
	}
	return nil
}

// orgFlags adds the flags that say who publishes ClaimReviews and where,
// shared by serve and export; the returned function reads them after parsing.
func orgFlags(fs *flag.FlagSet) func() export.Options {
	name := fs.String("org-name", os.Getenv("FACTDESK_ORG_NAME"), "the fact-checking organisation's `name`, ClaimReview's author ($FACTDESK_ORG_NAME)")
	orgURL := fs.String("org-url", os.Getenv("FACTDESK_ORG_URL"), "the organisation's home page `URL` (default: --public-url) ($FACTDESK_ORG_URL)")
	public := fs.String("public-url", os.Getenv("FACTDESK_PUBLIC_URL"), "base `URL` where published claims are public, e.g. https://factcheck.example.org ($FACTDESK_PUBLIC_URL)")
	return func() export.Options {
		return export.Options{OrgName: strings.TrimSpace(*name), OrgURL: strings.TrimSpace(*orgURL), PublicURL: strings.TrimSpace(*public)}
	}
}
