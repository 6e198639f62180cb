package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"doku-checkout/app/apptest"
)

// Another customer's cards and orders do not exist for you: every one of
// their ids is tried.
func TestOtherCustomersDataIsNotFound(t *testing.T) {
	app := apptest.Start(t, apptest.Recorded())
	victim := apptest.NewCustomer(t, app, "victim@example.com", "4111111111111111", "5573381011111101")
	me := apptest.NewCustomer(t, app, "me@example.com", "3530111333300000")
	ctx := context.Background()

	for _, id := range victim.Cards {
		idText := strconv.FormatInt(id, 10)
		orders, charges := app.CountOrders(t), app.DOKU.ChargeTotal()
		me.AddToCart("1", "1")
		me.Get("/checkout")
		fields := apptest.Contact()
		fields.Set("saved_card", idText)
		me.Submit(`form[action="/checkout"]`, fields)
		if me.Resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(me.Text("field-error"), "saved cards") {
			t.Errorf("checkout with the victim's card %d: %d, field error %q; want 422 and a field error", id, me.Resp.StatusCode, me.Text("field-error"))
		}
		if app.CountOrders(t) != orders || app.DOKU.ChargeTotal() != charges {
			t.Errorf("checkout with the victim's card %d made an order or a charge", id)
		}
		me.Get("/account/cards") // for my CSRF token
		req, _ := http.NewRequest(http.MethodPost, app.URL+"/account/cards/"+idText+"/delete",
			strings.NewReader(url.Values{"csrf": {me.Shopper.CSRF()}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ := me.NoFollow(req)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("deleting the victim's card %d: %d, want 404", id, resp.StatusCode)
		}
		if _, err := app.Store.SavedCard(ctx, id, victim.ID); err != nil {
			t.Errorf("the victim's card %d is gone: %v", id, err)
		}
	}
	for _, inv := range victim.Invoices {
		for _, q := range []string{"", "?k=", "?k=0000000000000000000000000000000", "?k=" + app.Order(t, me.Invoices[0]).Ref} {
			me.Get("/orders/" + inv + q)
			if me.Resp.StatusCode != http.StatusNotFound || strings.Contains(me.Body, inv) {
				t.Errorf("GET /orders/%s%s as another customer: %d, want 404 without the invoice", inv, q, me.Resp.StatusCode)
			}
		}
	}
	me.Get("/orders")
	var listed []string
	me.Doc.Find(`[data-testid="order-row"] [data-testid="invoice-number"]`).Each(func(_ int, s *goquery.Selection) {
		listed = append(listed, strings.TrimSpace(s.Text()))
	})
	if !slices.Equal(listed, me.Invoices) {
		t.Errorf("/orders lists %v, want only mine %v", listed, me.Invoices)
	}
	me.Get("/account/cards")
	if n := me.Count("saved-card"); n != 1 || !strings.Contains(me.Text("saved-card"), "JCB") {
		t.Errorf("/account/cards lists %d cards (%q), want only my JCB", n, me.Text("saved-card"))
	}
	for _, id := range victim.Cards {
		if me.Doc.Find(fmt.Sprintf(`form[action="/account/cards/%d/delete"]`, id)).Length() != 0 {
			t.Errorf("/account/cards offers to remove the victim's card %d", id)
		}
	}
}
