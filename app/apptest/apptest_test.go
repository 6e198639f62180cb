package apptest

import (
	"context"
	"html"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"doku-checkout/doku"
	"doku-checkout/payment"
)

// notEnrolled is a fake gateway whose issuer has not enrolled any card in
// 3-D Secure; it must never be asked to charge.
type notEnrolled struct {
	payment.Gateway // nil: any other call panics
	checks          atomic.Int32
}

func (g *notEnrolled) CheckThreeDS(context.Context, string, doku.CheckThreeDSRequest) (*doku.CheckThreeDSResponse, error) {
	g.checks.Add(1)
	return &doku.CheckThreeDSResponse{}, nil
}

// With a fake gateway in the sandbox's place, the app calls it: a card not
// enrolled in 3-D Secure fails before any charge, the checkout page says
// why; no sandbox runs.
func TestStartWithFakeGateway(t *testing.T) {
	gw := &notEnrolled{}
	a := Start(t, Gateway(gw))
	if a.Sandbox != nil {
		t.Errorf("a sandbox runs beside the fake gateway at %s", a.DokuURL)
	}
	s := NewShopper(t, a)
	s.AddToCart("2", "1")
	s.Checkout(Card("4111111111111111", "737"))
	if s.Resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(s.Body, html.EscapeString(payment.TextNotEnrolled)) {
		t.Fatalf("checkout: %d at %s; want 422 saying %q\n%s", s.Resp.StatusCode, s.Path(), payment.TextNotEnrolled, s.Body)
	}
	if n := gw.checks.Load(); n != 1 {
		t.Errorf("the fake gateway was asked %d times, want once", n)
	}
	db, err := OpenRO(a.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var status, msg string
	if err := db.QueryRow(`SELECT status, response_message FROM orders`).Scan(&status, &msg); err != nil {
		t.Fatalf("the one order: %v", err)
	}
	if status != string(payment.StatusFailed) || msg != payment.TextNotEnrolled {
		t.Errorf("order %s %q, want FAILED %q", status, msg, payment.TextNotEnrolled)
	}
}
