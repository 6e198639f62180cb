package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const checkoutCallback = "https://shop.example/checkout/return?order=ORD-9"

func checkoutBody(invoice, customer string) obj {
	b := obj{
		"order": obj{
			"invoice_number": invoice,
			"amount":         90000,
			"callback_url":   checkoutCallback,
			"line_items": []obj{
				{"name": "T-Shirt Red", "price": 30000, "quantity": 2},
				{"name": "Polo Navy", "price": 30000, "quantity": 1},
			},
		},
		"payment": obj{"payment_due_date": 60, "payment_method_types": []string{"CREDIT_CARD"}},
	}
	if customer != "" {
		b["customer"] = obj{"id": customer, "name": "Anton"}
	}
	return b
}

// createCheckout returns the hosted page URL.
func (h *harness) createCheckout(body obj) (string, checkoutResponse) {
	h.t.Helper()
	res := h.post("/checkout/v1/payment", h.newRequestID(), body)
	if res.status != http.StatusOK {
		h.t.Fatalf("checkout: got %d %s, want 200", res.status, res.body)
	}
	var out checkoutResponse
	if err := json.Unmarshal(res.body, &out); err != nil {
		h.t.Fatal(err)
	}
	return out.Response.Payment.URL, out
}

// postForm posts a form and returns status, Location and body.
func (h *harness) postForm(u string, v url.Values) (int, string, string) {
	h.t.Helper()
	resp, err := h.client.PostForm(u, v)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, resp.Header.Get("Location"), sb.String()
}

func TestCheckoutHostedFlow(t *testing.T) {
	rc := newReceiver(t)
	h := newHarness(t, nil)
	h.s.SetNotificationURL(rc.srv.URL + notifyPath)

	pageURL, out := h.createCheckout(checkoutBody("INV-CO-1", "CUST-C"))
	if len(out.Message) != 1 || out.Message[0] != "SUCCESS" || out.Response.Order.InvoiceNumber != "INV-CO-1" || out.Response.Order.Amount != 90000 {
		t.Errorf("checkout response: got %+v", out)
	}
	if !strings.HasPrefix(pageURL, h.s.cfg.PublicURL+checkoutPagePath) || !strings.HasSuffix(pageURL, out.Response.Payment.TokenID) {
		t.Errorf("payment.url: got %q", pageURL)
	}
	if !regexp.MustCompile(`^\d{14}$`).MatchString(out.Response.Payment.ExpiredDate) || out.Response.Headers.ClientID != testClientID || out.Response.Headers.RequestID == "" {
		t.Errorf("expired_date/headers: got %+v", out.Response)
	}
	// Since July 2025 (CL-2507): order.status, no transaction yet.
	if got := h.statusOf("INV-CO-1"); got != orderGenerated {
		t.Errorf("status before payment: got %q, want ORDER_GENERATED", got)
	}

	status, page := h.getPage(pageURL)
	for _, want := range []string{"Rp 90.000", "T-Shirt Red", "Rp 60.000", `id="card-number"`, `name="card_number"`, `id="card-expiry"`, `id="card-cvv"`, `id="save-card"`, `id="pay-submit"`} {
		if status != 200 || !strings.Contains(page, want) {
			t.Errorf("checkout page (%d): missing %q", status, want)
		}
	}
	if strings.Contains(page, "saved-token") {
		t.Errorf("first visit: saved cards shown, want none")
	}

	// Invalid input re-renders the form without echoing the number or CVV
	// (four digits: a three-digit CVV turned up in the page's random hex
	// token about once in 150 runs).
	code, _, page := h.postForm(pageURL, url.Values{"card_number": {"4111111111111112"}, "card_expiry": {futureExpiry()}, "card_cvv": {"9183"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, checkoutErrNumber) || strings.Contains(page, "4111111111111112") || strings.Contains(page, "9183") {
		t.Errorf("invalid card: got %d, want 422 with message and no number/CVV echo", code)
	}
	code, _, page = h.postForm(pageURL, url.Values{"card_number": {"4111111111111111"}, "card_expiry": {"13/30"}, "card_cvv": {"123"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, checkoutErrExpiry) {
		t.Errorf("invalid expiry: got %d, want 422 with message", code)
	}

	// Pay, failing the OTP first: back on the page with a message.
	form := url.Values{"card_number": {"5573 3810 1111 1101"}, "card_expiry": {futureExpiry()}, "card_cvv": {"123"}, "save_card": {"1"}}
	_, loc, _ := h.postForm(pageURL, form)
	if got := h.submitOTP(h.srv.URL+loc, "111111"); got != checkoutPagePath+out.Response.Payment.TokenID {
		t.Errorf("failed OTP Location: got %q, want the checkout page", got)
	}
	if _, page := h.getPage(pageURL); !strings.Contains(page, checkoutErr3DS) {
		t.Errorf("after failed OTP: page lacks %q", checkoutErr3DS)
	}

	code, loc, _ = h.postForm(pageURL, form)
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, challengePath) {
		t.Fatalf("pay: got %d %q, want 303 to the OTP page", code, loc)
	}
	if _, otpPage := h.getPage(h.srv.URL + loc); !strings.Contains(otpPage, "Rp 90.000") || !strings.Contains(otpPage, `id="otp-submit"`) {
		t.Errorf("OTP page: missing amount or submit")
	}
	if got := h.submitOTP(h.srv.URL+loc, passingOTP); got != checkoutCallback {
		t.Errorf("after OTP: Location got %q, want %q", got, checkoutCallback)
	}
	waitFor(t, 2*time.Second, "notification", func() bool { return rc.count() == 1 })
	n := rc.all()[0]
	if !n.verified || n.env.Transaction.Status != statusSuccess || n.env.Order.InvoiceNumber != "INV-CO-1" || n.env.CardPayment.Token == "" {
		t.Errorf("notification: got %s verified=%v", n.body, n.verified)
	}
	if got := h.statusOf(out.Response.Headers.RequestID); got != statusSuccess {
		t.Errorf("status by checkout Request-Id: got %q, want SUCCESS", got)
	}
	if _, page := h.getPage(pageURL); !strings.Contains(page, titleCheckoutPaid) {
		t.Errorf("paid link: page lacks %q", titleCheckoutPaid)
	}
	if code, _, _ := h.postForm(pageURL, form); code == http.StatusSeeOther {
		t.Errorf("paying a paid link: got 303, want the paid page")
	}

	// Second order: the saved card is offered and pays without a number.
	pageURL2, _ := h.createCheckout(checkoutBody("INV-CO-2", "CUST-C"))
	_, page = h.getPage(pageURL2)
	if !strings.Contains(page, `class="saved-token"`) || !strings.Contains(page, "557338******1101") || strings.Contains(page, "5573381011111101") {
		t.Fatalf("second visit: saved card not offered (masked)")
	}
	token := regexp.MustCompile(`class="saved-token" name="token" value="([0-9a-f]{32})"`).FindStringSubmatch(page)
	if token == nil {
		t.Fatalf("saved token radio not found")
	}
	_, loc, _ = h.postForm(pageURL2, url.Values{"token": {token[1]}})
	if got := h.submitOTP(h.srv.URL+loc, passingOTP); got != checkoutCallback {
		t.Errorf("token payment: Location got %q, want %q", got, checkoutCallback)
	}
	if got := h.s.ChargeCount("INV-CO-2"); got != 1 {
		t.Errorf("ChargeCount INV-CO-2: got %d, want 1", got)
	}
	if got := h.statusOf("INV-CO-2"); got != statusSuccess {
		t.Errorf("INV-CO-2 status: got %q, want SUCCESS", got)
	}

	// Another customer's page does not offer or accept that token.
	pageURL3, _ := h.createCheckout(checkoutBody("INV-CO-3", "CUST-OTHER"))
	if _, page := h.getPage(pageURL3); strings.Contains(page, "saved-token") {
		t.Errorf("other customer: saved card offered")
	}
	if code, _, _ := h.postForm(pageURL3, url.Values{"token": {token[1]}}); code != http.StatusUnprocessableEntity {
		t.Errorf("other customer's token: got %d, want 422", code)
	}
}

func TestCheckoutValidationAndExpiry(t *testing.T) {
	var offset atomic.Int64
	h := newHarness(t, func(c *Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	mod := func(f func(b obj)) obj {
		b := checkoutBody("INV-CV", "")
		f(b)
		return b
	}
	order := func(b obj) obj { return b["order"].(obj) }
	tests := []struct {
		name     string
		body     obj
		wantHTTP int
		wantMsg  string
	}{
		{"invoice missing", mod(func(b obj) { delete(order(b), "invoice_number") }), 400, "order.invoice_number"},
		{"invoice 65", mod(func(b obj) { order(b)["invoice_number"] = strings.Repeat("I", 65) }), 400, "order.invoice_number"},
		{"amount", mod(func(b obj) { order(b)["amount"] = 0 }), 400, "order.amount"},
		{"line items", mod(func(b obj) { order(b)["amount"] = 90001 }), 400, "order.line_items"},
		{"callback", mod(func(b obj) { order(b)["callback_url"] = "shop/return" }), 400, "order.callback_url"},
		{"due date", mod(func(b obj) { b["payment"] = obj{"payment_due_date": 0} }), 400, "payment.payment_due_date"},
		{"no card method", mod(func(b obj) { b["payment"] = obj{"payment_method_types": []string{"VIRTUAL_ACCOUNT_BCA"}} }), 412, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			res := h.post("/checkout/v1/payment", h.newRequestID(), tc.body)
			if res.status != tc.wantHTTP || !strings.HasPrefix(res.errorMessage(), tc.wantMsg) {
				t.Errorf("got %d %q, want %d %s", res.status, res.errorMessage(), tc.wantHTTP, tc.wantMsg)
			}
		})
	}
	h.t = t
	b := checkoutBody("INV-CO-EXP", "")
	b["payment"] = obj{"payment_due_date": 1}
	pageURL, _ := h.createCheckout(b)
	offset.Store(int64(2 * time.Minute))
	if code, page := h.getPage(pageURL); code != http.StatusGone || !strings.Contains(page, titleCheckoutExpired) {
		t.Errorf("expired link: got %d, want 410 with %q", code, titleCheckoutExpired)
	}
	if got := h.statusOf("INV-CO-EXP"); got != orderExpired { // no attempt: order.status only (CL-2507)
		t.Errorf("expired status: got %q, want EXPIRED", got)
	}
	if code, _ := h.getPage(h.srv.URL + checkoutPagePath + "nope"); code != http.StatusNotFound {
		t.Errorf("unknown link: got %d, want 404", code)
	}
}

func TestCheckoutDeclinedCard(t *testing.T) {
	h := newHarness(t, nil)
	pageURL, _ := h.createCheckout(checkoutBody("INV-CO-D", ""))
	_, loc, _ := h.postForm(pageURL, url.Values{"card_number": {"4000000000000002"}, "card_expiry": {futureExpiry()}, "card_cvv": {"123"}})
	if got := h.submitOTP(h.srv.URL+loc, passingOTP); got != checkoutCallback {
		t.Errorf("declined: Location got %q, want %q", got, checkoutCallback)
	}
	if got := h.statusOf("INV-CO-D"); got != statusFailed {
		t.Errorf("declined status: got %q, want FAILED", got)
	}
	// The link stays payable after a decline.
	_, loc, _ = h.postForm(pageURL, url.Values{"card_number": {"4111111111111111"}, "card_expiry": {futureExpiry()}, "card_cvv": {"123"}})
	h.submitOTP(h.srv.URL+loc, passingOTP)
	if got := h.statusOf("INV-CO-D"); got != statusSuccess {
		t.Errorf("after retry: got %q, want SUCCESS", got)
	}
}

// A link with only declined attempts is reported EXPIRED once its
// payment_due_date has passed (by invoice and by the Checkout's Request-Id):
// the merchant can close the order. Before that, the latest attempt.
func TestCheckoutDeclinedThenExpiredReportsExpired(t *testing.T) {
	var offset atomic.Int64
	h := newHarness(t, func(c *Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	b := checkoutBody("INV-CO-DX", "")
	b["payment"] = obj{"payment_due_date": 1, "payment_method_types": []string{"CREDIT_CARD"}}
	reqID := h.newRequestID()
	res := h.post("/checkout/v1/payment", reqID, b)
	var out checkoutResponse
	if err := json.Unmarshal(res.body, &out); err != nil || res.status != http.StatusOK {
		t.Fatalf("checkout: %d %s", res.status, res.body)
	}
	_, loc, _ := h.postForm(out.Response.Payment.URL, url.Values{"card_number": {"4000000000000002"}, "card_expiry": {futureExpiry()}, "card_cvv": {"123"}})
	h.submitOTP(h.srv.URL+loc, passingOTP)
	if got := h.statusOf("INV-CO-DX"); got != statusFailed {
		t.Fatalf("after a decline, before expiry: %q, want FAILED (the attempt)", got)
	}
	offset.Store(int64(2 * time.Minute))
	if got := h.statusOf("INV-CO-DX"); got != statusExpired {
		t.Errorf("declined link after its due date, by invoice: %q, want EXPIRED", got)
	}
	if got := h.statusOf(reqID); got != statusExpired {
		t.Errorf("declined link after its due date, by Request-Id: %q, want EXPIRED", got)
	}
}
