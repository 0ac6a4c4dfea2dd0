// Package export writes reviewed claims as JSON, JSON Lines and CSV. Every
// writer streams: records are written as they come, never held in memory.
package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
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
}

// Formats lists the formats New accepts.
var Formats = []string{"json", "jsonl", "csv"}

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
	default:
		return "application/json", "json"
	}
}

// New returns a writer for format, or an error naming the formats there are.
func New(format string, w io.Writer) (Writer, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "json":
		return &jsonWriter{w: bw}, nil
	case "jsonl":
		return &jsonlWriter{w: bw}, nil
	case "csv":
		cw := csv.NewWriter(bw)
		return &csvWriter{w: bw, cw: cw}, nil
	}
	return nil, fmt.Errorf("unknown export format %q (use %s)", format, strings.Join(Formats, ", "))
}

type jsonWriter struct {
	w     *bufio.Writer
	buf   []byte
	count int
}

func (j *jsonWriter) Write(r *Record) error {
	sep := ",\n"
	if j.count == 0 {
		sep = "[\n"
	}
	j.count++
	if _, err := j.w.WriteString(sep); err != nil {
		return err
	}
	// Each record ends in a newline; a JSON array tolerates the whitespace.
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
	"status", "score", "kind", "speaker", "last_reviewer", "last_reviewed_at", "history"}

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
	reviewed := ""
	if r.LastReviewedAt != nil {
		reviewed = r.LastReviewedAt.UTC().Format(time.RFC3339)
	}
	// History goes in one cell as JSON, so a CSV row stays one claim.
	hist, err := json.Marshal(r.History)
	if err != nil {
		return err
	}
	return c.cw.Write([]string{
		strconv.FormatInt(r.ID, 10), strconv.FormatInt(r.DocumentID, 10),
		Neutralize(r.DocumentTitle), Neutralize(r.DocumentURL), Neutralize(r.Text),
		strconv.Itoa(r.Start), strconv.Itoa(r.End), r.Status,
		strconv.FormatFloat(r.Score, 'f', 3, 64), Neutralize(r.Kind), Neutralize(r.Speaker),
		Neutralize(r.LastReviewer), reviewed, Neutralize(string(hist)),
	})
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
