package app_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"doku-checkout/app/apptest"
)

// The sandbox's "already paid", "already complete" and "not found" pages
// are no dead end: each leads back to the shop, to the order's receipt
// when the sandbox knows it.
func TestSandboxMessagePagesLeadBackToTheShop(t *testing.T) {
	a := apptest.Start(t, apptest.Env(map[string]string{"PAYMENT_MODE": "direct,hosted"}))

	// DOKU Checkout link paid, then opened again.
	s := apptest.NewShopper(t, a)
	s.AddToCart("3", "1")
	fields := apptest.Contact()
	fields.Set("mode", "hosted")
	s.Checkout(fields)
	payURL := s.Resp.Request.URL.String()
	s.Submit("form", url.Values{"card_number": {"4111111111111111"}, "card_expiry": {"1230"}, "card_cvv": {"737"}}).OTP("123456")
	s.WaitStatus("SUCCESS", 10*time.Second)
	receipt := s.Path()
	s.Get(payURL)
	back := s.Doc.Find(`[data-testid="back-to-shop"]`).AttrOr("href", "")
	if !strings.Contains(s.Body, "Already paid") || back == "" {
		t.Fatalf("paid link opened again: want the Already paid page with a way back\n%s", s.Body)
	}
	s.Get(back)
	if s.Path() != receipt || s.Text("order-status") != "SUCCESS" {
		t.Errorf("Already paid's link leads to %s (%q), want the receipt %s", s.Path(), s.Text("order-status"), receipt)
	}

	// 3-D Secure page opened again once done.
	c := apptest.ToChallenge(t, a, "4111111111111111", "123")
	challenge := c.Resp.Request.URL.String()
	c.OTP("123456")
	receipt = c.Path()
	c.Get(challenge)
	back = c.Doc.Find(`[data-testid="back-to-shop"]`).AttrOr("href", "")
	if back == "" {
		t.Fatalf("finished 3-D Secure page: no way back\n%s", c.Body)
	}
	c.Get(back)
	if c.Path() != receipt || c.Text("order-status") != "SUCCESS" {
		t.Errorf("finished 3-D Secure's link leads to %s (%q), want the receipt %s", c.Path(), c.Text("order-status"), receipt)
	}

	// Links the sandbox does not know lead to the shop itself.
	for _, path := range []string{"/checkout-page/nope", "/3ds/challenge?authenticationId=nope"} {
		c.Get(a.DokuURL + path)
		if back := c.Doc.Find(`[data-testid="back-to-shop"]`).AttrOr("href", ""); strings.TrimRight(back, "/") != a.URL {
			t.Errorf("%s: back link %q, want the shop %s", path, back, a.URL)
		}
	}
}
