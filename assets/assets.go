// Package assets embeds the static files (CSS, htmx, icon) so the binary
// runs from any folder.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sync"
)

//go:embed css js icon.svg
var FS embed.FS

var version = sync.OnceValue(func() string {
	h := sha256.New()
	fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := FS.ReadFile(path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
})

// Version is a hash of every embedded file, for cache-busting URLs.
func Version() string { return version() }
