package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"doku-checkout/app/apptest"
)

// Every POST route refuses a request without its CSRF token (or with a
// forged one, or from another site) with 403, and changes nothing.
func TestEveryPostRouteNeedsCSRF(t *testing.T) {
	app := apptest.Start(t)
	c := apptest.NewCustomer(t, app, "dewi@example.com", "4111111111111111")
	c.AddToCart("1", "1")
	c.Get("/checkout")
	key, _ := c.Doc.Find(`input[name="checkout_key"]`).Attr("value")
	checkout := apptest.Card("5573381011111101", "737")
	checkout.Set("checkout_key", key)

	forms := map[string]url.Values{
		"/cart/items":   {"product_id": {"4"}, "quantity": {"2"}},
		"/cart/items/1": {"quantity": {"7"}},
		"/checkout":     checkout,
		"/account/cards/" + strconv.FormatInt(c.Cards[0], 10) + "/delete": {},
		"/register": {"name": {"Eve"}, "email": {"eve@example.com"}, "password": {"correct horse battery"}},
		"/login":    {"email": {"dewi@example.com"}, "password": {"correct horse battery"}},
		"/logout":   {},
		// The back office (handlers/admin*.go): refused before any login check.
		"/admin/login":                {"email": {"owner@example.com"}, "password": {"correct horse battery"}},
		"/admin/logout":               {},
		"/admin/setup":                {"token": {"x"}, "email": {"owner@example.com"}, "password": {"correct horse battery"}},
		"/admin/staff":                {"email": {"eve@example.com"}, "password": {"correct horse battery"}, "role": {"owner"}},
		"/admin/staff/1":              {"disabled": {"1"}},
		"/admin/settings":             {"store_name": {"Eve's"}},
		"/admin/products/new":         {"name": {"x"}, "price": {"1"}},
		"/admin/products/1":           {"name": {"x"}, "price": {"1"}},
		"/admin/orders/INV-X/capture": {},
		"/admin/orders/INV-X/void":    {},
		"/admin/orders/INV-X/refund":  {"amount": {"1000"}},
		"/admin/orders/INV-X/check":   {},
		// Two-step login (handlers/admin_totp.go).
		"/admin/login/code":   {"code": {"123456"}},
		"/admin/totp":         {},
		"/admin/totp/enable":  {"code": {"123456"}},
		"/admin/totp/disable": {"code": {"123456"}},
	}
	// The table covers every POST route but the two doors outsiders call.
	for _, r := range app.Handler.(*echo.Echo).Routes() {
		if r.Method != http.MethodPost || strings.HasPrefix(r.Path, "/checkout/3ds/") || r.Path == "/notifications/doku" {
			continue
		}
		found := false
		for p := range forms {
			found = found || routeMatches(r.Path, p)
		}
		if !found {
			t.Errorf("POST %s is not covered by this test", r.Path)
		}
	}

	for path, form := range forms {
		for _, attack := range []string{"no token", "forged token", "cross-site"} {
			before := app.State(t)
			vals := url.Values{}
			for k, v := range form {
				vals[k] = v
			}
			if attack == "forged token" {
				vals.Set("csrf", "forged-0123456789abcdef0123456789")
			}
			req, _ := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(vals.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if attack == "cross-site" {
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				req.Header.Set("Origin", "https://evil.example")
			}
			resp, body := c.NoFollow(req)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s with %s: %d, want 403", path, attack, resp.StatusCode)
			}
			if attack != "cross-site" && !strings.Contains(body, "This form has expired") {
				t.Errorf("POST %s with %s: the page does not say why", path, attack)
			}
			if after := app.State(t); after != before {
				t.Errorf("POST %s with %s changed the state: %s → %s", path, attack, before, after)
			}
		}
	}
	// Still logged in as dewi (the forged logout did nothing), and the
	// forged login did not log a guest in.
	c.Get("/orders")
	if c.Path() != "/orders" {
		t.Errorf("after a forged logout the customer lands on %s, want /orders", c.Path())
	}
	guest := apptest.NewShopper(t, app)
	guest.Get("/")
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/login", strings.NewReader(forms["/login"].Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	guest.NoFollow(req)
	guest.Get("/orders")
	if guest.Path() != "/login" {
		t.Errorf("a login without a token logged the guest in (landed on %s)", guest.Path())
	}
}

// A state-changing POST from a sibling subdomain (Sec-Fetch-Site: same-site)
// is refused even with a token: that site could have planted the CSRF cookie.
func TestSameSitePostIsRefused(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	s.Get("/")
	tok, _ := s.Doc.Find(`input[name="csrf"]`).Attr("value")
	for _, tc := range []struct {
		site string
		want int
	}{{"same-site", http.StatusForbidden}, {"cross-site", http.StatusForbidden}, {"same-origin", http.StatusOK}} {
		body := "csrf=" + tok + "&product_id=1&quantity=1"
		req, _ := http.NewRequest(http.MethodPost, app.URL+"/cart/items", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", tc.site)
		s.Do(req)
		if s.Resp.StatusCode != tc.want {
			t.Errorf("Sec-Fetch-Site %s: %d, want %d", tc.site, s.Resp.StatusCode, tc.want)
		}
	}
	s.Get("/cart")
	if n := s.Count("cart-line"); n != 1 {
		t.Errorf("cart lines = %d, want 1 (only the same-origin POST)", n)
	}
}

// routeMatches reports whether path fits the echo route pattern.
func routeMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], ":") && ps[i] != xs[i] {
			return false
		}
	}
	return true
}
