package app_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"doku-checkout/app/apptest"

	"doku-checkout/doku/signature"
	"doku-checkout/payment"
	"doku-checkout/store"
)

// heldNotifications stands between the sandbox and the app: it keeps each
// notification until released, then forwards it byte for byte. Its path is
// the app's notification path, so the sandbox's signature still verifies.
type heldNotifications struct {
	srv     *httptest.Server
	appURL  string
	release chan struct{}
	got     chan struct{}
}

func holdNotifications(t *testing.T, app *apptest.App) *heldNotifications {
	h := &heldNotifications{appURL: app.URL, release: make(chan struct{}), got: make(chan struct{}, 16)}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.got <- struct{}{}
		<-h.release
		req, _ := http.NewRequest(http.MethodPost, h.appURL+r.URL.Path, bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(func() {
		select {
		case <-h.release:
		default:
			close(h.release)
		}
		h.srv.Close()
	})
	app.Sandbox.SetNotificationURL(h.srv.URL + "/notifications/doku")
	return h
}

func (h *heldNotifications) waitArrived(t *testing.T) {
	t.Helper()
	select {
	case <-h.got:
	case <-time.After(10 * time.Second):
		t.Fatal("the sandbox sent no notification")
	}
}

// payHosted goes from /checkout to DOKU Checkout's page, pays there with
// fields, passes the OTP and returns to the callback_url.
func payHosted(s *apptest.Shopper, fields url.Values, pageFields url.Values) *apptest.Shopper {
	s.T.Helper()
	s.Checkout(fields)
	if !strings.Contains(s.Resp.Request.URL.Path, "checkout") || s.Resp.Request.URL.Host == strings.TrimPrefix(s.App.URL, "http://") {
		s.T.Fatalf("not on DOKU Checkout's page: %d %s\n%s", s.Resp.StatusCode, s.Resp.Request.URL, s.Body)
	}
	s.Submit("form", pageFields)
	return s.OTP("123456")
}

// Issue 5: the first hosted payment saves the card; the return before the
// notification shows PENDING, the receipt after it; the next payment offers
// the card on DOKU's page and on ours, where it pays host-to-host by token.
func TestHostedPaymentSavesCardAndSettlesByNotification(t *testing.T) {
	app := apptest.Start(t, apptest.Env(map[string]string{"PAYMENT_MODE": "direct,hosted"}))
	held := holdNotifications(t, app)
	s := apptest.NewShopper(t, app)
	apptest.Register(t, s, "wayan@example.com")
	s.AddToCart("6", "1") // Wayang, Rp 1.250.000

	fields := apptest.Contact()
	fields.Set("mode", "hosted")
	s.Checkout(fields)
	if !strings.Contains(s.Body, "Rp 1.250.000") || s.Doc.Find("#save-card").Length() != 1 {
		t.Fatalf("DOKU Checkout page lacks the amount or the save-card box (customer.id not sent?):\n%s", s.Body)
	}
	ctx := context.Background()
	invoice := s.Doc.Find(`[data-testid="invoice"]`).Text()
	o, err := app.Store.OrderByInvoice(ctx, invoice)
	if err != nil || o.Status != payment.StatusAwaitingPayment || o.Mode != store.ModeHosted {
		t.Fatalf("order before paying = %+v, %v; want AWAITING_PAYMENT hosted", o, err)
	}
	s.Submit("form", url.Values{"card_number": {"4111111111111111"}, "card_expiry": {"1230"}, "card_cvv": {"737"}, "save_card": {"1"}}).OTP("123456")
	held.waitArrived(t)

	// Back on our receipt before the notification: the return itself proves
	// nothing, but the receipt asks DOKU at once, whose signed status may
	// already say SUCCESS. Right after paying, never a second way to pay.
	if !strings.HasPrefix(s.Path(), "/orders/"+invoice) {
		t.Fatalf("callback landed on %s, want the receipt of %s", s.Path(), invoice)
	}
	switch got := s.Text("order-status"); got {
	case "PENDING":
	case "SUCCESS":
		if ev := app.Events(t, app.Order(t, invoice)); ev[len(ev)-1].Reason != "status check SUCCESS" {
			t.Errorf("SUCCESS before the notification came from %q, want DOKU's status", ev[len(ev)-1].Reason)
		}
	default:
		t.Fatalf("receipt before the notification = %q, want PENDING or DOKU's SUCCESS", got)
	}
	if s.Count("retry") != 0 {
		t.Errorf("the receipt right after paying offers to pay again")
	}
	close(held.release)
	s.WaitStatus("SUCCESS", 10*time.Second)
	if n := app.Sandbox.ChargeCount(invoice); n != 1 {
		t.Errorf("charges = %d, want 1", n)
	}
	s.Get("/account/cards")
	if s.Count("saved-card") != 1 || !strings.Contains(s.Text("saved-card"), "1111") {
		t.Fatalf("saved cards after a hosted payment with save: %d\n%s", s.Count("saved-card"), s.Body)
	}

	// Second payment on DOKU's page: the saved card is offered there.
	s.AddToCart("5", "2")
	s.Checkout(fields)
	if n := s.Doc.Find(".saved-token").Length(); n != 1 {
		t.Fatalf("DOKU Checkout offers %d saved cards on the second payment, want 1", n)
	}

	// That DOKU Checkout link is open and payable: paying the same cart
	// from our page now could charge twice, so it is refused.
	s.Get("/checkout")
	id, ok := s.Doc.Find(`input[name="saved_card"][value!="0"]`).Attr("value")
	if !ok {
		t.Fatalf("our checkout does not offer the saved card:\n%s", s.Body)
	}
	direct := apptest.Contact()
	direct.Set("mode", "direct")
	direct.Set("saved_card", id)
	s.Submit(`form[action="/checkout"]`, direct)
	if !strings.HasPrefix(s.Path(), "/orders/") || s.Text("order-status") != "PENDING" || s.Count("retry") == 0 {
		t.Fatalf("paying a cart whose DOKU Checkout link is open: landed on %s, want its PENDING receipt with a link back", s.Path())
	}

	// From our own page, with a fresh cart: a host-to-host charge with the token.
	s = apptest.NewShopper(t, app)
	apptest.Login(t, s, "wayan@example.com")
	s.AddToCart("5", "2")
	s.Get("/checkout")
	direct.Set("saved_card", id)
	s.Submit(`form[action="/checkout"]`, direct).OTP("123456")
	if got := s.Text("order-status"); got != "SUCCESS" {
		t.Fatalf("token payment = %q, want SUCCESS\n%s", got, s.Body)
	}
	paid, _ := app.Store.OrderByInvoice(ctx, s.Text("invoice-number"))
	if paid.CardToken == "" || paid.Mode != store.ModeDirect || paid.AmountIDR != 60000 {
		t.Errorf("token order = mode %s token %q amount %d; want direct, a token, 60000", paid.Mode, paid.CardToken, paid.AmountIDR)
	}
}

// A notification whose signature does not verify changes nothing.
func TestHostedBadSignatureNotificationChangesNothing(t *testing.T) {
	app := apptest.Start(t, apptest.Env(map[string]string{"PAYMENT_MODE": "hosted"}))
	app.Sandbox.SetNotificationURL("") // only our forged notification arrives
	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "1")
	s.Checkout(apptest.Contact())
	invoice := s.Doc.Find(`[data-testid="invoice"]`).Text()
	if invoice == "" {
		t.Fatalf("not on DOKU Checkout's page:\n%s", s.Body)
	}
	body := []byte(`{"service":{"id":"CREDIT_CARD"},"transaction":{"status":"SUCCESS","original_request_id":"x"},"order":{"invoice_number":"` + invoice + `","amount":85000}}`)
	for name, key := range map[string]string{"wrong key": "SK-not-the-secret", "right key, other body": app.Config.SecretKey} {
		ts := time.Now().UTC().Format(signature.TimestampLayout)
		c := signature.Components{ClientID: app.Config.ClientID, RequestID: "n-" + name, Timestamp: ts, Target: "/notifications/doku", Digest: signature.Digest(body)}
		sig := signature.Sign(key, c)
		sent := body
		if name == "right key, other body" {
			sent = bytes.Replace(body, []byte("85000"), []byte("85001"), 1)
		}
		req, _ := http.NewRequest(http.MethodPost, app.URL+"/notifications/doku", bytes.NewReader(sent))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Client-Id", app.Config.ClientID)
		req.Header.Set("Request-Id", c.RequestID)
		req.Header.Set("Request-Timestamp", ts)
		req.Header.Set("Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, resp.StatusCode)
		}
	}
	o, _ := app.Store.OrderByInvoice(context.Background(), invoice)
	if o.Status != payment.StatusAwaitingPayment {
		t.Fatalf("order after forged notifications = %s, want AWAITING_PAYMENT", o.Status)
	}
}

// DOKU Checkout keeps a declined link payable: a FAILED attempt must not end
// the order, or the SUCCESS of the shopper's second card would be ignored.
func TestHostedDeclineThenPayOnTheSameLink(t *testing.T) {
	app := apptest.Start(t, apptest.Env(map[string]string{"PAYMENT_MODE": "hosted"}))
	s := apptest.NewShopper(t, app)
	s.AddToCart("3", "2")
	s.Checkout(apptest.Contact())
	payURL := s.Resp.Request.URL.String()
	invoice := s.Doc.Find(`[data-testid="invoice"]`).Text()
	s.Submit("form", url.Values{"card_number": {"4000000000000002"}, "card_expiry": {"1230"}, "card_cvv": {"737"}}).OTP("123456")
	ctx := context.Background()
	o, _ := app.Store.OrderByInvoice(ctx, invoice)
	deadline := time.Now().Add(10 * time.Second)
	for declined := false; !declined; {
		ev, _ := app.Store.OrderEvents(ctx, o.ID)
		for _, e := range ev {
			declined = declined || strings.Contains(e.Reason, "FAILED attempt")
		}
		if time.Now().After(deadline) {
			t.Fatalf("the declined attempt's notification was not recorded: %+v", ev)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if o, _ = app.Store.OrderByInvoice(ctx, invoice); o.Status != payment.StatusAwaitingPayment {
		t.Fatalf("after a declined attempt the order is %s, want AWAITING_PAYMENT (the link is still payable)", o.Status)
	}
	s.Get(payReceipt(o))
	if got := s.Text("order-status"); got != "PENDING" {
		t.Fatalf("receipt after the decline = %q, want PENDING", got)
	}
	s.Get(payURL)
	s.Submit("form", url.Values{"card_number": {"4111111111111111"}, "card_expiry": {"1230"}, "card_cvv": {"737"}}).OTP("123456")
	s.WaitStatus("SUCCESS", 10*time.Second)
	if n := app.Sandbox.ChargeCount(invoice); n != 2 {
		t.Errorf("charges on the link = %d, want 2 (one declined, one paid)", n)
	}
}
