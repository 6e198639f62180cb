package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doku-checkout/app"
	"doku-checkout/app/apptest"
	"doku-checkout/doku/signature"
	"doku-checkout/handlers"
	"doku-checkout/payment"
	"doku-checkout/store"
)

// fuzzApp is the real app (router, store, embedded sandbox), called in
// process, and a shopper session with a cart and its CSRF token.
type fuzzApp struct {
	a       *apptest.App
	c       *http.Client
	csrf    string
	cookies []*http.Cookie
}

func newFuzzApp(tb testing.TB) *fuzzApp {
	tb.Helper()
	a := apptest.Start(tb, apptest.InProcess(), apptest.Env(map[string]string{
		"PUBLIC_URL": "http://shop.test", "SANDBOX_ON_PUBLIC_URL": "yes", "PAYMENT_MODE": "direct,hosted", "DOKU_TIMEOUT": "5s",
	}))
	s := apptest.NewShopper(tb, a)
	s.AddToCart("2", "1")
	fa := &fuzzApp{a: a, c: a.Client(nil), csrf: s.CSRF(), cookies: s.Cookies()}
	if fa.csrf == "" || len(fa.cookies) == 0 {
		tb.Fatal("no CSRF token or cookie on the cart page")
	}
	return fa
}

// form is a POST of body to path carrying the session's cookies (the same
// ones every time: what one answer sets does not carry to the next input).
func (fa *fuzzApp) form(path, body string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, fa.a.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range fa.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return req
}

// serve sends req to the app in process, without following a redirect,
// and returns the answer with its body read.
func (fa *fuzzApp) serve(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := fa.c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", req.Method, req.URL.Path, err)
	}
	return resp, string(b)
}

// digitsOnly keeps the digits of s.
func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// FuzzCheckoutForm posts random checkout forms through the real router with
// a valid session, CSRF token and cart: never a 5xx (nor a panic), and the
// answer never shows a typed card number back.
func FuzzCheckoutForm(f *testing.F) {
	fa := newFuzzApp(f)
	valid := url.Values{"name": {"Siti Rahma"}, "email": {"siti@example.com"}, "phone": {"081234567890"},
		"address": {"Jl. Merdeka No. 10"}, "country": {"ID"}, "mode": {"direct"}, "saved_card": {"0"},
		"card_number": {"4111 1111 1111 1111"}, "card_expiry": {"12/30"}, "card_cvv": {"737"}, "checkout_key": {"fuzz-seed-1"}}
	f.Add(valid.Encode())
	for k, v := range map[string]string{
		"card_number": "4111111111111112", "card_expiry": "1399", "card_cvv": "12", "email": "a@b", "phone": "+62 (812) 3456-7890",
		"country": "XX", "mode": "moto", "saved_card": "-1", "name": strings.Repeat("é", 300), "address": "line\x00two",
		"save_card": "1", "amount": "1",
	} {
		bad := url.Values{}
		for kk, vv := range valid {
			bad[kk] = vv
		}
		bad.Set(k, v)
		bad.Set("checkout_key", "fuzz-seed-"+k)
		f.Add(bad.Encode())
	}
	f.Add("card_number=378282246310005&card_cvv=7373&card_expiry=0130&mode=hosted&name=A&email=a%40b.co&phone=62812345678&address=x&country=ID")
	f.Add("card_number=3530111333300000&card_expiry=1230&card_cvv=737&name=A&email=a%40b.co&phone=62812345678&address=x&country=ID&checkout_key=k")
	f.Add("")
	f.Add("%zz&&=&card_number=%00%ff;x=1&mode=direct&mode=hosted")

	f.Fuzz(func(t *testing.T, body string) {
		resp, page := fa.serve(t, fa.form("/checkout", "csrf="+fa.csrf+"&"+body))
		if resp.StatusCode >= 500 {
			t.Fatalf("POST /checkout %q: %d\n%s", body, resp.StatusCode, page)
		}
		if resp.StatusCode == http.StatusForbidden {
			t.Fatalf("POST /checkout %q: 403: the fuzzer is not getting past CSRF", body)
		}
		answer := page + resp.Header.Get("Location")
		vals, _ := url.ParseQuery(body)
		var others string
		for k, vs := range vals {
			if k != "card_number" {
				others += " " + digitsOnly(strings.Join(vs, " "))
			}
		}
		for _, raw := range vals["card_number"] {
			typed := strings.Map(func(r rune) rune {
				if r == ' ' || r == '-' {
					return -1
				}
				return r
			}, strings.TrimSpace(raw))
			if len(typed) < 12 || digitsOnly(typed) != typed || strings.Contains(others, typed) {
				continue // not a card number, or echoed legitimately in another field
			}
			if strings.Contains(answer, typed) || strings.Contains(answer, strings.TrimSpace(raw)) {
				t.Fatalf("the answer to %q (%d) shows the card number %q back", body, resp.StatusCode, raw)
			}
		}
	})
}

// FuzzNotification posts random bodies and headers to /notifications/doku:
// never a 5xx; without a correct signature only 401 (or 400 for a body that
// cannot be read), and signed, 200, 400 or 404.
func FuzzNotification(f *testing.F) {
	fa := newFuzzApp(f)
	ctx := context.Background()
	o := store.Order{Invoice: "INV-20260101-F0220F0220", Ref: "fuzzref", Mode: store.ModeDirect, Status: payment.StatusPending,
		AmountIDR: 85000, Name: "Siti", Email: "siti@example.com", Phone: "6281234567890", Address: "x", Country: "ID",
		ChargeRequestID: "6f1c2a8e-1b0c-4e43-9b8e-2f1c2a8e9b8e",
		Lines:           []store.OrderLine{{ProductID: 2, Name: "Kopi Gayo 250 g", PriceIDR: 85000, Quantity: 1}}}
	if err := fa.a.Store.CreateOrder(ctx, &o, store.CartClaim{}); err != nil {
		f.Fatal(err)
	}
	body := func(invoice string, amount int64, status string) []byte {
		b, _ := json.Marshal(map[string]any{
			"transaction": map[string]string{"status": status, "original_request_id": o.ChargeRequestID},
			"order":       map[string]any{"invoice_number": invoice, "amount": amount},
		})
		return b
	}
	ts := time.Now().UTC().Format(signature.TimestampLayout)
	for _, sign := range []bool{true, false} {
		f.Add(body(o.Invoice, 85000, "SUCCESS"), app.SandboxClientID, "req-1", ts, "HMACSHA256=x", sign)
		f.Add(body(o.Invoice, 1, "SUCCESS"), app.SandboxClientID, "req-2", ts, "", sign)
		f.Add(body("INV-NOPE", 85000, "FAILED"), app.SandboxClientID, "req-3", ts, "", sign)
		f.Add(body(o.Invoice, 85000, "PENDING"), "MCH-other", "", "yesterday", "", sign)
		f.Add([]byte(`{"order":{"invoice_number":1}}`), app.SandboxClientID, "req-4", ts, "", sign)
		f.Add([]byte("\x00\xff{"), "", "", "", "", sign)
	}
	f.Fuzz(func(t *testing.T, payload []byte, clientID, requestID, timestamp, sig string, sign bool) {
		req, _ := http.NewRequest(http.MethodPost, fa.a.URL+handlers.NotificationPath, bytes.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		set := func(k, v string) {
			if v != "" && !strings.ContainsFunc(v, func(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f }) {
				req.Header.Set(k, v)
			}
		}
		if sign {
			requestID = strings.TrimSpace(requestID) // as the server reads it
			if requestID == "" {
				requestID = "req"
			}
			clientID, timestamp = app.SandboxClientID, ts
			sig = signature.Sign(app.SandboxSecretKey, signature.Components{ClientID: clientID, RequestID: requestID,
				Timestamp: timestamp, Target: handlers.NotificationPath, Digest: signature.Digest(payload)})
		}
		set(signature.HeaderClientID, clientID)
		set(signature.HeaderRequestID, requestID)
		set(signature.HeaderRequestTimestamp, timestamp)
		set(signature.HeaderSignature, sig)
		signed := sign && req.Header.Get(signature.HeaderRequestID) == requestID
		resp, _ := fa.serve(t, req)
		code := resp.StatusCode
		switch {
		case code >= 500:
			t.Fatalf("notification (signed %v) %q: %d", signed, payload, code)
		case len(payload) > 64<<10 && code == http.StatusRequestEntityTooLarge:
		case signed && (code == http.StatusOK || code == http.StatusBadRequest || code == http.StatusNotFound):
		case !signed && (code == http.StatusUnauthorized || code == http.StatusBadRequest):
		default:
			t.Fatalf("notification (signed %v) %q: %d", signed, payload, code)
		}
	})
}
