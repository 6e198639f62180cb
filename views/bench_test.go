package views

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
)

// benchPageOf is the layout data a real request carries: a CSRF token as the
// middleware makes it, a versioned static prefix, a cart badge.
func benchPageOf(title string) Page {
	return Page{Title: title, CSRF: "dGhpcy1pcy1hLTMyLWNoYXJhY3Rlci10b2tlbg", CartCount: 3, StaticPrefix: "/static/3f2a9c1b/"}
}

var benchLines = []Line{
	{ProductID: 2, Name: "Kopi Gayo", Quantity: 2, UnitText: IDR(85000), LineTotalText: IDR(170000)},
	{ProductID: 5, Name: "Teh Melati", Quantity: 1, UnitText: IDR(30000), LineTotalText: IDR(30000)},
}

// benchCountries is the checkout's country list (16 options, as handlers offers).
var benchCountries = []Country{
	{Code: "ID", Name: "Indonesia"}, {Code: "SG", Name: "Singapore"}, {Code: "MY", Name: "Malaysia"},
	{Code: "TH", Name: "Thailand"}, {Code: "PH", Name: "Philippines"}, {Code: "VN", Name: "Vietnam"},
	{Code: "BN", Name: "Brunei"}, {Code: "TL", Name: "Timor-Leste"}, {Code: "AU", Name: "Australia"},
	{Code: "JP", Name: "Japan"}, {Code: "KR", Name: "South Korea"}, {Code: "CN", Name: "China"},
	{Code: "IN", Name: "India"}, {Code: "NL", Name: "Netherlands"}, {Code: "GB", Name: "United Kingdom"},
	{Code: "US", Name: "United States"},
}

// benchRender renders c b.N times into a reused buffer, as the handlers'
// render helper does, and checks the page holds want.
func benchRender(b *testing.B, c templ.Component, want string) {
	b.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		b.Fatalf("Render: %v", err)
	}
	if !strings.Contains(buf.String(), want) {
		b.Fatalf("rendered page lacks %q", want)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		buf.Reset()
		if err := c.Render(context.Background(), &buf); err != nil {
			b.Fatalf("Render: %v", err)
		}
	}
}

// BenchmarkCheckoutPage renders a guest's checkout (direct card payment)
// with a 2-line cart.
func BenchmarkCheckoutPage(b *testing.B) {
	v := CheckoutView{
		Page: benchPageOf("Checkout"), Form: CheckoutForm{Country: "ID", Mode: "direct"},
		Lines: benchLines, TotalText: IDR(200000), DirectEnabled: true, Countries: benchCountries,
		CheckoutKey: "c2b1f0e4a9d84c7e8f3a6b5d4c3b2a19",
	}
	benchRender(b, CheckoutPage(v), `name="checkout_key" value="c2b1f0e4a9d84c7e8f3a6b5d4c3b2a19"`)
}

// BenchmarkReceiptPage renders a paid order's receipt.
func BenchmarkReceiptPage(b *testing.B) {
	v := ReceiptView{
		Page: benchPageOf("Receipt INV-20261123-0001"), Invoice: "INV-20261123-0001",
		DateText: DateWIB(time.Date(2026, 11, 23, 7, 5, 0, 0, time.UTC)), Lines: benchLines, TotalText: IDR(200000),
		Status: "SUCCESS", StatusMessage: "Payment received. Thank you for your order!",
		Masked: "411111******1111", Brand: "VISA", ApprovalCode: "A1B2C3", CustomerName: "Siti Rahma", Email: "siti@example.com",
	}
	benchRender(b, ReceiptPage(v), `data-testid="order-status"`)
}
