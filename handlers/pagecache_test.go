package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"doku-checkout/app/apptest"
)

// csrfOf is the shopper's CSRF cookie and the token in every form of its
// last page, which must all be that cookie.
func csrfOf(t *testing.T, s *apptest.Shopper) string {
	t.Helper()
	u, _ := url.Parse(s.App.URL)
	cookie := s.Cookie(u, "dc_csrf")
	forms := s.Doc.Find(`input[name="csrf"]`)
	if cookie == "" || forms.Length() == 0 {
		t.Fatalf("cookie %q, %d token fields", cookie, forms.Length())
	}
	for i := range forms.Length() {
		if got := forms.Eq(i).AttrOr("value", ""); got != cookie {
			t.Fatalf("form %d carries token %q, the cookie is %q", i, got, cookie)
		}
	}
	return cookie
}

// The catalog is rendered once per change and kept; each guest still gets
// a page with their own token in every form, and what the page shows
// follows the cart, the flash, a login and every product change at once.
func TestCatalogIsKeptButFollowsEveryChange(t *testing.T) {
	a := apptest.Start(t)
	g1 := apptest.NewShopper(t, a).Get("/")
	first, tok1 := g1.Body, csrfOf(t, g1)
	if again := g1.Get("/").Body; again != first {
		t.Fatal("the same guest got a different catalog page the second time")
	}
	g2 := apptest.NewShopper(t, a).Get("/")
	tok2 := csrfOf(t, g2)
	if tok1 == tok2 {
		t.Fatal("two guests share a CSRF token")
	}
	if strings.Contains(g2.Body, tok1) || strings.ReplaceAll(g2.Body, tok2, tok1) != first {
		t.Fatal("another guest's catalog differs from the first's by more than the token")
	}

	// The cart count and the one-time flash.
	g2.Post("/cart/items", url.Values{"product_id": {"2"}, "quantity": {"3"}, "from": {"catalog"}})
	if g2.Path() != "/" || g2.Text("cart-count") != "3" || g2.Count("flash") != 1 {
		t.Fatalf("after adding 3: at %s, count %q, %d flashes", g2.Path(), g2.Text("cart-count"), g2.Count("flash"))
	}
	csrfOf(t, g2)
	if g2.Get("/"); g2.Text("cart-count") != "3" || g2.Count("flash") != 0 {
		t.Fatalf("next visit: count %q, %d flashes; want 3 and none", g2.Text("cart-count"), g2.Count("flash"))
	}
	if g1.Get("/"); g1.Text("cart-count") != "0" {
		t.Fatalf("the other guest's count is %q, want 0", g1.Text("cart-count"))
	}

	// A product's change shows on the next page.
	ctx := context.Background()
	p, err := a.Store.AdminProduct(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	p.Name, p.PriceIDR = "Kopi Gayo Baru", 123457
	if err := a.Store.UpdateProduct(ctx, p); err != nil {
		t.Fatal(err)
	}
	g1.Get("/")
	if !strings.Contains(g1.Body, "Kopi Gayo Baru") || !strings.Contains(g1.Body, "Rp 123,457") {
		t.Fatalf("the edited product is not on the next catalog page:\n%s", g1.Body)
	}
	csrfOf(t, g1)

	// A customer's header is their own.
	c := apptest.NewShopper(t, a)
	apptest.Register(t, c, "dewi@example.com")
	c.Get("/")
	if c.Doc.Find(`form[action="/logout"]`).Length() != 1 || strings.Contains(c.Body, tok1) {
		t.Fatal("a logged-in customer got a guest's kept catalog")
	}
	csrfOf(t, c)
}

// A token comes back from the client's cookie: written into a kept page it
// is escaped as the template would escape it.
func TestKeptCatalogEscapesTheToken(t *testing.T) {
	a := apptest.Start(t)
	apptest.NewShopper(t, a).Get("/") // the page is kept
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: "dc_csrf", Value: `x'><b>&y`})
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || strings.Contains(body, `x'><b>&y`) || strings.Count(body, `value="x&#39;&gt;&lt;b&gt;&amp;y"`) != 6 {
		t.Fatalf("%d; the token is not escaped:\n%s", rec.Code, body)
	}
}
