package sandbox

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestTokenBoundToCustomer(t *testing.T) {
	h := newHarness(t, nil)
	exp := futureExpiry()
	save := motoBody("INV-T1", 1000, "5573381011111101", exp)
	save["customer"] = obj{"id": "CUST-A"}
	save["card"].(obj)["save"] = true
	out := chargeOut(t, h.post("/credit-card/charge", h.newRequestID(), save))
	if !isLowerHex(out.Card.Token, 32) {
		t.Fatalf("card.token: got %q, want 32 lowercase hex", out.Card.Token)
	}
	token := out.Card.Token

	list := func(customer string) getTokensResponse {
		res := h.post("/tokenization/v2/get-token", h.newRequestID(), obj{"customer": obj{"id": customer}, "channel": obj{"id": "CREDIT_CARD"}})
		if res.status != 200 {
			t.Fatalf("list tokens: got %d %s, want 200", res.status, res.body)
		}
		var l getTokensResponse
		if err := json.Unmarshal(res.body, &l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	yymm := exp[2:] + "/" + exp[:2]
	if l := list("CUST-A"); len(l.Tokens) != 1 || l.Tokens[0].ID != token || l.Tokens[0].MaskedAccount != "********1101" || l.Tokens[0].Card.Brand != "MASTER" || l.Tokens[0].Card.Expiry != yymm || l.Tokens[0].Card.BIN != 557338 {
		t.Errorf("CUST-A tokens: got %+v, want the one saved card", l.Tokens)
	}
	if res := h.post("/tokenization/v2/get-token", h.newRequestID(), obj{"customer": obj{"id": "CUST-B"}, "channel": obj{"id": "CREDIT_CARD"}}); string(res.body) != `{"customer":{"id":"CUST-B"},"tokens":[]}` {
		t.Errorf("CUST-B tokens: got %s, want an empty array", res.body)
	}
	if res := h.post("/tokenization/v2/get-token", h.newRequestID(), obj{"customer": obj{}, "channel": obj{"id": "CREDIT_CARD"}}); res.status != 400 {
		t.Errorf("tokens without customer.id: got %d, want 400", res.status)
	}

	byToken := func(invoice, customer, tok string) obj {
		b := obj{"order": obj{"invoice_number": invoice, "amount": 1000}, "payment": obj{"type": "MOTO"}, "card": obj{"token": tok}}
		if customer != "" {
			b["customer"] = obj{"id": customer}
		}
		return b
	}
	tests := []struct {
		name     string
		body     obj
		wantHTTP int
		wantCode string
	}{
		{"other customer", byToken("INV-T2", "CUST-B", token), http.StatusForbidden, codeInvalidToken},
		{"no customer", byToken("INV-T2", "", token), http.StatusBadRequest, codeInvalidField},
		{"unknown token", byToken("INV-T2", "CUST-A", "ffffffffffffffffffffffffffffffff"), http.StatusNotFound, codeTokenNotFound},
		{"owner", byToken("INV-T2", "CUST-A", token), http.StatusOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			res := h.post("/credit-card/charge", h.newRequestID(), tc.body)
			if res.status != tc.wantHTTP || res.errorCode() != tc.wantCode {
				t.Errorf("got %d %s, want %d %s", res.status, res.errorCode(), tc.wantHTTP, tc.wantCode)
			}
		})
	}
	h.t = t

	// 3DS with a token: the charge needs the owner's customer.id.
	tokenBody := func() obj {
		b := threeDSBody("INV-T3", 2000, "", "")
		b["card"] = obj{"token": token}
		return b
	}
	if res := h.post("/credit-card/check-three-d-secure", h.newRequestID(), withCustomer(tokenBody(), "CUST-B")); res.status != http.StatusForbidden {
		t.Errorf("3DS with someone else's token: got %d, want 403", res.status)
	}
	authID, u := h.checkThreeDS(tokenBody())
	h.submitOTP(u, passingOTP)
	if res := h.post("/credit-card/charge", h.newRequestID(), withCustomer(saleBody("INV-T3", 2000, authID), "CUST-B")); res.status != http.StatusForbidden {
		t.Errorf("charge of a token authentication by another customer: got %d %s, want 403", res.status, res.body)
	}
	res := h.post("/credit-card/charge", h.newRequestID(), withCustomer(saleBody("INV-T3", 2000, authID), "CUST-A"))
	if out := chargeOut(t, res); res.status != 200 || out.Card.Masked != "557338******1101" || out.Payment.Status != statusSuccess {
		t.Errorf("charge by token owner: got %d %s, want 200 SUCCESS", res.status, res.body)
	}
}

func withCustomer(b obj, id string) obj {
	b["customer"] = obj{"id": id}
	return b
}
