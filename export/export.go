// Package export writes reviewed claims as JSON, JSON Lines, CSV, schema.org
// ClaimReview and W3C Web Annotation. Every writer streams: records are
// written as they come, never held in memory.
package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Event is one row of a claim's status history.
type Event struct {
	User string    `json:"user"`
	Time time.Time `json:"time"`
	From string    `json:"from"`
	To   string    `json:"to"`
	Note string    `json:"note"`

	// Action is "dismiss" or "restore" for a row that marked the claim as
	// not a claim or restored it; empty for a status change.
	Action string `json:"action,omitempty"`

	// Evidence is the links given with this change, oldest first, as the
	// API's history has them. CSV leaves them out.
	Evidence []Evidence `json:"evidence,omitempty"`

	// ID is the history row's, to attach its evidence; not exported.
	ID int64 `json:"-"`
}

// Evidence is a link attached to a claim or to one of its status changes,
// with the API's names: the source's address, its title, the passage
// quoted from it, who attached it and when.
type Evidence struct {
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Excerpt   string    `json:"excerpt,omitempty"`
	User      string    `json:"user"`
	CreatedAt time.Time `json:"created_at"`
}

// Opinion is a second opinion asked on a claim: who asked and when, whose
// verdict it was asked on, who was asked, and their verdict, or who
// withdrew the request. A request still waiting has no status, answer
// time or withdrawal.
type Opinion struct {
	RequestedBy   string     `json:"requested_by,omitempty"`
	RequestedAt   time.Time  `json:"requested_at"`
	FirstReviewer string     `json:"first_reviewer,omitempty"`
	FirstStatus   string     `json:"first_status,omitempty"`
	Reviewer      string     `json:"reviewer,omitempty"` // who gives the second opinion
	Status        string     `json:"status,omitempty"`   // the second verdict, once given
	Note          string     `json:"note,omitempty"`
	AnsweredAt    *time.Time `json:"answered_at,omitempty"`
	WithdrawnBy   string     `json:"withdrawn_by,omitempty"`
	WithdrawnAt   *time.Time `json:"withdrawn_at,omitempty"`
}

// Record is one exported claim. Start and End are Unicode code point offsets
// into the document's text.
type Record struct {
	ID             int64      `json:"id"`
	DocumentID     int64      `json:"document_id"`
	DocumentTitle  string     `json:"document_title"`
	DocumentURL    string     `json:"document_url"`
	Text           string     `json:"text"`
	Start          int        `json:"start"`
	End            int        `json:"end"`
	Status         string     `json:"status"`
	Score          float64    `json:"score"`
	Kind           string     `json:"kind,omitempty"`
	Speaker        string     `json:"speaker,omitempty"`
	LastReviewer   string     `json:"last_reviewer"`
	LastReviewedAt *time.Time `json:"last_reviewed_at"`
	History        []Event    `json:"history"`

	// DocumentPublishedAt is the article's publication date (YYYY-MM-DD).
	DocumentPublishedAt string `json:"document_published_at,omitempty"`
	// PublishedAt is when the claim's review was published, if it is.
	PublishedAt *time.Time `json:"published_at,omitempty"`
	// DocumentPublisher is who published the article, when known.
	DocumentPublisher string `json:"document_publisher,omitempty"`
	// SecondOpinions are the second opinions asked on the claim, oldest
	// first. CSV leaves them out.
	SecondOpinions []Opinion `json:"second_opinions,omitempty"`
	// Evidence is the links attached to the claim itself, oldest first;
	// those given with a status change are in that History row. CSV leaves
	// them out.
	Evidence []Evidence `json:"evidence,omitempty"`

	// For ClaimReview and Web Annotation only, not part of the JSON record.
	DocumentSHA256 string    `json:"-"`
	CreatedAt      time.Time `json:"-"`
	UpdatedAt      time.Time `json:"-"`
	Prefix, Suffix string    `json:"-"` // text just before and after the claim, when asked for
}

// Formats lists the formats New accepts.
var Formats = []string{"json", "jsonl", "csv", "claimreview", "annotation"}

// Writer writes records in one format. Close finishes the output (closing
// brackets, flushing) and must be called once after the last Write.
type Writer interface {
	Write(*Record) error
	Close() error
}

// ContentType returns the media type and file extension of a format.
func ContentType(format string) (mediaType, ext string) {
	switch format {
	case "jsonl":
		return "application/x-ndjson", "jsonl"
	case "csv":
		return "text/csv; charset=utf-8", "csv"
	case "claimreview":
		return "application/ld+json", "json"
	case "annotation":
		return `application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`, "jsonld"
	default:
		return "application/json", "json"
	}
}

// New returns a writer for format, or an error naming the formats there are.
// ClaimReview needs Options: use NewWith.
func New(format string, w io.Writer) (Writer, error) { return NewWith(format, w, Options{}) }

// NewWith returns a writer for format with the options ClaimReview and Web
// Annotation use, or an error that says what is missing.
func NewWith(format string, w io.Writer, opt Options) (Writer, error) {
	if format == "claimreview" {
		if err := opt.CheckClaimReview(); err != nil {
			return nil, err
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "json":
		return &jsonWriter{w: bw, enc: json.NewEncoder(bw)}, nil
	case "claimreview":
		return &jsonWriter{w: bw, enc: json.NewEncoder(bw), conv: func(r *Record) (any, bool) {
			cr, ok := NewClaimReview(r, opt)
			return cr, ok
		}}, nil
	case "annotation":
		return &jsonWriter{w: bw, enc: json.NewEncoder(bw), conv: func(r *Record) (any, bool) {
			return NewAnnotation(r, opt), true
		}}, nil
	case "jsonl":
		return &jsonlWriter{w: bw}, nil
	case "csv":
		cw := csv.NewWriter(bw)
		return &csvWriter{w: bw, cw: cw}, nil
	}
	return nil, fmt.Errorf("unknown export format %q (use %s)", format, strings.Join(Formats, ", "))
}

// jsonWriter writes a JSON array, one element per record; conv, when set,
// turns a record into the element, or skips it.
type jsonWriter struct {
	w     *bufio.Writer
	enc   *json.Encoder
	buf   []byte
	count int
	conv  func(*Record) (any, bool)
}

func (j *jsonWriter) Write(r *Record) error {
	var v any = r
	if j.conv != nil {
		var ok bool
		if v, ok = j.conv(r); !ok {
			return nil
		}
	}
	sep := ",\n"
	if j.count == 0 {
		sep = "[\n"
	}
	j.count++
	if _, err := j.w.WriteString(sep); err != nil {
		return err
	}
	// Each element ends in a newline; a JSON array tolerates the whitespace.
	if j.conv != nil {
		return j.enc.Encode(v)
	}
	var err error
	if j.buf, err = appendRecord(j.buf[:0], r); err != nil {
		return err
	}
	_, err = j.w.Write(j.buf)
	return err
}

func (j *jsonWriter) Close() error {
	end := "]\n"
	if j.count == 0 {
		end = "[]\n"
	}
	if _, err := j.w.WriteString(end); err != nil {
		return err
	}
	return j.w.Flush()
}

type jsonlWriter struct {
	w   *bufio.Writer
	buf []byte
}

func (j *jsonlWriter) Write(r *Record) error {
	var err error
	if j.buf, err = appendRecord(j.buf[:0], r); err != nil {
		return err
	}
	_, err = j.w.Write(j.buf)
	return err
}

func (j *jsonlWriter) Close() error { return j.w.Flush() }

// CSVHeader is the first row of a CSV export.
var CSVHeader = []string{"id", "document_id", "document_title", "document_url", "text", "start", "end",
	"status", "score", "kind", "speaker", "last_reviewer", "last_reviewed_at", "history",
	"document_published_at", "published_at", "document_publisher"}

type csvWriter struct {
	w      *bufio.Writer
	cw     *csv.Writer
	header bool
}

func (c *csvWriter) Write(r *Record) error {
	if !c.header {
		c.header = true
		if err := c.cw.Write(CSVHeader); err != nil {
			return err
		}
	}
	// Times as the JSON record has them, to the same fraction of a second.
	reviewed, published := "", ""
	if r.LastReviewedAt != nil {
		reviewed = r.LastReviewedAt.Format(time.RFC3339Nano)
	}
	if r.PublishedAt != nil {
		published = r.PublishedAt.Format(time.RFC3339Nano)
	}
	// History goes in one cell as JSON, so a CSV row stays one claim; its
	// columns stay what they were, without evidence.
	hist, err := json.Marshal(csvHistory(r.History))
	if err != nil {
		return err
	}
	return c.cw.Write([]string{
		strconv.FormatInt(r.ID, 10), strconv.FormatInt(r.DocumentID, 10),
		Neutralize(r.DocumentTitle), Neutralize(r.DocumentURL), Neutralize(r.Text),
		strconv.Itoa(r.Start), strconv.Itoa(r.End), r.Status,
		strconv.FormatFloat(r.Score, 'f', 3, 64), Neutralize(r.Kind), Neutralize(r.Speaker),
		Neutralize(r.LastReviewer), reviewed, Neutralize(string(hist)),
		r.DocumentPublishedAt, published, Neutralize(r.DocumentPublisher),
	})
}

// csvHistory returns h without the evidence of its rows, copying it only
// when some row has any.
func csvHistory(h []Event) []Event {
	for i := range h {
		if len(h[i].Evidence) > 0 {
			out := slices.Clone(h)
			for j := range out {
				out[j].Evidence = nil
			}
			return out
		}
	}
	return h
}

func (c *csvWriter) Close() error {
	if !c.header {
		if err := c.cw.Write(CSVHeader); err != nil {
			return err
		}
	}
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.w.Flush()
}

// Neutralize stops spreadsheets from running a cell as a formula (OWASP CSV
// injection): a cell starting with = + - @, tab or carriage return gets a
// leading apostrophe.
func Neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
