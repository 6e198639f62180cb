package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"doku-checkout/app/apptest"
)

// Every page carries the security headers; the card page the strictest.
func TestSecurityHeaders(t *testing.T) {
	app := apptest.Start(t)
	c := apptest.NewCustomer(t, app, "made@example.com", "4111111111111111")
	c.AddToCart("1", "1")
	pages := []string{"/", "/cart", "/checkout", "/login", "/register", "/orders", "/account/cards",
		"/orders/" + c.Invoices[0], "/orders/INV-00000000-0000000000", "/no-such-page"}
	for _, p := range pages {
		c.Get(p)
		h := c.Resp.Header
		csp := h.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q; want one with frame-ancestors 'none' and no unsafe-*", p, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: nosniff=%q Referrer-Policy=%q X-Frame-Options=%q", p, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"), h.Get("X-Frame-Options"))
		}
	}
	// The card page, as rendered and as re-rendered with errors.
	c.Get("/checkout")
	strict := func(what string) {
		h := c.Resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.HasPrefix(csp, "default-src 'none'") || strings.Contains(csp, "script-src") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q; want default-src 'none', no scripts, frame-ancestors 'none'", what, csp)
		}
		if !strings.Contains(h.Get("Cache-Control"), "no-store") || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: Cache-Control %q, Referrer-Policy %q; want no-store, no-referrer", what, h.Get("Cache-Control"), h.Get("Referrer-Policy"))
		}
	}
	strict("GET /checkout")
	c.Submit(`form[action="/checkout"]`, apptest.Card("4111111111111112", "737"))
	if c.Resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid card: %d, want 422", c.Resp.StatusCode)
	}
	strict("POST /checkout re-rendered")
}
