package handlers_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"doku-checkout/app/apptest"
	"doku-checkout/i18n"
	"doku-checkout/store"
	"doku-checkout/views"
)

// pay runs a guest's checkout of two of product 1 through the embedded
// sandbox's 3-D Secure page and returns the receipt's invoice.
func pay(t *testing.T, b *apptest.Shopper) string {
	t.Helper()
	b.AddToCart("1", "2")
	fields := apptest.Card("4111111111111111", "123")
	fields.Set("mode", "direct")
	b.Pay(fields, "123456")
	if b.Text("order-status") != "SUCCESS" {
		t.Fatalf("receipt status %q at %s, want SUCCESS", b.Text("order-status"), b.Path())
	}
	return b.Text("invoice-number")
}

// The owner refunds half of a paid order from its page: DOKU (the sandbox)
// confirms, the order reads PARTIALLY_REFUNDED with the amounts, the
// shopper's receipt shows the partial refund, the audit record has it,
// and the CSV export of the filtered list has the row.
func TestAdminOwnerRefundsHalf(t *testing.T) {
	a := apptest.Start(t)
	shopper := apptest.NewShopper(t, a)
	invoice := pay(t, shopper)
	o, err := a.Store.OrderByInvoice(context.Background(), invoice)
	if err != nil {
		t.Fatal(err)
	}
	half := o.AmountIDR / 2

	owner := apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner)
	owner.Get("/admin/orders?q=" + invoice)
	if owner.Count("admin-order-row") != 1 {
		t.Fatalf("search by invoice: %d rows, want 1", owner.Count("admin-order-row"))
	}
	owner.Get("/admin/orders/" + invoice)
	if owner.Count("order-event") < 4 || owner.Text("masked-card") != "411111******1111" {
		t.Errorf("order page: %d events, card %q; want the timeline and the masked card", owner.Count("order-event"), owner.Text("masked-card"))
	}
	if strings.Contains(owner.Body, "4111111111111111") {
		t.Fatal("the order page shows a card number")
	}
	// Bad input comes back on the page with the amount kept.
	owner.Submit(`form[data-testid="refund-form"]`, url.Values{"amount": {"abc"}})
	if owner.Resp.StatusCode != http.StatusUnprocessableEntity || owner.Count("field-error") != 1 || owner.Doc.Find("#refund-amount").AttrOr("value", "") != "abc" {
		t.Fatalf("bad amount: %d, %d field errors; want 422 with the amount kept", owner.Resp.StatusCode, owner.Count("field-error"))
	}
	owner.Submit(`form[data-testid="refund-form"]`, url.Values{"amount": {itoa(o.AmountIDR + 1)}})
	if owner.Resp.StatusCode != http.StatusUnprocessableEntity || owner.Count("field-error") != 1 {
		t.Fatalf("amount over the total: %d, want 422 with a field error", owner.Resp.StatusCode)
	}
	owner.Get("/admin/orders/"+invoice).Submit(`form[data-testid="refund-form"]`, url.Values{"amount": {itoa(half)}})
	if owner.Resp.StatusCode != http.StatusOK || owner.Count("flash") != 1 || owner.Text("order-status") != "PARTIALLY_REFUNDED" {
		t.Fatalf("refund half: %d, status %q; want 200 PARTIALLY_REFUNDED with a flash\n%s", owner.Resp.StatusCode, owner.Text("order-status"), owner.Body)
	}
	if got := owner.Text("refunded-total"); got != idr(half) {
		t.Errorf("refunded-total %q, want %q", got, idr(half))
	}
	if got := a.AuditActions(t, "order:"+invoice); !slices.Equal(got, []string{"order.refund"}) {
		t.Errorf("audit = %v, want [order.refund]", got)
	}

	shopper.Get("/orders/" + invoice)
	en := i18n.For(i18n.English) // the shopper's browser reads English
	if shopper.Text("order-status") != "PARTIALLY_REFUNDED" || shopper.Text("refunded-total") != en.Money(half) || shopper.Text("captured-total") != en.Money(o.AmountIDR) {
		t.Errorf("receipt: status %q refunded %q captured %q; want PARTIALLY_REFUNDED, %s, %s",
			shopper.Text("order-status"), shopper.Text("refunded-total"), shopper.Text("captured-total"), en.Money(half), en.Money(o.AmountIDR))
	}

	owner.Get("/admin/orders.csv?status=PARTIALLY_REFUNDED")
	rows, err := csv.NewReader(strings.NewReader(owner.Body)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != invoice || rows[1][8] != itoa(half) {
		t.Errorf("csv = %v (%v), want the header and the order with refunded %d", rows, err, half)
	}
	if ct := owner.Resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("csv content type %q", ct)
	}
	owner.Get("/admin/")
	if owner.Text("dashboard-paid-today") != idr(o.AmountIDR-half) {
		t.Errorf("dashboard paid today %q, want %q", owner.Text("dashboard-paid-today"), idr(o.AmountIDR-half))
	}
}

// Every POST under /admin/ needs the CSRF token: without it, 403 and
// nothing changes.
func TestAdminPostsNeedCSRF(t *testing.T) {
	a := apptest.Start(t)
	owner := apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner)
	owner.Get("/admin/")
	for _, p := range []string{"/admin/logout", "/admin/staff", "/admin/staff/1", "/admin/settings", "/admin/products/new", "/admin/products/1",
		"/admin/orders/INV-X/refund", "/admin/orders/INV-X/capture", "/admin/orders/INV-X/void", "/admin/orders/INV-X/check", "/admin/login", "/admin/setup"} {
		if resp, _ := owner.PostNoFollow(p, url.Values{"csrf": {"-"}, "email": {"x@example.com"}, "password": {apptest.Password}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without CSRF: %d, want 403", p, resp.StatusCode)
		}
		if resp, _ := owner.PostNoFollow(p, url.Values{"csrf": {"forged"}, "email": {"x@example.com"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s with a wrong CSRF token: %d, want 403", p, resp.StatusCode)
		}
	}
	if got := a.AuditActions(t, ""); len(got) != 0 {
		t.Errorf("audit after refused POSTs: %v", got)
	}
	if owner.Get("/admin/"); owner.Resp.StatusCode != http.StatusOK || owner.Path() != "/admin/" {
		t.Errorf("still logged in after the refused logout: %d at %s", owner.Resp.StatusCode, owner.Path())
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func idr(n int64) string { return views.IDR(n) }
