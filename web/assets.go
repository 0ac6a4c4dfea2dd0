package web

import (
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"

	"factdesk/assets"
)

// assetHandler serves the embedded assets. URLs carry a version, so they may
// be cached for long.
func assetHandler() echo.HandlerFunc {
	files := http.FileServer(http.FS(assets.FS))
	return func(c echo.Context) error {
		name := c.Param("*")
		// Files only: no folder listings, and unknown names get the app's 404.
		if st, err := fs.Stat(assets.FS, name); err != nil || st.IsDir() {
			return echo.ErrNotFound
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		r := c.Request()
		r.URL.Path = "/" + name
		files.ServeHTTP(c.Response(), r)
		return nil
	}
}
