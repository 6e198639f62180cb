package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"doku-checkout/app/apptest"
)

// benchApp is the real app (app.New: store on a temp file, embedded
// sandbox, every middleware), called in process, and a guest's cookies
// with a 2-line cart.
type benchApp struct {
	h       http.Handler
	cookies []*http.Cookie
}

func newBenchApp(b *testing.B) *benchApp {
	b.Helper()
	// Errors only: the measurement is the router's work, not the logging.
	a := apptest.Start(b, apptest.InProcess(), apptest.Env(map[string]string{
		"PUBLIC_URL": "http://127.0.0.1:8080", "LOG_LEVEL": "error",
	}))
	// The catalog hands out the CSRF cookie and its token; adding to the
	// cart with both gives the session cookie. AddToCart follows the
	// redirect as a browser does: the cart page shows (and clears) the
	// "Added to your cart." flash.
	s := apptest.NewShopper(b, a)
	for _, line := range [][2]string{{"2", "2"}, {"5", "1"}} {
		s.AddToCart(line[0], line[1])
		if s.Count("cart-line") == 0 {
			b.Fatalf("GET /cart: %d, want 200 with cart lines", s.Resp.StatusCode)
		}
	}
	return &benchApp{h: a.Handler, cookies: s.Cookies()}
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

// BenchmarkCart is GET /cart with a 2-line cart.
func BenchmarkCart(b *testing.B) { benchGet(b, "/cart", `data-testid="cart-line"`) }

// BenchmarkReceipt is GET /orders/{invoice}?k= of a paid guest order, as
// the bench's receipt row: the order with its lines, the session, the page.
func BenchmarkReceipt(b *testing.B) {
	a := apptest.Start(b, apptest.Env(map[string]string{"LOG_LEVEL": "error"}))
	s := apptest.NewShopper(b, a)
	s.AddToCart("2", "1")
	s.Pay(apptest.Card("4111111111111111", "737"), "123456")
	if s.Text("order-status") != "SUCCESS" {
		b.Fatalf("payment: %q", s.Text("order-status"))
	}
	link, _ := s.Doc.Find(`[data-testid="receipt-link"]`).Attr("href")
	cookies := s.Cookies()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		req := httptest.NewRequest(http.MethodGet, link, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		a.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", link, rec.Code)
		}
	}
}
