package main

import (
	"context"
	"fmt"
	"io"

	"factdesk/db"
	"factdesk/views"
)

const backupUsage = "[--db FILE] [--force] FILE"

// runBackup writes a consistent, fsynced copy of the database; the server
// may keep running and writing meanwhile.
func runBackup(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("backup", backupUsage, stdout)
	force := fs.Bool("force", false, "replace FILE if it exists")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{msg: "backup needs one FILE to write the copy to"}
	}
	info, err := db.Backup(ctx, *dbPath, fs.Arg(0), *force)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written: %s (%.1f MB, %s)\nchain head: %s\n",
		info.Path, float64(info.Bytes)/(1<<20), views.Count(info.HistoryRows, "history row"), orNone(info.Head))
	return nil
}
