package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"doku-checkout/app/apptest"
)

// Logins and card submissions are rate limited per client address. A
// client's own X-Forwarded-For or X-Real-IP buys no more attempts; a proxy
// in front of the shop (on a private address) still tells its clients apart.
func TestRateLimits(t *testing.T) {
	app := apptest.Start(t, apptest.Env(map[string]string{"LOGIN_RATE": "6", "CHECKOUT_RATE": "6"}))
	attempt := func(s *apptest.Shopper, path string, forwardedFor string) (*http.Response, string) {
		s.Get(path)
		form := url.Values{"email": {"nobody@example.com"}, "password": {"wrong password"}}
		if path == "/checkout" {
			form = apptest.Card("4111111111111112", "737") // refused by validation: no order
		}
		form.Set("csrf", s.CSRF())
		req, _ := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if forwardedFor != "" {
			req.Header.Set("X-Forwarded-For", forwardedFor)
			req.Header.Set("X-Real-IP", forwardedFor)
		}
		return s.NoFollow(req)
	}
	client := func(remote string) *apptest.Shopper {
		s := apptest.NewShopper(t, app)
		s.Client.Transport = apptest.AcceptLanguage{Next: apptest.CookieRecorder{Next: apptest.ViaHandler{Handler: app.Handler, Remote: remote}, App: app}, Lang: "en"}
		s.AddToCart("1", "1")
		return s
	}
	for _, tc := range []struct{ path, msg string }{
		{"/login", "Too many login attempts"},
		{"/checkout", "Too many payment attempts"},
	} {
		attacker := client("192.0.2.10:40000")
		var codes []int
		for i := range 4 {
			resp, body := attempt(attacker, tc.path, fmt.Sprintf("203.0.113.%d", i+1))
			codes = append(codes, resp.StatusCode)
			if resp.StatusCode == http.StatusTooManyRequests && (!strings.Contains(body, tc.msg) || resp.Header.Get("Retry-After") == "") {
				t.Errorf("%s: 429 without a clear message or Retry-After:\n%s", tc.path, body)
			}
		}
		if codes[0] != http.StatusUnprocessableEntity || slices.Contains(codes[1:], http.StatusUnprocessableEntity) {
			t.Errorf("%s attempts from one client with forged forwarding headers: %v; want 422, then 429 once the burst is spent", tc.path, codes)
		}
		// Behind the merchant's proxy, shoppers are told apart by the
		// address the proxy adds.
		proxy := client("10.0.0.2:50000")
		for i := range 3 {
			if resp, _ := attempt(proxy, tc.path, fmt.Sprintf("198.51.100.%d", i+1)); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: shopper %d behind the proxy got %d, want 422 (their own first attempt)", tc.path, i+1, resp.StatusCode)
			}
		}
	}
}

// A body over the limit is refused with 413 before anything reads it.
func TestBodyLimit(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	s.AddToCart("1", "1")
	s.Get("/checkout")
	before := app.State(t)
	big := strings.Repeat("A", 100<<10)
	for _, path := range []string{"/checkout", "/cart/items", "/login", "/notifications/doku"} {
		form := apptest.Card("4111111111111111", "737")
		form.Set("csrf", s.CSRF())
		form.Set("address", big)
		req, _ := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ := s.NoFollow(req)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s with %d KiB: %d, want 413", path, len(big)>>10, resp.StatusCode)
		}
	}
	if after := app.State(t); after != before {
		t.Errorf("oversized posts changed the state: %s → %s", before, after)
	}
}
