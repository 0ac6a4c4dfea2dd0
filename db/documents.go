package db

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"factdesk/extract"
)

// Document is an imported article. Body never changes after import.
type Document struct {
	ID          int64
	Title       string
	URL         string
	Publisher   string
	PublishedAt string // YYYY-MM-DD or ""
	Body        string
	SHA256      string
	CreatedBy   int64
	CreatedAt   time.Time
}

// NewDocument is what an import stores.
type NewDocument struct {
	Title       string
	URL         string
	Publisher   string
	PublishedAt string
	Body        string
	CreatedBy   int64 // 0 for imports from the command line

	// NoExtract marks a document whose claims come from elsewhere
	// (ImportBareDocument): factdesk reextract leaves it alone.
	NoExtract bool
}

// Progress counts a document's claims by status.
type Progress struct {
	Unverified, Confirmed, Disputed int
	// Hidden is the claims the reader owes a blind second opinion on,
	// counted apart so that the counts do not tell their verdicts (see Owed).
	Hidden int
}

// DocumentSummary is a document without its body, with its progress.
type DocumentSummary struct {
	ID          int64
	Title       string
	URL         string
	Publisher   string
	PublishedAt string
	CreatedAt   time.Time
	Progress    Progress
}

// BodySHA256 is the identity of a document's text: the same text is one document.
func BodySHA256(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// CheckMeta validates a document's optional source URL and publication date.
func CheckMeta(rawURL, published string) error {
	if rawURL != "" {
		if err := checkPlain("the source URL", rawURL); err != nil {
			return err
		}
		if len(rawURL) > maxURLBytes {
			return fmt.Errorf("%w: the source URL is longer than 2,000 characters", ErrInvalid)
		}
		if !webAddress(rawURL) {
			return fmt.Errorf("%w: the source URL must start with http:// or https://", ErrInvalid)
		}
	}
	if published != "" {
		t, err := parseDay("publication", published)
		if err != nil {
			return err
		}
		// A day of grace: it is already tomorrow somewhere.
		if t.After(time.Now().UTC().AddDate(0, 0, 1)) {
			return fmt.Errorf("%w: the publication date %s is in the future", ErrInvalid, published)
		}
	}
	return nil
}

// maxTitleRunes bounds a title typed in a form or on the command line.
const maxTitleRunes = 500

// cleanTitle turns runs of white space (tabs and line breaks included) into
// single spaces and refuses a title that is not plain text.
func cleanTitle(t string) (string, error) {
	return cleanLine("the title", t, maxTitleRunes)
}

// cleanLine folds white space into single spaces and refuses text that is
// not plain or is longer than max characters; what names it in messages.
func cleanLine(what, s string, max int) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if err := checkPlain(what, s); err != nil {
		return "", err
	}
	if utf8.RuneCountInString(s) > max {
		return "", fmt.Errorf("%w: %s is longer than %d characters", ErrInvalid, what, max)
	}
	return s, nil
}

// maxPublisherRunes bounds a publisher's name, as ingest cuts one read
// from a page.
const maxPublisherRunes = 200

// CleanPublisher turns runs of white space in a publisher's name into
// single spaces, as for a title, and refuses a name that is not plain text
// or is longer than 200 characters. "" is no publisher.
func CleanPublisher(p string) (string, error) {
	return cleanLine("the publisher", p, maxPublisherRunes)
}

// ImportDocument extracts the claims of a document and stores both, the one
// path every way of importing shares. When the same body was imported before,
// nothing is written and the existing document's id comes back with existed
// set. Extraction runs before the write transaction so that the writer is
// not held during CPU work.
func (s *Store) ImportDocument(ctx context.Context, d NewDocument) (id int64, claims int, existed bool, err error) {
	if err := CheckMeta(d.URL, d.PublishedAt); err != nil {
		return 0, 0, false, err
	}
	if d.Title, err = cleanTitle(d.Title); err != nil {
		return 0, 0, false, err
	}
	if d.Publisher, err = CleanPublisher(d.Publisher); err != nil {
		return 0, 0, false, err
	}
	if d.Body == "" || !utf8.ValidString(d.Body) {
		return 0, 0, false, fmt.Errorf("%w: a document needs a body of valid text", ErrInvalid)
	}
	err = s.r.QueryRowContext(ctx, `SELECT id FROM documents WHERE sha256 = ?`, BodySHA256(d.Body)).Scan(&id)
	if err == nil {
		return id, 0, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, err
	}
	found := extract.Extract(d.Body)
	id, existed, err = s.createDocument(ctx, d, found)
	return id, len(found), existed, err
}

// createDocument stores a document and the given claims in one transaction.
func (s *Store) createDocument(ctx context.Context, d NewDocument, claims []extract.Claim) (id int64, existed bool, err error) {
	out := make([]Imported, 1)
	now := formatTime(s.now())
	err = s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return storeDocuments(ctx, tx, []Extracted{{doc: d, claims: claims}}, now, out)
	})
	return out[0].ID, out[0].Existed, err
}

func checkBody(body string) error {
	if body == "" || !utf8.ValidString(body) {
		return fmt.Errorf("%w: a document needs a body of valid text", ErrInvalid)
	}
	return nil
}

// storeDocuments writes documents and their claims in tx, every way of
// importing ends here, and fills out (one per document). A document whose
// body is stored already, or comes earlier in xs, is not written again: its
// result is that document's id with Existed set. An error means the caller
// must roll tx back: some documents may be half written.
//
// It runs few statements whatever the number of documents: one INSERT for
// the documents, then multi-row INSERTs for all their claims. SQLite opens a
// statement savepoint for each statement that fires triggers, and FTS5
// writes its pending entries to a new segment at every savepoint (and at
// commit), so each write statement costs a segment in claims_fts and
// titles_fts that FTS5 later has to merge; one INSERT per claim made that
// merging half of an import's time on a large desk.
func storeDocuments(ctx context.Context, tx *sql.Tx, xs []Extracted, now string, out []Imported) error {
	sums := make([]string, len(xs))
	first := make(map[string]int, len(xs)) // body hash -> first index in xs
	var fresh []int                        // indexes of documents to write
	for i, x := range xs {
		if err := checkBody(x.doc.Body); err != nil {
			return err
		}
		if err := checkClaims(x.doc.Body, x.claims); err != nil {
			return err
		}
		sums[i] = BodySHA256(x.doc.Body)
		if _, ok := first[sums[i]]; ok {
			continue
		}
		first[sums[i]] = i
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE sha256 = ?`, sums[i]).Scan(&id)
		switch {
		case err == nil:
			out[i] = Imported{ID: id, Existed: true}
		case errors.Is(err, sql.ErrNoRows):
			fresh = append(fresh, i)
		default:
			return err
		}
	}
	if len(fresh) > 0 {
		var q strings.Builder
		q.WriteString(`INSERT INTO documents (title, url, publisher, published_at, body, sha256, created_by, created_at, extracted) VALUES `)
		args := make([]any, 0, 9*len(fresh))
		for k, i := range fresh {
			if k > 0 {
				q.WriteString(", ")
			}
			q.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			d := xs[i].doc
			d.Title = strings.TrimSpace(d.Title)
			if d.Title == "" {
				d.Title = "Untitled"
			}
			var by sql.NullInt64
			if d.CreatedBy > 0 {
				by = sql.NullInt64{Int64: d.CreatedBy, Valid: true}
			}
			args = append(args, d.Title, d.URL, d.Publisher, d.PublishedAt, d.Body, sums[i], by, now, !d.NoExtract)
		}
		q.WriteString(` RETURNING id, sha256`)
		ids := make(map[string]int64, len(fresh))
		rows, err := tx.QueryContext(ctx, q.String(), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var sum string
			if err := rows.Scan(&id, &sum); err != nil {
				rows.Close()
				return err
			}
			ids[sum] = id
		}
		if err := rows.Close(); err != nil {
			return err
		}
		var claims []claimRow
		for _, i := range fresh {
			id, ok := ids[sums[i]]
			if !ok {
				return fmt.Errorf("document %s was not stored", sums[i])
			}
			out[i] = Imported{ID: id, Claims: len(xs[i].claims)}
			for _, c := range xs[i].claims {
				claims = append(claims, claimRow{docID: id, c: c})
			}
		}
		if err := insertClaimRows(ctx, tx, claims, now); err != nil {
			return err
		}
	}
	for i := range xs {
		if j := first[sums[i]]; j != i {
			out[i] = Imported{ID: out[j].ID, Existed: true}
		}
	}
	return nil
}

// checkClaims checks every claim against the body before writing: an offset
// that does not match its text is a bug upstream and must not be stored.
func checkClaims(body string, claims []extract.Claim) error {
	if i := mismatch(body, claims); i >= 0 {
		return fmt.Errorf("claim %d..%d does not match the document text", claims[i].Start, claims[i].End)
	}
	return nil
}

// mismatch returns the index of the first claim whose text is not the
// body's text at its code point offsets, or -1 when every one is.
func mismatch(body string, claims []extract.Claim) int {
	if len(claims) == 0 {
		return -1
	}
	offs := make([]int, 0, 2*len(claims))
	for _, c := range claims {
		offs = append(offs, c.Start, c.End)
	}
	byteOffs := extract.ByteOffsets(body, offs...)
	for i, c := range claims {
		b0, b1 := byteOffs[2*i], byteOffs[2*i+1]
		if c.Start < 0 || b0 >= b1 || body[b0:b1] != c.Text {
			return i
		}
	}
	return -1
}

// insertClaims checks claims of one document and stores them.
func insertClaims(ctx context.Context, tx *sql.Tx, docID int64, body string, claims []extract.Claim, now string) error {
	if err := checkClaims(body, claims); err != nil {
		return err
	}
	rows := make([]claimRow, len(claims))
	for i, c := range claims {
		rows[i] = claimRow{docID: docID, c: c}
	}
	return insertClaimRows(ctx, tx, rows, now)
}

type claimRow struct {
	docID int64
	c     extract.Claim
}

// claimRowsPerInsert is how many claims one INSERT statement stores (see
// storeDocuments): 9 values a row stays under SQLite's 32,766 variables.
const claimRowsPerInsert = 3000

// insertClaimRows stores checked claims with multi-row INSERTs. Rows keep
// their order, so ids follow the claims' order as given.
func insertClaimRows(ctx context.Context, tx *sql.Tx, claims []claimRow, now string) error {
	const head = `INSERT INTO claims (document_id, start, "end", text, score, kind, speaker, created_at, updated_at) VALUES `
	const row = `(?, ?, ?, ?, ?, ?, ?, ?, ?)`
	var q strings.Builder
	args := make([]any, 0, 9*min(len(claims), claimRowsPerInsert))
	for len(claims) > 0 {
		chunk := claims[:min(len(claims), claimRowsPerInsert)]
		claims = claims[len(chunk):]
		q.Reset()
		q.WriteString(head)
		args = args[:0]
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(row)
			c := r.c
			args = append(args, r.docID, c.Start, c.End, c.Text, c.Score, c.Kind, c.Speaker, now, now)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// Document returns one document with its body.
func (s *Store) Document(ctx context.Context, id int64) (Document, error) {
	var d Document
	var by sql.NullInt64
	var created string
	err := s.queryRow(ctx, `SELECT id, title, url, publisher, published_at, body, sha256, created_by, created_at
		FROM documents WHERE id = ?`, id).
		Scan(&d.ID, &d.Title, &d.URL, &d.Publisher, &d.PublishedAt, &d.Body, &d.SHA256, &by, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	d.CreatedBy, d.CreatedAt = by.Int64, parseTime(created)
	return d, err
}

// DocumentTitle returns a document's title alone: its body runs over
// several pages of the database.
func (s *Store) DocumentTitle(ctx context.Context, id int64) (string, error) {
	var title string
	err := s.queryRow(ctx, `SELECT title FROM documents WHERE id = ?`, id).Scan(&title)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return title, err
}

// ListDocuments returns up to limit documents, newest first, with ids below
// beforeID when it is positive (keyset pagination).
func (s *Store) ListDocuments(ctx context.Context, beforeID int64, limit int) ([]DocumentSummary, error) {
	if beforeID <= 0 {
		beforeID = 1<<63 - 1
	}
	rows, err := s.query(ctx, sqlListDocuments, beforeID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DocumentSummary
	for rows.Next() {
		var d DocumentSummary
		var created string
		if err := rows.Scan(&d.ID, &d.Title, &d.URL, &d.Publisher, &d.PublishedAt, &created); err != nil {
			return nil, err
		}
		d.CreatedAt = parseTime(created)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	return out, s.documentProgress(ctx, out)
}

const (
	// It names its index: on a small desk's statistics SQLite read the
	// documents' rows.
	sqlListDocuments = `SELECT d.id, d.title, d.url, d.publisher, d.published_at, d.created_at
		FROM documents d INDEXED BY documents_list WHERE d.id < ? ORDER BY d.id DESC LIMIT ?`
	// doc_counts holds each document's claims in the queue by status, kept
	// by triggers (0008_perf.sql). A page of the list is a range of ids,
	// and so one range of doc_counts (0016_doc_counts_by_key.sql): three
	// lookups a document took half the list's time.
	sqlDocumentCounts = `SELECT document_id,
			coalesce(sum(n) FILTER (WHERE status = 'unverified'), 0),
			coalesce(sum(n) FILTER (WHERE status = 'confirmed'), 0),
			coalesce(sum(n) FILTER (WHERE status = 'disputed'), 0)
		FROM doc_counts WHERE document_id BETWEEN ? AND ? GROUP BY document_id`
)

// DocumentClaimCount counts a document's claims, dismissed ones too (its
// progress leaves those out); an index by document holds them all.
func (s *Store) DocumentClaimCount(ctx context.Context, id int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM claims WHERE document_id = ?`, id).Scan(&n)
	return n, err
}

// DocumentProgress is one document's progress, as the documents list
// counts it.
func (s *Store) DocumentProgress(ctx context.Context, id int64) (Progress, error) {
	docs := []DocumentSummary{{ID: id}}
	err := s.documentProgress(ctx, docs)
	return docs[0].Progress, err
}

// documentProgress fills the progress of docs, which are in descending id
// order with no document between them left out.
func (s *Store) documentProgress(ctx context.Context, docs []DocumentSummary) error {
	rows, err := s.query(ctx, sqlDocumentCounts, docs[len(docs)-1].ID, docs[0].ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p Progress
		if err := rows.Scan(&id, &p.Unverified, &p.Confirmed, &p.Disputed); err != nil {
			return err
		}
		// A document removed or added since the page was read is not on it.
		if i, ok := slices.BinarySearchFunc(docs, id, func(d DocumentSummary, id int64) int { return cmp.Compare(id, d.ID) }); ok {
			docs[i].Progress = p
		}
	}
	return rows.Err()
}

// Extracted is a document checked and with its claims found, ready for
// ImportExtracted.
type Extracted struct {
	doc    NewDocument
	claims []extract.Claim
}

// ExtractDocument is the CPU half of ImportDocument: it checks d and finds
// its claims, with no database. An importer of many files runs it for the
// next file while ImportExtracted stores the one before, so that the
// extraction and the writes each have a core.
func ExtractDocument(d NewDocument) (Extracted, error) {
	if err := CheckMeta(d.URL, d.PublishedAt); err != nil {
		return Extracted{}, err
	}
	var err error
	if d.Title, err = cleanTitle(d.Title); err != nil {
		return Extracted{}, err
	}
	if d.Publisher, err = CleanPublisher(d.Publisher); err != nil {
		return Extracted{}, err
	}
	if d.Body == "" || !utf8.ValidString(d.Body) {
		return Extracted{}, fmt.Errorf("%w: a document needs a body of valid text", ErrInvalid)
	}
	return Extracted{doc: d, claims: extract.Extract(d.Body)}, nil
}

// BareDocument is ExtractDocument for a document stored without
// extraction (ImportBareDocument): its claims come from elsewhere.
func BareDocument(d NewDocument) (Extracted, error) {
	if err := CheckMeta(d.URL, d.PublishedAt); err != nil {
		return Extracted{}, err
	}
	var err error
	if d.Title, err = cleanTitle(d.Title); err != nil {
		return Extracted{}, err
	}
	if d.Publisher, err = CleanPublisher(d.Publisher); err != nil {
		return Extracted{}, err
	}
	d.NoExtract = true
	return Extracted{doc: d}, nil
}

// ImportExtracted stores what ExtractDocument made, as ImportDocument does:
// text imported before is not stored again, and existed says so.
func (s *Store) ImportExtracted(ctx context.Context, x Extracted) (id int64, claims int, existed bool, err error) {
	r := s.ImportBatch(ctx, []Extracted{x})[0]
	return r.ID, r.Claims, r.Existed, r.Err
}

// maxBatch bounds the documents of one transaction: their INSERT has 9
// variables a document, and SQLite takes 32,766 in a statement.
const maxBatch = 1000

// Imported is what ImportBatch did with one document: its id and number of
// claims, or the id of the document with the same text (Existed), or why
// nothing was stored (Err).
type Imported struct {
	ID      int64
	Claims  int
	Existed bool
	Err     error
}

// ImportBatch stores documents as ImportExtracted does, several in one
// transaction: each commit writes the pages it changed to the WAL and
// flushes the full-text indexes' pending entries into new segments, so one
// commit for many documents writes the hot index pages once and gives FTS5
// fewer, larger segments to merge. A document is still all or nothing: when
// any document of the batch fails, the whole transaction is rolled back and
// each document is stored again in a transaction of its own, so that only
// the failing ones are left out, each with its own error. (A savepoint per
// document would make FTS5 flush per document, which is what batching
// avoids.) The results are in the order of xs.
func (s *Store) ImportBatch(ctx context.Context, xs []Extracted) []Imported {
	if len(xs) > maxBatch {
		return append(s.ImportBatch(ctx, xs[:maxBatch]), s.ImportBatch(ctx, xs[maxBatch:])...)
	}
	out := make([]Imported, len(xs))
	if len(xs) > 1 {
		now := formatTime(s.now())
		err := s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
			return storeDocuments(ctx, tx, xs, now, out)
		})
		if err == nil {
			return out
		}
	}
	for i, x := range xs {
		one := make([]Imported, 1)
		err := s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
			return storeDocuments(ctx, tx, []Extracted{x}, formatTime(s.now()), one)
		})
		if err != nil {
			one[0] = Imported{Err: err}
		}
		out[i] = one[0]
	}
	return out
}
