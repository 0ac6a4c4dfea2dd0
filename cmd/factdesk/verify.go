package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"factdesk/db"
)

// runVerify checks the database file and the whole history chain. It reads
// one snapshot, so it can run while the server does.
func runVerify(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("verify", "[--db FILE]", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("verify takes no arguments, got %q", fs.Arg(0))}
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("no database at %s", *dbPath)
	}
	store, err := db.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.IntegrityCheck(ctx); err != nil {
		return err
	}
	rep, err := store.VerifyHistory(ctx)
	var ce *db.ChainError
	if errors.As(err, &ce) {
		return fmt.Errorf("history does not verify: %v", ce)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "OK: database intact; %d history rows and %d claims verify\nchain head: %s\n", rep.Rows, rep.Claims, orNone(rep.Head))
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(no history yet)"
	}
	return s
}
