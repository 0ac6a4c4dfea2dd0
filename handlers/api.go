package handlers

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/strictjson"
)

// API errors that are the request's fault rather than the data's.
var (
	ErrBadRequest       = errors.New("bad request")            // unreadable JSON, unknown fields
	ErrUnsupportedMedia = errors.New("unsupported media type") // not JSON
	ErrTooLarge         = errors.New("too large")              // more than one request may carry or cost
)

// APIError is the body of every API error. Code is stable, for scripts;
// Message is for people.
type APIError struct {
	Code    string    `json:"code"`
	Message string    `json:"message"`
	Current *APIClaim `json:"current,omitempty"` // with "stale": the claim as it is now
}

// APIClaim is a claim as the API shows it. Start and End are code points.
type APIClaim struct {
	ID            int64     `json:"id"`
	DocumentID    int64     `json:"document_id"`
	DocumentTitle string    `json:"document_title"`
	Start         int       `json:"start"`
	End           int       `json:"end"`
	Text          string    `json:"text"`
	Score         float64   `json:"score"`
	Kind          string    `json:"kind"`
	Speaker       string    `json:"speaker"`
	Status        string    `json:"status"`
	Version       int64     `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Dismissed     bool      `json:"dismissed"`                // "not a claim": left out of lists and exports
	DismissReason string    `json:"dismiss_reason,omitempty"` // why, while dismissed
	Assignee      string    `json:"assignee,omitempty"`       // who is to review it
	// Blind is set for a user who owes a second opinion on the claim: its
	// status and history are withheld until they give it, as on the web.
	Blind bool `json:"blind,omitempty"`
}

// blind withholds the verdict.
func (c *APIClaim) blind() { c.Status, c.Blind = "", true }

// APIClaimDetail is one claim with its history, newest first, its second
// opinions, oldest first, and whether its review is public.
type APIClaimDetail struct {
	APIClaim
	History     []APIEvent     `json:"history"`
	Opinions    []APIOpinion   `json:"opinions"`
	Publication APIPublication `json:"publication"`
}

// APIEvent is one history row: a status change, or a dismissal or
// restoration (whose from and to are the unchanged status).
type APIEvent struct {
	ID       int64         `json:"id"`
	Action   string        `json:"action"` // status, dismiss or restore
	User     string        `json:"user"`
	From     string        `json:"from"`
	To       string        `json:"to"`
	Note     string        `json:"note"`
	At       time.Time     `json:"at"`
	Evidence []APIEvidence `json:"evidence,omitempty"` // given with this change
}

// APIPublication is a claim's public page, when it has one.
type APIPublication struct {
	Published   bool       `json:"published"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	URL         string     `json:"url,omitempty"`
}

// APICounts counts a document's claims by status.
type APICounts struct {
	Unverified int `json:"unverified"`
	Confirmed  int `json:"confirmed"`
	Disputed   int `json:"disputed"`
	// Hidden counts the claims the reader owes a blind second opinion on,
	// left out of the other counts.
	Hidden int `json:"hidden,omitempty"`
}

// APIDocument is a document without its text.
type APIDocument struct {
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	URL         string    `json:"url"`
	Publisher   string    `json:"publisher"`
	PublishedAt string    `json:"published_at"`
	CreatedAt   time.Time `json:"created_at"`
	Counts      APICounts `json:"counts"`
}

// APIDocumentDetail is a document with its text and its claims in text order.
type APIDocumentDetail struct {
	APIDocument
	SHA256 string     `json:"sha256"`
	Text   string     `json:"text"`
	Claims []APIClaim `json:"claims"`
}

// APIPage is one page of a list; NextCursor is "" on the last page.
type APIPage[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// NewAPIClaim converts a stored claim.
func NewAPIClaim(c db.Claim) APIClaim {
	return APIClaim{ID: c.ID, DocumentID: c.DocumentID, DocumentTitle: c.DocumentTitle, Start: c.Start, End: c.End,
		Text: c.Text, Score: c.Score, Kind: c.Kind, Speaker: c.Speaker, Status: c.Status, Version: c.Version,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Dismissed: c.Dismissed, DismissReason: c.DismissReason, Assignee: c.Assignee}
}

// apiJSON writes v as the response.
func apiJSON(c echo.Context, code int, v any) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(code, v)
}

// decodeJSON reads a JSON request body into v, refusing other media types,
// unknown fields (a misspelt field must not pass silently), a key given
// twice (encoding/json would keep the last) and trailing data.
func decodeJSON(c echo.Context, v any) error {
	data, err := readJSONBody(c)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %s", ErrBadRequest, describeJSONError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: the body must hold one JSON object and nothing after it", ErrBadRequest)
	}
	if first, again := strictjson.RepeatedKey(data); again != "" {
		if first == again {
			return fmt.Errorf("%w: the key %q is given twice; give each key once", ErrBadRequest, again)
		}
		return fmt.Errorf("%w: the keys %q and %q are one key given twice (letter case does not count); give each key once",
			ErrBadRequest, first, again)
	}
	return nil
}

// decodeOptionalJSON is decodeJSON for a body that may be left out.
func decodeOptionalJSON(c echo.Context, v any) error {
	if c.Request().ContentLength == 0 {
		return nil
	}
	return decodeJSON(c, v)
}

// readJSONBody reads a JSON request body, refusing other media types,
// bytes that are not UTF-8 and escapes of half a UTF-16 surrogate pair:
// encoding/json would store either as U+FFFD without a word, where the web
// form and the command line refuse such text. The body limit middleware
// bounds what is read.
func readJSONBody(c echo.Context) ([]byte, error) {
	if err := requireJSON(c); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: the body is not valid UTF-8 (an invalid byte at offset %d); send JSON as UTF-8",
			ErrBadRequest, invalidUTF8At(data))
	}
	if at := strictjson.LoneSurrogate(data); at >= 0 {
		return nil, fmt.Errorf("%w: the escape %s at offset %d is half of a UTF-16 surrogate pair without the other half, "+
			"so it stands for no character; send the character itself, or both halves of its pair", ErrBadRequest, data[at:at+6], at)
	}
	return data, nil
}

// invalidUTF8At is the offset of the first byte of data that is not UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, w := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && w == 1 {
			return i
		}
		i += w
	}
	return len(data)
}

// requireJSON refuses bodies that do not say they are JSON (or JSON Lines).
func requireJSON(c echo.Context) error {
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json") ||
		mt == "application/x-ndjson" || mt == "application/jsonl") {
		return nil
	}
	return fmt.Errorf("%w: send JSON, with Content-Type: application/json", ErrUnsupportedMedia)
}

// describeJSONError says what is wrong with a body without echoing it.
func describeJSONError(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "the body is empty; send a JSON object"
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("%s has the wrong type (%s)", te.Field, te.Value)
		}
		return fmt.Sprintf("expected a JSON object, not %s", te.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return "invalid JSON"
}

// Cursors are opaque to clients: an id, encoded so nobody is tempted to
// do arithmetic on it.
func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	rest, ok := strings.CutPrefix(string(b), "v1:")
	id, perr := strconv.ParseInt(rest, 10, 64)
	if err != nil || !ok || perr != nil || id <= 0 {
		return 0, fmt.Errorf("%w: the cursor is not one this API gave out", db.ErrInvalid)
	}
	return id, nil
}

// pageLimit reads ?limit=, 1 to 200, 50 when absent.
func pageLimit(c echo.Context) (int, error) {
	s, err := oneValue(c.QueryParams(), "limit")
	if err != nil {
		return 0, err
	}
	if s == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 200 {
		return 0, fmt.Errorf("%w: limit must be a number from 1 to 200", db.ErrInvalid)
	}
	return n, nil
}

// pageParams reads ?limit= and ?cursor= of a paged list.
func pageParams(c echo.Context) (limit int, cursor int64, err error) {
	if limit, err = pageLimit(c); err != nil {
		return 0, 0, err
	}
	s, err := oneValue(c.QueryParams(), "cursor")
	if err != nil {
		return 0, 0, err
	}
	cursor, err = decodeCursor(s)
	return limit, cursor, err
}

// APIMe says who the token belongs to, and their role.
func (h *Handler) APIMe(c echo.Context) error {
	u := CurrentUser(c)
	return apiJSON(c, http.StatusOK, map[string]string{"username": u.Username, "role": u.Role})
}

// APIExport streams an export, in any format, with the queue's filters.
func (h *Handler) APIExport(c echo.Context) error { return h.streamExport(c) }
