package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"factdesk/auth"
	"factdesk/db"
)

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, "Usage: factdesk user add [--role admin|reviewer|viewer] [--db FILE] NAME")
		if len(args) == 0 {
			return usageError{"user needs a subcommand: add"}
		}
		return errHelp
	}
	if args[0] != "add" {
		return usageError{fmt.Sprintf("unknown user subcommand %q (use add)", args[0])}
	}
	fs, dbPath := newFlags("user add", "[--role admin|reviewer|viewer] NAME", stderr)
	role := fs.String("role", "reviewer", "the user's `role`: admin, reviewer or viewer")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"user add needs exactly one user name"}
	}
	name := fs.Arg(0)
	if !auth.ValidRole(*role) {
		return usageError{fmt.Sprintf("unknown role %q (use admin, reviewer or viewer)", *role)}
	}
	if err := db.ValidUsername(name); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), db.ErrInvalid.Error()+": "))
	}
	pw, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if err := auth.CheckPasswordRules(pw, name); err != nil {
		return err
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	store, err := db.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.CreateUser(ctx, name, hash, *role)
	if errors.Is(err, db.ErrDuplicate) {
		return fmt.Errorf("a user named %q exists already", name)
	}
	if err != nil {
		return err
	}
	if err := store.RecordAudit(ctx, db.AuditEvent{Event: db.AuditUserCreated, TargetID: u.ID, Target: u.Username,
		Detail: "role " + u.Role + ", from the command line"}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s added with role %s\n", u.Username, u.Role)
	return nil
}

// readPassword reads one line from stdin when it is not a terminal (scripts),
// else prompts twice without echo.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Password again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the two passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input")
	}
	return line, nil
}
