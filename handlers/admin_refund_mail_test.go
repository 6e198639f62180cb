package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doku-checkout/app/apptest"
	"doku-checkout/i18n"
	"doku-checkout/mail"
	"doku-checkout/store"
)

// A confirmed refund queues the shopper's refund notice, one per refund;
// the customer's order history and receipt show the status with the
// amounts: PARTIALLY_REFUNDED then REFUNDED, and AUTHORIZED with what is
// reserved.
func TestRefundMailAndOrderHistory(t *testing.T) {
	en := i18n.For(i18n.English) // the customer's browser, and so their order and mails, read English
	a := apptest.Start(t)
	cust := apptest.NewCustomer(t, a, "budi@example.com", "4111111111111111")
	invoice := cust.Invoices[0]
	o := a.Order(t, invoice)
	part := o.AmountIDR / 4

	owner := apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner)
	refund := func(amount int64, wantStatus string) {
		t.Helper()
		owner.Get("/admin/orders/"+invoice).Submit(`form[data-testid="refund-form"]`, url.Values{"amount": {itoa(amount)}})
		if owner.Resp.StatusCode != http.StatusOK || owner.Text("order-status") != wantStatus {
			t.Fatalf("refund %d: %d, status %q; want 200 %s\n%s", amount, owner.Resp.StatusCode, owner.Text("order-status"), wantStatus, owner.Body)
		}
	}
	refund(part, "PARTIALLY_REFUNDED")
	cust.Get("/orders")
	if cust.Text("order-status") != "PARTIALLY_REFUNDED" || !strings.Contains(cust.Text("row-refunded"), en.Money(part)) {
		t.Errorf("history: status %q, refunded %q; want PARTIALLY_REFUNDED and %s", cust.Text("order-status"), cust.Text("row-refunded"), en.Money(part))
	}
	refund(o.AmountIDR-part, "REFUNDED")
	cust.Get("/orders")
	if cust.Text("order-status") != "REFUNDED" || !strings.Contains(cust.Text("row-refunded"), en.Money(o.AmountIDR)) {
		t.Errorf("history: status %q, refunded %q; want REFUNDED and %s", cust.Text("order-status"), cust.Text("row-refunded"), en.Money(o.AmountIDR))
	}
	cust.Get("/orders/" + invoice)
	if cust.Text("order-status") != "REFUNDED" || cust.Text("refunded-total") != en.Money(o.AmountIDR) {
		t.Errorf("receipt: %q refunded %q, want REFUNDED %s", cust.Text("order-status"), cust.Text("refunded-total"), en.Money(o.AmountIDR))
	}

	// Two refunds, two notices (and the receipt), each with its amount.
	mails, err := a.Store.MailsOfOrder(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var amounts []string
	for _, m := range mails {
		if m.Kind != mail.KindRefund {
			continue
		}
		if m.Recipient != o.Email {
			t.Errorf("refund notice to %q, want the order's %q", m.Recipient, o.Email)
		}
		p, err := mail.Parse(m.Message)
		if err != nil {
			t.Fatal(err)
		}
		for _, amt := range []string{en.Money(part), en.Money(o.AmountIDR - part)} {
			if strings.Contains(p.Text, amt) {
				amounts = append(amounts, amt)
			}
		}
	}
	if len(mails) != 3 || len(amounts) != 2 || amounts[0] == amounts[1] {
		t.Errorf("mails of the order: %d, refund amounts found %v; want the receipt and one notice of %s and one of %s",
			len(mails), amounts, en.Money(part), en.Money(o.AmountIDR-part))
	}

	// AUTHORIZED: reserved, shown with its amount, no refund notice.
	owner.Get("/admin/settings").Submit(`form[action="/admin/settings"]`, url.Values{"payment_type": {"AUTHORIZE"}})
	cust.AddToCart("3", "1")
	cust.Pay(apptest.Card("4111111111111111", "737"), "123456")
	inv := cust.Text("invoice-number")
	ao := a.WaitOrder(t, inv, "AUTHORIZED", 5*time.Second)
	cust.Get("/orders/" + inv)
	if cust.Text("order-status") != "AUTHORIZED" || cust.Text("authorized-total") != en.Money(ao.AmountIDR) {
		t.Errorf("authorised receipt: %q reserved %q, want AUTHORIZED %s", cust.Text("order-status"), cust.Text("authorized-total"), en.Money(ao.AmountIDR))
	}
	cust.Get("/orders")
	if got := cust.Text("row-authorized"); !strings.Contains(got, en.Money(ao.AmountIDR)) {
		t.Errorf("history's authorised row: %q, want %s reserved", got, en.Money(ao.AmountIDR))
	}
}
