package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"doku-checkout/app/apptest"
)

// Bad quantities and product ids are refused with 422 and a message, and
// the cart stays as it was.
func TestCartInputIsValidated(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "3")
	cart := func() string {
		s.Get("/cart")
		return fmt.Sprintf("%d lines, %s, total %s", s.Count("cart-line"), s.Doc.Find(`input[name="quantity"][type="number"]`).AttrOr("value", "?"), s.Text("order-total"))
	}
	want := cart()
	bad := []string{"-1", "100", "99999999999999999999", "abc", "1.5", "1e2", "0x10", "½", "3; DROP TABLE cart_items"}
	for _, q := range bad {
		for _, tc := range []struct{ path, field, id, msg string }{
			{"/cart/items", "quantity", "2", "Choose a quantity from 1 to 99."},
			{"/cart/items/2", "quantity", "", "Choose a quantity from 0 to 99"},
		} {
			s.Get("/")
			form := url.Values{tc.field: {q}}
			if tc.id != "" {
				form.Set("product_id", tc.id)
			}
			s.Post(tc.path, form)
			if s.Resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(s.Body, tc.msg) {
				t.Errorf("POST %s quantity=%q: %d; want 422 saying %q", tc.path, q, s.Resp.StatusCode, tc.msg)
			}
			if got := cart(); got != want {
				t.Errorf("POST %s quantity=%q changed the cart: %s → %s", tc.path, q, want, got)
			}
		}
	}
	s.Get("/")
	s.Post("/cart/items", url.Values{"quantity": {"0"}, "product_id": {"2"}})
	if s.Resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("adding quantity 0: %d, want 422", s.Resp.StatusCode)
	}
	for _, id := range []string{"999", "0", "-1", "abc", "", "1.0", "9223372036854775808"} {
		s.Get("/")
		s.Post("/cart/items", url.Values{"product_id": {id}, "quantity": {"1"}})
		if s.Resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(s.Body, "That product does not exist.") {
			t.Errorf("adding product %q: %d; want 422 'That product does not exist.'", id, s.Resp.StatusCode)
		}
	}
	for _, id := range []string{"999", "0", "4"} { // unknown, or not in this cart
		s.Get("/cart")
		s.Post("/cart/items/"+id, url.Values{"quantity": {"5"}})
		if s.Resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(s.Body, "That item is not in your cart.") {
			t.Errorf("updating product %s: %d; want 422 'That item is not in your cart.'", id, s.Resp.StatusCode)
		}
	}
	if got := cart(); got != want {
		t.Errorf("bad product ids changed the cart: %s → %s", want, got)
	}
}
