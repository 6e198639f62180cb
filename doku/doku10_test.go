package doku

// Tests for issue 10: the client speaks DOKU as DOKU documents it today,
// checked against DOKU's own published samples (testdata/samples), kept
// verbatim.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"doku-checkout/doku/signature"
)

// sample reads one of DOKU's published samples, byte for byte.
func sample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSampleCheckThreeDSResponses: both of DOKU's Check 3DS answers (the
// GitBook one with order.descriptor and the apidog one) decode.
func TestSampleCheckThreeDSResponses(t *testing.T) {
	for _, name := range []string{"check-3ds.response.json", "check-3ds.response.apidog.json"} {
		t.Run(name, func(t *testing.T) {
			f := newFakeDOKU(t, always(reply{status: 200, body: sample(t, name)}))
			res, err := f.client().CheckThreeDS(context.Background(), NewRequestID(), CheckThreeDSRequest{})
			if err != nil {
				t.Fatalf("CheckThreeDS: %v", err)
			}
			ds := res.ThreeDSecure
			if res.Order.Amount != 90000 || !ds.EnrollmentStatus || len(ds.AuthenticationID) != 64 ||
				!strings.Contains(ds.AuthenticationURL, "authenticationId="+ds.AuthenticationID) {
				t.Errorf("decoded %+v", res)
			}
		})
	}
}

// TestSampleChargeSuccessIsSuccessWithCode01: DOKU's own success sample
// says response_code 01 ("sukses transaksi") with status SUCCESS; the
// client hands both back untouched for the flow to decide on status.
func TestSampleChargeSuccessIsSuccessWithCode01(t *testing.T) {
	f := newFakeDOKU(t, always(reply{status: 200, body: sample(t, "charge.response.success.json")}))
	res, err := f.client().Charge(context.Background(), NewRequestID(), ChargeRequest{})
	if err != nil {
		t.Fatalf("Charge: %v", err)
	}
	if res.Payment.Status != StatusSuccess || res.Payment.ResponseCode != "01" || res.Order.Amount != 90000 ||
		res.Order.InvoiceNumber != "INV-20210118-0001" || res.Card.Token == "" {
		t.Errorf("decoded %+v", res)
	}
}

// TestSampleTokensV2: the v2 token list decodes, and its "26/12" expiry
// reads as December 2026.
func TestSampleTokensV2(t *testing.T) {
	f := newFakeDOKU(t, always(reply{status: 200, body: sample(t, "tokens-v2.get-token.response.json")}))
	res, err := f.client().Tokens(context.Background(), "WT_CC001")
	if err != nil {
		t.Fatalf("Tokens: %v", err)
	}
	if len(res.Tokens) != 1 {
		t.Fatalf("tokens = %+v", res.Tokens)
	}
	tok := res.Tokens[0]
	if tok.ID != "doku-gateway-creditcard" || tok.MaskedAccount != "********5464" || tok.Card.Brand != "VISA" || tok.ExpiryMMYY() != "1226" {
		t.Errorf("token %+v, expiry %q; want doku-gateway-creditcard, ********5464, VISA, 1226", tok, tok.ExpiryMMYY())
	}
	req := f.requests()[0]
	if req.target != "/tokenization/v2/get-token" || req.method != http.MethodPost {
		t.Errorf("called %s %s, want POST /tokenization/v2/get-token", req.method, req.target)
	}
	// What we send is the sample's shape (minus the issuer we cannot know).
	if missing := keysMissing(t, string(req.body), sample(t, "tokens-v2.get-token.request.json")); len(missing) != 0 {
		t.Errorf("request members not in DOKU's sample: %v", missing)
	}
}

func TestTokenExpiryForms(t *testing.T) {
	for in, want := range map[string]string{
		"26/12": "1226", "12/26": "1226", "1226": "1226", "05/11": "", "": "", "2612": "2612", "1/26": "", "ab/cd": "",
	} {
		var tok SavedToken
		tok.Card.Expiry = in
		if got := tok.ExpiryMMYY(); got != want {
			t.Errorf("ExpiryMMYY(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDeleteTokenV2: the delete call sends exactly DOKU's sample shape and
// accepts a signed 200 with an empty body (DOKU publishes none).
func TestDeleteTokenV2(t *testing.T) {
	for _, body := range []string{"", "{}", `{"message":"SUCCESS"}`} {
		f := newFakeDOKU(t, always(reply{status: 200, body: body}))
		if _, err := f.client().DeleteToken(context.Background(), NewRequestID(), "gateway-token"); err != nil {
			t.Errorf("answer %q: %v", body, err)
		}
		req := f.requests()[0]
		var got, want any
		_ = json.Unmarshal(req.body, &got)
		_ = json.Unmarshal([]byte(sample(t, "tokens-v2.delete-token.request.json")), &want)
		if req.target != "/tokenization/v2/delete-token" || !jsonEqual(got, want) {
			t.Errorf("sent %s to %s, want DOKU's sample to /tokenization/v2/delete-token", req.body, req.target)
		}
	}
	f := newFakeDOKU(t, always(reply{status: 404, body: `{"error":{"code":"TOKEN_NOT_FOUND","message":"x"}}`}))
	var apiErr *APIError
	if _, err := f.client().DeleteToken(context.Background(), NewRequestID(), "t"); !errors.As(err, &apiErr) {
		t.Errorf("404: %v, want a refusal", err)
	}
}

// TestSampleCheckStatusShapes: both of CL-2507's samples decode, the
// "After" one with "amount": 120000.0 as Rp 120.000.
func TestSampleCheckStatusShapes(t *testing.T) {
	for _, name := range []string{"check-status.response.before-2025-07.json", "check-status.response.after-2025-07.head.json"} {
		t.Run(name, func(t *testing.T) {
			f := newFakeDOKU(t, always(reply{status: 200, body: sample(t, name)}))
			res, err := f.client().Status(context.Background(), "INV-1")
			if err != nil {
				t.Fatalf("Status: %v", err)
			}
			if res.Order.Amount != 120000 || res.Order.Status != OrderGenerated || res.Transaction.Status != StatusPending || res.BodyNotSigned {
				t.Errorf("decoded %+v", res)
			}
		})
	}
}

// TestStatusCurrentShape: an answer with order.status and no transaction,
// null channel ids, and amounts written as decimals.
func TestStatusCurrentShape(t *testing.T) {
	for _, tt := range []struct {
		body        string
		amount      int64
		orderStatus string
		unknown     bool
	}{
		{`{"order":{"invoice_number":"INV-1","amount":120000.0,"status":"ORDER_EXPIRED"},"service":{"id":null},"acquirer":{"id":null},"channel":{"id":null}}`, 120000, OrderExpired, false},
		{`{"order":{"invoice_number":"INV-1","amount":120000.00,"status":["ORDER_GENERATED"]}}`, 120000, OrderGenerated, false},
		{`{"order":{"invoice_number":"INV-1","amount":120000.5,"status":"ORDER_GENERATED"}}`, 0, OrderGenerated, false},
		{`{"order":{"invoice_number":"INV-1","amount":1e5,"status":"ORDER_GENERATED"}}`, 0, OrderGenerated, false},
		{`{"order":{"invoice_number":"INV-1","amount":"120000","status":"ORDER_GENERATED"}}`, 0, "", true},
		{`{"order":{"invoice_number":"INV-1","amount":120000}}`, 0, "", true}, // neither status
	} {
		f := newFakeDOKU(t, always(reply{status: 200, body: tt.body}))
		res, err := f.client().Status(context.Background(), "INV-1")
		if tt.unknown {
			if !errors.Is(err, ErrOutcomeUnknown) {
				t.Errorf("%s: err %v, want outcome unknown", tt.body, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.body, err)
			continue
		}
		if res.Order.Amount != tt.amount || res.Order.Status != tt.orderStatus || res.Transaction.Status != "" {
			t.Errorf("%s: decoded %+v", tt.body, res.Order)
		}
	}
}

func TestWholeRupiah(t *testing.T) {
	for in, want := range map[string]int64{"120000": 120000, "120000.0": 120000, "120000.000": 120000, "0": 0, "999999999999": 999999999999} {
		if got, ok := WholeRupiah(json.RawMessage(in)); !ok || got != want {
			t.Errorf("WholeRupiah(%s) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"120000.5", "120000.", "-1", "1e5", "1000000000000", "012", `"5"`, "", "null", "1.2.0"} {
		if got, ok := WholeRupiah(json.RawMessage(in)); ok {
			t.Errorf("WholeRupiah(%s) = %d, want not an amount", in, got)
		}
	}
}

// TestSampleNotification: DOKU's non-SNAP notification sample (with its
// "identifer" typo) verifies and decodes when signed over our path.
func TestSampleNotification(t *testing.T) {
	body := []byte(sample(t, "notification.va-bca.request.json"))
	h := http.Header{}
	ts := time.Now().UTC().Format(signature.TimestampLayout)
	h.Set(signature.HeaderClientID, testClientID)
	h.Set(signature.HeaderRequestID, "7892931")
	h.Set(signature.HeaderRequestTimestamp, ts)
	h.Set(signature.HeaderSignature, signature.Sign(testKey, signature.Components{
		ClientID: testClientID, RequestID: "7892931", Timestamp: ts, Target: "/shop/notifications/doku", Digest: sha256Base64(body),
	}))
	n, err := VerifyNotificationWith(testClientID, testKey, h, "/shop/notifications/doku", body)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if n.Transaction.Status != StatusSuccess || n.Order.Amount != 150000 || n.Order.InvoiceNumber != "INV-20210124-0001" {
		t.Errorf("decoded %+v", n)
	}
	// The query string is no part of the Request-Target (docs §10.5).
	if _, err := VerifyNotificationWith(testClientID, testKey, h, "/shop/notifications/doku?x=1", body); !errors.Is(err, ErrBadSignature) {
		t.Errorf("target with a query verified: %v", err)
	}
}

// TestCheckoutErrorEnvelopes: DOKU Checkout refuses with {"message":[…]},
// the card API with {"error":{…}}. Both are definite refusals to a first
// send; neither is ever a result; anything not understood stays unknown.
func TestCheckoutErrorEnvelopes(t *testing.T) {
	const ok = `{"message":["SUCCESS"],"response":{"order":{"invoice_number":"INV-1","amount":1},"payment":{"url":"https://pay/x"}}}`
	for _, tt := range []struct {
		name string
		rep  reply
		want string // refused, unknown, result
		code string
	}{
		{"checkout message 400", reply{status: 400, body: `{"message":["Invalid request: order.invoice_number"]}`}, "refused", CodeCheckoutRefused},
		{"checkout message 401", reply{status: 401, body: `{"message":["Invalid Signature"]}`}, "refused", CodeCheckoutRefused},
		{"card error envelope", reply{status: 400, body: `{"error":{"code":"INVALID_FIELD","message":"x","type":"invalid_request_error"}}`}, "refused", "INVALID_FIELD"},
		{"error with message only", reply{status: 400, body: `{"error":{"message":"invoice already used"}}`}, "refused", ""},
		{"empty message list", reply{status: 400, body: `{"message":[]}`}, "unknown", ""},
		{"message SUCCESS on a 400", reply{status: 400, body: `{"message":["SUCCESS"]}`}, "unknown", ""},
		{"checkout message 500", reply{status: 500, body: `{"message":["Internal error"]}`}, "unknown", ""},
		{"200 with a failure message", reply{status: 200, body: `{"message":["FAILED"],"response":{"payment":{"url":"https://pay/x"}}}`}, "unknown", ""},
		{"200 error envelope", reply{status: 200, body: `{"error":{"message":"x"}}`}, "unknown", ""},
		{"409 replay of success", reply{status: 409, body: ok}, "result", ""},
		{"409 message refusal", reply{status: 409, body: `{"message":["Duplicate Request-Id"]}`}, "refused", CodeCheckoutRefused},
		{"200 success", reply{status: 200, body: ok}, "result", ""},
		{"unsigned message refusal", reply{status: 400, body: `{"message":["x"]}`, unsigned: true}, "unknown", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeDOKU(t, always(tt.rep))
			_, err := f.client().CheckoutPayment(context.Background(), NewRequestID(), CheckoutRequest{})
			var apiErr *APIError
			got := "result"
			switch {
			case errors.Is(err, ErrOutcomeUnknown):
				got = "unknown"
			case errors.As(err, &apiErr):
				got = "refused"
			case err != nil:
				got = "other: " + err.Error()
			}
			if got != tt.want {
				t.Fatalf("outcome %s (%v), want %s", got, err, tt.want)
			}
			if got == "refused" && apiErr.Code != tt.code {
				t.Errorf("code %q, want %q", apiErr.Code, tt.code)
			}
		})
	}
}

// TestCheckoutRefusalOfResendIsUnknown: the Checkout envelope follows the
// same rule as the card one: a refusal of a resend proves nothing.
func TestCheckoutRefusalOfResendIsUnknown(t *testing.T) {
	f := newFakeDOKU(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			dropConnection(t, w)
			return
		}
		writeReply(w, r, reply{status: 400, body: `{"message":["invoice already used"]}`})
	})
	_, err := f.client().CheckoutPayment(context.Background(), NewRequestID(), CheckoutRequest{})
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("refused resend: %v, want outcome unknown", err)
	}
}

// TestShortRequestIDs: DOKU's own PHP library and Magento plugin send
// Request-Ids like "3719"; the client sends whatever id it is given up to
// 128 characters, and refuses a longer one before sending.
func TestShortRequestIDs(t *testing.T) {
	f := newFakeDOKU(t, always(reply{status: 200, body: sample(t, "charge.response.success.json")}))
	for _, id := range []string{"3719", "76392", strings.Repeat("r", 128)} {
		if _, err := f.client().Charge(context.Background(), id, ChargeRequest{}); err != nil {
			t.Errorf("Request-Id %q: %v", id, err)
		}
	}
	if _, err := f.client().Charge(context.Background(), strings.Repeat("r", 129), ChargeRequest{}); err == nil || errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("129-character Request-Id: %v, want refused before sending", err)
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d requests sent, want 3", n)
	}
}

// TestRequestsMatchDOKUSamples: every member our requests send exists in
// DOKU's published sample of the same call.
func TestRequestsMatchDOKUSamples(t *testing.T) {
	charge := ChargeRequest{
		Order:        Order{InvoiceNumber: "INV-1", Amount: 2, LineItems: []LineItem{{Name: "A", Price: 1, Quantity: 2}}},
		Customer:     &Customer{ID: "C", Name: "N", Email: "e@x.id", Phone: "62812", Address: "A", Country: "ID"},
		ThreeDSecure: ThreeDSInput{AuthenticationID: "a"},
		Payment:      PaymentInput{Type: PaymentSale, Tenor: "12", PlanID: "p"},
		Card:         &CardInput{Token: "t", Save: true},
	}
	check3DS := CheckThreeDSRequest{
		Order:        Order{InvoiceNumber: "INV-1", Amount: 2},
		Card:         CardInput{Number: "4111111111111111", Expiry: "1230", Token: "t"},
		ThreeDSecure: ThreeDSInput{CallbackURLSuccess: "https://s", CallbackURLFailed: "https://f"},
	}
	var checkout CheckoutRequest
	checkout.Order = Order{InvoiceNumber: "INV-1", Amount: 2}
	checkout.Payment.PaymentDueDate = 60
	var capture CaptureRequest
	capture.Payment.AuthorizeID, capture.Payment.CaptureAmount = "1", 2
	var refund RefundRequest
	refund.Order.InvoiceNumber, refund.Payment.OriginalRequestID, refund.Refund.Amount = "INV-1", "r", 2
	for name, req := range map[string]any{
		"charge.request.json":           charge,
		"check-3ds.request.apidog.json": check3DS,
		"checkout.request.basic.json":   checkout,
		"capture.request.json":          capture,
		"refund.request.json":           refund,
	} {
		b, _ := json.Marshal(req)
		if missing := keysMissing(t, string(b), sample(t, name)); len(missing) != 0 {
			t.Errorf("%s: members DOKU's sample does not have: %v", name, missing)
		}
	}
}

// keysMissing lists the member paths of ours that DOKU's sample lacks.
func keysMissing(t *testing.T, ours, theirs string) []string {
	t.Helper()
	var a, b any
	if err := json.Unmarshal([]byte(ours), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(theirs), &b); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, p := range paths(b, "") {
		have[p] = true
	}
	var missing []string
	for _, p := range paths(a, "") {
		if !have[p] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	return missing
}

// paths lists the member paths of a decoded JSON value ("a.b", "a.c[].d").
func paths(v any, prefix string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, p)
			out = append(out, paths(c, p)...)
		}
	case []any:
		for _, c := range v {
			out = append(out, paths(c, prefix+"[]")...)
		}
	}
	return out
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
