// Package static holds the stylesheet, favicon and product images, embedded in the
// binary and served under a versioned prefix so they can be cached for a long time.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

// FS is every static asset, at the paths they are served under.
//
//go:embed app.css favicon.svg img receipt.js
var FS embed.FS

// Version is the first 8 hex characters of a SHA-256 over the path and content of
// every embedded file. It changes whenever an asset does, so it goes in asset URLs
// (e.g. "/static/" + Version + "/app.css") to bust caches.
var Version = version(FS)

// version hashes fsys in the lexical order fs.WalkDir guarantees, so it is stable.
func version(fsys fs.FS) string {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write([]byte{0})
		h.Write(b)
		h.Write([]byte{0})
		return nil
	})
	if err != nil {
		// Embedded files are fixed at build time; failing to read them is a build defect.
		panic("static: hashing embedded files: " + err.Error())
	}
	return hex.EncodeToString(h.Sum(nil))[:8]
}
