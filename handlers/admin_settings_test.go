package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doku-checkout/app/apptest"
	"doku-checkout/mail"
	"doku-checkout/store"
)

// What the owner saves on the settings page is what the shop uses from the
// next request on: the name and contact in the header, footer, receipt and
// e-mail; the payment modes the checkout offers; the payment type DOKU is
// asked for. The configuration's values (STORE_*, PAYMENT_MODE) were only
// the first start's defaults.
func TestAdminSettingsTakeEffect(t *testing.T) {
	a := apptest.Start(t, apptest.Env(map[string]string{"STORE_NAME": "Toko Awal", "PAYMENT_MODE": "direct,hosted"}))
	shopper := apptest.NewShopper(t, a)
	if got := shopper.Get("/").Text("store-name"); got != "Toko Awal" {
		t.Fatalf("header before any setting: %q, want STORE_NAME's Toko Awal", got)
	}
	owner := apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner)
	owner.Get("/admin/settings")
	if got := owner.Doc.Find("#store_name").AttrOr("value", ""); got != "Toko Awal" {
		t.Fatalf("settings form's store name %q, want the first start's Toko Awal", got)
	}
	save := func(set url.Values) {
		t.Helper()
		owner.Get("/admin/settings").Submit(`form[action="/admin/settings"]`, set)
		if owner.Resp.StatusCode != http.StatusOK || owner.Count("flash") != 1 {
			t.Fatalf("save settings %v: %d, flash %d\n%s", set, owner.Resp.StatusCode, owner.Count("flash"), owner.Body)
		}
	}
	save(url.Values{"store_name": {"Toko Batik Sari"}, "contact_email": {"halo@batiksari.example"}, "contact_phone": {"+62 274 555 0101"},
		"address": {"Jl. Malioboro 5, Yogyakarta"}, "mode_direct": {"1"}, "mode_hosted": nil, "payment_type": {"SALE"}})

	shopper.Get("/")
	footer := shopper.Text("footer-contact")
	if got := shopper.Text("store-name"); got != "Toko Batik Sari" || !strings.Contains(shopper.Doc.Find("title").Text(), "Toko Batik Sari") {
		t.Errorf("header %q, title %q; want the saved name", got, shopper.Doc.Find("title").Text())
	}
	for _, want := range []string{"Toko Batik Sari", "Jl. Malioboro 5, Yogyakarta", "halo@batiksari.example", "+62 274 555 0101"} {
		if !strings.Contains(footer, want) {
			t.Errorf("footer %q lacks %q", footer, want)
		}
	}
	// Direct only: the checkout shows the card form and no choice.
	shopper.AddToCart("1", "1")
	shopper.Get("/checkout")
	if shopper.Doc.Find(`input[name="card_number"]`).Length() != 1 || shopper.Doc.Find(`input[type="radio"][name="mode"]`).Length() != 0 {
		t.Errorf("direct only: card fields %d, mode radios %d; want 1 and 0", shopper.Doc.Find(`input[name="card_number"]`).Length(),
			shopper.Doc.Find(`input[type="radio"][name="mode"]`).Length())
	}
	shopper.Pay(apptest.Card("4111111111111111", "123"), "123456")
	if got := shopper.Text("order-status"); got != "SUCCESS" {
		t.Fatalf("SALE payment: %q, want SUCCESS", got)
	}
	contact := shopper.Text("store-contact")
	for _, want := range []string{"Toko Batik Sari", "Jl. Malioboro 5, Yogyakarta", "halo@batiksari.example", "+62 274 555 0101"} {
		if !strings.Contains(contact, want) {
			t.Errorf("receipt's contact %q lacks %q", contact, want)
		}
	}
	o := a.Order(t, shopper.Text("invoice-number"))
	mails := a.WaitMails(t, o.ID, 1, 5*time.Second) // the receipt
	m, err := mail.Parse(mails[0].Message)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Toko Batik Sari", "Jl. Malioboro 5, Yogyakarta", "halo@batiksari.example"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("receipt mail lacks %q:\n%s", want, m.Text)
		}
	}

	// Hosted only: no card form, and a direct payment is refused.
	save(url.Values{"mode_direct": nil, "mode_hosted": {"1"}})
	shopper.AddToCart("1", "1")
	shopper.Get("/checkout")
	if n := shopper.Doc.Find(`input[name="card_number"]`).Length(); n != 0 {
		t.Errorf("hosted only: %d card number fields, want none", n)
	}
	if got := shopper.Doc.Find(`input[name="mode"]`).AttrOr("value", ""); got != "hosted" {
		t.Errorf("hosted only: mode field %q, want hosted", got)
	}
	fields := apptest.Card("4111111111111111", "123")
	fields.Set("mode", "direct")
	shopper.Submit(`form[action="/checkout"]`, fields)
	if shopper.Resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("direct payment while only hosted is enabled: %d, want 422", shopper.Resp.StatusCode)
	}

	// AUTHORIZE: the next payment is authorised, to capture later.
	save(url.Values{"mode_direct": {"1"}, "mode_hosted": nil, "payment_type": {"AUTHORIZE"}})
	shopper.Get("/checkout")
	shopper.Submit(`form[action="/checkout"]`, apptest.Card("4111111111111111", "123")).OTP("123456")
	inv := shopper.Text("invoice-number")
	if o := a.WaitOrder(t, inv, "AUTHORIZED", 5*time.Second); o.AuthorizeID == "" {
		t.Errorf("authorised order %s has no authorize id", inv)
	}
	if got := shopper.Get(shopper.Resp.Request.URL.String()).Text("order-status"); got != "AUTHORIZED" {
		t.Errorf("receipt of an authorised payment: %q, want AUTHORIZED", got)
	}

	// Every save is in the audit record with before and after.
	audit := a.Audit(t, "settings")
	if len(audit) != 3 || audit[0].StaffEmail != "owner@example.com" || !strings.Contains(audit[0].Before, "Toko Awal") || !strings.Contains(audit[0].After, "Toko Batik Sari") {
		t.Errorf("audit = %+v, want 3 settings.update by the owner, the first from Toko Awal to Toko Batik Sari", audit)
	}
}

// The configuration is the first start's default only: a restart with
// other STORE_* and PAYMENT_MODE values keeps what the owner saved.
func TestSettingsSurviveARestartWithOtherEnv(t *testing.T) {
	db := t.TempDir() + "/shop.db"
	a := apptest.Start(t, apptest.Env(map[string]string{"DB_PATH": db, "STORE_NAME": "Toko Pertama", "PAYMENT_MODE": "hosted", "PAYMENT_TYPE": "AUTHORIZE"}))
	if sh := a.Shop.Shop(); sh.Name != "Toko Pertama" || len(sh.Modes) != 1 || sh.Modes[0] != "hosted" || sh.PaymentType != "AUTHORIZE" {
		t.Fatalf("first start's settings = %+v, want the configuration's", sh)
	}
	a.Close()
	b := apptest.Start(t, apptest.Env(map[string]string{"DB_PATH": db, "STORE_NAME": "Toko Kedua", "PAYMENT_MODE": "direct", "PAYMENT_TYPE": "SALE"}))
	if sh := b.Shop.Shop(); sh.Name != "Toko Pertama" || len(sh.Modes) != 1 || sh.Modes[0] != "hosted" || sh.PaymentType != "AUTHORIZE" {
		t.Errorf("after a restart with other env: %+v, want the first start's settings kept", sh)
	}
	if got := apptest.NewShopper(t, b).Get("/").Text("store-name"); got != "Toko Pertama" {
		t.Errorf("header %q, want Toko Pertama", got)
	}
}
