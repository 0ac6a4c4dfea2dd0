package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"factdesk/auth"
	"factdesk/db"
)

// userCommands are the `factdesk user` subcommands: what each takes and does.
var userCommands = []struct{ name, args, summary string }{
	{"add", "[--role admin|editor|reviewer|viewer] NAME", "add a user; the password comes from stdin or a prompt"},
	{"list", "", "list users with their role and access"},
	{"role", "NAME admin|editor|reviewer|viewer", "change a user's role"},
	{"passwd", "NAME", "set a new password (stdin or a prompt); the user's sessions and API tokens end"},
	{"disable", "NAME", "stop a user logging in; their sessions and API tokens end at once"},
	{"enable", "NAME", "let a disabled user log in again"},
}

func userUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: factdesk user COMMAND [--db FILE] ...")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range userCommands {
		fmt.Fprintf(w, "  %-8s %s\n           %s\n", c.name, c.args, c.summary)
	}
}

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) == 0 {
			return usageError{msg: "user needs a subcommand: add, list, role, passwd, disable or enable"}
		}
		userUsage(stdout)
		return errHelp
	}
	sub, rest := args[0], args[1:]
	usage, known := "", false
	for _, c := range userCommands {
		if c.name == sub {
			usage, known = c.args, true
		}
	}
	if !known {
		return usageError{msg: fmt.Sprintf("unknown user subcommand %q (use add, list, role, passwd, disable or enable)", sub)}
	}
	fs, dbPath := newFlags("user "+sub, usage, stdout)
	var role *string
	if sub == "add" {
		role = fs.String("role", "reviewer", "the user's `role`: admin, editor, reviewer or viewer")
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	switch sub {
	case "add":
		return userAdd(ctx, fs, *dbPath, *role, stdin, stdout, stderr)
	case "list":
		if fs.NArg() != 0 {
			return usageError{msg: "user list takes no arguments"}
		}
		return withStore(ctx, *dbPath, false, func(s *db.Store) error { return userList(ctx, s, stdout) })
	case "role":
		if fs.NArg() != 2 {
			return usageError{msg: "user role needs a user name and a role"}
		}
		if !auth.ValidRole(fs.Arg(1)) {
			return usageError{msg: fmt.Sprintf("unknown role %q (use admin, editor, reviewer or viewer)", fs.Arg(1))}
		}
		return withUser(ctx, *dbPath, fs, func(s *db.Store, before db.User) error {
			u, err := s.SetRole(ctx, before.ID, fs.Arg(1))
			if err != nil {
				return err
			}
			if before.Role != u.Role {
				if err := cliAudit(ctx, s, db.AuditRoleChanged, u, before.Role+" -> "+u.Role); err != nil {
					return err
				}
			}
			fmt.Fprintf(stdout, "user %s now has role %s\n", u.Username, u.Role)
			return nil
		})
	case "passwd":
		name, err := oneName(fs, "passwd")
		if err != nil {
			return err
		}
		hash, err := newPasswordHash(stdin, stderr, name)
		if err != nil {
			return err
		}
		return withUser(ctx, *dbPath, fs, func(s *db.Store, u db.User) error {
			if _, err := s.SetPassword(ctx, u.ID, hash); err != nil {
				return err
			}
			if err := cliAudit(ctx, s, db.AuditPasswordReset, u, "sessions ended, API tokens revoked"); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "user %s has a new password; their sessions have ended and their API tokens are revoked\n", u.Username)
			return nil
		})
	default: // disable, enable
		if _, err := oneName(fs, sub); err != nil {
			return err
		}
		disable := sub == "disable"
		return withUser(ctx, *dbPath, fs, func(s *db.Store, before db.User) error {
			u, err := s.SetDisabled(ctx, before.ID, disable)
			if err != nil {
				return err
			}
			if before.Disabled != u.Disabled {
				kind := db.AuditUserEnabled
				if disable {
					kind = db.AuditUserDisabled
				}
				if err := cliAudit(ctx, s, kind, u, ""); err != nil {
					return err
				}
			}
			if disable {
				fmt.Fprintf(stdout, "user %s is disabled; their sessions have ended\n", u.Username)
			} else {
				fmt.Fprintf(stdout, "user %s is enabled\n", u.Username)
			}
			return nil
		})
	}
}

func oneName(fs *flag.FlagSet, sub string) (string, error) {
	if fs.NArg() != 1 {
		return "", usageError{msg: "user " + sub + " needs exactly one user name"}
	}
	return fs.Arg(0), nil
}

func userAdd(ctx context.Context, fs *flag.FlagSet, dbPath, role string, stdin io.Reader, stdout, stderr io.Writer) error {
	name, err := oneName(fs, "add")
	if err != nil {
		return err
	}
	if !auth.ValidRole(role) {
		return usageError{msg: fmt.Sprintf("unknown role %q (use admin, editor, reviewer or viewer)", role)}
	}
	if err := db.ValidUsername(name); err != nil {
		return plain(err)
	}
	hash, err := newPasswordHash(stdin, stderr, name)
	if err != nil {
		return err
	}
	// The first admin may be added before the server first starts.
	return withStore(ctx, dbPath, true, func(s *db.Store) error {
		u, err := s.CreateUser(ctx, name, hash, role)
		if err != nil {
			return err
		}
		if err := cliAudit(ctx, s, db.AuditUserCreated, u, "role "+u.Role); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s added with role %s\n", u.Username, u.Role)
		return nil
	})
}

func userList(ctx context.Context, s *db.Store, stdout io.Writer) error {
	users, err := s.ListUsers(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tACCESS\tCREATED")
	for _, u := range users {
		access := "active"
		if u.Disabled {
			access = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Username, u.Role, access, u.CreatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}

// withStore opens the database for one command; create says it may make a
// new one.
func withStore(ctx context.Context, path string, create bool, fn func(*db.Store) error) error {
	open := openExisting
	if create {
		open = db.Open
	}
	s, err := open(ctx, path)
	if err != nil {
		return err
	}
	defer s.Close()
	return plain(fn(s))
}

// withUser opens the database and looks up the user named by the first argument.
func withUser(ctx context.Context, path string, fs *flag.FlagSet, fn func(*db.Store, db.User) error) error {
	return withStore(ctx, path, false, func(s *db.Store) error {
		u, err := s.UserByName(ctx, fs.Arg(0))
		if errors.Is(err, db.ErrNotFound) {
			return fmt.Errorf("there is no user named %q", fs.Arg(0))
		}
		if err != nil {
			return err
		}
		return fn(s, u)
	})
}

// plain drops the "invalid input: " prefix from a validation error: the
// message is for a person at a terminal.
func plain(err error) error {
	if err != nil && errors.Is(err, db.ErrInvalid) {
		return errors.New(message(err))
	}
	return err
}

// newPasswordHash reads a password for the named user, checks the rules and
// hashes it.
func newPasswordHash(stdin io.Reader, stderr io.Writer, name string) (string, error) {
	pw, err := readPassword(stdin, stderr)
	if err != nil {
		return "", err
	}
	if err := auth.CheckPasswordRules(pw, name); err != nil {
		return "", err
	}
	return auth.HashPassword(pw)
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

// cliAudit records a security event done from the command line to u.
func cliAudit(ctx context.Context, s *db.Store, event string, u db.User, detail string) error {
	if detail != "" {
		detail += ", "
	}
	return s.RecordAudit(ctx, db.AuditEvent{Event: event, TargetID: u.ID, Target: u.Username, Detail: detail + "from the command line"})
}
