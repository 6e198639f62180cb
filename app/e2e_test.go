package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"doku-checkout/app/apptest"

	"doku-checkout/payment"
	"doku-checkout/store"
)

// The success card, as a guest: cart → checkout → 3DS → charge → receipt.
func TestGuestPaysWithSuccessCard(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "2") // Kopi Gayo, Rp 85.000 × 2
	s.AddToCart("5", "1") // Teh Melati, Rp 30.000
	if got := s.Text("order-total"); got != "Rp 200,000" {
		t.Fatalf("cart total = %q, want Rp 200,000", got)
	}
	s.Checkout(apptest.Card("4111 1111 1111 1111", "123"))
	if !strings.Contains(s.Body, "Rp 200.000") || !strings.Contains(s.Body, "411111******1111") {
		t.Fatalf("3DS page does not show amount and masked card:\n%s", s.Body)
	}
	s.OTP("123456")
	if !strings.HasPrefix(s.Path(), "/orders/INV-") {
		t.Fatalf("after 3DS landed on %s, want the receipt", s.Path())
	}
	if got := s.Text("order-status"); got != "SUCCESS" {
		t.Fatalf("order-status = %q, want SUCCESS\n%s", got, s.Body)
	}
	invoice := s.Text("invoice-number")
	if got := s.Text("order-total"); got != "Rp 200,000" {
		t.Errorf("receipt total = %q, want Rp 200,000", got)
	}
	if got := s.Text("masked-card"); !strings.Contains(got, "1111") || strings.Contains(got, "4111111111111111") {
		t.Errorf("masked-card = %q, want a masked number", got)
	}
	if n := app.Sandbox.ChargeCount(invoice); n != 1 {
		t.Errorf("sandbox charges for %s = %d, want 1", invoice, n)
	}
	o, err := app.Store.OrderByInvoice(context.Background(), invoice)
	if err != nil || o.Status != payment.StatusSuccess || o.AmountIDR != 200000 || o.ApprovalCode == "" {
		t.Fatalf("stored order = %+v, %v; want SUCCESS 200000 with an approval code", o, err)
	}
	s.Get("/cart")
	if s.Count("cart-line") != 0 {
		t.Errorf("cart still has %d lines after paying", s.Count("cart-line"))
	}
	// The receipt link works alone (a guest's only key), and not without it.
	other := apptest.NewShopper(t, app)
	other.Get(payReceipt(o))
	if other.Text("invoice-number") != invoice {
		t.Errorf("the receipt link did not open the receipt: %d", other.Resp.StatusCode)
	}
	other.Get("/orders/" + invoice)
	if other.Resp.StatusCode != http.StatusNotFound {
		t.Errorf("receipt without its key: %d, want 404", other.Resp.StatusCode)
	}
}

// payReceipt is a guest order's receipt link, with its own key.
func payReceipt(o store.Order) string { return payment.ReceiptLink(o) }

func TestDeclinedCardsFail(t *testing.T) {
	app := apptest.Start(t)
	for _, tc := range []struct{ number, code string }{
		{"4000000000000002", "05"},
		{"4000000000009995", "51"},
	} {
		t.Run(tc.number, func(t *testing.T) {
			s := apptest.NewShopper(t, app)
			s.AddToCart("1", "1")
			s.Pay(apptest.Card(tc.number, "123"), "123456")
			if got := s.Text("order-status"); got != "FAILED" {
				t.Fatalf("order-status = %q, want FAILED", got)
			}
			if got := s.Text("response-text"); !strings.Contains(got, tc.code) {
				t.Errorf("response text = %q, want code %s", got, tc.code)
			}
			if n := app.Sandbox.ChargeCount(s.Text("invoice-number")); n != 1 {
				t.Errorf("charges = %d, want 1", n)
			}
			s.Get("/cart")
			if s.Count("cart-line") != 1 {
				t.Errorf("a failed payment emptied the cart")
			}
		})
	}
}

func TestThreeDSFailureNeverCharges(t *testing.T) {
	app := apptest.Start(t)
	for _, tc := range []struct{ name, number, otp string }{
		{"card that always fails 3DS", "4000000000000101", "123456"},
		{"wrong OTP", "4111111111111111", "000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := apptest.NewShopper(t, app)
			s.AddToCart("3", "1")
			s.Pay(apptest.Card(tc.number, "123"), tc.otp)
			if got := s.Text("order-status"); got != "FAILED" {
				t.Fatalf("order-status = %q, want FAILED", got)
			}
			if n := app.Sandbox.ChargeCount(s.Text("invoice-number")); n != 0 {
				t.Errorf("charges after a failed 3DS = %d, want 0", n)
			}
		})
	}
}

// A customer saves a card, then pays again with it: a token charge.
func TestSavedCardRepeatPayment(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	apptest.Register(t, s, "budi@example.com")
	s.AddToCart("1", "1")
	first := apptest.Card("5573381011111101", "123")
	first.Set("save_card", "1")
	s.Pay(first, "123456")
	if got := s.Text("order-status"); got != "SUCCESS" {
		t.Fatalf("first payment: %q, want SUCCESS", got)
	}
	s.Get("/account/cards")
	if n := s.Count("saved-card"); n != 1 {
		t.Fatalf("saved cards = %d, want 1\n%s", n, s.Body)
	}
	if got := s.Text("saved-card"); !strings.Contains(got, "1101") || !strings.Contains(got, "MASTER") {
		t.Errorf("saved card shows %q, want MASTER …1101", got)
	}

	s.AddToCart("4", "1")
	s.Get("/checkout")
	if n := s.Count("saved-card"); n != 1 {
		t.Fatalf("checkout offers %d saved cards, want 1", n)
	}
	id, _ := s.Doc.Find(`input[name="saved_card"][value!="0"]`).Attr("value")
	fields := apptest.Contact()
	fields.Set("saved_card", id)
	s.Submit(`form[action="/checkout"]`, fields).OTP("123456")
	if got := s.Text("order-status"); got != "SUCCESS" {
		t.Fatalf("repeat payment: %q, want SUCCESS\n%s", got, s.Body)
	}
	o, _ := app.Store.OrderByInvoice(context.Background(), s.Text("invoice-number"))
	if o.CardToken == "" || o.AmountIDR != 275000 {
		t.Errorf("repeat order token=%q amount=%d; want a token charge of 275000", o.CardToken, o.AmountIDR)
	}
	s.Get("/orders")
	if n := s.Count("order-row"); n != 2 {
		t.Errorf("order history has %d rows, want 2", n)
	}
}

// Bad input: a message per field, the other input kept, the card number and
// CVV never echoed, nothing written.
func TestCheckoutValidation(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	s.AddToCart("1", "1")
	fields := apptest.Card("4111111111111112", "12")
	fields.Set("email", "not-an-email")
	s.Checkout(fields)
	if s.Resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, want 422", s.Resp.StatusCode)
	}
	if n := s.Count("field-error"); n != 3 {
		t.Errorf("field errors = %d, want 3 (email, card_number, card_cvv)\n%s", n, s.Body)
	}
	if v, _ := s.Doc.Find(`input[name="name"]`).Attr("value"); v != "Siti Rahma" {
		t.Errorf("name not kept: %q", v)
	}
	if strings.Contains(s.Body, "4111111111111112") {
		t.Error("the card number was rendered back")
	}
	if v, ok := s.Doc.Find(`input[name="card_cvv"]`).Attr("value"); ok && v != "" {
		t.Errorf("the CVV was rendered back: %q", v)
	}
	if orders, _ := app.Store.DueChecks(context.Background(), time.Now().Add(time.Hour), 10); len(orders) != 0 {
		t.Error("an invalid checkout wrote an order")
	}
}
