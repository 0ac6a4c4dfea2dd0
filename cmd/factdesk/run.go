package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"time"

	"factdesk/db"
	"factdesk/ingest"
)

// errHelp ends a run that printed help; errReported one that already told
// the user what went wrong.
var (
	errHelp     = errors.New("help shown")
	errReported = errors.New("errors reported")
)

// usageError is a mistake in the command line itself; cmd is the command
// whose help to point to ("export", "user add"), or none for the general help.
type usageError struct{ msg, cmd string }

func (e usageError) Error() string {
	if e.cmd == "" {
		return e.msg + " (see 'factdesk help')"
	}
	return e.msg + " (see 'factdesk help " + e.cmd + "')"
}

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", serveUsage, "serve the review app (the default)", runServe},
		{"import", importUsage, "import articles (.txt, .md, .html; - for stdin) and extract their claims, or add claims from other tools", runImport},
		{"extract", extractUsage, "print the claims found in a file, without a database", runExtract},
		{"export", exportUsage, "export claims with their history and second opinions (CSV: no opinions)", runExport},
		{"user", "add|list|role|passwd|disable|enable ...", "manage users ('factdesk help user' for each command)", runUser},
		// Keeping the data safe.
		{"verify", verifyUsage, "check the database and that no history was changed; print the chain head", runVerify},
		{"backup", backupUsage, "write a consistent copy of the database while the server runs", runBackup},
		// API tokens.
		{"token", tokenUsage, "manage personal API tokens (printed once at creation)", runToken},
		// Claim extraction.
		{"reextract", reextractUsage, "run the current extractor over stored documents again; reviewed claims stay as they are", runReextract},
		// Performance: generated data at scale.
		{"demo", demoUsage, "fill a new database with generated articles, claims, users and reviews", runDemo},
		{"help", "[COMMAND]", "show this help, or a command's", nil},
	}
}

// run is the whole program, testable without a process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx = db.WithMigrationNotice(ctx, func(name string) {
		fmt.Fprintf(stderr, "factdesk: updating the database for this version (%s); on a large desk this takes a while\n", name)
	})
	if len(args) == 0 {
		return runServe(ctx, nil, stdin, stdout, stderr)
	}
	name, rest := args[0], args[1:]
	if strings.HasPrefix(name, "-") {
		if name == "-h" || name == "--help" || name == "-help" {
			printHelp(stdout)
			return errHelp
		}
		// Flags without a subcommand belong to serve.
		return runServe(ctx, args, stdin, stdout, stderr)
	}
	if name == "help" {
		return runHelp(ctx, rest, stdin, stdout, stderr)
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			err := c.run(ctx, rest, stdin, stdout, stderr)
			var ue usageError
			if errors.As(err, &ue) && ue.cmd == "" {
				ue.cmd = c.name
				return ue
			}
			return err
		}
	}
	return usageError{msg: fmt.Sprintf("unknown command %q", name)}
}

// runHelp prints the general help, or with a command's name (and a
// subcommand's, for user and token) that command's, as its -h does.
func runHelp(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || (len(args) == 1 && args[0] == "help") {
		printHelp(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name != args[0] || c.run == nil {
			continue
		}
		if len(args) > 2 || (len(args) == 2 && c.name != "user" && c.name != "token") {
			return usageError{msg: fmt.Sprintf("help takes one command, as in 'factdesk help %s'", c.name)}
		}
		return c.run(ctx, append(args[1:], "-h"), stdin, stdout, stderr)
	}
	return usageError{msg: fmt.Sprintf("unknown command %q", args[0])}
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `factdesk: a fact-check review desk.

Usage: factdesk [COMMAND] [FLAGS]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n           %s\n", c.name, wrapArgs(c.args, 11), c.summary)
	}
	fmt.Fprint(w, `
Every command but extract takes --db FILE (default factdesk.db, or $FACTDESK_DB).
serve takes --addr HOST:PORT (default 127.0.0.1:8080, or $FACTDESK_ADDR).
Run 'factdesk help COMMAND' for a command's flags.
`)
}

// wrapArgs breaks a command's synopsis into lines of at most 100
// characters, the first starting at column col and the others indented to
// it, between bracketed groups rather than inside one.
func wrapArgs(s string, col int) string {
	var words []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '[':
			depth++
		case ']':
			depth--
		case ' ':
			if depth == 0 {
				words = append(words, s[start:i])
				start = i + 1
			}
		}
	}
	words = append(words, s[start:])
	// "| --claims ...": a line starts with the bar, rather than ends.
	for i := 0; i < len(words)-1; i++ {
		if words[i] == "|" {
			words = append(words[:i], words[i+1:]...)
			words[i] = "| " + words[i]
		}
	}
	var b strings.Builder
	n := col
	for i, w := range words {
		if i > 0 && n+1+len(w) > 100 {
			b.WriteString("\n" + strings.Repeat(" ", col))
			n = col
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// newFlags makes a subcommand's flag set with the shared --db flag.
func newFlags(name, usage string, stdout io.Writer) (*flag.FlagSet, *string) {
	fs := newFlagSet(name, usage, stdout)
	dbPath := fs.String("db", envOr("FACTDESK_DB", "factdesk.db"), "SQLite database `file` ($FACTDESK_DB)")
	return fs, dbPath
}

// newFlagSet makes a subcommand's flag set whose -h prints its usage on
// stdout: help asked for is not an error.
func newFlagSet(name, usage string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		prefix := "Usage: factdesk " + name + " "
		fmt.Fprintf(fs.Output(), "%s%s\n\nFlags:\n", prefix, wrapArgs(usage, len(prefix)))
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning -h into errHelp and mistakes into usage
// errors. Go's flags end at the first other argument, so a flag put after
// one (import a.txt --db other.db) would be taken for a file name while the
// command ran on the default database: that is refused before anything is
// done. After "--", everything is an argument.
func parseFlags(fs *flag.FlagSet, args []string) error {
	// The flag package prints the usage on a mistake too; only -h gets it,
	// on stdout.
	help, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = help
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		help()
		return errHelp
	}
	if err != nil {
		return usageError{msg: flagMistake(fs, err), cmd: fs.Name()}
	}
	rest := fs.Args()
	if endedByDashes(fs, args) {
		return nil
	}
	for _, a := range rest {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name != "" && (fs.Lookup(name) != nil || name == "h" || name == "help") {
			return usageError{msg: fmt.Sprintf("%s comes after %q: put flags before the other arguments (a file named like a flag goes after --)", a, rest[0])}
		}
	}
	return nil
}

// flagMistake words the flag package's complaint ("flag provided but not
// defined: -bogus") as the rest of the command line speaks.
func flagMistake(fs *flag.FlagSet, err error) string {
	s := err.Error()
	if name, ok := strings.CutPrefix(s, "flag provided but not defined: -"); ok {
		return "unknown flag --" + name
	}
	if name, ok := strings.CutPrefix(s, "flag needs an argument: -"); ok {
		return "--" + name + " needs a value"
	}
	m := badValueRE.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	f := fs.Lookup(m[2])
	if f == nil {
		return s
	}
	want := "another value"
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case bool:
			want = "true or false"
		case int, int64, uint, uint64:
			want = "a whole number"
		case float64:
			want = "a number"
		case time.Duration:
			want = "a length of time such as 90s, 30m or 12h"
		}
	}
	return fmt.Sprintf("--%s takes %s, not %s", m[2], want, m[1])
}

// badValueRE matches the flag package's "invalid value "x" for flag -n: ..."
// and "invalid boolean value "x" for -n: ...".
var badValueRE = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-([^:]+): `)

// endedByDashes reports whether the flags in args ended with "--" (after
// which everything is an argument), walking them as the flag package does:
// a "--" that is a flag's value ("--title --") ends nothing.
func endedByDashes(fs *flag.FlagSet, args []string) bool {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return true
		}
		if len(a) < 2 || a[0] != '-' {
			return false
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		if f == nil || hasValue {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			i++ // the next argument is this flag's value
		}
	}
	return false
}

// maxDocFlag defines --max-doc-mb, the largest document that serve,
// import and extract take. The function it returns gives the limit in
// bytes once the flags are parsed, or a usage error: the limit runs from
// about a kilobyte (a smaller one refuses every article) to a gigabyte.
func maxDocFlag(fs *flag.FlagSet) func() (int, error) {
	mb := fs.Float64("max-doc-mb", float64(ingest.DefaultMaxBytes)/(1<<20), "largest document accepted, in `MB`")
	return func() (int, error) {
		if !(*mb >= 0.001 && *mb <= 1024) { // written so that NaN fails too
			return 0, usageError{msg: "--max-doc-mb must be between 0.001 and 1024 (MB)"}
		}
		return int(*mb * (1 << 20)), nil
	}
}

// openExisting opens the database at path for a command that works on
// what is in it. Opening makes a missing file, so a mistyped --db would
// leave a new, empty database behind and answer from it as if the desk
// were empty.
func openExisting(ctx context.Context, path string) (*db.Store, error) {
	if err := needDatabase(path); err != nil {
		return nil, err
	}
	return db.Open(ctx, path)
}

// openToRead opens the database for a command that only reads it. One
// the user may not write (a backup on read-only storage) is read as it is,
// without the updates an older database gets on opening.
func openToRead(ctx context.Context, path string) (*db.Store, error) {
	store, err := openExisting(ctx, path)
	if !errors.Is(err, db.ErrReadOnly) {
		return store, err
	}
	store, err = db.OpenReadOnly(ctx, path)
	if errors.Is(err, db.ErrOutdated) {
		return nil, fmt.Errorf("%w and must be updated before this version can read it, which needs write access: "+
			"copy it to a folder you can write to and run the command on the copy", err)
	}
	return store, err
}

// needDatabase says, in plain words, why path is not a database to open.
func needDatabase(path string) error {
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("no database at %s", path)
	case err != nil:
		return fmt.Errorf("cannot read the database %s: %w", path, pathErr(err))
	}
	defer f.Close()
	st, err := f.Stat()
	switch {
	case err != nil:
		return fmt.Errorf("cannot read the database %s: %w", path, pathErr(err))
	case st.IsDir():
		return fmt.Errorf("%s is a folder, not a database file", path)
	case st.Size() == 0 && !hasWAL(path):
		// SQLite would make a new database in it, and a backup copy that
		// came out empty would pass verify as an intact, empty desk.
		return fmt.Errorf("%s is empty, not a factdesk database", path)
	}
	return nil
}

// hasWAL reports whether path has a write-ahead log with something in it:
// a database whose pages are all still there is not empty.
func hasWAL(path string) bool {
	st, err := os.Stat(path + "-wal")
	return err == nil && st.Size() > 0
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
