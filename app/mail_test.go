package app_test

import (
	"context"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"doku-checkout/app/apptest"

	"doku-checkout/mail"
	"doku-checkout/mail/mailtest"
	"doku-checkout/store"
)

// payOnce pays with the test card and returns the receipt's invoice.
func payOnce(t *testing.T, app *apptest.App) string {
	t.Helper()
	_, invoice := payAs(t, app)
	return invoice
}

// payAs is payOnce that also returns the shopper who paid.
func payAs(t *testing.T, app *apptest.App) (*apptest.Shopper, string) {
	t.Helper()
	s := apptest.NewShopper(t, app)
	s.AddToCart("1", "2")
	s.Pay(apptest.Card("4111111111111111", "123"), "123456")
	s.WaitStatus("SUCCESS", 10*time.Second)
	return s, s.Text("invoice-number")
}

func TestPaidOrderPutsOneReceiptInTheMailbox(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	app := apptest.Start(t, apptest.Env(map[string]string{"SMTP_URL": "smtp://" + srv.Addr, "STORE_NAME": "Toko Uji", "STORE_EMAIL": "halo@toko-uji.example"}))
	invoice := payOnce(t, app)
	o := app.Order(t, invoice)
	got := srv.Wait(t, 1, 10*time.Second)
	// Delivered and recorded: nothing is left to send it again.
	waitMailStatus(t, app, o.ID, store.MailSent)
	if got = srv.Messages(); len(got) != 1 {
		t.Fatalf("mailbox has %d mails after one payment, want 1", len(got))
	}
	if len(got[0].To) != 1 || got[0].To[0] != "siti@example.com" {
		t.Errorf("mail to %v, want siti@example.com", got[0].To)
	}
	p, err := mail.Parse(got[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Subject(), invoice) || !strings.Contains(p.Text, "Toko Uji") || !strings.Contains(p.Text, o.CardMasked) ||
		o.CardMasked == "" || strings.Contains(p.Text, "4111111111111111") || strings.Contains(p.HTML, "4111111111111111") {
		t.Errorf("receipt: subject %q, masked card %q, text:\n%s", p.Subject(), o.CardMasked, p.Text)
	}
	// The link in the mail opens the receipt on another device: no cookie.
	link := regexp.MustCompile(regexp.QuoteMeta(app.URL) + `/orders/\S+`).FindString(p.Text)
	if link == "" {
		t.Fatalf("no receipt link under %s in the text:\n%s", app.URL, p.Text)
	}
	other := apptest.NewShopper(t, app)
	other.Get(strings.TrimPrefix(link, app.URL))
	if other.Resp.StatusCode != http.StatusOK || other.Text("invoice-number") != invoice {
		t.Errorf("the mailed link %s: %d, invoice %q; want the receipt", link, other.Resp.StatusCode, other.Text("invoice-number"))
	}
}

func TestMailServerDownDelaysNothingAndTheReceiptArrivesOnceItIsBack(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // the mail server is down
	app := apptest.Start(t, apptest.Env(map[string]string{"SMTP_URL": "smtp://" + addr, "MAIL_RETRY_AFTER": "50ms"}))
	invoice := payOnce(t, app) // the payment succeeds with no mail server
	o := app.Order(t, invoice)
	for m := waitMailStatus(t, app, o.ID, store.MailPending); m.Attempts < 2; m = waitMailStatus(t, app, o.ID, store.MailPending) {
		time.Sleep(20 * time.Millisecond)
	}
	srv := mailtest.Start(t, mailtest.Options{Addr: addr})
	got := srv.Wait(t, 1, 15*time.Second)
	waitMailStatus(t, app, o.ID, store.MailSent)
	if got = srv.Messages(); len(got) != 1 {
		t.Fatalf("mailbox has %d mails, want 1", len(got))
	}
	if p, err := mail.Parse(got[0].Data); err != nil || !strings.Contains(p.Subject(), invoice) {
		t.Errorf("the receipt that arrived: %v, subject %q", err, p.Subject())
	}
}

// waitMailStatus waits until the order's one mail is in status and returns it.
func waitMailStatus(t *testing.T, app *apptest.App, orderID int64, status string) store.OutboxMail {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ms, err := app.Store.MailsOfOrder(context.Background(), orderID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) > 1 {
			t.Fatalf("order %d has %d mails, want 1", orderID, len(ms))
		}
		if len(ms) == 1 && ms[0].Status == status {
			return ms[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %d's mail: %+v, want one %s", orderID, ms, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSandboxOutboxPageShowsTheReceiptWithNoMailServer(t *testing.T) {
	app := apptest.Start(t) // embedded sandbox, no SMTP_URL
	invoice := payOnce(t, app)
	o := app.Order(t, invoice)
	waitMailStatus(t, app, o.ID, store.MailPending)

	s := apptest.NewShopper(t, app)
	s.Get("/")
	if s.Doc.Find(`[data-testid="sandbox-outbox"]`).AttrOr("href", "") != "/_sandbox/mail" {
		t.Errorf("the sandbox banner does not link to the outbox")
	}
	s.Get("/_sandbox/mail")
	if s.Resp.StatusCode != http.StatusOK || s.Count("outbox-mail") != 1 || !strings.Contains(s.Text("outbox-subject"), invoice) {
		t.Fatalf("outbox page: %d, %d mails, subject %q; want the receipt of %s", s.Resp.StatusCode, s.Count("outbox-mail"), s.Text("outbox-subject"), invoice)
	}
	href, _ := s.Doc.Find(`[data-testid="outbox-subject"]`).Attr("href")
	s.Get(href)
	if !strings.Contains(s.Text("mail-text"), invoice) || !strings.Contains(s.Text("mail-text"), "Rp ") {
		t.Errorf("mail page text: %q", s.Text("mail-text"))
	}
	frame, _ := s.Doc.Find(`[data-testid="mail-html"]`).Attr("src")
	sandboxAttr, hasSandbox := s.Doc.Find(`[data-testid="mail-html"]`).Attr("sandbox")
	if !hasSandbox || sandboxAttr != "" {
		t.Errorf("the HTML frame is not sandboxed: sandbox=%q (present %v)", sandboxAttr, hasSandbox)
	}
	s.Get(frame)
	csp := s.Resp.Header.Get("Content-Security-Policy")
	if s.Resp.StatusCode != http.StatusOK || !strings.Contains(s.Body, invoice) || !strings.HasPrefix(csp, "sandbox;") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("mail HTML: %d, CSP %q", s.Resp.StatusCode, csp)
	}
	s.Get("/_sandbox/mail/999999")
	if s.Resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown mail: %d, want 404", s.Resp.StatusCode)
	}
}

func TestOutboxPageIsNotMountedWithARealGateway(t *testing.T) {
	app := apptest.Start(t, apptest.Recorded()) // DOKU_BASE_URL set: no embedded sandbox
	s := apptest.NewShopper(t, app)
	s.Get("/_sandbox/mail")
	if s.Resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /_sandbox/mail with DOKU_BASE_URL set: %d, want 404", s.Resp.StatusCode)
	}
}

func TestPublicSandboxDemoShowsOnlyTheViewersOwnMails(t *testing.T) {
	app := apptest.Start(t, apptest.Env(map[string]string{"SANDBOX_ON_PUBLIC_URL": "yes"}))
	payer, invoice := payAs(t, app)
	waitMailStatus(t, app, app.Order(t, invoice).ID, store.MailPending)
	payer.Get("/_sandbox/mail")
	if payer.Count("outbox-mail") != 1 {
		t.Errorf("the payer sees %d mails on the public demo's outbox, want their receipt", payer.Count("outbox-mail"))
	}
	stranger := apptest.NewShopper(t, app)
	stranger.Get("/_sandbox/mail")
	if stranger.Resp.StatusCode != http.StatusOK || stranger.Count("outbox-mail") != 0 {
		t.Errorf("a stranger on a public demo sees %d mails, want 0", stranger.Count("outbox-mail"))
	}
	ms, _ := app.Store.MailsOfOrder(context.Background(), app.Order(t, invoice).ID)
	stranger.Get("/_sandbox/mail/" + strconv.FormatInt(ms[0].ID, 10))
	if stranger.Resp.StatusCode != http.StatusNotFound {
		t.Errorf("a stranger opening the mail: %d, want 404", stranger.Resp.StatusCode)
	}
}

func TestReceiptPageShowsDeliveryAddressAndStoreContact(t *testing.T) {
	app := apptest.Start(t, apptest.Env(map[string]string{"STORE_NAME": "Toko Uji", "STORE_EMAIL": "halo@toko-uji.example",
		"STORE_PHONE": "+62 21 555 0199", "STORE_ADDRESS": "Jl. Uji No. 7, Bandung"}))
	s := apptest.NewShopper(t, app)
	s.AddToCart("1", "1")
	s.Pay(apptest.Card("4111111111111111", "123"), "123456")
	s.WaitStatus("SUCCESS", 10*time.Second)
	addr := s.Text("delivery-address")
	for _, want := range []string{"Siti Rahma", "Jl. Merdeka No. 10, Bandung", "6281234567890"} {
		if !strings.Contains(addr, want) {
			t.Errorf("delivery address %q lacks %q", addr, want)
		}
	}
	shop := s.Text("store-contact")
	for _, want := range []string{"Toko Uji", "halo@toko-uji.example", "+62 21 555 0199", "Jl. Uji No. 7, Bandung"} {
		if !strings.Contains(shop, want) {
			t.Errorf("store contact %q lacks %q", shop, want)
		}
	}
}
