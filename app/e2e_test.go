package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doku-checkout/payment"
	"doku-checkout/store"
)

// The success card, as a guest: cart → checkout → 3DS → charge → receipt.
func TestGuestPaysWithSuccessCard(t *testing.T) {
	app := startApp(t, nil)
	s := newShopper(t, app)
	s.addToCart("2", "2") // Kopi Gayo, Rp 85.000 × 2
	s.addToCart("5", "1") // Teh Melati, Rp 30.000
	if got := s.text("order-total"); got != "Rp 200.000" {
		t.Fatalf("cart total = %q, want Rp 200.000", got)
	}
	s.checkout(card("4111 1111 1111 1111", "123"))
	if !strings.Contains(s.body, "Rp 200.000") || !strings.Contains(s.body, "411111******1111") {
		t.Fatalf("3DS page does not show amount and masked card:\n%s", s.body)
	}
	s.otp("123456")
	if !strings.HasPrefix(s.path(), "/orders/INV-") {
		t.Fatalf("after 3DS landed on %s, want the receipt", s.path())
	}
	if got := s.text("order-status"); got != "SUCCESS" {
		t.Fatalf("order-status = %q, want SUCCESS\n%s", got, s.body)
	}
	invoice := s.text("invoice-number")
	if got := s.text("order-total"); got != "Rp 200.000" {
		t.Errorf("receipt total = %q, want Rp 200.000", got)
	}
	if got := s.text("masked-card"); !strings.Contains(got, "1111") || strings.Contains(got, "4111111111111111") {
		t.Errorf("masked-card = %q, want a masked number", got)
	}
	if n := app.Sandbox.ChargeCount(invoice); n != 1 {
		t.Errorf("sandbox charges for %s = %d, want 1", invoice, n)
	}
	o, err := app.Store.OrderByInvoice(context.Background(), invoice)
	if err != nil || o.Status != payment.StatusSuccess || o.AmountIDR != 200000 || o.ApprovalCode == "" {
		t.Fatalf("stored order = %+v, %v; want SUCCESS 200000 with an approval code", o, err)
	}
	s.get("/cart")
	if s.count("cart-line") != 0 {
		t.Errorf("cart still has %d lines after paying", s.count("cart-line"))
	}
	// The receipt link works alone (a guest's only key), and not without it.
	other := newShopper(t, app)
	other.get(payReceipt(o))
	if other.text("invoice-number") != invoice {
		t.Errorf("the receipt link did not open the receipt: %d", other.resp.StatusCode)
	}
	other.get("/orders/" + invoice)
	if other.resp.StatusCode != http.StatusNotFound {
		t.Errorf("receipt without its key: %d, want 404", other.resp.StatusCode)
	}
}

// payReceipt is a guest order's receipt link, with its own key.
func payReceipt(o store.Order) string { return payment.ReceiptLink(o) }

func TestDeclinedCardsFail(t *testing.T) {
	app := startApp(t, nil)
	for _, tc := range []struct{ number, code string }{
		{"4000000000000002", "05"},
		{"4000000000009995", "51"},
	} {
		t.Run(tc.number, func(t *testing.T) {
			s := newShopper(t, app)
			s.addToCart("1", "1")
			s.pay(card(tc.number, "123"), "123456")
			if got := s.text("order-status"); got != "FAILED" {
				t.Fatalf("order-status = %q, want FAILED", got)
			}
			if got := s.text("response-text"); !strings.Contains(got, tc.code) {
				t.Errorf("response text = %q, want code %s", got, tc.code)
			}
			if n := app.Sandbox.ChargeCount(s.text("invoice-number")); n != 1 {
				t.Errorf("charges = %d, want 1", n)
			}
			s.get("/cart")
			if s.count("cart-line") != 1 {
				t.Errorf("a failed payment emptied the cart")
			}
		})
	}
}

func TestThreeDSFailureNeverCharges(t *testing.T) {
	app := startApp(t, nil)
	for _, tc := range []struct{ name, number, otp string }{
		{"card that always fails 3DS", "4000000000000101", "123456"},
		{"wrong OTP", "4111111111111111", "000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newShopper(t, app)
			s.addToCart("3", "1")
			s.pay(card(tc.number, "123"), tc.otp)
			if got := s.text("order-status"); got != "FAILED" {
				t.Fatalf("order-status = %q, want FAILED", got)
			}
			if n := app.Sandbox.ChargeCount(s.text("invoice-number")); n != 0 {
				t.Errorf("charges after a failed 3DS = %d, want 0", n)
			}
		})
	}
}

func register(t *testing.T, s *shopper, email string) {
	t.Helper()
	s.get("/register")
	s.submit(`form[action="/register"]`, url.Values{"name": {"Budi Santoso"}, "email": {email}, "password": {"correct horse battery"}})
	if s.resp.StatusCode != http.StatusOK || s.path() != "/" {
		t.Fatalf("register: %d at %s\n%s", s.resp.StatusCode, s.path(), s.body)
	}
}

// A customer saves a card, then pays again with it: a token charge.
func TestSavedCardRepeatPayment(t *testing.T) {
	app := startApp(t, nil)
	s := newShopper(t, app)
	register(t, s, "budi@example.com")
	s.addToCart("1", "1")
	first := card("5573381011111101", "123")
	first.Set("save_card", "1")
	s.pay(first, "123456")
	if got := s.text("order-status"); got != "SUCCESS" {
		t.Fatalf("first payment: %q, want SUCCESS", got)
	}
	s.get("/account/cards")
	if n := s.count("saved-card"); n != 1 {
		t.Fatalf("saved cards = %d, want 1\n%s", n, s.body)
	}
	if got := s.text("saved-card"); !strings.Contains(got, "1101") || !strings.Contains(got, "MASTER") {
		t.Errorf("saved card shows %q, want MASTER …1101", got)
	}

	s.addToCart("4", "1")
	s.get("/checkout")
	if n := s.count("saved-card"); n != 1 {
		t.Fatalf("checkout offers %d saved cards, want 1", n)
	}
	id, _ := s.doc.Find(`input[name="saved_card"][value!="0"]`).Attr("value")
	fields := contact()
	fields.Set("saved_card", id)
	s.submit(`form[action="/checkout"]`, fields).otp("123456")
	if got := s.text("order-status"); got != "SUCCESS" {
		t.Fatalf("repeat payment: %q, want SUCCESS\n%s", got, s.body)
	}
	o, _ := app.Store.OrderByInvoice(context.Background(), s.text("invoice-number"))
	if o.CardToken == "" || o.AmountIDR != 275000 {
		t.Errorf("repeat order token=%q amount=%d; want a token charge of 275000", o.CardToken, o.AmountIDR)
	}
	s.get("/orders")
	if n := s.count("order-row"); n != 2 {
		t.Errorf("order history has %d rows, want 2", n)
	}
}

// Bad input: a message per field, the other input kept, the card number and
// CVV never echoed, nothing written.
func TestCheckoutValidation(t *testing.T) {
	app := startApp(t, nil)
	s := newShopper(t, app)
	s.addToCart("1", "1")
	fields := card("4111111111111112", "12")
	fields.Set("email", "not-an-email")
	s.checkout(fields)
	if s.resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, want 422", s.resp.StatusCode)
	}
	if n := s.count("field-error"); n != 3 {
		t.Errorf("field errors = %d, want 3 (email, card_number, card_cvv)\n%s", n, s.body)
	}
	if v, _ := s.doc.Find(`input[name="name"]`).Attr("value"); v != "Siti Rahma" {
		t.Errorf("name not kept: %q", v)
	}
	if strings.Contains(s.body, "4111111111111112") {
		t.Error("the card number was rendered back")
	}
	if v, ok := s.doc.Find(`input[name="card_cvv"]`).Attr("value"); ok && v != "" {
		t.Errorf("the CVV was rendered back: %q", v)
	}
	if orders, _ := app.Store.DueChecks(context.Background(), time.Now().Add(time.Hour), 10); len(orders) != 0 {
		t.Error("an invalid checkout wrote an order")
	}
}
