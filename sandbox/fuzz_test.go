package sandbox

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"doku-checkout/doku/signature"
)

// FuzzChargeRequest: parsing and validation never panic and never answer
// 5xx, except the test card that is meant to answer 500.
func FuzzChargeRequest(f *testing.F) {
	exp := futureExpiry()
	for _, seed := range []string{
		string(mustJSON(motoBody("INV-F", 1000, "4111111111111111", exp))),
		string(mustJSON(motoBody("INV-F", 1000, "4000000000000119", exp))),
		string(mustJSON(motoBody("INV-F", 1000, "378282246310005", "0199"))),
		string(mustJSON(saleBody("INV-F", 1000, strings.Repeat("a", 64)))),
		string(mustJSON(threeDSBody("INV-F", 1000, "4111111111111111", exp))),
		string(mustJSON(checkoutBody("INV-F", "C"))),
		`{"order":{"invoice_number":"I","amount":1,"line_items":[{"price":999999999999,"quantity":9999},{"price":999999999999,"quantity":9999}]},"payment":{"type":"MOTO"},"card":{"number":"4111111111111111","expiry":"1299","save":true},"customer":{"id":"x"}}`,
		`{"card":{"token":"x","number":"1"}}`, `{"order":null}`, `{"order":{"amount":1e3}}`, `[1]`, `"x"`, ``, "{\"order\":{\"invoice_number\":\"\xff\"}}",
	} {
		f.Add([]byte(seed))
	}
	s := New(Config{ClientID: testClientID, SecretKey: testSecret, PublicURL: "http://sandbox.test",
		SlowDelay: time.Millisecond, PendingDelay: time.Millisecond, Logger: quietLogger()})
	f.Cleanup(s.Close)
	var n int
	paths := []string{"/credit-card/charge", "/credit-card/check-three-d-secure", "/checkout/v1/payment",
		"/credit-card/capture", "/cancellation/credit-card/refund", "/tokenization/v2/get-token"}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, p := range paths {
			n++
			req := signedRequest("http://sandbox.test", http.MethodPost, p, "fuzz-"+strconv.Itoa(n), body, time.Now())
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			res := result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes(), path: p}
			if res.status >= 500 && res.errorMessage() != msgChargeServerError {
				t.Fatalf("%s: got %d %s, want < 500", p, res.status, res.body)
			}
			if res.status >= 500 && !bytes.Contains(body, []byte("4000000000000119")) {
				t.Fatalf("%s: got 500 without the 500 test card", p)
			}
			if !res.signatureOK(req.Header.Get(signature.HeaderRequestID)) && !bytes.Contains(body, []byte("4000000000000200")) {
				t.Fatalf("%s: response signature does not verify", p)
			}
		}
	})
}

// FuzzVerifyRequest: random headers and bodies never authenticate unless
// correctly signed; a correctly signed request with one byte changed fails.
func FuzzVerifyRequest(f *testing.F) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	stamp := now.Format(signature.TimestampLayout)
	f.Add(testClientID, "id-1", stamp, "/credit-card/charge", []byte(`{"a":1}`), "HMACSHA256=x", uint8(0), uint16(0))
	f.Add(testClientID, "id-1", stamp, "/credit-card/charge", []byte(`{"a":1}`), "", uint8(1), uint16(0))
	f.Add(testClientID, "id-2", stamp, "/orders/v1/status/INV 1", []byte{}, "", uint8(2), uint16(3))
	f.Add("MCH-other", "id-3", "2026-03-01T10:00:00+00:00", "/x", []byte("{}"), "", uint8(1), uint16(0))
	s := New(Config{ClientID: testClientID, SecretKey: testSecret, Logger: quietLogger(), Now: func() time.Time { return now }})
	f.Cleanup(s.Close)
	f.Fuzz(func(t *testing.T, clientID, requestID, ts, path string, body []byte, sig string, mode uint8, flip uint16) {
		target := (&url.URL{Path: "/" + strings.TrimPrefix(path, "/")}).EscapedPath()
		c := signature.Components{ClientID: clientID, RequestID: requestID, Timestamp: ts, Target: target, Digest: signature.Digest(body)}
		tamper := false
		switch mode % 3 {
		case 1:
			sig = signature.Sign(testSecret, c)
		case 2:
			sig = signature.Sign(testSecret, c)
			if len(body) > 0 {
				body = append([]byte(nil), body...)
				body[int(flip)%len(body)] ^= 0x20
				tamper = true
			}
		}
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.URL = &url.URL{Path: "/" + strings.TrimPrefix(path, "/")}
		req.Header = http.Header{}
		req.Header.Set(signature.HeaderClientID, clientID)
		req.Header.Set(signature.HeaderRequestID, requestID)
		req.Header.Set(signature.HeaderRequestTimestamp, ts)
		req.Header.Set(signature.HeaderSignature, sig)
		// Header values round-trip as set only for what the wire allows;
		// use what the request now carries.
		c.ClientID, c.RequestID, c.Timestamp = req.Header.Get(signature.HeaderClientID), req.Header.Get(signature.HeaderRequestID), req.Header.Get(signature.HeaderRequestTimestamp)
		_, fail := s.authenticate(req, body, true)
		ok := fail == nil
		if !ok {
			if fail.status != http.StatusUnauthorized {
				t.Fatalf("failure status: got %d, want 401", fail.status)
			}
			return
		}
		c.Digest = signature.Digest(body)
		if tamper {
			t.Fatalf("tampered body authenticated")
		}
		if clientID != testClientID {
			t.Fatalf("Client-Id %q authenticated, want only %q", clientID, testClientID)
		}
		if sig != signature.Sign(testSecret, c) {
			t.Fatalf("signature %q authenticated, want only %q", sig, signature.Sign(testSecret, c))
		}
		if ts != stamp && !withinSkew(ts, now) {
			t.Fatalf("timestamp %q authenticated at %s", ts, stamp)
		}
	})
}

func withinSkew(ts string, now time.Time) bool {
	t, err := time.Parse(signature.TimestampLayout, ts)
	if err != nil {
		return false
	}
	d := now.Sub(t)
	return d <= maxTimestampSkew && d >= -maxTimestampSkew
}
