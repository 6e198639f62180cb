package sandbox

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTestCards(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		card        string
		expiry      string
		wantHTTP    int
		wantStatus  string // payment.status in the response
		wantCode    string
		wantBrand   string
		wantFinal   string // status check once settled
		badSig      bool
		minDuration time.Duration
	}{
		{"4111111111111111", "", 200, "SUCCESS", "00", "VISA", "SUCCESS", false, 0},
		{"5573381011111101", "", 200, "SUCCESS", "01", "MASTER", "SUCCESS", false, 0}, // as DOKU's own sample
		{"4000000000000002", "", 200, "FAILED", "05", "VISA", "FAILED", false, 0},
		{"4000000000009995", "", 200, "FAILED", "51", "VISA", "FAILED", false, 0},
		{"4000000000000259", "", 200, "PENDING", "09", "VISA", "SUCCESS", false, 0},
		{"4000000000000119", "", 500, "", "", "", "SUCCESS", false, 0},
		{"4000000000000341", "", 200, "SUCCESS", "00", "VISA", "SUCCESS", false, 300 * time.Millisecond},
		{"4000000000000200", "", 200, "SUCCESS", "00", "VISA", "SUCCESS", true, 0},
		{"3530111333300000", "", 200, "SUCCESS", "11", "JCB", "SUCCESS", false, 0},
		{"378282246310005", "", 200, "SUCCESS", "", "AMEX", "SUCCESS", false, 0},
		{"4242424242424242", "", 200, "SUCCESS", "00", "VISA", "SUCCESS", false, 0},
		{"2223000048400011", "", 200, "SUCCESS", "00", "MASTER", "SUCCESS", false, 0},
		{"4111111111111111", pastExpiry(), 200, "FAILED", "54", "VISA", "FAILED", false, 0},
	}
	for i, tc := range tests {
		t.Run(fmt.Sprintf("%s_%s", tc.card, tc.expiry), func(t *testing.T) {
			h.t = t
			invoice := fmt.Sprintf("INV-CARD-%d", i)
			expiry := tc.expiry
			if expiry == "" {
				expiry = futureExpiry()
			}
			authID := h.authenticate(invoice, 150000, tc.card, expiry)
			id := h.newRequestID()
			start := time.Now()
			res := h.send(signedRequest(h.srv.URL, http.MethodPost, "/credit-card/charge", id, mustJSON(saleBody(invoice, 150000, authID)), time.Now()))
			elapsed := time.Since(start)
			if res.status != tc.wantHTTP {
				t.Fatalf("HTTP status: got %d %s, want %d", res.status, res.body, tc.wantHTTP)
			}
			if got := res.signatureOK(id); got == tc.badSig {
				t.Errorf("response signature verifies: got %v, want %v", got, !tc.badSig)
			}
			if elapsed < tc.minDuration {
				t.Errorf("response time: got %v, want at least %v", elapsed, tc.minDuration)
			}
			if tc.wantHTTP == 200 {
				out := chargeOut(t, res)
				if out.Payment.Status != tc.wantStatus || out.Payment.ResponseCode != tc.wantCode || out.Card.Brand != tc.wantBrand {
					t.Errorf("payment: got %s %s %s, want %s %s %s", out.Payment.Status, out.Payment.ResponseCode, out.Card.Brand, tc.wantStatus, tc.wantCode, tc.wantBrand)
				}
				if out.Payment.RequestID != id || out.ThreeDSecure.AuthenticationID != authID {
					t.Errorf("echo: got request_id %q auth %q, want %q %q", out.Payment.RequestID, out.ThreeDSecure.AuthenticationID, id, authID)
				}
				wantApproval := tc.wantStatus == "SUCCESS"
				if got := len(out.Payment.ApprovalCode) == 6 && isDigits(out.Payment.ApprovalCode); got != wantApproval {
					t.Errorf("approval code %q: 6 digits got %v, want %v", out.Payment.ApprovalCode, got, wantApproval)
				}
				if strings.Contains(string(res.body), tc.card) {
					t.Errorf("response body contains the full card number")
				}
				if want := maskPAN(tc.card); out.Card.Masked != want {
					t.Errorf("masked: got %q, want %q", out.Card.Masked, want)
				}
			} else if res.errorCode() != codeInternal {
				t.Errorf("error code: got %q, want %q", res.errorCode(), codeInternal)
			}
			waitFor(t, 2*time.Second, "final status", func() bool { return h.statusOf(invoice) == tc.wantFinal })
			if got := h.s.ChargeCount(invoice); got != 1 {
				t.Errorf("ChargeCount: got %d, want 1", got)
			}
		})
	}
}

func TestThreeDSFailingCard(t *testing.T) {
	h := newHarness(t, nil)
	_, u := h.checkThreeDS(threeDSBody("INV-3DSF", 10000, "4000000000000101", futureExpiry()))
	if got := h.submitOTP(u, passingOTP); got != failedURL {
		t.Errorf("Location: got %q, want %q", got, failedURL)
	}
}

func TestSlowCardIsPendingMeanwhileAndCompletesWithoutClient(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SlowDelay = 400 * time.Millisecond })
	authID := h.authenticate("INV-SLOW", 10000, "4000000000000341", futureExpiry())
	req := signedRequest(h.srv.URL, http.MethodPost, "/credit-card/charge", h.newRequestID(), mustJSON(saleBody("INV-SLOW", 10000, authID)), time.Now())
	client := &http.Client{Timeout: 100 * time.Millisecond}
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("slow card: got a response before the client timeout, want none")
	}
	if got := h.statusOf("INV-SLOW"); got != statusPending {
		t.Errorf("status meanwhile: got %q, want PENDING", got)
	}
	waitFor(t, 2*time.Second, "slow card SUCCESS", func() bool { return h.statusOf("INV-SLOW") == statusSuccess })
	if got := h.s.ChargeCount("INV-SLOW"); got != 1 {
		t.Errorf("ChargeCount: got %d, want 1", got)
	}
}

func TestIdempotency(t *testing.T) {
	h := newHarness(t, nil)
	id := h.newRequestID()
	body := mustJSON(motoBody("INV-IDEM", 5000, "4111111111111111", futureExpiry()))
	first := h.postRaw("/credit-card/charge", id, body)
	if first.status != http.StatusOK {
		t.Fatalf("first: got %d %s, want 200", first.status, first.body)
	}
	again := h.postRaw("/credit-card/charge", id, body)
	if again.status != http.StatusConflict || !bytes.Equal(again.body, first.body) {
		t.Errorf("replay: got %d %s, want 409 with the first body %s", again.status, again.body, first.body)
	}
	other := h.postRaw("/credit-card/charge", id, mustJSON(motoBody("INV-IDEM-2", 5000, "4111111111111111", futureExpiry())))
	if other.status != http.StatusConflict || other.errorCode() != codeDuplicateRequestID {
		t.Errorf("same id, other body: got %d %s, want 409 DUPLICATE_REQUEST_ID", other.status, other.errorCode())
	}
	otherPath := h.postRaw("/credit-card/capture", id, body)
	if otherPath.errorCode() != codeDuplicateRequestID {
		t.Errorf("same id, other path: got %d %s, want 409 DUPLICATE_REQUEST_ID", otherPath.status, otherPath.errorCode())
	}
	if got := h.s.ChargeCount("INV-IDEM"); got != 1 {
		t.Errorf("ChargeCount INV-IDEM: got %d, want 1", got)
	}
	if got := h.s.ChargeCount("INV-IDEM-2"); got != 0 {
		t.Errorf("ChargeCount INV-IDEM-2: got %d, want 0", got)
	}

	// A 500 is stored and replayed too.
	authID := h.authenticate("INV-IDEM-500", 5000, "4000000000000119", futureExpiry())
	id500 := h.newRequestID()
	b500 := mustJSON(saleBody("INV-IDEM-500", 5000, authID))
	r1 := h.postRaw("/credit-card/charge", id500, b500)
	r2 := h.postRaw("/credit-card/charge", id500, b500)
	if r1.status != 500 || r2.status != http.StatusConflict || !bytes.Equal(r1.body, r2.body) {
		t.Errorf("500 replay: got %d then %d, want 500 then 409 with the same body", r1.status, r2.status)
	}
	if got := h.s.ChargeCount("INV-IDEM-500"); got != 1 {
		t.Errorf("ChargeCount after 500 replay: got %d, want 1", got)
	}
}

func TestConcurrentSameRequestID(t *testing.T) {
	h := newHarness(t, nil)
	authID := h.authenticate("INV-RACE-1", 20000, "4111111111111111", futureExpiry())
	id := h.newRequestID()
	body := mustJSON(saleBody("INV-RACE-1", 20000, authID))
	results := race(h, 32, func(int) (string, []byte) { return id, body })
	ok, replays := 0, 0
	var firstBody []byte
	for _, r := range results {
		switch r.status {
		case http.StatusOK:
			ok++
			firstBody = r.body
		case http.StatusConflict:
			replays++
		default:
			t.Errorf("unexpected status %d %s", r.status, r.body)
		}
	}
	if ok != 1 || replays != 31 {
		t.Fatalf("got %d×200 and %d×409, want 1 and 31", ok, replays)
	}
	for _, r := range results {
		if !bytes.Equal(r.body, firstBody) {
			t.Errorf("replay body: got %s, want %s", r.body, firstBody)
		}
	}
	if got := h.s.ChargeCount("INV-RACE-1"); got != 1 {
		t.Errorf("ChargeCount: got %d, want 1", got)
	}
}

func TestConcurrentSameAuthentication(t *testing.T) {
	h := newHarness(t, nil)
	authID := h.authenticate("INV-RACE-2", 20000, "4111111111111111", futureExpiry())
	body := mustJSON(saleBody("INV-RACE-2", 20000, authID))
	results := race(h, 32, func(int) (string, []byte) { return h.newRequestID(), body })
	ok := 0
	for _, r := range results {
		switch {
		case r.status == http.StatusOK:
			ok++
		case r.status == http.StatusBadRequest && r.errorCode() == codeInvalidField:
		default:
			t.Errorf("unexpected %d %s", r.status, r.body)
		}
	}
	if ok != 1 {
		t.Errorf("successful charges: got %d, want 1", ok)
	}
	if got := h.s.ChargeCount("INV-RACE-2"); got != 1 {
		t.Errorf("ChargeCount: got %d, want 1", got)
	}
}

// race sends n signed charges at once.
func race(h *harness, n int, req func(i int) (string, []byte)) []result {
	results := make([]result, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		id, body := req(i)
		r := signedRequest(h.srv.URL, http.MethodPost, "/credit-card/charge", id, body, time.Now())
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := h.client.Do(r)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(resp.Body)
			results[i] = result{status: resp.StatusCode, header: resp.Header, body: buf.Bytes(), path: r.URL.Path}
		}()
	}
	close(start)
	wg.Wait()
	return results
}

func TestAuthenticationBinding(t *testing.T) {
	h := newHarness(t, nil)
	exp := futureExpiry()
	pendingID, _ := h.checkThreeDS(threeDSBody("INV-B-PEND", 1000, "4111111111111111", exp))
	failedID, failedURLPage := h.checkThreeDS(threeDSBody("INV-B-FAIL", 1000, "4111111111111111", exp))
	h.submitOTP(failedURLPage, "000000")
	okID := h.authenticate("INV-B", 1000, "4111111111111111", exp)
	noInvoice := h.authenticate("", 1000, "4111111111111111", exp)

	withCard := saleBody("INV-B", 1000, okID)
	withCard["card"] = obj{"number": "5573381011111101"}
	withToken := saleBody("INV-B", 1000, okID)
	withToken["card"] = obj{"token": "0123456789abcdef0123456789abcdef"}
	withToken["customer"] = obj{"id": "C1"}

	tests := []struct {
		name       string
		body       obj
		wantHTTP   int
		wantCode   string
		wantPrefix string
	}{
		{"unknown", saleBody("INV-B", 1000, strings.Repeat("a", 64)), 404, codeAuthNotFound, ""},
		{"malformed id", saleBody("INV-B", 1000, "xyz"), 400, codeInvalidField, "three_dsecure.authentication_id"},
		{"missing id", saleBody("INV-B", 1000, ""), 400, codeInvalidField, "three_dsecure.authentication_id"},
		{"pending", saleBody("INV-B-PEND", 1000, pendingID), 400, codeInvalidField, "three_dsecure.authentication_id"},
		{"failed", saleBody("INV-B-FAIL", 1000, failedID), 400, codeInvalidField, "three_dsecure.authentication_id"},
		{"other amount", saleBody("INV-B", 1001, okID), 400, codeInvalidField, "order.amount"},
		{"other invoice", saleBody("INV-OTHER", 1000, okID), 400, codeInvalidField, "order.invoice_number"},
		{"other card", withCard, 400, codeInvalidField, "card.number"},
		{"other token", withToken, 400, codeInvalidField, "card.token"},
		{"ok", saleBody("INV-B", 1000, okID), 200, "", ""},
		{"second use", saleBody("INV-B2", 1000, okID), 400, codeInvalidField, "three_dsecure.authentication_id"},
		{"no invoice at 3DS, any invoice at charge", saleBody("INV-B3", 1000, noInvoice), 200, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			res := h.post("/credit-card/charge", h.newRequestID(), tc.body)
			if res.status != tc.wantHTTP || res.errorCode() != tc.wantCode || !strings.HasPrefix(res.errorMessage(), tc.wantPrefix) {
				t.Errorf("got %d %s %q, want %d %s %q…", res.status, res.errorCode(), res.errorMessage(), tc.wantHTTP, tc.wantCode, tc.wantPrefix)
			}
		})
	}
	if got := h.s.TotalCharges(); got != 2 {
		t.Errorf("TotalCharges: got %d, want 2", got)
	}
}

func TestDuplicateInvoice(t *testing.T) {
	h := newHarness(t, nil)
	exp := futureExpiry()
	if res := h.post("/credit-card/charge", h.newRequestID(), motoBody("INV-DUP", 1000, "4000000000000002", exp)); chargeOut(t, res).Payment.Status != statusFailed {
		t.Fatalf("declined first attempt: got %s", res.body)
	}
	if res := h.post("/credit-card/charge", h.newRequestID(), motoBody("INV-DUP", 1000, "4111111111111111", exp)); res.status != 200 {
		t.Fatalf("retry after decline: got %d %s, want 200", res.status, res.body)
	}
	res := h.post("/credit-card/charge", h.newRequestID(), motoBody("INV-DUP", 1000, "4111111111111111", exp))
	if res.status != http.StatusBadRequest || res.errorCode() != codeDuplicateInvoice {
		t.Errorf("charge of a paid invoice: got %d %s, want 400 DUPLICATE_INVOICE", res.status, res.errorCode())
	}
	res = h.post("/credit-card/check-three-d-secure", h.newRequestID(), threeDSBody("INV-DUP", 1000, "4111111111111111", exp))
	if res.errorCode() != codeDuplicateInvoice {
		t.Errorf("3DS for a paid invoice: got %d %s, want DUPLICATE_INVOICE", res.status, res.errorCode())
	}
	if got := h.s.ChargeCount("INV-DUP"); got != 2 {
		t.Errorf("ChargeCount: got %d, want 2", got)
	}
}

func TestChargeValidation(t *testing.T) {
	h := newHarness(t, nil)
	exp := futureExpiry()
	mod := func(f func(b obj)) obj {
		b := motoBody("INV-V", 9000, "4111111111111111", exp)
		f(b)
		return b
	}
	order := func(b obj) obj { return b["order"].(obj) }
	card := func(b obj) obj { return b["card"].(obj) }
	tests := []struct {
		name  string
		body  obj
		field string
	}{
		{"invoice missing", mod(func(b obj) { delete(order(b), "invoice_number") }), "order.invoice_number"},
		{"invoice too long", mod(func(b obj) { order(b)["invoice_number"] = strings.Repeat("X", 31) }), "order.invoice_number"},
		{"amount zero", mod(func(b obj) { order(b)["amount"] = 0 }), "order.amount"},
		{"amount 13 digits", mod(func(b obj) { order(b)["amount"] = 1000000000000 }), "order.amount"},
		{"amount decimal", mod(func(b obj) { order(b)["amount"] = 10.5 }), "order.amount"},
		{"line items sum", mod(func(b obj) {
			order(b)["line_items"] = []obj{{"name": "A", "price": 3000, "quantity": 2}, {"name": "B", "price": 1000, "quantity": 1}}
		}), "order.line_items"},
		{"line item quantity", mod(func(b obj) {
			order(b)["line_items"] = []obj{{"name": "A", "price": 1, "quantity": 10000}}
		}), "order.line_items[0].quantity"},
		{"line item name", mod(func(b obj) {
			order(b)["line_items"] = []obj{{"name": strings.Repeat("n", 256), "price": 9000, "quantity": 1}}
		}), "order.line_items[0].name"},
		{"customer id", mod(func(b obj) { b["customer"] = obj{"id": strings.Repeat("c", 51)} }), "customer.id"},
		{"customer email", mod(func(b obj) { b["customer"] = obj{"email": strings.Repeat("e", 120) + "@example.com"} }), "customer.email"},
		{"customer phone", mod(func(b obj) { b["customer"] = obj{"phone": "+6281122334455"} }), "customer.phone"},
		{"customer phone length", mod(func(b obj) { b["customer"] = obj{"phone": "62811223344556677"} }), "customer.phone"},
		{"customer address", mod(func(b obj) { b["customer"] = obj{"address": strings.Repeat("a", 401)} }), "customer.address"},
		{"customer country", mod(func(b obj) { b["customer"] = obj{"country": "IDN"} }), "customer.country"},
		{"payment type", mod(func(b obj) { b["payment"] = obj{"type": "CAPTURE"} }), "payment.type"},
		{"luhn", mod(func(b obj) { card(b)["number"] = "4111111111111112" }), "card.number"},
		{"letters", mod(func(b obj) { card(b)["number"] = "4111-1111-1111-1111" }), "card.number"},
		{"brand", mod(func(b obj) { card(b)["number"] = "6011111111111117" }), "card.number"},
		{"expiry", mod(func(b obj) { card(b)["expiry"] = "1330" }), "card.expiry"},
		{"expiry missing", mod(func(b obj) { delete(card(b), "expiry") }), "card.expiry"},
		{"cvv", mod(func(b obj) { card(b)["cvv"] = "12" }), "card.cvv"},
		{"amex cvv", mod(func(b obj) { card(b)["number"] = "378282246310005"; card(b)["cvv"] = "123" }), "card.cvv"},
		{"no card", mod(func(b obj) { delete(b, "card") }), "card.number"},
		{"save needs customer", mod(func(b obj) { card(b)["save"] = true }), "customer.id"},
		{"moto with auth id", mod(func(b obj) { b["three_dsecure"] = obj{"authentication_id": strings.Repeat("a", 64)} }), "three_dsecure.authentication_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			res := h.post("/credit-card/charge", h.newRequestID(), tc.body)
			if res.status != http.StatusBadRequest || res.errorCode() != codeInvalidField || !strings.HasPrefix(res.errorMessage(), tc.field+":") {
				t.Errorf("got %d %s %q, want 400 INVALID_FIELD %s", res.status, res.errorCode(), res.errorMessage(), tc.field)
			}
		})
	}
	ok := mod(func(b obj) {
		order(b)["line_items"] = []obj{{"name": "T-Shirt", "price": 3000, "quantity": 2}, {"name": "Polo", "price": 3000, "quantity": 1}}
		b["customer"] = obj{"id": "CUST-1", "name": "Anton", "email": "a@example.com", "phone": "6285694566147", "address": "Jl. X", "country": "ID"}
		card(b)["cvv"] = "123"
	})
	if res := h.post("/credit-card/charge", h.newRequestID(), ok); res.status != 200 {
		t.Errorf("valid MOTO: got %d %s, want 200", res.status, res.body)
	}
	if got := h.s.TotalCharges(); got != 1 {
		t.Errorf("TotalCharges: got %d, want 1 (refused charges do not execute)", got)
	}
}

func TestCheckThreeDSValidation(t *testing.T) {
	h := newHarness(t, nil)
	exp := futureExpiry()
	mod := func(f func(b obj)) obj {
		b := threeDSBody("INV-3V", 9000, "4111111111111111", exp)
		f(b)
		return b
	}
	tds := func(b obj) obj { return b["three_dsecure"].(obj) }
	tests := []struct {
		name, field string
		body        obj
	}{
		{"amount", "order.amount", mod(func(b obj) { b["order"] = obj{"amount": -1} })},
		{"invoice", "order.invoice_number", mod(func(b obj) { b["order"].(obj)["invoice_number"] = strings.Repeat("I", 31) })},
		{"success url missing", "three_dsecure.callback_url_success", mod(func(b obj) { delete(tds(b), "callback_url_success") })},
		{"failed url relative", "three_dsecure.callback_url_failed", mod(func(b obj) { tds(b)["callback_url_failed"] = "/3ds/failed" })},
		{"javascript url", "three_dsecure.callback_url_success", mod(func(b obj) { tds(b)["callback_url_success"] = "javascript:alert(1)" })},
		{"luhn", "card.number", mod(func(b obj) { b["card"] = obj{"number": "4111111111111110", "expiry": exp} })},
		{"no card", "card.number", mod(func(b obj) { delete(b, "card") })},
		{"cvv", "card.cvv", mod(func(b obj) { b["card"].(obj)["cvv"] = "1234" })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			res := h.post("/credit-card/check-three-d-secure", h.newRequestID(), tc.body)
			if res.status != 400 || !strings.HasPrefix(res.errorMessage(), tc.field+":") {
				t.Errorf("got %d %q, want 400 %s", res.status, res.errorMessage(), tc.field)
			}
		})
	}
	h.t = t
	res := h.post("/credit-card/check-three-d-secure", h.newRequestID(), mod(func(b obj) { b["card"] = obj{"token": strings.Repeat("0", 32)} }))
	if res.status != 404 || res.errorCode() != codeTokenNotFound {
		t.Errorf("unknown token: got %d %s, want 404 TOKEN_NOT_FOUND", res.status, res.errorCode())
	}
	id, u := h.checkThreeDS(threeDSBody("INV-3OK", 150000, "5573381011111101", exp))
	if !isLowerHex(id, 64) {
		t.Errorf("authentication_id: got %q, want 64 lowercase hex", id)
	}
	if want := h.s.cfg.PublicURL + challengePath + "?authenticationId=" + id; u != want {
		t.Errorf("authentication_url: got %q, want %q", u, want)
	}
}

func mustJSON(v any) []byte {
	b, err := jsonMarshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
