package app_test

// Issue 10 (DOKU as it is today) and issue 9 item 6, end to end: the real
// app against its sandbox, which refuses what DOKU refuses.

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"doku-checkout/app"
	"doku-checkout/app/apptest"

	"doku-checkout/doku"
	"doku-checkout/payment"
)

// Issue 9 item 6 and issue 10 item 7: a two-line address, a name with an
// apostrophe and a hyphen, a phone typed +62 812-…, and a product whose
// name has & ' " an emoji and 300 characters all reach SUCCESS through a
// sandbox that refuses each of them raw. DOKU's own sample card answers
// response code 01 (item 4): still SUCCESS.
func TestDoku10ShopDataPaysThroughSandbox(t *testing.T) {
	app := apptest.Start(t)
	db, err := sql.Open("sqlite", "file:"+app.DB+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	name := `Kopi & Teh "Spesial" 'Asli' ☕ ` + strings.Repeat("x", 270)
	res, err := db.Exec(`INSERT INTO products (name, description, price_idr, image) VALUES (?, '', 12345, '')`, name)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	s := apptest.NewShopper(t, app)
	s.AddToCart(strconv.FormatInt(id, 10), "2")
	fields := apptest.Card("5573381011111101", "123")
	fields.Set("name", "Anne-Marie O'Neil")
	fields.Set("address", "Jl. Merdeka No. 1-3\r\nBandung")
	fields.Set("phone", "+62 812-3456-7890")
	s.Pay(fields, "123456")
	if got := s.Text("order-status"); got != "SUCCESS" {
		t.Fatalf("order-status %q, want SUCCESS\n%s", got, s.Body)
	}
	o := app.Order(t, s.Text("invoice-number"))
	if o.ResponseCode != "01" || o.Address != "Jl. Merdeka No. 1-3, Bandung" || o.Phone != "6281234567890" || o.AmountIDR != 24690 {
		t.Errorf("order code %q address %q phone %q amount %d", o.ResponseCode, o.Address, o.Phone, o.AmountIDR)
	}
}

// Issue 9 item 6: a name with nothing DOKU accepts is refused on the form,
// with a message, before any call to DOKU (never after 3-D Secure).
func TestDoku10RefusedNameStopsBeforeThreeDS(t *testing.T) {
	app := apptest.Start(t, apptest.Recorded())
	s := apptest.NewShopper(t, app)
	s.AddToCart("1", "1")
	fields := apptest.Card("4111111111111111", "123")
	fields.Set("name", ". -")
	s.Checkout(fields)
	if s.Resp.StatusCode != http.StatusUnprocessableEntity || s.Count("field-error") != 1 || !strings.Contains(s.Body, "Use letters in your name.") {
		t.Fatalf("status %d with %d field errors, want 422 on the name\n%s", s.Resp.StatusCode, s.Count("field-error"), s.Body)
	}
	calls := len(app.DOKU.Calls())
	if calls != 0 {
		t.Errorf("%d calls to DOKU for a refused form, want none", calls)
	}
}

// Item 1: a customer who removes a saved card has it deleted at DOKU too
// (v2 delete-token): DOKU's token list no longer has it.
func TestDoku10RemovedCardIsDeletedAtDOKU(t *testing.T) {
	app := apptest.Start(t, apptest.Recorded())
	s := apptest.NewShopper(t, app)
	apptest.Register(t, s, "rina@example.com")
	s.AddToCart("1", "1")
	first := apptest.Card("4111111111111111", "123")
	first.Set("save_card", "1")
	s.Pay(first, "123456")
	if got := s.Text("order-status"); got != "SUCCESS" {
		t.Fatalf("payment: %q", got)
	}
	cust, err := app.Store.CustomerByEmail(context.Background(), "rina@example.com")
	if err != nil {
		t.Fatal(err)
	}
	client := doku.New(doku.Config{BaseURL: app.DokuURL, ClientID: app.Config.ClientID, SecretKey: app.Config.SecretKey})
	tokens := func() int {
		r, err := client.Tokens(context.Background(), cust.PublicID)
		if err != nil {
			t.Fatalf("token list: %v", err)
		}
		return len(r.Tokens)
	}
	if n := tokens(); n != 1 {
		t.Fatalf("DOKU holds %d tokens after saving, want 1", n)
	}
	s.Get("/account/cards")
	s.Submit(`form[action^="/account/cards/"]`, nil)
	if s.Resp.StatusCode != http.StatusOK || s.Count("saved-card") != 0 {
		t.Fatalf("after removing: %d with %d cards", s.Resp.StatusCode, s.Count("saved-card"))
	}
	if n := tokens(); n != 0 {
		t.Errorf("DOKU still holds %d tokens after the card was removed", n)
	}
	deletes := 0
	for _, c := range app.DOKU.Calls() {
		if c.Path == "/tokenization/v2/delete-token" {
			deletes++
		}
		if strings.HasPrefix(c.Path, "/tokenization/v1/") {
			t.Errorf("archived v1 called: %s", c.Path)
		}
	}
	if deletes != 1 {
		t.Errorf("%d delete-token calls, want 1", deletes)
	}
}

// Item 8: PAYMENT_TYPE is read from the environment, SALE by default, and
// only the types the shop supports are accepted.
func TestDoku10PaymentTypeSetting(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := app.LoadConfig(env(nil))
	if err != nil || c.PaymentType != payment.TypeSale {
		t.Errorf("default: %q %v, want SALE", c.PaymentType, err)
	}
	c, err = app.LoadConfig(env(map[string]string{"PAYMENT_TYPE": "authorize"}))
	if err != nil || c.PaymentType != payment.TypeAuthorize {
		t.Errorf("authorize: %q %v", c.PaymentType, err)
	}
	for _, bad := range []string{"MOTO", "RECURRING", "INSTALLMENT", "CAPTURE"} {
		if _, err := app.LoadConfig(env(map[string]string{"PAYMENT_TYPE": bad})); err == nil {
			t.Errorf("PAYMENT_TYPE=%s accepted", bad)
		}
	}
	// An AUTHORIZE shop takes a payment through 3-D Secure; it is
	// authorised, not taken, until the merchant captures it.
	app := apptest.Start(t, apptest.Env(map[string]string{"PAYMENT_TYPE": "AUTHORIZE"}))
	s := apptest.NewShopper(t, app)
	s.AddToCart("1", "1")
	s.Pay(apptest.Card("4111111111111111", "123"), "123456")
	if got := s.Text("order-status"); got != "AUTHORIZED" {
		t.Fatalf("AUTHORIZE payment: %q\n%s", got, s.Body)
	}
	if o := app.Order(t, s.Text("invoice-number")); o.AuthorizeID == "" || o.CapturedIDR != 0 {
		t.Errorf("authorised order: authorize id %q, captured %d; want an id and nothing captured", o.AuthorizeID, o.CapturedIDR)
	}
}
