package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"factdesk/db"
)

const tokenUsage = "create --user NAME LABEL | list --user NAME | revoke --user NAME ID"

func runToken(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) == 0 {
			return usageError{msg: "token needs a subcommand: create, list or revoke"}
		}
		fmt.Fprintln(stdout, "Usage: factdesk token COMMAND [--db FILE] ...   (flags before NAME, LABEL or ID)\n\n  "+
			strings.ReplaceAll(tokenUsage, " | ", "\n  "))
		return errHelp
	}
	sub := args[0]
	var usage string
	switch sub {
	case "create":
		usage = "--user NAME LABEL"
	case "list":
		usage = "--user NAME"
	case "revoke":
		usage = "--user NAME ID"
	default:
		return usageError{msg: fmt.Sprintf("unknown token subcommand %q (use create, list or revoke)", sub)}
	}
	fs, dbPath := newFlags("token "+sub, usage, stdout)
	user := fs.String("user", "", "the `user` whose token it is")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *user == "" {
		return usageError{msg: "token " + sub + " needs --user NAME"}
	}
	want := map[string]int{"create": 1, "list": 0, "revoke": 1}[sub]
	if fs.NArg() != want {
		return usageError{msg: fmt.Sprintf("usage: factdesk token %s %s", sub, usage)}
	}
	store, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.UserByName(ctx, *user)
	if errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("there is no user named %q", *user)
	}
	if err != nil {
		return err
	}
	switch sub {
	case "create":
		secret, tok, err := store.CreateToken(ctx, u.ID, fs.Arg(0))
		if errors.Is(err, db.ErrInvalid) || errors.Is(err, db.ErrNotAllowed) {
			return errors.New(message(err))
		}
		if err != nil {
			return err
		}
		if err := store.RecordAudit(ctx, db.AuditEvent{Event: db.AuditTokenCreated, TargetID: tok.ID, Target: "token " + tok.Prefix + "…",
			Detail: "for " + u.Username + ": " + tok.Label + ", from the command line"}); err != nil {
			return err
		}
		// The token on stdout alone, so that scripts can capture it; the
		// warning on stderr.
		fmt.Fprintln(stdout, secret)
		fmt.Fprintf(stderr, "API token for %s (%s). It is shown only now: keep it secret; revoke it with 'factdesk token revoke'.\n", u.Username, u.Role)
	case "list":
		toks, err := store.Tokens(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, t := range toks {
			state := "never used"
			if !t.LastUsedAt.IsZero() {
				state = "last used " + t.LastUsedAt.Format(time.RFC3339)
			}
			if t.Revoked() {
				state = "revoked " + t.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%d\t%s…\t%s\tcreated %s\t%s\n", t.ID, t.Prefix, t.Label, t.CreatedAt.Format(time.RFC3339), state)
		}
	case "revoke":
		id, err := strconv.ParseInt(strings.TrimSpace(fs.Arg(0)), 10, 64)
		if err != nil || id <= 0 {
			return usageError{msg: "token revoke takes the token's number, as 'factdesk token list' shows it"}
		}
		done, err := store.RevokeToken(ctx, u.ID, id)
		if errors.Is(err, db.ErrNotFound) {
			return fmt.Errorf("%s has no token %d", u.Username, id)
		} else if err != nil {
			return err
		}
		if !done {
			fmt.Fprintf(stdout, "token %d of %s was revoked already\n", id, u.Username)
			return nil
		}
		if err := store.RecordAudit(ctx, db.AuditEvent{Event: db.AuditTokenRevoked, TargetID: id, Target: "token " + strconv.FormatInt(id, 10),
			Detail: "of " + u.Username + ", from the command line"}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token %d of %s revoked\n", id, u.Username)
	}
	return nil
}
