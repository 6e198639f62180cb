package sandbox

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"doku-checkout/doku/signature"
)

// The contract's test vector must pass the sandbox's signature check.
func TestContractVectorVerifies(t *testing.T) {
	at, _ := time.Parse(signature.TimestampLayout, "2021-08-24T08:46:42Z")
	s := New(Config{ClientID: testClientID, SecretKey: testSecret, Logger: quietLogger(), Now: func() time.Time { return at }})
	defer s.Close()
	body := `{"order":{"invoice_number":"INV-20210118-0001","amount":90000}}`
	req := httptest.NewRequest(http.MethodPost, "/credit-card/charge", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signature.HeaderClientID, testClientID)
	req.Header.Set(signature.HeaderRequestID, "b154c582-4501-436a-8012-0346f2a46b47")
	req.Header.Set(signature.HeaderRequestTimestamp, "2021-08-24T08:46:42Z")
	req.Header.Set(signature.HeaderSignature, "HMACSHA256=8A5La6tprN2iYWpbKP4CIMKREVAvl5wlt5yM3ZJ0nMA=")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code == http.StatusUnauthorized {
		t.Fatalf("contract vector: got 401 %s, want it to pass authentication", rec.Body)
	}
	if rec.Code != http.StatusBadRequest {
		t.Errorf("contract vector (no payment.type): got %d, want 400", rec.Code)
	}

	at, _ = time.Parse(signature.TimestampLayout, "2020-08-11T08:45:42Z")
	get := httptest.NewRequest(http.MethodGet, "/orders/v1/status/INV-123123-12313", nil)
	get.Header.Set(signature.HeaderClientID, testClientID)
	get.Header.Set(signature.HeaderRequestID, "d895fb53-479c-4f77-a76a-ab81b40d77cb")
	get.Header.Set(signature.HeaderRequestTimestamp, "2020-08-11T08:45:42Z")
	get.Header.Set(signature.HeaderSignature, "HMACSHA256=iWVUk19ygyQsWkuKzWnJFhu7gqPMlKfMtWd0HJc+NfQ=")
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, get)
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET vector: got %d %s, want 404 (authenticated, unknown invoice)", rec.Code, rec.Body)
	}
}

func TestAuthenticationFailures(t *testing.T) {
	h := newHarness(t, nil)
	body := []byte(`{"customer":{"id":"CUST-1"}}`)
	const path = "/tokenization/v2/get-token"
	tests := []struct {
		name     string
		method   string
		tamper   func(r *http.Request)
		wantCode string
	}{
		{"valid", http.MethodPost, func(*http.Request) {}, ""},
		{"missing Client-Id", http.MethodPost, func(r *http.Request) { r.Header.Del(signature.HeaderClientID) }, codeInvalidHeader},
		{"missing Request-Id", http.MethodPost, func(r *http.Request) { r.Header.Del(signature.HeaderRequestID) }, codeInvalidHeader},
		{"missing Request-Timestamp", http.MethodPost, func(r *http.Request) { r.Header.Del(signature.HeaderRequestTimestamp) }, codeInvalidHeader},
		{"missing Signature", http.MethodPost, func(r *http.Request) { r.Header.Del(signature.HeaderSignature) }, codeInvalidHeader},
		{"Request-Id too long", http.MethodPost, func(r *http.Request) { r.Header.Set(signature.HeaderRequestID, strings.Repeat("a", 129)) }, codeInvalidHeader},
		{"other Client-Id", http.MethodPost, func(r *http.Request) { r.Header.Set(signature.HeaderClientID, "MCH-0001-0000") }, codeInvalidClientID},
		{"tampered Request-Id", http.MethodPost, func(r *http.Request) { r.Header.Set(signature.HeaderRequestID, "other-id") }, codeInvalidSignature},
		{"tampered timestamp", http.MethodPost, func(r *http.Request) {
			r.Header.Set(signature.HeaderRequestTimestamp, time.Now().Add(-time.Minute).UTC().Format(signature.TimestampLayout))
		}, codeInvalidSignature},
		{"tampered signature", http.MethodPost, func(r *http.Request) {
			sig := []byte(r.Header.Get(signature.HeaderSignature))
			sig[len(sig)-3] ^= 1
			r.Header.Set(signature.HeaderSignature, string(sig))
		}, codeInvalidSignature},
		{"signature without prefix", http.MethodPost, func(r *http.Request) {
			r.Header.Set(signature.HeaderSignature, strings.TrimPrefix(r.Header.Get(signature.HeaderSignature), signature.SignaturePrefix))
		}, codeInvalidSignature},
		{"tampered path", http.MethodPost, func(r *http.Request) { r.URL.Path = "/credit-card/capture" }, codeInvalidSignature},
		{"bad timestamp format", http.MethodPost, func(r *http.Request) { r.Header.Set(signature.HeaderRequestTimestamp, "2021-08-24 08:46:42") }, codeInvalidTimestamp},
		{"GET signed with a Digest line", http.MethodGet, func(r *http.Request) {
			c := signature.Components{ClientID: testClientID, RequestID: r.Header.Get(signature.HeaderRequestID),
				Timestamp: r.Header.Get(signature.HeaderRequestTimestamp), Target: r.URL.Path, Digest: signature.Digest(nil)}
			r.Header.Set(signature.HeaderSignature, signature.Sign(testSecret, c))
		}, codeInvalidSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := h.newRequestID()
			p, b := path, body
			if tc.method == http.MethodGet {
				p, b = "/orders/v1/status/INV-NONE", nil
			}
			req := signedRequest(h.srv.URL, tc.method, p, id, b, time.Now())
			tc.tamper(req)
			res := h.send(req)
			if tc.wantCode == "" {
				if res.status != http.StatusOK && res.status != http.StatusNotFound {
					t.Fatalf("got %d %s, want success", res.status, res.body)
				}
				return
			}
			if res.status != http.StatusUnauthorized || res.errorCode() != tc.wantCode {
				t.Errorf("got %d %s, want 401 %s", res.status, res.errorCode(), tc.wantCode)
			}
			res.path = req.URL.EscapedPath()
			if !res.signatureOK(req.Header.Get(signature.HeaderRequestID)) {
				t.Errorf("401 response signature does not verify")
			}
		})
	}
}

func TestBodyTamperedByOneByte(t *testing.T) {
	h := newHarness(t, nil)
	body := []byte(`{"customer":{"id":"CUST-1"}}`)
	for i := range body {
		req := signedRequest(h.srv.URL, http.MethodPost, "/tokenization/v2/get-token", h.newRequestID(), body, time.Now())
		tampered := append([]byte(nil), body...)
		tampered[i] ^= 0x01
		req.Body = io.NopCloser(bytes.NewReader(tampered))
		res := h.send(req)
		if res.status != http.StatusUnauthorized || res.errorCode() != codeInvalidSignature {
			t.Fatalf("byte %d flipped: got %d %s, want 401 INVALID_SIGNATURE", i, res.status, res.errorCode())
		}
	}
}

func TestTimestampSkew(t *testing.T) {
	h := newHarness(t, nil)
	for _, skew := range []time.Duration{-6 * time.Minute, 6 * time.Minute, -time.Hour} {
		id := h.newRequestID()
		req := signedRequest(h.srv.URL, http.MethodPost, "/tokenization/v2/get-token", id, []byte(`{"customer":{"id":"C"}}`), time.Now().Add(skew))
		res := h.send(req)
		if res.status != http.StatusUnauthorized || res.errorCode() != codeInvalidTimestamp {
			t.Errorf("skew %v: got %d %s, want 401 INVALID_TIMESTAMP", skew, res.status, res.errorCode())
		}
	}
	for _, skew := range []time.Duration{-4 * time.Minute, 4 * time.Minute} {
		res := h.send(signedRequest(h.srv.URL, http.MethodPost, "/tokenization/v2/get-token", h.newRequestID(), []byte(`{"customer":{"id":"C"}}`), time.Now().Add(skew)))
		if res.status != http.StatusOK {
			t.Errorf("skew %v: got %d %s, want 200", skew, res.status, res.body)
		}
	}
}

func TestRequestFormat(t *testing.T) {
	h := newHarness(t, nil)
	t.Run("body too large", func(t *testing.T) {
		big := []byte(`{"customer":{"id":"` + strings.Repeat("x", maxBodyBytes) + `"}}`)
		res := h.postRaw("/tokenization/v2/get-token", h.newRequestID(), big)
		if res.status != http.StatusRequestEntityTooLarge {
			t.Errorf("got %d, want 413", res.status)
		}
	})
	t.Run("content type", func(t *testing.T) {
		id := h.newRequestID()
		req := signedRequest(h.srv.URL, http.MethodPost, "/tokenization/v2/get-token", id, []byte(`{"customer":{"id":"C"}}`), time.Now())
		req.Header.Set("Content-Type", "text/plain")
		res := h.send(req)
		if res.status != http.StatusUnsupportedMediaType {
			t.Errorf("got %d, want 415", res.status)
		}
	})
	t.Run("charset parameter accepted", func(t *testing.T) {
		req := signedRequest(h.srv.URL, http.MethodPost, "/tokenization/v2/get-token", h.newRequestID(), []byte(`{"customer":{"id":"C"}}`), time.Now())
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		if res := h.send(req); res.status != http.StatusOK {
			t.Errorf("got %d, want 200", res.status)
		}
	})
	for name, body := range map[string]string{"malformed": `{"customer":`, "array": `[]`, "null": `null`, "trailing": `{} {}`} {
		t.Run(name, func(t *testing.T) {
			res := h.postRaw("/credit-card/charge", h.newRequestID(), []byte(body))
			if res.status != http.StatusBadRequest || res.errorCode() != codeInvalidFormat {
				t.Errorf("got %d %s, want 400 INVALID_FORMAT", res.status, res.errorCode())
			}
		})
	}
	t.Run("wrong type names the field", func(t *testing.T) {
		res := h.postRaw("/credit-card/charge", h.newRequestID(), []byte(`{"order":{"amount":"90000"}}`))
		if res.status != http.StatusBadRequest || res.errorCode() != codeInvalidField || !strings.HasPrefix(res.errorMessage(), "order.amount") {
			t.Errorf("got %d %s %q, want 400 INVALID_FIELD order.amount", res.status, res.errorCode(), res.errorMessage())
		}
	})
	t.Run("unknown path is signed 404", func(t *testing.T) {
		res := h.postRaw("/no/such/thing", h.newRequestID(), []byte(`{}`))
		if res.status != http.StatusNotFound {
			t.Errorf("got %d, want 404", res.status)
		}
	})
}
