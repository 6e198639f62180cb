package sandbox

// Issue 10: the sandbox answers as DOKU documents it today, and accepts
// DOKU's own published request samples (doku/testdata/samples) verbatim.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"doku-checkout/doku/signature"
)

func dokuSample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "doku", "testdata", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Each of DOKU's request samples is understood as DOKU's own API would:
// never a format or type error; the answer says what the sample's made-up
// ids amount to here.
func TestDOKURequestSamplesAccepted(t *testing.T) {
	h := newHarness(t, nil)
	for _, tc := range []struct {
		sample, path string
		status       int
		code         string
	}{
		{"checkout.request.basic.json", "/checkout/v1/payment", 200, ""},
		{"tokens-v2.get-token.request.json", "/tokenization/v2/get-token", 200, ""},
		{"tokens-v2.delete-token.request.json", "/tokenization/v2/delete-token", 404, codeTokenNotFound},
		{"check-3ds.request.apidog.json", "/credit-card/check-three-d-secure", 404, codeTokenNotFound},
		{"charge.request.json", "/credit-card/charge", 404, codeAuthNotFound},
		{"capture.request.json", "/credit-card/capture", 404, ""},
		{"refund.request.json", "/cancellation/credit-card/refund", 404, ""},
		// A bare customer: a Checkout request needs its order.
		{"checkout.request.customer-id.fragment.json", "/checkout/v1/payment", 400, codeInvalidField},
		// Archived: v1 is not served any more.
		{"tokens-v1.list.request.archived.json", "/tokenization/v1/tokens", 404, codeNotFound},
	} {
		t.Run(tc.sample, func(t *testing.T) {
			h.t = t
			res := h.postRaw(tc.path, h.newRequestID(), dokuSample(t, tc.sample))
			if res.status != tc.status || (tc.code != "" && res.errorCode() != tc.code) {
				t.Errorf("got %d %s, want %d %s", res.status, res.body, tc.status, tc.code)
			}
			if res.errorCode() == codeInvalidFormat || strings.Contains(res.errorMessage(), reasonWrongType) {
				t.Errorf("sample not understood: %s", res.body)
			}
		})
	}
}

// Item 1: v2 tokens. A deleted token is gone from the list, from the
// Checkout page and for charges; an unknown one is 404.
func TestTokensV2DeleteToken(t *testing.T) {
	h := newHarness(t, nil)
	save := motoBody("INV-TD1", 1000, "4111111111111111", futureExpiry())
	save["customer"] = obj{"id": "CUST-D"}
	save["card"].(obj)["save"] = true
	token := chargeOut(t, h.post("/credit-card/charge", h.newRequestID(), save)).Card.Token
	list := func() string {
		return string(h.post("/tokenization/v2/get-token", h.newRequestID(), obj{"customer": obj{"id": "CUST-D"}, "channel": obj{"id": "CREDIT_CARD"}}).body)
	}
	if !strings.Contains(list(), token) {
		t.Fatalf("token %s not listed: %s", token, list())
	}
	if res := h.post("/tokenization/v2/get-token", h.newRequestID(), obj{"customer": obj{"id": "CUST-D"}, "channel": obj{"id": "OVO"}}); res.status != 400 {
		t.Errorf("other channel: %d, want 400", res.status)
	}
	res := h.post("/tokenization/v2/delete-token", h.newRequestID(), obj{"token": obj{"id": token}})
	if res.status != 200 || len(res.body) != 0 {
		t.Fatalf("delete: %d %q, want 200 with no body", res.status, res.body)
	}
	if strings.Contains(list(), token) {
		t.Errorf("deleted token still listed")
	}
	if res := h.post("/tokenization/v2/delete-token", h.newRequestID(), obj{"token": obj{"id": token}}); res.status != 404 || res.errorCode() != codeTokenNotFound {
		t.Errorf("second delete: %d %s, want 404 TOKEN_NOT_FOUND", res.status, res.body)
	}
	use := obj{"order": obj{"invoice_number": "INV-TD2", "amount": 1000}, "payment": obj{"type": "MOTO"}, "customer": obj{"id": "CUST-D"}, "card": obj{"token": token}}
	if res := h.post("/credit-card/charge", h.newRequestID(), use); res.status != 404 {
		t.Errorf("charge with a deleted token: %d, want 404", res.status)
	}
	if res := h.post("/tokenization/v2/delete-token", h.newRequestID(), obj{"token": obj{}}); res.status != 400 {
		t.Errorf("delete without token.id: %d, want 400", res.status)
	}
}

// Item 2: DOKU Checkout refuses in its own envelope, {"message":[…]}, not
// the card API's {"error":{…}}; the card API keeps its own.
func TestCheckoutErrorEnvelope(t *testing.T) {
	h := newHarness(t, nil)
	b := checkoutBody("INV-CE", "")
	delete(b["order"].(obj), "invoice_number")
	res := h.post("/checkout/v1/payment", h.newRequestID(), b)
	var env map[string]json.RawMessage
	_ = json.Unmarshal(res.body, &env)
	var msgs []string
	if res.status != 400 || env["error"] != nil || json.Unmarshal(env["message"], &msgs) != nil || len(msgs) != 1 || !strings.Contains(msgs[0], "order.invoice_number") {
		t.Errorf("checkout refusal: %d %s, want 400 {\"message\":[\"… order.invoice_number …\"]}", res.status, res.body)
	}
	// Header failures on Checkout too.
	req := signedRequest(h.srv.URL, http.MethodPost, "/checkout/v1/payment", h.newRequestID(), []byte(`{}`), time.Now())
	req.Header.Set(signature.HeaderSignature, "HMACSHA256=AAAA")
	res = h.send(req)
	if res.status != 401 || !strings.HasPrefix(string(res.body), `{"message":[`) {
		t.Errorf("bad signature on Checkout: %d %s", res.status, res.body)
	}
	// The card API still answers {"error":{…}}.
	res = h.post("/credit-card/charge", h.newRequestID(), obj{"order": obj{}})
	if res.status != 400 || !strings.HasPrefix(string(res.body), `{"error":{`) {
		t.Errorf("card refusal: %d %s", res.status, res.body)
	}
}

// Item 3: Check Status of a Checkout order in the July 2025 shape.
func TestStatusCheckoutCurrentShape(t *testing.T) {
	h := newHarness(t, nil)
	b := checkoutBody("INV-CS", "")
	res := h.post("/checkout/v1/payment", h.newRequestID(), b)
	if res.status != 200 {
		t.Fatalf("checkout: %d %s", res.status, res.body)
	}
	body := string(h.status("INV-CS").body)
	for _, want := range []string{`"amount":90000.0`, `"status":"ORDER_GENERATED"`, `"service":{"id":null}`, `"channel":{"id":null}`, `"acquirer":{"id":null}`} {
		if !strings.Contains(body, want) {
			t.Errorf("status %s lacks %s", body, want)
		}
	}
	if strings.Contains(body, `"transaction"`) {
		t.Errorf("status %s has a transaction before any attempt", body)
	}
	// A card order keeps the integer amount and its transaction.
	id := h.authenticate("INV-CS-CARD", 5000, "4111111111111111", futureExpiry())
	h.post("/credit-card/charge", h.newRequestID(), saleBody("INV-CS-CARD", 5000, id))
	if body := string(h.status("INV-CS-CARD").body); !strings.Contains(body, `"amount":5000}`) || !strings.Contains(body, `"transaction":{"status":"SUCCESS"`) {
		t.Errorf("card status %s", body)
	}
}

// Item 4: a SUCCESS does not always carry 00: DOKU's own sample card
// answers 01 "sukses transaksi", JCB 11, AMEX no code at all.
func TestSuccessResponseCodesVary(t *testing.T) {
	h := newHarness(t, nil)
	codes := map[string]bool{}
	for i, card := range []string{"4111111111111111", "5573381011111101", "3530111333300000", "378282246310005"} {
		inv := "INV-RC-" + string(rune('A'+i))
		out := chargeOut(t, h.post("/credit-card/charge", h.newRequestID(), motoBody(inv, 1000, card, futureExpiry())))
		if out.Payment.Status != statusSuccess {
			t.Fatalf("%s: %s", card, out.Payment.Status)
		}
		codes[out.Payment.ResponseCode] = true
	}
	if len(codes) < 3 || !codes["01"] {
		t.Errorf("success codes %v, want several, 01 among them", codes)
	}
}

// Item 5: any Request-Id up to 128 characters, short numeric ones as
// DOKU's PHP library and Magento plugin send, on POST and GET alike.
func TestRequestIDsUpTo128(t *testing.T) {
	h := newHarness(t, nil)
	for i, id := range []string{"3719", "76392", "1", "INV_2025-07-10:abc", strings.Repeat("9", 128)} {
		b := motoBody("INV-RQ-"+string(rune('A'+i)), 1000, "4111111111111111", futureExpiry())
		if res := h.post("/credit-card/charge", id, b); res.status != 200 {
			t.Errorf("Request-Id %q: %d %s", id, res.status, res.body)
		}
	}
	res := h.send(signedRequest(h.srv.URL, http.MethodGet, "/orders/v1/status/INV-RQ-A", "3719", nil, time.Now()))
	if res.status != 200 || !res.signatureOK("3719") {
		t.Errorf("status with Request-Id 3719: %d %s", res.status, res.body)
	}
	if res := h.send(signedRequest(h.srv.URL, http.MethodPost, "/credit-card/charge", strings.Repeat("9", 129), []byte(`{}`), time.Now())); res.status != 401 {
		t.Errorf("129 characters: %d, want 401", res.status)
	}
}

// Item 6: a notification is signed over the path of the notification URL
// (with its own prefix), never its query string, and sent to the URL as
// given.
func TestNotificationTargetIsPathWithoutQuery(t *testing.T) {
	var mu sync.Mutex
	var gotQuery string
	verified := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c := signature.Components{
			ClientID: r.Header.Get(signature.HeaderClientID), RequestID: r.Header.Get(signature.HeaderRequestID),
			Timestamp: r.Header.Get(signature.HeaderRequestTimestamp), Target: "/shop/notifications/doku", Digest: signature.Digest(body),
		}
		mu.Lock()
		gotQuery = r.URL.RawQuery
		verified = r.URL.Path == "/shop/notifications/doku" && signature.Verify(testSecret, c, r.Header.Get(signature.HeaderSignature))
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	h := newHarness(t, func(c *Config) { c.NotificationURL = srv.URL + "/shop/notifications/doku?src=doku" })
	h.post("/credit-card/charge", h.newRequestID(), motoBody("INV-NT", 1000, "4111111111111111", futureExpiry()))
	waitFor(t, 5*time.Second, "notification", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return gotQuery != ""
	})
	mu.Lock()
	defer mu.Unlock()
	if gotQuery != "src=doku" || !verified {
		t.Errorf("query %q, signature over the path only verified: %v", gotQuery, verified)
	}
}

// Item 8: 3-D Secure is required for SALE, AUTHORIZE and INSTALLMENT, and
// not for MOTO and RECURRING (H2H).
func TestThreeDSRulePerPaymentType(t *testing.T) {
	h := newHarness(t, nil)
	exp := futureExpiry()
	n := 0
	charge := func(typ string, with3DS bool, tenor string) result {
		n++
		inv := "INV-PT-" + string(rune('A'+n))
		b := motoBody(inv, 1000, "4111111111111111", exp)
		if with3DS {
			b = saleBody(inv, 1000, h.authenticate(inv, 1000, "4111111111111111", exp))
		}
		p := obj{"type": typ}
		if tenor != "" {
			p["tenor"] = tenor
		}
		b["payment"] = p
		return h.post("/credit-card/charge", h.newRequestID(), b)
	}
	for _, tc := range []struct {
		typ     string
		with3DS bool
		tenor   string
		want    int
	}{
		{"SALE", true, "", 200}, {"SALE", false, "", 400},
		{"AUTHORIZE", true, "", 200}, {"AUTHORIZE", false, "", 400},
		{"INSTALLMENT", true, "12", 200}, {"INSTALLMENT", false, "12", 400}, {"INSTALLMENT", true, "", 400},
		{"MOTO", false, "", 200}, {"MOTO", true, "", 400},
		{"RECURRING", false, "", 200}, {"RECURRING", true, "", 400},
		{"CAPTURE", false, "", 400},
	} {
		if res := charge(tc.typ, tc.with3DS, tc.tenor); res.status != tc.want {
			t.Errorf("%s with 3DS %v tenor %q: %d %s, want %d", tc.typ, tc.with3DS, tc.tenor, res.status, res.body, tc.want)
		}
	}
	// A Checkout payment passes 3-D Secure: no MOTO there.
	for typ, want := range map[string]int{"AUTHORIZE": 200, "SALE": 200, "MOTO": 400, "RECURRING": 400} {
		b := checkoutBody("INV-PT-CO-"+typ, "")
		b["payment"].(obj)["type"] = typ
		if res := h.post("/checkout/v1/payment", h.newRequestID(), b); res.status != want {
			t.Errorf("checkout %s: %d, want %d", typ, res.status, want)
		}
	}
}

// Item 7 and issue 9 item 6: the sandbox refuses what DOKU refuses (its
// stated rules, and what its own plugins strip before sending).
func TestRefusesDataDOKURefuses(t *testing.T) {
	h := newHarness(t, nil)
	n := 0
	try := func(edit func(b obj)) result {
		n++
		b := motoBody("INV-DR-"+string(rune('A'+n)), 1000, "4111111111111111", futureExpiry())
		b["customer"] = obj{"name": "Anton Budiman", "email": "anton@example.com", "phone": "6285694566147", "address": "Menara Mulia Lantai 8, No. 1-3", "country": "ID"}
		b["order"].(obj)["line_items"] = []obj{{"name": "T-Shirt Red", "price": 1000, "quantity": 1}}
		edit(b)
		return h.post("/credit-card/charge", h.newRequestID(), b)
	}
	cust := func(b obj) obj { return b["customer"].(obj) }
	if res := try(func(obj) {}); res.status != 200 {
		t.Fatalf("clean data: %d %s", res.status, res.body)
	}
	for name, tc := range map[string]struct {
		edit  func(obj)
		field string
	}{
		"two-line address":  {func(b obj) { cust(b)["address"] = "Jl. Merdeka 10\nBandung" }, "customer.address"},
		"address with #":    {func(b obj) { cust(b)["address"] = "Jl. Merdeka #10" }, "customer.address"},
		"name with a quote": {func(b obj) { cust(b)["name"] = "O'Neil" }, "customer.name"},
		"name with a digit": {func(b obj) { cust(b)["name"] = "Anton 2" }, "customer.name"},
		"phone 08":          {func(b obj) { cust(b)["phone"] = "085694566147" }, "customer.phone"},
		"phone +62":         {func(b obj) { cust(b)["phone"] = "+6285694566147" }, "customer.phone"},
		"item with &": {func(b obj) {
			b["order"].(obj)["line_items"] = []obj{{"name": "Salt & Pepper", "price": 1000, "quantity": 1}}
		}, "order.line_items[0].name"},
		"item with an emoji": {func(b obj) {
			b["order"].(obj)["line_items"] = []obj{{"name": "Kopi ☕", "price": 1000, "quantity": 1}}
		}, "order.line_items[0].name"},
		"item with quotes": {func(b obj) { b["order"].(obj)["line_items"] = []obj{{"name": `"Asli"`, "price": 1000, "quantity": 1}} }, "order.line_items[0].name"},
		"item of 300": {func(b obj) {
			b["order"].(obj)["line_items"] = []obj{{"name": strings.Repeat("n", 300), "price": 1000, "quantity": 1}}
		}, "order.line_items[0].name"},
		"items not summing": {func(b obj) { b["order"].(obj)["line_items"] = []obj{{"name": "A", "price": 999, "quantity": 1}} }, "order.line_items"},
	} {
		if res := try(tc.edit); res.status != 400 || !strings.HasPrefix(res.errorMessage(), tc.field+":") {
			t.Errorf("%s: %d %s, want 400 on %s", name, res.status, res.body, tc.field)
		}
	}
	// Names of any script are alphabetic.
	if res := try(func(b obj) { cust(b)["name"] = "Siti Nurhaliza José" }); res.status != 200 {
		t.Errorf("accented name: %d %s", res.status, res.body)
	}
}
