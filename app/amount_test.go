package app_test

import (
	"net/url"
	"testing"

	"doku-checkout/app/apptest"
)

// Prices and totals posted with the form are ignored: the order, the 3DS
// page and the charge carry the server's cart total.
func TestAmountTamperingIsIgnored(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "2") // Rp 85.000 × 2
	s.Get("/")
	s.Post("/cart/items", url.Values{"product_id": {"5"}, "quantity": {"1"}, "price": {"1"}, "price_idr": {"1"}, "amount": {"1"}})
	s.Get("/checkout")
	fields := apptest.Card("4111111111111111", "737")
	for _, k := range []string{"amount", "price", "total", "amount_idr", "order.amount", "order[amount]", "line_items[0][price]"} {
		fields.Set(k, "1")
	}
	s.Submit(`form[action="/checkout"]`, fields)
	if got := s.Text("amount"); got != "Rp 200.000" {
		t.Errorf("3DS page amount = %q, want Rp 200.000\n%s", got, s.Body)
	}
	s.OTP("123456")
	if got := s.Text("order-status"); got != "SUCCESS" {
		t.Fatalf("order status = %q, want SUCCESS", got)
	}
	o := app.Order(t, s.Text("invoice-number"))
	if o.AmountIDR != 200000 || s.Text("order-total") != "Rp 200,000" {
		t.Errorf("order amount %d, receipt total %q; want 200000, Rp 200,000", o.AmountIDR, s.Text("order-total"))
	}
	var sum int64
	for _, l := range o.Lines {
		sum += l.PriceIDR * int64(l.Quantity)
	}
	if sum != 200000 || len(o.Lines) != 2 {
		t.Errorf("order lines %+v sum to %d, want catalog prices summing to 200000", o.Lines, sum)
	}
}
