package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/export"
)

// Export downloads claims as JSON, JSON Lines or CSV, streamed.
func (h *Handler) Export(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = "json"
	}
	statuses, err := db.ParseStatuses(c.QueryParam("status"))
	if err != nil {
		return err
	}
	mediaType, ext := export.ContentType(format)
	res := c.Response()
	// The writer is made first so that a bad format is an error page, not a
	// half-written download.
	w, err := export.New(format, res)
	if err != nil {
		return fmt.Errorf("%w: %s", db.ErrInvalid, err.Error())
	}
	res.Header().Set(echo.HeaderContentType, mediaType)
	res.Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="factdesk-claims-%s.%s"`, time.Now().UTC().Format("20060102-150405"), ext))
	res.WriteHeader(http.StatusOK)
	if err := h.Store.ExportClaims(c.Request().Context(), db.ExportFilter{Statuses: statuses}, w.Write); err != nil {
		// The status is sent already: abort the stream so the client sees a
		// failed download, not a short file that looks complete.
		h.Log.Error("export failed", "err", err, "request_id", res.Header().Get(echo.HeaderXRequestID))
		panic(http.ErrAbortHandler)
	}
	return w.Close()
}
