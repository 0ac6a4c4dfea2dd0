package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/handlers"
	"factdesk/ingest"
	"factdesk/views"
)

const importUsage = "[--title T] [--url U] [--published YYYY-MM-DD] [--publisher NAME] [--no-extract] [--max-doc-mb N] FILE... | --claims FILE --user NAME DOC_ID"

func runImport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("import", importUsage, stdout)
	title := fs.String("title", "", "document `title` (default: from the text)")
	url := fs.String("url", "", "source `URL` of the article")
	published := fs.String("published", "", "publication `date`, YYYY-MM-DD")
	publisher := fs.String("publisher", "", "`name` of the article's publisher (default: an HTML page's og:site_name, else its JSON-LD publisher)")
	maxDoc := maxDocFlag(fs)
	// Claims from other tools, and documents that will get them.
	claims := fs.String("claims", "", "add the claims in `FILE` (JSON Lines, a JSON array or Web Annotations; - for stdin) to document DOC_ID; "+
		"not with "+flagList(articleFlags, "or")+", which are for importing an article")
	noExtract := fs.Bool("no-extract", false, "store the text without extracting claims (to add them with --claims)")
	user := fs.String("user", "", "with --claims: the `user` who adds them, named in the activity feed (a reviewer or above)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *claims != "" {
		if err := noArticleFlags(fs); err != nil {
			return err
		}
		return importClaims(ctx, *dbPath, *claims, *user, fs.Args(), stdin, stdout, stderr)
	}
	if *user != "" {
		return usageError{msg: "--user goes with --claims: it says who adds the claims"}
	}
	max, err := maxDoc()
	if err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return usageError{msg: "import needs at least one FILE (or - for standard input)"}
	}
	if len(files) > 1 && (*title != "" || *url != "" || *published != "" || *publisher != "") {
		return usageError{msg: "--title, --url, --published and --publisher describe one article: give a single FILE"}
	}
	if err := db.CheckMeta(*url, *published); err != nil {
		return usageError{msg: message(err)}
	}
	if *publisher, err = db.CleanPublisher(*publisher); err != nil {
		return usageError{msg: message(err)}
	}
	store, err := db.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	failed := 0
	for batch := range batches(readAhead(ctx, files, articleMeta{*title, *url, *published, *publisher}, max, *noExtract, stdin), importBatch) {
		for _, err := range storeBatch(ctx, store, batch, stdout) {
			if err != nil {
				fmt.Fprintf(stderr, "factdesk: %s\n", message(err))
				failed++
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "factdesk: %d of %s not imported\n", failed, views.Count(len(files), "file"))
		return errReported
	}
	return nil
}

// prepared is one file read, parsed and extracted (unless --no-extract), or the
// error doing so.
type prepared struct {
	name  string
	title string
	doc   db.NewDocument
	x     db.Extracted
	err   error
}

// readAhead reads, parses and extracts the files in order on a goroutine of
// its own, a few files ahead of the writes: extraction is CPU work that
// needs no database, so with two cores an import of many files runs at the
// speed of the slower half instead of the sum of both.
// articleMeta is what the command line says of the article to import; each
// field left empty is read from the file, when it says.
type articleMeta struct {
	title, url, published, publisher string
}

func readAhead(ctx context.Context, files []string, meta articleMeta, max int, noExtract bool, stdin io.Reader) <-chan prepared {
	out := make(chan prepared, importBatch)
	go func() {
		defer close(out)
		for _, name := range files {
			p := prepared{name: name}
			doc, err := readInput(name, stdin, max)
			p.title = meta.title
			if p.title == "" {
				p.title = doc.Title
			}
			publisher := meta.publisher
			if publisher == "" {
				publisher = doc.Publisher
			}
			p.doc = db.NewDocument{Title: p.title, URL: meta.url, PublishedAt: meta.published, Publisher: publisher, Body: doc.Body}
			switch {
			case err != nil:
				p.err = err
			case noExtract:
				if p.x, err = db.BareDocument(p.doc); err != nil {
					p.err = fmt.Errorf("%s: %w", name, err)
				}
			default:
				if p.x, err = db.ExtractDocument(p.doc); err != nil {
					p.err = fmt.Errorf("%s: %w", name, err)
				}
			}
			select {
			case out <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// importBatch is how many files at most go into one write transaction
// (db.Store.ImportBatch). Each commit costs WAL writes of the index pages it
// touched and a full-text index flush, so fewer commits import faster; a
// bound keeps each transaction, which holds the database's one writer,
// short for a desk that is being served at the same time.
const importBatch = 32

// batches groups what in sends into slices of up to n, each as soon as it
// is ready: it takes what is waiting, and does not hold a batch back to
// wait for more.
func batches(in <-chan prepared, n int) <-chan []prepared {
	out := make(chan []prepared)
	go func() {
		defer close(out)
		for p := range in {
			b := []prepared{p}
		more:
			for len(b) < n {
				select {
				case p, ok := <-in:
					if !ok {
						break more
					}
					b = append(b, p)
				default:
					break more
				}
			}
			out <- b
		}
	}()
	return out
}

// storeBatch stores the files of a batch that were read and extracted, in
// one call to the store, and prints a line per file in the order given; it
// returns an error, or nil, per file.
func storeBatch(ctx context.Context, store *db.Store, batch []prepared, stdout io.Writer) []error {
	errs := make([]error, len(batch))
	var xs []db.Extracted
	for i, p := range batch {
		if p.err != nil {
			errs[i] = p.err
			continue
		}
		xs = append(xs, p.x)
	}
	res := store.ImportBatch(ctx, xs)
	for i, p := range batch {
		if p.err != nil {
			continue
		}
		r := res[0]
		res = res[1:]
		errs[i] = report(ctx, store, p, r, stdout)
	}
	return errs
}

func report(ctx context.Context, store *db.Store, p prepared, r db.Imported, stdout io.Writer) error {
	if r.Err != nil {
		return fmt.Errorf("%s: %w", p.name, r.Err)
	}
	if r.Existed {
		d, err := store.Document(ctx, r.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d\t%s\texists already (same text), not imported again\n", r.ID, d.Title)
		return nil
	}
	fmt.Fprintf(stdout, "%d\t%s\t%s\n", r.ID, orUntitled(p.title), views.Claims(r.Claims))
	return nil
}

func orUntitled(t string) string {
	if strings.TrimSpace(t) == "" {
		return "Untitled"
	}
	return strings.TrimSpace(t)
}

// articleFlags are import's flags that describe or limit an article to
// import. --claims adds claims to a stored document, so with it they would
// be ignored without a word.
var articleFlags = []string{"title", "url", "published", "publisher", "no-extract", "max-doc-mb"}

// noArticleFlags refuses the article flags given with --claims.
func noArticleFlags(fs *flag.FlagSet) error {
	var given []string
	fs.Visit(func(f *flag.Flag) {
		if slices.Contains(articleFlags, f.Name) {
			given = append(given, f.Name)
		}
	})
	switch len(given) {
	case 0:
		return nil
	case 1:
		return usageError{msg: "--" + given[0] + " is for importing an article, not for --claims"}
	}
	return usageError{msg: flagList(given, "and") + " are for importing an article, not for --claims"}
}

// flagList names flags as a sentence does: "--a, --b and --c".
func flagList(names []string, conj string) string {
	s := "--" + names[0]
	for i, n := range names[1:] {
		if i == len(names)-2 {
			s += " " + conj + " --" + n
		} else {
			s += ", --" + n
		}
	}
	return s
}

// maxClaimsFile bounds a claims file: 10,000 claims with their context.
const maxClaimsFile = 64 << 20

// importClaims places claims from another tool on a document, the same way
// POST /api/v1/documents/{id}/claims does, and prints one line per claim:
// index, outcome, claim id, offsets and method; or index, "failed", the
// code and the reason. Claims that could not be placed make the exit
// status 1, after every line is printed.
func importClaims(ctx context.Context, dbPath, file, user string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return usageError{msg: "import --claims FILE takes the document's number: import --claims FILE --user NAME DOC_ID"}
	}
	if user == "" {
		return usageError{msg: "import --claims needs --user NAME: the activity feed says who added the claims"}
	}
	docID, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || docID <= 0 {
		return usageError{msg: fmt.Sprintf("%q is not a document number", args[0])}
	}
	r := stdin
	if file != "-" {
		f, err := openFile(file)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	data, err := ingest.ReadLimited(r, maxClaimsFile)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	store, err := openExisting(ctx, dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.UserByName(ctx, user)
	if errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("there is no user named %q", user)
	}
	if err != nil {
		return err
	}
	// The role the API asks of a token that adds claims.
	if u.Disabled || !auth.CanReview(u.Role) {
		return fmt.Errorf("%s cannot add claims: that takes an enabled reviewer, editor or admin", u.Username)
	}
	res, err := handlers.PlaceClaims(ctx, store, docID, u.ID, data)
	switch {
	case errors.Is(err, db.ErrNotFound):
		return fmt.Errorf("there is no document %d", docID)
	case errors.Is(err, handlers.ErrBadRequest):
		return fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), handlers.ErrBadRequest.Error()+": "))
	case err != nil:
		return err
	}
	for _, it := range res.Items {
		if it.Outcome == "failed" {
			fmt.Fprintf(stdout, "%d\tfailed\t%s\t%s\n", it.Index, it.Code, it.Reason)
			continue
		}
		fmt.Fprintf(stdout, "%d\t%s\t%d\t%d..%d\t%s\n", it.Index, it.Outcome, it.ClaimID, *it.Start, *it.End, it.Method)
	}
	fmt.Fprintf(stderr, "document %d: %s added, %d there already, %d not placed\n", docID, views.Claims(res.Created), res.Existing, res.Failed)
	if res.Failed > 0 {
		return errReported
	}
	return nil
}
