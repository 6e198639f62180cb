package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"doku-checkout/payment"
)

// While a cart's payment is under way (here PENDING: DOKU answered 500, but
// did charge), paying the same cart again must not make a second charge.
func TestPendingCartCannotBePaidAgain(t *testing.T) {
	app := startApp(t, map[string]string{"RECONCILE_AFTER": "1h"})
	app.Sandbox.SetNotificationURL("") // the order stays PENDING for the whole test
	s := newShopper(t, app)
	s.addToCart("2", "1")
	s.pay(card("4000000000000119", "737"), "123456")
	if got := s.text("order-status"); got != "PENDING" {
		t.Fatalf("after the HTTP 500 card: %q, want PENDING", got)
	}
	first := s.text("invoice-number")
	ctx := context.Background()
	before := app.countOrders(t)

	s.checkout(card("4111111111111111", "737"))
	if !strings.HasPrefix(s.path(), "/orders/"+first) {
		t.Fatalf("second checkout of a pending cart landed on %s (%d), want the first order's receipt", s.path(), s.resp.StatusCode)
	}
	if !strings.Contains(s.text("flash"), "already in progress") {
		t.Errorf("flash = %q, want a message that a payment is in progress", s.text("flash"))
	}
	if n := app.countOrders(t); n != before {
		t.Errorf("orders %d → %d: a second order was made for a pending cart", before, n)
	}
	if n := app.Sandbox.TotalCharges(); n != 1 {
		t.Errorf("sandbox charges = %d, want 1", n)
	}
	o, _ := app.Store.OrderByInvoice(ctx, first)
	if o.Status != payment.StatusPending {
		t.Errorf("first order = %s, want PENDING", o.Status)
	}
}

// Two tabs reach 3-D Secure for the same cart: the older challenge, finished
// after the newer checkout, must not charge.
func TestOlderThreeDSTabCannotChargeTheSameCart(t *testing.T) {
	app := startApp(t, nil)
	s := newShopper(t, app)
	s.addToCart("1", "1")
	s.checkout(card("4111111111111111", "737"))
	tabA := s.resp.Request.URL.String()
	formA := formValues(s.doc.Find("form").First())
	s.checkout(card("5573381011111101", "737")) // tab B: a new checkout of the same cart
	if s.doc.Find("#otp").Length() == 0 {
		t.Fatalf("tab B did not reach 3-D Secure: %d %s", s.resp.StatusCode, s.path())
	}
	// Tab A answers its challenge first.
	formA.Set("otp", "123456")
	a := newShopper(t, app)
	a.c.Jar = s.c.Jar
	req, _ := http.NewRequest(http.MethodPost, tabA, strings.NewReader(formA.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	a.do(req)
	if got := a.text("order-status"); got != "FAILED" {
		t.Fatalf("the superseded tab's 3DS return: %q, want FAILED", got)
	}
	s.otp("123456")
	if got := s.text("order-status"); got != "SUCCESS" {
		t.Fatalf("tab B: %q, want SUCCESS", got)
	}
	if n := app.Sandbox.TotalCharges(); n != 1 {
		t.Errorf("sandbox charges for one cart = %d, want 1", n)
	}
}

// A state-changing POST from a sibling subdomain (Sec-Fetch-Site: same-site)
// is refused even with a token: that site could have planted the CSRF cookie.
func TestSameSitePostIsRefused(t *testing.T) {
	app := startApp(t, nil)
	s := newShopper(t, app)
	s.get("/")
	tok, _ := s.doc.Find(`input[name="csrf"]`).Attr("value")
	for _, tc := range []struct {
		site string
		want int
	}{{"same-site", http.StatusForbidden}, {"cross-site", http.StatusForbidden}, {"same-origin", http.StatusOK}} {
		body := "csrf=" + tok + "&product_id=1&quantity=1"
		req, _ := http.NewRequest(http.MethodPost, app.URL+"/cart/items", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", tc.site)
		s.do(req)
		if s.resp.StatusCode != tc.want {
			t.Errorf("Sec-Fetch-Site %s: %d, want %d", tc.site, s.resp.StatusCode, tc.want)
		}
	}
	s.get("/cart")
	if n := s.count("cart-line"); n != 1 {
		t.Errorf("cart lines = %d, want 1 (only the same-origin POST)", n)
	}
}

// Logging out ends the login on the server: a session cookie copied before
// (another device, a stolen cookie) no longer opens the account.
func TestLogoutInvalidatesCopiedCookie(t *testing.T) {
	app := startApp(t, nil)
	s := newShopper(t, app)
	register(t, s, "copy@example.com")
	base, _ := url.Parse(app.URL)
	copied := s.c.Jar.Cookies(base)
	thief := newShopper(t, app)
	thief.c.Jar.SetCookies(base, copied)
	thief.get("/orders")
	if thief.path() != "/orders" {
		t.Fatalf("the copied cookie did not work before logout (landed on %s): the test proves nothing", thief.path())
	}
	s.get("/")
	s.post("/logout", url.Values{})
	thief.get("/orders")
	if thief.path() == "/orders" {
		t.Fatal("a session cookie copied before logout still opens the account")
	}
	// And logging in again works.
	login(t, s, "copy@example.com")
	s.get("/orders")
	if s.path() != "/orders" {
		t.Fatalf("login after logout: landed on %s", s.path())
	}
}

// A cart changed in another tab after the checkout page showed its total is
// not charged unseen: the shopper sees the new total first.
func TestCartChangedSinceCheckoutPageIsNotChargedUnseen(t *testing.T) {
	app := startApp(t, nil)
	s := newShopper(t, app)
	s.addToCart("2", "1")
	s.get("/checkout")
	stale := formValues(s.doc.Find(`form[action="/checkout"]`))
	for k, v := range card("4111111111111111", "737") {
		stale[k] = v
	}
	other := newShopper(t, app) // another tab: same cookies
	other.c.Jar = s.c.Jar
	other.addToCart("6", "1")
	before := app.countOrders(t)
	s.post("/checkout", stale)
	if s.resp.StatusCode != http.StatusConflict || !strings.Contains(s.text("form-error"), "cart changed") {
		t.Fatalf("stale checkout form: %d %q, want 409 and a message", s.resp.StatusCode, s.text("form-error"))
	}
	if got := s.text("order-total"); got != "Rp 1.335.000" {
		t.Errorf("page shows total %q, want the new Rp 1.335.000", got)
	}
	if n := app.countOrders(t); n != before {
		t.Fatalf("a stale form made an order")
	}
	s.submit(`form[action="/checkout"]`, card("4111111111111111", "737")).otp("123456")
	if got := s.text("order-status"); got != "SUCCESS" || s.text("order-total") != "Rp 1.335.000" {
		t.Fatalf("after reviewing: %q %q, want SUCCESS Rp 1.335.000", got, s.text("order-total"))
	}
}
