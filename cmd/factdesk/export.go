package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

	"factdesk/db"
	"factdesk/export"
)

func runExport(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("export", "[--format json|jsonl|csv] [--status S,...] [--out FILE]", stderr)
	format := fs.String("format", "json", "output `format`: json, jsonl or csv")
	status := fs.String("status", "confirmed,disputed", "comma-separated `statuses` to export")
	out := fs.String("out", "", "write to `FILE` instead of standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("export takes no arguments, got %q", fs.Arg(0))}
	}
	statuses, err := db.ParseStatuses(*status)
	if err != nil {
		return usageError{fmt.Sprintf("unknown status in %q (use unverified, confirmed or disputed)", *status)}
	}
	if _, err := export.New(*format, io.Discard); err != nil {
		return usageError{err.Error()}
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("no database at %s", *dbPath)
	}
	store, err := db.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	// An export allocates briskly but keeps little: collecting at 4x the
	// live heap instead of 2x halves the time lost to the collector, and the
	// soft limit keeps the process small whatever the database holds.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(48 << 20))

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
	w, _ := export.New(*format, dst)
	if err := store.ExportClaims(ctx, db.ExportFilter{Statuses: statuses}, w.Write); err != nil {
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
