package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"doku-checkout/app/apptest"

	"doku-checkout/payment"
)

// While a cart's payment is under way (here PENDING: DOKU answered 500, but
// did charge), paying the same cart again must not make a second charge.
func TestPendingCartCannotBePaidAgain(t *testing.T) {
	app := apptest.Start(t, apptest.Env(map[string]string{"RECONCILE_AFTER": "1h"}))
	app.Sandbox.SetNotificationURL("") // the order stays PENDING for the whole test
	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "1")
	s.Pay(apptest.Card("4000000000000119", "737"), "123456")
	if got := s.Text("order-status"); got != "PENDING" {
		t.Fatalf("after the HTTP 500 card: %q, want PENDING", got)
	}
	first := s.Text("invoice-number")
	ctx := context.Background()
	before := app.CountOrders(t)

	s.Checkout(apptest.Card("4111111111111111", "737"))
	if !strings.HasPrefix(s.Path(), "/orders/"+first) {
		t.Fatalf("second checkout of a pending cart landed on %s (%d), want the first order's receipt", s.Path(), s.Resp.StatusCode)
	}
	if !strings.Contains(s.Text("flash"), "already in progress") {
		t.Errorf("flash = %q, want a message that a payment is in progress", s.Text("flash"))
	}
	if n := app.CountOrders(t); n != before {
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
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	s.AddToCart("1", "1")
	s.Checkout(apptest.Card("4111111111111111", "737"))
	tabA := s.Resp.Request.URL.String()
	formA := apptest.FormValues(s.Doc.Find("form").First())
	s.Checkout(apptest.Card("5573381011111101", "737")) // tab B: a new checkout of the same cart
	if s.Doc.Find("#otp").Length() == 0 {
		t.Fatalf("tab B did not reach 3-D Secure: %d %s", s.Resp.StatusCode, s.Path())
	}
	// Tab A answers its challenge first.
	formA.Set("otp", "123456")
	a := apptest.NewShopper(t, app)
	a.Client.Jar = s.Client.Jar
	req, _ := http.NewRequest(http.MethodPost, tabA, strings.NewReader(formA.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	a.Do(req)
	if got := a.Text("order-status"); got != "FAILED" {
		t.Fatalf("the superseded tab's 3DS return: %q, want FAILED", got)
	}
	s.OTP("123456")
	if got := s.Text("order-status"); got != "SUCCESS" {
		t.Fatalf("tab B: %q, want SUCCESS", got)
	}
	if n := app.Sandbox.TotalCharges(); n != 1 {
		t.Errorf("sandbox charges for one cart = %d, want 1", n)
	}
}

// A cart changed in another tab after the checkout page showed its total is
// not charged unseen: the shopper sees the new total first.
func TestCartChangedSinceCheckoutPageIsNotChargedUnseen(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "1")
	s.Get("/checkout")
	stale := apptest.FormValues(s.Doc.Find(`form[action="/checkout"]`))
	for k, v := range apptest.Card("4111111111111111", "737") {
		stale[k] = v
	}
	other := apptest.NewShopper(t, app) // another tab: same cookies
	other.Client.Jar = s.Client.Jar
	other.AddToCart("6", "1")
	before := app.CountOrders(t)
	s.Post("/checkout", stale)
	if s.Resp.StatusCode != http.StatusConflict || !strings.Contains(s.Text("form-error"), "cart changed") {
		t.Fatalf("stale checkout form: %d %q, want 409 and a message", s.Resp.StatusCode, s.Text("form-error"))
	}
	if got := s.Text("order-total"); got != "Rp 1,335,000" {
		t.Errorf("page shows total %q, want the new Rp 1,335,000", got)
	}
	if n := app.CountOrders(t); n != before {
		t.Fatalf("a stale form made an order")
	}
	s.Submit(`form[action="/checkout"]`, apptest.Card("4111111111111111", "737")).OTP("123456")
	if got := s.Text("order-status"); got != "SUCCESS" || s.Text("order-total") != "Rp 1,335,000" {
		t.Fatalf("after reviewing: %q %q, want SUCCESS Rp 1,335,000", got, s.Text("order-total"))
	}
}
