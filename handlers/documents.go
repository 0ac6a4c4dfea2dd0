package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"factdesk/anchor"
	"factdesk/db"
	"factdesk/ingest"
	"factdesk/views"
)

const documentsPerPage = 50

// Documents lists documents, newest first, with their review progress.
func (h *Handler) Documents(c echo.Context) error {
	before, err := beforeCursor(c.QueryParams())
	if err != nil {
		return err
	}
	docs, err := h.Store.ListDocuments(c.Request().Context(), before, documentsPerPage+1)
	if err != nil {
		return err
	}
	owed, err := h.Store.OwedCounts(c.Request().Context(), CurrentUser(c).ID)
	if err != nil {
		return err
	}
	p := views.DocumentsPage{Base: h.Base(c, "Documents", "documents")}
	if len(docs) > documentsPerPage {
		docs = docs[:documentsPerPage]
		p.NextURL = fmt.Sprintf("/?before=%d", docs[len(docs)-1].ID)
	}
	for _, d := range docs {
		p.Documents = append(p.Documents, views.DocumentRow{
			ID: d.ID, Title: d.Title, URL: d.URL, PublishedAt: d.PublishedAt, CreatedAt: d.CreatedAt,
			Progress: views.Progress(owed.HideDocument(d.ID, d.Progress)),
		})
	}
	return Render(c, http.StatusOK, views.DocumentsView(p))
}

// NewDocument shows the import form.
func (h *Handler) NewDocument(c echo.Context) error {
	return Render(c, http.StatusOK, views.ImportView(h.importPage(c)))
}

// ImportRequestLimit is the largest import request the server reads: the
// document, plus room for the multipart framing and the other fields.
func ImportRequestLimit(maxDocBytes int) int { return maxDocBytes + 1<<20 }

// importFieldRoom is what the browser's check keeps free, within the
// request limit, for the title, URL, token and multipart framing.
const importFieldRoom = 16 << 10

func (h *Handler) importPage(c echo.Context) views.ImportPage {
	limit := ingest.FormatSize(h.MaxDocBytes)
	return views.ImportPage{
		Base: h.Base(c, "Import", "import"), Limit: limit,
		MaxBytes:        h.MaxDocBytes,
		MaxRequestBytes: ImportRequestLimit(h.MaxDocBytes) - importFieldRoom,
		TooLargeText:    fmt.Sprintf("The pasted text is larger than the %s limit: import it in parts.", limit),
		TooLargeFile:    fmt.Sprintf("The file is larger than the %s limit.", limit),
		Both:            "You pasted text and chose a file: an import takes one article. Clear the text box to import the file, or remove the file to import the text.",
	}
}

// CreateDocument imports a pasted or uploaded article.
func (h *Handler) CreateDocument(c echo.Context) error {
	// The form is read already, and refused if it was cut off at the body
	// limit (web's readForm).
	p := h.importPage(c)
	text := c.FormValue("text")
	title, docURL, published := c.FormValue("title"), strings.TrimSpace(c.FormValue("url")), strings.TrimSpace(c.FormValue("published"))
	publisher := strings.TrimSpace(c.FormValue("publisher"))
	// The form shows them again if the import is refused.
	p.Title, p.URL, p.Published, p.Publisher, p.Text = shown(title), shown(docURL), shown(published), shown(publisher), shown(text)
	name, data := "", []byte(text)
	// One article an import: a second file or text would be dropped unseen.
	if mf := c.Request().MultipartForm; mf != nil {
		files := 0
		for _, fh := range mf.File["file"] {
			if fh.Filename != "" {
				files++
			}
		}
		switch {
		case files > 1:
			return h.importFailed(c, p, fmt.Sprintf("You sent %d files: an import takes one article. Import them one at a time.", files))
		case len(mf.Value["text"]) > 1:
			return h.importFailed(c, p, fmt.Sprintf("You sent %d texts: an import takes one article. Import them one at a time.", len(mf.Value["text"])))
		}
	}
	if fh, err := c.FormFile("file"); err == nil && fh.Filename != "" {
		// Which of the two was meant is not for the server to guess, and
		// importing one would silently drop the other.
		if strings.TrimSpace(text) != "" {
			return h.importFailed(c, p, p.Both)
		}
		if fh.Size > int64(h.MaxDocBytes) {
			return h.importFailed(c, p, p.TooLargeFile)
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		data, err = ingest.ReadLimited(f, h.MaxDocBytes)
		f.Close()
		if errors.Is(err, ingest.ErrTooLarge) {
			return h.importFailed(c, p, p.TooLargeFile)
		}
		if err != nil {
			return err
		}
		name = fh.Filename
	} else if strings.TrimSpace(text) == "" {
		return h.importFailed(c, p, "Paste the article text or choose a file.")
	} else if len(data) > h.MaxDocBytes {
		return h.importFailed(c, p, p.TooLargeText)
	}
	doc, err := ingest.Parse(name, data, h.MaxDocBytes)
	if err != nil {
		return h.importFailed(c, p, UserMessage(err))
	}
	title = strings.TrimSpace(title)
	if title == "" {
		title = doc.Title
	}
	if publisher == "" {
		publisher = doc.Publisher
	}
	u := CurrentUser(c)
	id, n, existed, err := h.Store.ImportDocument(c.Request().Context(), db.NewDocument{
		Title: title, URL: docURL, PublishedAt: published, Publisher: publisher, Body: doc.Body, CreatedBy: u.ID,
	})
	if errors.Is(err, db.ErrInvalid) {
		return h.importFailed(c, p, UserMessage(err))
	}
	if err != nil {
		return err
	}
	if existed {
		h.Sessions.SetFlash(c, fmt.Sprintf("This text was imported before: this is document %d. Nothing new was added.", id))
	} else {
		h.Log.Info("document imported", "id", id, "claims", n, "user", u.Username)
		h.Sessions.SetFlash(c, fmt.Sprintf("Imported, %s found.", views.Claims(n)))
	}
	return seeOther(c, fmt.Sprintf("/documents/%d", id))
}

func (h *Handler) importFailed(c echo.Context, p views.ImportPage, msg string) error {
	p.Error = msg
	if fh, err := c.FormFile("file"); err == nil && fh.Filename != "" {
		p.FileLost = filepath.Base(strings.ReplaceAll(fh.Filename, `\`, "/"))
	}
	return Render(c, http.StatusUnprocessableEntity, views.ImportView(p))
}

// Document shows a document's whole text with every claim highlighted.
func (h *Handler) Document(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := h.documentPage(c, id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.DocumentView(p))
}

func (h *Handler) documentPage(c echo.Context, id int64) (views.DocumentPage, error) {
	ctx := c.Request().Context()
	d, err := h.Store.Document(ctx, id)
	if err != nil {
		return views.DocumentPage{}, err
	}
	claims, err := h.Store.DocumentClaims(ctx, id)
	if err != nil {
		return views.DocumentPage{}, err
	}
	p := views.DocumentPage{
		Base: h.Base(c, d.Title, "documents"), ID: d.ID, DocTitle: d.Title, URL: d.URL, Publisher: d.Publisher,
		PublishedAt: d.PublishedAt, CreatedAt: d.CreatedAt, Segments: segments(d.Body, claims),
	}
	for _, cl := range claims {
		p.Claims = append(p.Claims, claimRow(cl))
	}
	if err := h.documentTeam(c, &p); err != nil {
		return views.DocumentPage{}, err
	}
	// After documentTeam, which marks the claims whose verdict the reader
	// must not see: the counts would tell it.
	hidden := map[int64]bool{}
	for _, cl := range p.Claims {
		hidden[cl.ID] = cl.Hidden
	}
	p.Progress = views.Progress(progressOf(claims, hidden))
	p.EventsURL = documentEventsURL(claims)
	return p, nil
}

// progressOf counts a document's claims by status, as the document page
// and the API show them: dismissed sentences are not claims and not counted,
// and the hidden claims (owed a blind second opinion) are counted apart.
func progressOf(claims []db.Claim, hidden map[int64]bool) db.Progress {
	var p db.Progress
	for _, cl := range claims {
		if cl.Dismissed {
			continue
		}
		if hidden[cl.ID] {
			p.Hidden++
			continue
		}
		switch cl.Status {
		case db.StatusConfirmed:
			p.Confirmed++
		case db.StatusDisputed:
			p.Disputed++
		default:
			p.Unverified++
		}
	}
	return p
}

// pathID reads the :id parameter; a malformed id is a missing page.
func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, db.ErrNotFound
	}
	return id, nil
}

// AddClaim adds, from the document page, a claim the extractor missed: its
// words as they are in the text, placed as the API places a quote. The page
// sends where the reviewer selected them, when it can, to choose among
// repeats; without it the words must occur once.
func (h *Handler) AddClaim(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// As the document's text was stored: a textarea sends its line breaks
	// as CRLF.
	raw := c.FormValue("text")
	text := ingest.Normalize(raw)
	item := anchor.Item{Exact: text}
	start, serr := strconv.Atoi(c.FormValue("start"))
	end, eerr := strconv.Atoi(c.FormValue("end"))
	if serr == nil && eerr == nil {
		item.Start, item.End = &start, &end
	}
	var res ClaimResults
	switch {
	case !utf8.ValidString(raw):
		err = fmt.Errorf("%w: the claim is not valid text (UTF-8)", db.ErrInvalid)
	case text == "":
		err = fmt.Errorf("%w: give the claim's words as they are in the text", db.ErrInvalid)
	case utf8.RuneCountInString(text) > maxAddedClaim:
		err = fmt.Errorf("%w: the claim is longer than %d characters; a claim is a sentence or two", db.ErrInvalid, maxAddedClaim)
	default:
		res, err = placeItems(c.Request().Context(), h.Store, id, CurrentUser(c).ID, []anchor.Decoded{{Item: item}}, maxAnchorWork)
	}
	if err == nil {
		switch r := res.Items[0]; r.Outcome {
		case "created":
			h.Log.Info("claim added", "document", id, "claim", r.ClaimID, "user", CurrentUser(c).Username)
			h.Sessions.SetFlash(c, "Claim added: it is in the queue, unverified, for review.")
			return seeOther(c, fmt.Sprintf("/claims/%d#review", r.ClaimID))
		case "exists":
			h.Sessions.SetFlash(c, "That claim was there already: here it is.")
			return seeOther(c, fmt.Sprintf("/claims/%d#review", r.ClaimID))
		default:
			err = fmt.Errorf("%w: %s", db.ErrInvalid, addClaimProblem(r))
		}
	}
	if !errors.Is(err, db.ErrInvalid) && !errors.Is(err, ErrTooLarge) {
		return err
	}
	p, perr := h.documentPage(c, id)
	if perr != nil {
		return perr
	}
	p.AddClaimError, p.AddClaimText = UserMessage(err), shown(text)
	if errors.Is(err, ErrTooLarge) {
		p.AddClaimError = "These words nearly match too many places in the text to look for: select them in the text, or give a longer passage."
	}
	return Render(c, http.StatusUnprocessableEntity, views.DocumentView(p))
}

// maxAddedClaim bounds a claim added by hand, in characters: a sentence or
// two, far below what the API accepts from other tools.
const maxAddedClaim = 2000

// addClaimProblem says, for someone at the document page, why words could
// not be placed; the API's reasons speak of quotes and offsets.
func addClaimProblem(r ClaimResult) string {
	switch r.Code {
	case anchor.CodeNotFound:
		return "these words are not in the text; copy them from it as they are, or select them in the text and open this form again"
	case anchor.CodeAmbiguous:
		return "these words are in the text more than once; select the place you mean in the text and open this form again, or give a longer passage"
	}
	return "the selection no longer matches the text (" + r.Reason + "); select the words again"
}
