package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"factdesk/anchor"
	"factdesk/db"
	"factdesk/extract"
	"factdesk/ingest"
)

// APIDocuments lists documents, newest first, a page at a time.
func (h *Handler) APIDocuments(c echo.Context) error {
	limit, before, err := pageParams(c)
	if err != nil {
		return err
	}
	docs, err := h.Store.ListDocuments(c.Request().Context(), before, limit+1)
	if err != nil {
		return err
	}
	owed, err := h.Store.OwedCounts(c.Request().Context(), CurrentUser(c).ID)
	if err != nil {
		return err
	}
	page := APIPage[APIDocument]{Items: []APIDocument{}}
	if len(docs) > limit {
		docs = docs[:limit]
		page.NextCursor = encodeCursor(docs[len(docs)-1].ID)
	}
	for _, d := range docs {
		page.Items = append(page.Items, APIDocument{ID: d.ID, Title: d.Title, URL: d.URL, Publisher: d.Publisher, PublishedAt: d.PublishedAt,
			CreatedAt: d.CreatedAt, Counts: APICounts(owed.HideDocument(d.ID, d.Progress))})
	}
	return apiJSON(c, http.StatusOK, page)
}

// apiNewDocument is the body of POST /api/v1/documents.
type apiNewDocument struct {
	Title       string  `json:"title"`
	URL         string  `json:"url"`
	PublishedAt string  `json:"published_at"`
	Publisher   string  `json:"publisher"` // from an HTML page when empty
	Text        *string `json:"text"`
	HTML        *string `json:"html"`
	Extract     *bool   `json:"extract"`
}

// APICreateDocument imports an article given as text or HTML, and extracts
// its claims unless asked not to (for tools that bring their own).
func (h *Handler) APICreateDocument(c echo.Context) error {
	var in apiNewDocument
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if (in.Text == nil) == (in.HTML == nil) {
		return fmt.Errorf("%w: give the article as either text or html", db.ErrInvalid)
	}
	// The kind without a file name: a name would be taken for a title.
	name, data := ".txt", in.Text
	if in.HTML != nil {
		name, data = ".html", in.HTML
	}
	doc, err := ingest.Parse(name, []byte(*data), h.MaxDocBytes)
	if errors.Is(err, ingest.ErrTooLarge) {
		// The same answer as a body over the route's limit (which allows
		// for JSON escapes), whichever of the two a document passes.
		return fmt.Errorf("%w: %s", ErrTooLarge, DocumentTooLarge(h.MaxDocBytes))
	}
	if err != nil {
		return fmt.Errorf("%w: %s", db.ErrInvalid, err.Error())
	}
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = doc.Title
	}
	publisher := strings.TrimSpace(in.Publisher)
	if publisher == "" {
		publisher = doc.Publisher
	}
	nd := db.NewDocument{Title: title, URL: strings.TrimSpace(in.URL), PublishedAt: strings.TrimSpace(in.PublishedAt),
		Publisher: publisher, Body: doc.Body, CreatedBy: CurrentUser(c).ID}
	ctx := c.Request().Context()
	var id int64
	var found int
	var existed bool
	if in.Extract != nil && !*in.Extract {
		id, existed, err = h.Store.ImportBareDocument(ctx, nd)
	} else {
		id, found, existed, err = h.Store.ImportDocument(ctx, nd)
	}
	if err != nil {
		return err
	}
	d, err := h.apiDocument(ctx, CurrentUser(c).ID, id)
	if err != nil {
		return err
	}
	code := http.StatusCreated
	if existed {
		code = http.StatusOK
	} else {
		h.Log.Info("document imported", "id", id, "claims", found, "user", CurrentUser(c).Username, "via", "api")
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/documents/%d", id))
	return apiJSON(c, code, map[string]any{"document": d.APIDocument, "existed": existed, "claims_found": found})
}

// DocumentTooLarge is the message of an API document over the limit.
func DocumentTooLarge(maxDoc int) string {
	return fmt.Sprintf("The document is too large: documents up to %s are accepted.", ingest.FormatSize(maxDoc))
}

// apiDocument is a document with its claims as userID may see them: the
// verdicts of claims they owe a second opinion on are withheld.
func (h *Handler) apiDocument(ctx context.Context, userID, id int64) (APIDocumentDetail, error) {
	d, err := h.Store.Document(ctx, id)
	if err != nil {
		return APIDocumentDetail{}, err
	}
	claims, err := h.Store.DocumentClaims(ctx, id)
	if err != nil {
		return APIDocumentDetail{}, err
	}
	pending, err := h.Store.PendingOpinions(ctx, userID)
	if err != nil {
		return APIDocumentDetail{}, err
	}
	out := APIDocumentDetail{
		APIDocument: APIDocument{ID: d.ID, Title: d.Title, URL: d.URL, Publisher: d.Publisher, PublishedAt: d.PublishedAt, CreatedAt: d.CreatedAt,
			Counts: APICounts(progressOf(claims, pending))},
		SHA256: d.SHA256, Text: d.Body, Claims: []APIClaim{},
	}
	for _, cl := range claims {
		item := NewAPIClaim(cl)
		if pending[cl.ID] {
			item.blind()
		}
		out.Claims = append(out.Claims, item)
	}
	return out, nil
}

// APIDocument returns a document with its text and claims.
func (h *Handler) APIDocument(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := h.apiDocument(c.Request().Context(), CurrentUser(c).ID, id)
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, d)
}

// ClaimResult reports what became of one submitted claim.
type ClaimResult struct {
	Index    int    `json:"index"`
	Outcome  string `json:"outcome"` // created, exists or failed
	ClaimID  int64  `json:"claim_id,omitempty"`
	Start    *int   `json:"start,omitempty"`
	End      *int   `json:"end,omitempty"`
	Text     string `json:"text,omitempty"`
	Method   string `json:"method,omitempty"`   // position, quote or fuzzy
	Distance int    `json:"distance,omitempty"` // edits, for fuzzy matches
	Code     string `json:"code,omitempty"`     // why it failed: invalid, out_of_range, not_found, ambiguous
	Reason   string `json:"reason,omitempty"`
}

// ClaimResults reports every submitted claim, in the order given.
type ClaimResults struct {
	Created  int           `json:"created"`
	Existing int           `json:"existing"`
	Failed   int           `json:"failed"`
	Items    []ClaimResult `json:"items"`
}

// defaultImportScore ranks claims that other tools send, and that carry no
// score, in the middle of the queue.
const defaultImportScore = 0.5

// maxAnchorWork bounds the work of placing one request's claims (see
// anchor.Doc.SetWorkLimit): about a second of one core. A 512-character
// quote that nearly matches a block repeated through a 110 KB document
// costs some 60 million units, a quarter of a second; an exact quote on
// such a document some 30,000.
const maxAnchorWork = 300_000_000

// PlaceClaims anchors claims read from data (see anchor.Decode) on a
// document and stores those it can place, in one transaction. Those it
// cannot place are reported with the reason. The API and the command line
// share it; the activity feed names userID as who added them. It stops
// when ctx ends, and then stores nothing.
func PlaceClaims(ctx context.Context, store *db.Store, docID, userID int64, data []byte) (ClaimResults, error) {
	return placeClaims(ctx, store, docID, userID, data, 0)
}

// placeClaims is PlaceClaims with a bound on the work of anchoring (0: none);
// past it, nothing is stored and the error wraps ErrTooLarge.
func placeClaims(ctx context.Context, store *db.Store, docID, userID int64, data []byte, work int64) (ClaimResults, error) {
	items, err := anchor.Decode(data)
	if err != nil {
		return ClaimResults{}, fmt.Errorf("%w: %s", ErrBadRequest, strings.TrimPrefix(err.Error(), anchor.ErrFormat.Error()+": "))
	}
	return placeItems(ctx, store, docID, userID, items, work)
}

// placeItems is placeClaims once the claims are read; the document page's
// form to add a claim places its one claim through it too.
func placeItems(ctx context.Context, store *db.Store, docID, userID int64, items []anchor.Decoded, work int64) (ClaimResults, error) {
	doc, err := store.Document(ctx, docID)
	if err != nil {
		return ClaimResults{}, err
	}
	ad := anchor.NewDoc(doc.Body)
	ad.SetWorkLimit(work)
	res := ClaimResults{Items: make([]ClaimResult, len(items))}
	var placed []extract.Claim
	var at []int // index in items of each placed claim
	for i, d := range items {
		r := ClaimResult{Index: i}
		var m anchor.Match
		var kind string
		var err error
		if d.Err != nil {
			err = d.Err
		} else if kind, err = claimKind(d.Item); err == nil {
			m, err = ad.AnchorContext(ctx, d.Item)
		}
		var ae *anchor.Error
		switch {
		case errors.Is(err, anchor.ErrTooMuchWork):
			return ClaimResults{}, fmt.Errorf("%w: placing these claims takes more work than one request may do, and nothing was stored "+
				"(it stopped after %d of the %d claims). Quotes that nearly match many places in a long document cost the most: "+
				"send fewer claims at a time, or give each claim's start and end", ErrTooLarge, i+1, len(items))
		case errors.As(err, &ae):
			r.Outcome, r.Code, r.Reason = "failed", ae.Code, ae.Reason
			res.Failed++
		case err != nil:
			return ClaimResults{}, err
		default:
			score := defaultImportScore
			if d.Item.Score != nil {
				score = *d.Item.Score
			}
			placed = append(placed, extract.Claim{Start: m.Start, End: m.End, Text: m.Text, Score: score,
				Kind: kind, Speaker: d.Item.Speaker})
			at = append(at, i)
			r.Start, r.End, r.Text, r.Method, r.Distance = &m.Start, &m.End, m.Text, m.Method, m.Distance
		}
		res.Items[i] = r
	}
	if len(placed) > 0 {
		added, err := store.AddClaims(ctx, docID, userID, placed)
		if err != nil {
			return ClaimResults{}, err
		}
		for j, a := range added {
			r := &res.Items[at[j]]
			r.ClaimID, r.Outcome = a.ID, "created"
			if a.Existed {
				r.Outcome = "exists"
				res.Existing++
			} else {
				res.Created++
			}
		}
	}
	return res, nil
}

// claimKind is the kind a claim from another tool is stored with, as the
// queue, exports and filters know only the extractor's kinds: the kind it
// names, which must be one of them; else the first of its annotation's
// classifying values that is one (others may come from another tool's
// vocabulary, and leave the claim without a kind rather than unplaced).
func claimKind(it anchor.Item) (string, error) {
	if it.Kind != "" {
		if !extract.ValidKind(it.Kind) {
			return "", &anchor.Error{Code: anchor.CodeInvalid, Reason: fmt.Sprintf("unknown kind %q: give one of %s, or none",
				it.Kind, strings.Join(extract.Kinds, ", "))}
		}
		return it.Kind, nil
	}
	for _, c := range it.Classes {
		if extract.ValidKind(c) {
			return c, nil
		}
	}
	return "", nil
}

// APIAddClaims places claims from other tools on a document.
func (h *Handler) APIAddClaims(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	data, err := readJSONBody(c)
	if err != nil {
		return err
	}
	res, err := placeClaims(c.Request().Context(), h.Store, id, CurrentUser(c).ID, data, maxAnchorWork)
	if err != nil {
		return err
	}
	h.Log.Info("claims added", "document", id, "created", res.Created, "existing", res.Existing, "failed", res.Failed,
		"user", CurrentUser(c).Username)
	return apiJSON(c, http.StatusOK, res)
}
