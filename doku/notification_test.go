package doku

import (
	"errors"
	"net/http"
	"testing"

	"doku-checkout/doku/signature"
)

const (
	notifyTarget = "/payments/doku/notify"
	notifyBody   = `{"service":{"id":"CREDIT_CARD"},"acquirer":{"id":"BANK"},"channel":{"id":"CREDIT_CARD"},` +
		`"transaction":{"status":"SUCCESS","date":"2021-01-27T03:24:23Z","original_request_id":"r1"},` +
		`"order":{"invoice_number":"INV-1","amount":90000},"card_payment":{"masked":"411111******1111","brand":"VISA","approval_code":"1","response_code":"00","response_message":"ok"},` +
		`"added_by_doku_later":{"x":[1,2,3]}}`
)

// signedNotification returns the headers DOKU would send with body.
func signedNotification(body string) http.Header {
	h := http.Header{}
	h.Set(signature.HeaderClientID, testClientID)
	h.Set(signature.HeaderRequestID, "notif-1")
	h.Set(signature.HeaderRequestTimestamp, "2021-01-27T03:24:23Z")
	h.Set(signature.HeaderSignature, signature.Sign(testKey, signature.Components{
		ClientID:  testClientID,
		RequestID: "notif-1",
		Timestamp: "2021-01-27T03:24:23Z",
		Target:    notifyTarget,
		Digest:    sha256Base64([]byte(body)),
	}))
	return h
}

func TestVerifyNotification(t *testing.T) {
	c := New(Config{BaseURL: "https://api-sandbox.doku.com", ClientID: testClientID, SecretKey: testKey})
	n, err := c.VerifyNotification(signedNotification(notifyBody), notifyTarget, []byte(notifyBody))
	if err != nil {
		t.Fatalf("VerifyNotification: %v", err)
	}
	if n.Order.InvoiceNumber != "INV-1" || n.Order.Amount != 90000 || n.Transaction.Status != StatusSuccess ||
		n.Transaction.OriginalRequestID != "r1" || n.CardPayment == nil || n.CardPayment.ResponseCode != "00" {
		t.Errorf("notification = %+v, want INV-1 90000 SUCCESS r1 with card block 00", n)
	}
}

func TestVerifyNotificationRejects(t *testing.T) {
	flipped := []byte(notifyBody)
	flipped[len(flipped)/2] ^= 1
	for _, tt := range []struct {
		name   string
		mutate func(h http.Header)
		target string
		body   []byte
	}{
		{name: "Client-Id changed", mutate: func(h http.Header) { h.Set(signature.HeaderClientID, "MCH-0001-10791114622548") }},
		{name: "Client-Id missing", mutate: func(h http.Header) { h.Del(signature.HeaderClientID) }},
		{name: "Request-Id changed", mutate: func(h http.Header) { h.Set(signature.HeaderRequestID, "notif-2") }},
		{name: "Request-Id missing", mutate: func(h http.Header) { h.Del(signature.HeaderRequestID) }},
		{name: "Request-Timestamp changed", mutate: func(h http.Header) { h.Set(signature.HeaderRequestTimestamp, "2021-01-27T03:24:24Z") }},
		{name: "Request-Timestamp missing", mutate: func(h http.Header) { h.Del(signature.HeaderRequestTimestamp) }},
		{name: "Request-Timestamp unparsable", mutate: func(h http.Header) { h.Set(signature.HeaderRequestTimestamp, "yesterday") }},
		{name: "Signature changed", mutate: func(h http.Header) {
			h.Set(signature.HeaderSignature, signature.Sign("SK-other", signature.Components{}))
		}},
		{name: "Signature without prefix", mutate: func(h http.Header) {
			h.Set(signature.HeaderSignature, h.Get(signature.HeaderSignature)[len(signature.SignaturePrefix):])
		}},
		{name: "Signature missing", mutate: func(h http.Header) { h.Del(signature.HeaderSignature) }},
		{name: "body byte flipped", body: flipped},
		{name: "body empty", body: []byte{}},
		{name: "wrong target", target: "/payments/doku/notify/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := signedNotification(notifyBody)
			if tt.mutate != nil {
				tt.mutate(h)
			}
			target, body := notifyTarget, []byte(notifyBody)
			if tt.target != "" {
				target = tt.target
			}
			if tt.body != nil {
				body = tt.body
			}
			n, err := VerifyNotificationWith(testClientID, testKey, h, target, body)
			if n != nil || !errors.Is(err, ErrBadSignature) || errors.Is(err, ErrBadNotification) {
				t.Errorf("got %v, %v; want nil and ErrBadSignature", n, err)
			}
		})
	}
	if _, err := VerifyNotificationWith("", testKey, signedNotification(notifyBody), notifyTarget, []byte(notifyBody)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("empty configured Client-Id: err = %v, want ErrBadSignature", err)
	}
}

func TestVerifyNotificationUndecodable(t *testing.T) {
	for _, body := range []string{`not json`, `[]`, `{"order":{"amount":"many"}}`, `{"order":{"invoice_number":"INV-1"}}`, `{}`} {
		n, err := VerifyNotificationWith(testClientID, testKey, signedNotification(body), notifyTarget, []byte(body))
		if n != nil || !errors.Is(err, ErrBadNotification) || errors.Is(err, ErrBadSignature) {
			t.Errorf("body %s: got %v, %v; want nil and ErrBadNotification", body, n, err)
		}
	}
}
