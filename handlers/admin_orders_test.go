package handlers_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"doku-checkout/i18n"
	"doku-checkout/store"
)

// pay runs a guest's checkout of product 1 through the embedded sandbox's
// 3-D Secure page and returns the receipt's invoice.
func (b *browser) pay() string {
	b.t.Helper()
	b.get("/")
	b.post("/cart/items", url.Values{"product_id": {"1"}, "quantity": {"2"}})
	b.get("/checkout").submit(`form[action="/checkout"]`, url.Values{
		"name": {"Siti Rahma"}, "email": {"siti@example.com"}, "phone": {"081234567890"},
		"address": {"Jl. Merdeka No. 10, Bandung"}, "country": {"ID"}, "mode": {"direct"},
		"card_number": {"4111111111111111"}, "card_expiry": {"1230"}, "card_cvv": {"123"}, "saved_card": {"0"},
	})
	if b.doc.Find("#otp").Length() == 0 {
		b.t.Fatalf("not on the 3DS page: %d %s\n%s", b.status(), b.resp.Request.URL, b.body)
	}
	b.submit("form", url.Values{"otp": {"123456"}})
	if b.text("order-status") != "SUCCESS" {
		b.t.Fatalf("receipt status %q at %s, want SUCCESS", b.text("order-status"), b.path())
	}
	return b.text("invoice-number")
}

// The owner refunds half of a paid order from its page: DOKU (the sandbox)
// confirms, the order reads PARTIALLY_REFUNDED with the amounts, the
// shopper's receipt shows the partial refund, the audit record has it,
// and the CSV export of the filtered list has the row.
func TestAdminOwnerRefundsHalf(t *testing.T) {
	a := newAdminApp(t, nil)
	shopper := a.browser(t)
	invoice := shopper.pay()
	o, err := a.Store.OrderByInvoice(context.Background(), invoice)
	if err != nil {
		t.Fatal(err)
	}
	half := o.AmountIDR / 2

	owner := a.account(t, "owner@example.com", store.RoleOwner)
	owner.get("/admin/orders?q=" + invoice)
	if owner.count("admin-order-row") != 1 {
		t.Fatalf("search by invoice: %d rows, want 1", owner.count("admin-order-row"))
	}
	owner.get("/admin/orders/" + invoice)
	if owner.count("order-event") < 4 || owner.text("masked-card") != "411111******1111" {
		t.Errorf("order page: %d events, card %q; want the timeline and the masked card", owner.count("order-event"), owner.text("masked-card"))
	}
	if strings.Contains(owner.body, "4111111111111111") {
		t.Fatal("the order page shows a card number")
	}
	// Bad input comes back on the page with the amount kept.
	owner.submit(`form[data-testid="refund-form"]`, url.Values{"amount": {"abc"}})
	if owner.status() != http.StatusUnprocessableEntity || owner.count("field-error") != 1 || owner.doc.Find("#refund-amount").AttrOr("value", "") != "abc" {
		t.Fatalf("bad amount: %d, %d field errors; want 422 with the amount kept", owner.status(), owner.count("field-error"))
	}
	owner.submit(`form[data-testid="refund-form"]`, url.Values{"amount": {itoa(o.AmountIDR + 1)}})
	if owner.status() != http.StatusUnprocessableEntity || owner.count("field-error") != 1 {
		t.Fatalf("amount over the total: %d, want 422 with a field error", owner.status())
	}
	owner.get("/admin/orders/"+invoice).submit(`form[data-testid="refund-form"]`, url.Values{"amount": {itoa(half)}})
	if owner.status() != http.StatusOK || owner.count("flash") != 1 || owner.text("order-status") != "PARTIALLY_REFUNDED" {
		t.Fatalf("refund half: %d, status %q; want 200 PARTIALLY_REFUNDED with a flash\n%s", owner.status(), owner.text("order-status"), owner.body)
	}
	if got := owner.text("refunded-total"); got != idr(half) {
		t.Errorf("refunded-total %q, want %q", got, idr(half))
	}
	if got := a.auditActions(t, "order:"+invoice); !slices.Equal(got, []string{"order.refund"}) {
		t.Errorf("audit = %v, want [order.refund]", got)
	}

	shopper.get("/orders/" + invoice)
	en := i18n.For(i18n.English) // the shopper's browser reads English
	if shopper.text("order-status") != "PARTIALLY_REFUNDED" || shopper.text("refunded-total") != en.Money(half) || shopper.text("captured-total") != en.Money(o.AmountIDR) {
		t.Errorf("receipt: status %q refunded %q captured %q; want PARTIALLY_REFUNDED, %s, %s",
			shopper.text("order-status"), shopper.text("refunded-total"), shopper.text("captured-total"), en.Money(half), en.Money(o.AmountIDR))
	}

	owner.get("/admin/orders.csv?status=PARTIALLY_REFUNDED")
	rows, err := csv.NewReader(strings.NewReader(owner.body)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != invoice || rows[1][8] != itoa(half) {
		t.Errorf("csv = %v (%v), want the header and the order with refunded %d", rows, err, half)
	}
	if ct := owner.resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("csv content type %q", ct)
	}
	owner.get("/admin/")
	if owner.text("dashboard-paid-today") != idr(o.AmountIDR-half) {
		t.Errorf("dashboard paid today %q, want %q", owner.text("dashboard-paid-today"), idr(o.AmountIDR-half))
	}
}

// Every POST under /admin/ needs the CSRF token: without it, 403 and
// nothing changes.
func TestAdminPostsNeedCSRF(t *testing.T) {
	a := newAdminApp(t, nil)
	owner := a.account(t, "owner@example.com", store.RoleOwner)
	owner.get("/admin/")
	for _, p := range []string{"/admin/logout", "/admin/staff", "/admin/staff/1", "/admin/settings", "/admin/products/new", "/admin/products/1",
		"/admin/orders/INV-X/refund", "/admin/orders/INV-X/capture", "/admin/orders/INV-X/void", "/admin/orders/INV-X/check", "/admin/login", "/admin/setup"} {
		if owner.post(p, url.Values{"csrf": {"-"}, "email": {"x@example.com"}, "password": {testPassword}}); owner.status() != http.StatusForbidden {
			t.Errorf("POST %s without CSRF: %d, want 403", p, owner.status())
		}
		if owner.post(p, url.Values{"csrf": {"forged"}, "email": {"x@example.com"}}); owner.status() != http.StatusForbidden {
			t.Errorf("POST %s with a wrong CSRF token: %d, want 403", p, owner.status())
		}
	}
	if got := a.auditActions(t, ""); len(got) != 0 {
		t.Errorf("audit after refused POSTs: %v", got)
	}
	if owner.get("/admin/"); owner.status() != http.StatusOK || owner.path() != "/admin/" {
		t.Errorf("still logged in after the refused logout: %d at %s", owner.status(), owner.path())
	}
}

func itoa(n int64) string { return strconvFormat(n) }
