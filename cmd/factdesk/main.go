// Command factdesk is a fact-check review desk: it imports articles, extracts
// their check-worthy claims and serves the review app.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"factdesk/db"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err as one line and picks the exit status: 2 for usage
// errors, 1 for everything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "factdesk: %s\n", message(err))
		return 2
	}
	if !errors.Is(err, errReported) {
		fmt.Fprintf(stderr, "factdesk: %s\n", message(err))
	}
	return 1
}

// message is err as the command line says it, without the categories
// ("invalid input", "not found") that the web app turns into status codes.
func message(err error) string {
	s := err.Error()
	for _, e := range []error{db.ErrInvalid, db.ErrNotFound, db.ErrNotAllowed, db.ErrDuplicate} {
		s = strings.ReplaceAll(s, e.Error()+": ", "")
	}
	return s
}
