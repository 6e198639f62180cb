package handlers

import (
	"bytes"
	"html"
	"net/http"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"doku-checkout/store"
	"doku-checkout/views"
)

// csrfMark stands in for the CSRF token in a kept page: letters, digits
// and hyphens, so no template escapes it; not a token echo would issue
// (those are 32 letters and digits); random per process, so no product's
// text can hold it.
var csrfMark = "csrf-mark-" + randomID()

// maxKeptPages bounds the page cache: the keys are few (language × cart
// count), and a full cache starts afresh.
const maxKeptPages = 64

// pageCache keeps rendered catalog pages. The catalog is the same for every
// guest of a language and cart count, but for the CSRF token, and changes
// only when the merchant edits a product or the shop's details: rendering
// it once per change is most of the page's cost saved.
type pageCache struct {
	mu      sync.Mutex
	catalog []store.Product // the catalog read the kept pages show
	pages   map[pageKey][][]byte
}

// pageKey is everything a kept page depends on, but the catalog (the cache
// holds pages of one catalog read at a time) and the token.
type pageKey struct {
	lang      string
	cartCount int
	shop      views.StoreContact
}

// get returns the page's parts, split where the token goes, for the
// catalog read products.
func (pc *pageCache) get(products []store.Product, k pageKey) ([][]byte, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if !sameRead(pc.catalog, products) {
		return nil, false
	}
	parts, ok := pc.pages[k]
	return parts, ok
}

// put keeps a page rendered with csrfMark for its token.
func (pc *pageCache) put(products []store.Product, k pageKey, page []byte) [][]byte {
	parts := bytes.Split(bytes.Clone(page), []byte(csrfMark))
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if !sameRead(pc.catalog, products) || len(pc.pages) >= maxKeptPages {
		pc.catalog, pc.pages = products, map[pageKey][][]byte{}
	}
	pc.pages[k] = parts
	return parts
}

// sameRead reports whether a and b are the same catalog read: the store
// hands out one slice per read, and a new one after every product write.
// The cache holds its read, so its memory cannot be reused by another.
func sameRead(a, b []store.Product) bool {
	return a != nil && len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// writeKept writes a kept page with token in its places.
func writeKept(c echo.Context, status int, parts [][]byte, token string) error {
	tok := []byte(html.EscapeString(token))
	n := 0
	for _, p := range parts {
		n += len(p) + len(tok)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	buf.Grow(n)
	defer bufPool.Put(buf)
	for i, p := range parts {
		if i > 0 {
			buf.Write(tok)
		}
		buf.Write(p)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// renderKept renders comp (a page whose CSRF token is csrfMark) and keeps it.
func (pc *pageCache) renderKept(c echo.Context, products []store.Product, k pageKey, comp templ.Component, token string) error {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return writeKept(c, http.StatusOK, pc.put(products, k, buf.Bytes()), token)
}
