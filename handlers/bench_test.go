package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"doku-checkout/app"
)

// benchApp is the real app (app.New: store on a temp file, embedded
// sandbox, every middleware) and a guest's cookies with a 2-line cart.
type benchApp struct {
	h       http.Handler
	cookies []*http.Cookie
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newBenchApp(b *testing.B) *benchApp {
	b.Helper()
	vars := map[string]string{
		"DB_PATH": filepath.Join(b.TempDir(), "bench.db"), "SANDBOX_ADDR": "127.0.0.1:0", "PUBLIC_URL": "http://127.0.0.1:8080",
		"PAYMENT_MODE": "direct", "LOG_LEVEL": "error", "LOGIN_RATE": "0", "CHECKOUT_RATE": "0",
	}
	cfg, err := app.LoadConfig(func(k string) string { return vars[k] })
	if err != nil {
		b.Fatalf("LoadConfig: %v", err)
	}
	a, err := app.New(context.Background(), cfg, io.Discard)
	if err != nil {
		b.Fatalf("app.New: %v", err)
	}
	b.Cleanup(func() { a.Close() })
	ba := &benchApp{h: a.Handler}

	// The catalog hands out the CSRF cookie and its token; adding to the
	// cart with both gives the session cookie.
	rec := ba.do(b, http.MethodGet, "/", nil)
	m := csrfInput.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil {
		b.Fatalf("GET /: %d, csrf token found: %v", rec.Code, m != nil)
	}
	for _, line := range [][2]string{{"2", "2"}, {"5", "1"}} {
		rec = ba.do(b, http.MethodPost, "/cart/items", url.Values{"csrf": {m[1]}, "product_id": {line[0]}, "quantity": {line[1]}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/cart" {
			b.Fatalf("POST /cart/items: %d to %q, want 303 to /cart", rec.Code, rec.Header().Get("Location"))
		}
		// Follow the redirect as a browser does: the cart page shows (and
		// clears) the "Added to your cart." flash.
		if rec = ba.do(b, http.MethodGet, "/cart", nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `data-testid="cart-line"`) {
			b.Fatalf("GET /cart: %d, want 200 with cart lines", rec.Code)
		}
	}
	return ba
}

// do serves one request with the guest's cookies and keeps the cookies set.
func (ba *benchApp) do(b *testing.B, method, path string, form url.Values) *httptest.ResponseRecorder {
	b.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range ba.cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	ba.h.ServeHTTP(rec, req)
	for _, set := range rec.Result().Cookies() {
		kept := ba.cookies[:0]
		for _, c := range ba.cookies {
			if c.Name != set.Name {
				kept = append(kept, c)
			}
		}
		ba.cookies = append(kept, set)
	}
	return rec
}

// benchGet serves GET path b.N times through the router, each time a new
// request with the guest's cookies; every answer must be 200 (and the first
// must hold want).
func benchGet(b *testing.B, path, want string) {
	ba := newBenchApp(b)
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for _, c := range ba.cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		ba.h.ServeHTTP(rec, req)
		return rec
	}
	if rec := get(); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
		b.Fatalf("GET %s: %d, holds %q: %v", path, rec.Code, want, strings.Contains(rec.Body.String(), want))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if rec := get(); rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d, want 200", path, rec.Code)
		}
	}
}

// BenchmarkCatalog is GET / for a guest with a 2-line cart: session and CSRF
// cookies, the product list and the cart badge from the database.
func BenchmarkCatalog(b *testing.B) { benchGet(b, "/", `data-testid="product"`) }

// BenchmarkCheckoutForm is GET /checkout with a 2-line cart.
func BenchmarkCheckoutForm(b *testing.B) { benchGet(b, "/checkout", `name="checkout_key"`) }
