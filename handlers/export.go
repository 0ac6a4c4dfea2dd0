package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/export"
	"factdesk/views"
)

// claimFilter reads the queue's filters from the query string: status and
// kind (lists, comma-separated or repeated), document, assignee, reviewer,
// and from and to dates (one value each).
func (h *Handler) claimFilter(c echo.Context) (db.ClaimFilter, error) {
	var f db.ClaimFilter
	q := c.QueryParams()
	if err := oneValues(q, "document", "reviewer", "from", "to", "format"); err != nil {
		return f, err
	}
	var err error
	if f.AssigneeID, f.Unassigned, _, err = h.assigneeParam(c); err != nil {
		return f, err
	}
	if f.Statuses, err = db.ParseStatuses(listValue(q, "status")); err != nil {
		return f, err
	}
	if f.Kinds, err = db.ParseKinds(listValue(q, "kind")); err != nil {
		return f, err
	}
	if d := c.QueryParam("document"); d != "" {
		f.DocumentID, err = strconv.ParseInt(d, 10, 64)
		if err != nil || f.DocumentID <= 0 {
			return f, fmt.Errorf("%w: the document filter must be a document number", db.ErrInvalid)
		}
	}
	f.Reviewer = strings.TrimSpace(c.QueryParam("reviewer"))
	f.From, f.To = strings.TrimSpace(c.QueryParam("from")), strings.TrimSpace(c.QueryParam("to"))
	return f, nil
}

// Export downloads claims in any export format, with the queue's filters,
// streamed.
func (h *Handler) Export(c echo.Context) error {
	return h.streamExport(c)
}

// streamExport is the export shared by the web app and the API.
func (h *Handler) streamExport(c echo.Context) error {
	f, err := h.claimFilter(c)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	if format == "" {
		format = "json"
	}
	f.Quotes = export.NeedsQuotes(format)
	// Every format carries the verdict, which a reviewer who owes a second
	// opinion must not see: those claims are left out of their exports.
	f.BlindFor = CurrentUser(c).ID
	mediaType, ext := export.ContentType(format)
	res := c.Response()
	// The writer is made first so that a bad format is an error page, not a
	// half-written download.
	w, err := export.NewWith(format, res, h.ExportOptions)
	if err != nil {
		return fmt.Errorf("%w: %s", db.ErrInvalid, err.Error())
	}
	// Check the filter (an unknown reviewer, a reversed date range) before
	// the status goes out, for the same reason.
	if err := h.Store.CheckFilter(c.Request().Context(), f); err != nil {
		return err
	}
	res.Header().Set(echo.HeaderContentType, mediaType)
	res.Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="factdesk-%s-%s.%s"`, downloadName(format), time.Now().UTC().Format("20060102-150405"), ext))
	res.WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil // the headers are all a HEAD gets: no need to read every claim
	}
	if err := h.Store.ExportClaims(c.Request().Context(), f, w.Write); err != nil {
		// The status is sent already: abort the stream so the client sees a
		// failed download, not a short file that looks complete.
		h.Log.Error("export failed", "err", err, "request_id", res.Header().Get(echo.HeaderXRequestID))
		panic(http.ErrAbortHandler)
	}
	return w.Close()
}

// exportFormats are the download choices, in the order shown.
var exportFormats = []views.FormatChoice{
	{Value: "json", Label: "JSON"},
	{Value: "jsonl", Label: "JSON Lines"},
	{Value: "csv", Label: "CSV"},
	{Value: "claimreview", Label: "ClaimReview (schema.org)"},
	{Value: "annotation", Label: "Web Annotation (W3C)"},
}

// downloadForm offers every format; ClaimReview is shown but disabled, with
// the settings that turn it on, while they are missing, rather than failing
// after the click.
// form holds the filters of the list it exports.
func (h *Handler) downloadForm(form views.DownloadForm) views.DownloadForm {
	form.Formats = exportFormats
	missing := h.ExportOptions.ClaimReviewNeeds()
	if missing == "" {
		return form
	}
	formats := make([]views.FormatChoice, len(exportFormats))
	for i, f := range exportFormats {
		if f.Value == "claimreview" {
			f.Label = "ClaimReview (not set up)"
			f.Off = "ClaimReview is off: it needs " + missing + " when factdesk starts."
		}
		formats[i] = f
	}
	form.Formats = formats
	return form
}

// downloadName names an export's file by what it holds, so that the
// ClaimReview and the JSON of one desk, both .json, are told apart.
func downloadName(format string) string {
	switch format {
	case "claimreview":
		return "claimreview"
	case "annotation":
		return "annotations"
	}
	return "claims"
}
