package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"

	"factdesk/db"
	"factdesk/views"
)

const verifyUsage = "[--db FILE] [--head HASH]"

// runVerify checks the database file and the whole history chain. It reads
// one snapshot, so it can run while the server does.
func runVerify(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("verify", verifyUsage, stdout)
	head := fs.String("head", "", "a chain head printed by an earlier verify or backup: check that history up to it is unchanged")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{msg: fmt.Sprintf("verify takes no arguments, got %q", fs.Arg(0))}
	}
	if *head != "" && !hashRE.MatchString(*head) {
		return usageError{msg: "--head must be a chain head as verify prints it (64 hex digits)"}
	}
	store, err := openToCheck(ctx, *dbPath)
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
	if *head != "" {
		id, err := store.HistoryRowWithHash(ctx, *head)
		if errors.Is(err, db.ErrNotFound) {
			return fmt.Errorf("history does not verify: no row has the chain head %s any more, so history up to it was rewritten", *head)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "history up to row %d is unchanged since chain head %s\n", id, *head)
	}
	fmt.Fprintf(stdout, "OK: database intact; %s and %s verify\nchain head: %s\n", views.Count(rep.Rows, "history row"), views.Count(rep.Claims, "claim"), orNone(rep.Head))
	return nil
}

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

func orNone(s string) string {
	if s == "" {
		return "(no history yet)"
	}
	return s
}

// openToCheck opens a database for verify without writing to it: a backup
// checked before a restore keeps its bytes (and any checksum taken of it).
// Only a database of an earlier version, which must be updated before this
// one can read it, is opened to be written.
func openToCheck(ctx context.Context, path string) (*db.Store, error) {
	if err := needDatabase(path); err != nil {
		return nil, err
	}
	store, err := db.OpenReadOnly(ctx, path)
	if errors.Is(err, db.ErrOutdated) {
		return openToRead(ctx, path)
	}
	return store, err
}
