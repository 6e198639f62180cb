package app_test

// Issue 13, the shopper's side: never make a shopper type twice.

import (
	"net/http"
	"net/url"
	"testing"

	"doku-checkout/app/apptest"

	"github.com/PuerkitoBio/goquery"
)

// After a decline, "Try again" opens the checkout with the contact details
// and the cart as they were; only the card is new.
func TestDeclineThenRetryWithoutRetyping(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "2")
	fields := apptest.Card("4000000000000002", "737")    // do not honour
	fields.Set("name", "Siti Rahma, S.Kom.")             // a comma and an academic title
	fields.Set("address", "Jl. Merdeka No. 10\nBandung") // two lines: folded, never refused after 3-D Secure
	fields.Set("card_expiry", "12/2030")
	s.Pay(fields, "123456")
	if s.Text("order-status") != "FAILED" {
		t.Fatalf("declined card: %q", s.Text("order-status"))
	}
	retry, ok := s.Doc.Find(`[data-testid="retry"]`).Attr("href")
	if !ok {
		t.Fatalf("no Try again on the FAILED receipt")
	}
	s.Get(retry)
	if s.Path() != "/checkout" || s.Count("cart-line")+s.Count("line") == 0 {
		t.Fatalf("Try again led to %s without the cart", s.Path())
	}
	form := s.Doc.Find(`form[action="/checkout"]`)
	for field, want := range map[string]string{"name": "Siti Rahma, S.Kom.", "email": "siti@example.com", "phone": "081234567890"} {
		if got, _ := form.Find(`[name="` + field + `"]`).Attr("value"); got == "" || (field != "phone" && got != want) {
			t.Errorf("retry form %s = %q, want %q kept", field, got, want)
		}
	}
	if got := form.Find(`textarea[name="address"]`).Text(); got == "" {
		t.Errorf("retry form lost the address")
	}
	if v, _ := form.Find(`[name="card_number"]`).Attr("value"); v != "" {
		t.Errorf("the card number came back: %q", v)
	}
	// Only the card is typed again, and the order goes through.
	s.Submit(`form[action="/checkout"]`, url.Values{"card_number": {"4111111111111111"}, "card_expiry": {"1230"}, "card_cvv": {"737"}}).OTP("123456")
	if s.Text("order-status") != "SUCCESS" {
		t.Fatalf("retry: %q\n%s", s.Text("order-status"), s.Body)
	}
}

// A customer's checkout is filled from their last order, with their saved
// card preselected.
func TestCustomerCheckoutFilledFromLastOrder(t *testing.T) {
	app := apptest.Start(t)
	c := apptest.NewCustomer(t, app, "again@example.com", "4111111111111111")
	c.AddToCart("1", "1")
	c.Get("/checkout")
	form := c.Doc.Find(`form[action="/checkout"]`)
	if got, _ := form.Find(`[name="phone"]`).Attr("value"); got == "" {
		t.Errorf("phone not filled from the last order")
	}
	if got := form.Find(`textarea[name="address"]`).Text(); got == "" {
		t.Errorf("address not filled from the last order")
	}
	checked := form.Find(`input[name="saved_card"][checked]`)
	if v, _ := checked.Attr("value"); checked.Length() != 1 || v == "0" {
		t.Errorf("saved card not preselected: %d checked, value %q", checked.Length(), v)
	}
}

// A form sent back with errors says why the card fields are empty, links
// each field in error from the summary, which takes the focus.
func TestCheckoutErrorsListFieldsAndAskForTheCardAgain(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "1")
	fields := apptest.Card("4111111111111111", "737")
	fields.Set("email", "not an email")
	fields.Set("phone", "")
	s.Checkout(fields)
	if s.Resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid form: %d", s.Resp.StatusCode)
	}
	if s.Count("card-again") != 1 {
		t.Errorf("no 'enter your card again' hint")
	}
	summary := s.Doc.Find(`[data-testid="form-error"]`)
	if _, ok := summary.Attr("autofocus"); !ok {
		t.Errorf("the error summary does not take the focus")
	}
	var links []string
	summary.Find(`a[data-testid="error-link"]`).Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		links = append(links, href)
	})
	if len(links) != 2 || links[0] != "#email" || links[1] != "#phone" {
		t.Errorf("error summary links = %v, want [#email #phone]", links)
	}
}
