package sandbox

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestStatusCheck(t *testing.T) {
	h := newHarness(t, nil)
	exp := futureExpiry()
	if res := h.status("INV-UNKNOWN"); res.status != http.StatusNotFound || res.errorCode() != codeTransactionMissing {
		t.Errorf("unknown: got %d %s, want 404 %s", res.status, res.errorCode(), codeTransactionMissing)
	}
	_, u := h.checkThreeDS(threeDSBody("INV-S1", 5000, "4111111111111111", exp))
	if got := h.statusOf("INV-S1"); got != statusRedirect {
		t.Errorf("after check 3DS: got %q, want REDIRECT", got)
	}
	h.submitOTP(u, "000000")
	if got := h.statusOf("INV-S1"); got != statusFailed {
		t.Errorf("after failed 3DS: got %q, want FAILED", got)
	}
	authID := h.authenticate("INV-S1", 5000, "4111111111111111", exp)
	if got := h.statusOf("INV-S1"); got != statusRedirect {
		t.Errorf("after a new authentication: got %q, want REDIRECT", got)
	}
	id := h.newRequestID()
	h.post("/credit-card/charge", id, withCustomer(saleBody("INV-S1", 5000, authID), "CUST-S"))
	for _, key := range []string{"INV-S1", id} {
		res := h.status(key)
		var e envelope
		_ = json.Unmarshal(res.body, &e)
		if res.status != 200 || e.Transaction.Status != statusSuccess || e.Transaction.OriginalRequestID != id ||
			e.Customer == nil || e.Customer.ID != "CUST-S" || e.CardPayment.Brand != "VISA" || e.CardPayment.Expiry != exp {
			t.Errorf("status by %s: got %d %s", key, res.status, res.body)
		}
	}
}

func TestCaptureAndRefund(t *testing.T) {
	h := newHarness(t, nil)
	exp := futureExpiry()
	authID := h.authenticate("INV-AUTH", 10000, "4111111111111111", exp)
	body := saleBody("INV-AUTH", 10000, authID)
	body["payment"] = obj{"type": "AUTHORIZE"}
	chargeID := h.newRequestID()
	out := chargeOut(t, h.post("/credit-card/charge", chargeID, body))
	if out.Payment.AuthorizeID == "" || out.Payment.Status != statusSuccess {
		t.Fatalf("AUTHORIZE: got authorize_id %q status %s, want non-empty SUCCESS", out.Payment.AuthorizeID, out.Payment.Status)
	}
	steps := []struct {
		name     string
		path     string
		body     obj
		wantHTTP int
		wantCode string
	}{
		{"capture unknown", "/credit-card/capture", obj{"payment": obj{"authorize_id": "nope"}}, 404, codeTransactionMissing},
		{"capture missing id", "/credit-card/capture", obj{"payment": obj{}}, 400, codeInvalidField},
		{"capture too much", "/credit-card/capture", obj{"payment": obj{"authorize_id": out.Payment.AuthorizeID, "capture_amount": 10001}}, 400, codeInvalidField},
		{"capture part", "/credit-card/capture", obj{"payment": obj{"authorize_id": out.Payment.AuthorizeID, "capture_amount": 8000}}, 200, ""},
		{"capture twice", "/credit-card/capture", obj{"payment": obj{"authorize_id": out.Payment.AuthorizeID}}, 400, codeInvalidField},
		{"refund unknown", "/cancellation/credit-card/refund", refundBody("INV-AUTH", "nope", 100), 404, codeTransactionMissing},
		{"refund other invoice", "/cancellation/credit-card/refund", refundBody("INV-X", chargeID, 100), 400, codeInvalidField},
		{"refund zero", "/cancellation/credit-card/refund", refundBody("INV-AUTH", chargeID, 0), 400, codeInvalidField},
		{"refund part", "/cancellation/credit-card/refund", refundBody("INV-AUTH", chargeID, 3000), 200, ""},
		{"refund beyond captured", "/cancellation/credit-card/refund", refundBody("INV-AUTH", chargeID, 5001), 400, codeInvalidField},
		{"refund rest", "/cancellation/credit-card/refund", refundBody("INV-AUTH", chargeID, 5000), 200, ""},
		{"refund more", "/cancellation/credit-card/refund", refundBody("INV-AUTH", chargeID, 1), 400, codeInvalidField},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			h.t = t
			res := h.post(st.path, h.newRequestID(), st.body)
			if res.status != st.wantHTTP || res.errorCode() != st.wantCode {
				t.Errorf("got %d %s, want %d %s", res.status, res.body, st.wantHTTP, st.wantCode)
			}
		})
	}
	h.t = t
	if got := h.statusOf("INV-AUTH"); got != statusRefunded {
		t.Errorf("status after full refund: got %q, want REFUNDED", got)
	}

	// A declined or pending charge cannot be refunded.
	pid := h.newRequestID()
	authID = h.authenticate("INV-PEND", 1000, "4000000000000259", exp)
	h.post("/credit-card/charge", pid, saleBody("INV-PEND", 1000, authID))
	if res := h.post("/cancellation/credit-card/refund", h.newRequestID(), refundBody("INV-PEND", pid, 1000)); res.status != 400 {
		t.Errorf("refund of a pending charge: got %d, want 400", res.status)
	}
	waitFor(t, 2*time.Second, "settled", func() bool { return h.statusOf("INV-PEND") == statusSuccess })
}

func refundBody(invoice, original string, amount int64) obj {
	return obj{
		"order":   obj{"invoice_number": invoice},
		"payment": obj{"original_request_id": original},
		"refund":  obj{"amount": amount},
	}
}
