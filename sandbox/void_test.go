package sandbox

import (
	"encoding/json"
	"net/http"
	"testing"
)

// authorizeCharge makes an AUTHORIZE charge of amount on invoice and
// returns its Request-Id and authorize_id.
func (h *harness) authorizeCharge(invoice string, amount int64) (chargeID, authorizeID string) {
	h.t.Helper()
	authID := h.authenticate(invoice, amount, "4111111111111111", futureExpiry())
	body := saleBody(invoice, amount, authID)
	body["payment"] = obj{"type": "AUTHORIZE"}
	chargeID = h.newRequestID()
	out := chargeOut(h.t, h.post("/credit-card/charge", chargeID, body))
	if out.Payment.AuthorizeID == "" || out.Payment.Status != statusSuccess {
		h.t.Fatalf("AUTHORIZE %s: authorize_id %q status %s", invoice, out.Payment.AuthorizeID, out.Payment.Status)
	}
	return chargeID, out.Payment.AuthorizeID
}

// A void (a refund of an authorisation not captured) is of the whole
// amount only; after it nothing can be captured, refunded or voided again.
func TestVoidRules(t *testing.T) {
	h := newHarness(t, nil)
	chargeID, authorizeID := h.authorizeCharge("INV-VOID", 10000)
	steps := []struct {
		name     string
		path     string
		body     obj
		wantHTTP int
		wantCode string
	}{
		{"void part", "/cancellation/credit-card/refund", refundBody("INV-VOID", chargeID, 5000), 400, codeInvalidField},
		{"void more than authorised", "/cancellation/credit-card/refund", refundBody("INV-VOID", chargeID, 10001), 400, codeInvalidField},
		{"void whole", "/cancellation/credit-card/refund", refundBody("INV-VOID", chargeID, 10000), 200, ""},
		{"void again", "/cancellation/credit-card/refund", refundBody("INV-VOID", chargeID, 10000), 400, codeInvalidField},
		{"refund after void", "/cancellation/credit-card/refund", refundBody("INV-VOID", chargeID, 1), 400, codeInvalidField},
		{"capture after void", "/credit-card/capture", obj{"payment": obj{"authorize_id": authorizeID}}, 400, codeInvalidField},
	}
	for _, st := range steps {
		res := h.post(st.path, h.newRequestID(), st.body)
		if res.status != st.wantHTTP || res.errorCode() != st.wantCode {
			t.Errorf("%s: got %d %s, want %d %s", st.name, res.status, res.body, st.wantHTTP, st.wantCode)
		}
	}
	if got := h.statusOf("INV-VOID"); got != statusRefunded {
		t.Errorf("status after the void: %q, want REFUNDED (nothing left)", got)
	}
	// The refusal after a void says why.
	res := h.post("/cancellation/credit-card/refund", h.newRequestID(), refundBody("INV-VOID", chargeID, 10000))
	if _, msg := res.errorParts(); !contains(msg, reasonVoided) {
		t.Errorf("refund of a voided payment: message %q, want it to say %q", msg, reasonVoided)
	}
}

// A failed (declined) payment has nothing to refund or void.
func TestRefundOfAFailedPaymentRefused(t *testing.T) {
	h := newHarness(t, nil)
	for _, tc := range []struct {
		invoice, card, payType string
	}{{"INV-DECL-SALE", "4000000000000002", "SALE"}, {"INV-DECL-AUTH", "4000000000009995", "AUTHORIZE"}} {
		authID := h.authenticate(tc.invoice, 7000, tc.card, futureExpiry())
		body := saleBody(tc.invoice, 7000, authID)
		body["payment"] = obj{"type": tc.payType}
		chargeID := h.newRequestID()
		h.post("/credit-card/charge", chargeID, body)
		if got := h.statusOf(tc.invoice); got != statusFailed {
			t.Fatalf("%s: status %q after a declined charge, want FAILED", tc.invoice, got)
		}
		for _, amount := range []int64{7000, 1} {
			if res := h.post("/cancellation/credit-card/refund", h.newRequestID(), refundBody(tc.invoice, chargeID, amount)); res.status != 400 || res.errorCode() != codeInvalidField {
				t.Errorf("%s: refund of %d on a failed payment: got %d %s, want 400 %s", tc.invoice, amount, res.status, res.body, codeInvalidField)
			}
		}
	}
}

// A refund sent again under its Request-Id is answered with its first
// answer and refunds once; the same Request-Id with another body is
// refused as a duplicate and changes nothing.
func TestRefundIdempotency(t *testing.T) {
	h := newHarness(t, nil)
	authID := h.authenticate("INV-IDEM", 9000, "4111111111111111", futureExpiry())
	chargeID := h.newRequestID()
	chargeOut(t, h.post("/credit-card/charge", chargeID, saleBody("INV-IDEM", 9000, authID)))
	refunded := func(res result) int64 {
		t.Helper()
		var out refundResponse
		if err := json.Unmarshal(res.body, &out); err != nil {
			t.Fatalf("refund answer: %v: %s", err, res.body)
		}
		return out.Refund.TotalRefunded
	}
	id := h.newRequestID()
	first := h.post("/cancellation/credit-card/refund", id, refundBody("INV-IDEM", chargeID, 4000))
	if first.status != http.StatusOK || refunded(first) != 4000 {
		t.Fatalf("first refund: %d %s", first.status, first.body)
	}
	again := h.post("/cancellation/credit-card/refund", id, refundBody("INV-IDEM", chargeID, 4000))
	if again.status != http.StatusConflict || refunded(again) != 4000 {
		t.Errorf("same refund again: %d %s, want 409 with the first answer (4000 refunded in all)", again.status, again.body)
	}
	other := h.post("/cancellation/credit-card/refund", id, refundBody("INV-IDEM", chargeID, 5000))
	if other.status != http.StatusConflict || other.errorCode() != codeDuplicateRequestID {
		t.Errorf("same Request-Id, other amount: %d %s, want 409 %s", other.status, other.body, codeDuplicateRequestID)
	}
	// 5000 is exactly what is left: had either repeat counted, it would be refused.
	if res := h.post("/cancellation/credit-card/refund", h.newRequestID(), refundBody("INV-IDEM", chargeID, 5000)); res.status != http.StatusOK || refunded(res) != 9000 {
		t.Errorf("refund of the rest: %d %s, want 200 with 9000 refunded", res.status, res.body)
	}
	if got := h.statusOf("INV-IDEM"); got != statusRefunded {
		t.Errorf("status: %q, want REFUNDED", got)
	}
}
