package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
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
}

// DocumentSummary is a document without its body, with its progress.
type DocumentSummary struct {
	ID          int64
	Title       string
	URL         string
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
		u, err := url.Parse(rawURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: the source URL must start with http:// or https://", ErrInvalid)
		}
	}
	if published != "" {
		if _, err := time.Parse(time.DateOnly, published); err != nil {
			return fmt.Errorf("%w: the publication date must look like 2024-12-31", ErrInvalid)
		}
	}
	return nil
}

// maxTitleRunes bounds a title typed in a form or on the command line.
const maxTitleRunes = 500

// cleanTitle turns runs of white space (tabs and line breaks included) into
// single spaces and refuses a title that is not plain text.
func cleanTitle(t string) (string, error) {
	if !utf8.ValidString(t) {
		return "", fmt.Errorf("%w: the title is not valid text (UTF-8)", ErrInvalid)
	}
	t = strings.Join(strings.Fields(t), " ")
	for _, r := range t {
		if unicode.IsControl(r) {
			return "", fmt.Errorf("%w: the title holds control characters; use plain text", ErrInvalid)
		}
	}
	if utf8.RuneCountInString(t) > maxTitleRunes {
		return "", fmt.Errorf("%w: the title is longer than %d characters", ErrInvalid, maxTitleRunes)
	}
	return t, nil
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
	if d.Body == "" || !utf8.ValidString(d.Body) {
		return 0, false, fmt.Errorf("%w: a document needs a body of valid text", ErrInvalid)
	}
	d.Title = strings.TrimSpace(d.Title)
	if d.Title == "" {
		d.Title = "Untitled"
	}
	sum := BodySHA256(d.Body)
	now := formatTime(s.now())
	err = s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE sha256 = ?`, sum).Scan(&id)
		if err == nil {
			existed = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var by sql.NullInt64
		if d.CreatedBy > 0 {
			by = sql.NullInt64{Int64: d.CreatedBy, Valid: true}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO documents (title, url, publisher, published_at, body, sha256, created_by, created_at, extracted)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.Title, d.URL, d.Publisher, d.PublishedAt, d.Body, sum, by, now, !d.NoExtract)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return insertClaims(ctx, tx, id, d.Body, claims, now)
	})
	return id, existed, err
}

// claimRowsPerInsert is how many claims one INSERT statement stores. SQLite
// opens a statement savepoint for each statement that fires triggers, and
// FTS5 writes its pending index entries to a new segment at every savepoint:
// one claim per statement made one tiny segment per claim and had FTS5
// merging them all the time (half of an import's time on a large desk).
// 9 values a row keeps a statement far under SQLite's 32,766 variables.
const claimRowsPerInsert = 500

// insertClaims checks every claim against the body before writing: an offset
// that does not match its text is a bug upstream and must not be stored.
// The claims go in as multi-row INSERTs, so that a document's claims reach
// the full-text index in one segment (see claimRowsPerInsert).
func insertClaims(ctx context.Context, tx *sql.Tx, docID int64, body string, claims []extract.Claim, now string) error {
	if len(claims) == 0 {
		return nil
	}
	offs := make([]int, 0, 2*len(claims))
	for _, c := range claims {
		offs = append(offs, c.Start, c.End)
	}
	byteOffs := extract.ByteOffsets(body, offs...)
	for i, c := range claims {
		b0, b1 := byteOffs[2*i], byteOffs[2*i+1]
		if c.Start < 0 || b0 >= b1 || body[b0:b1] != c.Text {
			return fmt.Errorf("claim %d..%d does not match the document text", c.Start, c.End)
		}
	}
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
		for i, c := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(row)
			args = append(args, docID, c.Start, c.End, c.Text, c.Score, c.Kind, c.Speaker, now, now)
		}
		// Rows keep their order, so ids follow the claims' order in the text
		// as they did with one INSERT per claim.
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

// ListDocuments returns up to limit documents, newest first, with ids below
// beforeID when it is positive (keyset pagination).
func (s *Store) ListDocuments(ctx context.Context, beforeID int64, limit int) ([]DocumentSummary, error) {
	if beforeID <= 0 {
		beforeID = 1<<63 - 1
	}
	// doc_counts holds each document's claims in the queue by status, kept
	// by triggers (0008_perf.sql).
	rows, err := s.query(ctx, `SELECT d.id, d.title, d.url, d.published_at, d.created_at,
			coalesce((SELECT n FROM doc_counts k WHERE k.document_id = d.id AND k.status = 'unverified'), 0),
			coalesce((SELECT n FROM doc_counts k WHERE k.document_id = d.id AND k.status = 'confirmed'), 0),
			coalesce((SELECT n FROM doc_counts k WHERE k.document_id = d.id AND k.status = 'disputed'), 0)
		FROM documents d WHERE d.id < ? ORDER BY d.id DESC LIMIT ?`, beforeID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DocumentSummary
	for rows.Next() {
		var d DocumentSummary
		var created string
		if err := rows.Scan(&d.ID, &d.Title, &d.URL, &d.PublishedAt, &created,
			&d.Progress.Unverified, &d.Progress.Confirmed, &d.Progress.Disputed); err != nil {
			return nil, err
		}
		d.CreatedAt = parseTime(created)
		out = append(out, d)
	}
	return out, rows.Err()
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
	if d.Body == "" || !utf8.ValidString(d.Body) {
		return Extracted{}, fmt.Errorf("%w: a document needs a body of valid text", ErrInvalid)
	}
	return Extracted{doc: d, claims: extract.Extract(d.Body)}, nil
}

// ImportExtracted stores what ExtractDocument made, as ImportDocument does:
// text imported before is not stored again, and existed says so.
func (s *Store) ImportExtracted(ctx context.Context, x Extracted) (id int64, claims int, existed bool, err error) {
	id, existed, err = s.createDocument(ctx, x.doc, x.claims)
	if existed {
		return id, 0, true, err
	}
	return id, len(x.claims), false, err
}
