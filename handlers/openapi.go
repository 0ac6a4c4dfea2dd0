package handlers

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// OpenAPIDocument describes /api/v1 (OpenAPI 3.1). A test checks that it
// names every API route and that every path in it is routed.
//
//go:embed openapi.json
var OpenAPIDocument []byte

// OpenAPI serves the API's description; it needs no token.
func (h *Handler) OpenAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, OpenAPIDocument)
}
