package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"factdesk/assets"
)

// assetHandler serves the embedded assets. URLs carry a version, so they may
// be cached for long.
func assetHandler() echo.HandlerFunc {
	files := http.FileServer(http.FS(assets.FS))
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		r := c.Request()
		r.URL.Path = "/" + c.Param("*")
		files.ServeHTTP(c.Response(), r)
		return nil
	}
}
