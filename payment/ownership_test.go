package payment

import (
	"context"
	"errors"
	"testing"

	"doku-checkout/doku"
	"doku-checkout/store"
)

// A notification for a direct order that names no charge must not end it
// while our charge is in flight; one naming our charge does.
func TestNotificationMustNameOurCharge(t *testing.T) {
	gw := &fakeGateway{}
	s, st := newTestService(t, gw)
	ctx := context.Background()
	o := awaiting3DS(t, s)
	// Charging, as if the charge call were in flight.
	if ok, _ := s.move(ctx, o, MoveCharging, record{Fields: store.Fields{ChargeRequestID: "charge-1"}}); !ok {
		t.Fatal("could not move the order to CHARGING")
	}
	o = statusOf(t, st, o.ID)
	anon := statusAnswer(o, doku.StatusFailed)
	anon.Transaction.OriginalRequestID = ""
	if _, err := s.ApplyNotification(ctx, anon); !errors.Is(err, ErrMismatch) {
		t.Fatalf("notification without original_request_id: err = %v, want ErrMismatch", err)
	}
	if got := statusOf(t, st, o.ID).Status; got != StatusCharging {
		t.Fatalf("order = %s after an anonymous FAILED notification, want CHARGING", got)
	}
	// The same answer from our own status check may leave the id out.
	gw.status = func(string) (*doku.StatusResponse, error) { return anon, nil }
	s.check(ctx, o)
	if got := statusOf(t, st, o.ID).Status; got != StatusFailed {
		t.Fatalf("order = %s after a status check said FAILED, want FAILED", got)
	}
}

// The key in a checkout form opens its order only for the cart that made it.
func TestCheckoutKeyBoundToItsCart(t *testing.T) {
	gw := &fakeGateway{}
	s, _ := newTestService(t, gw)
	ctx := context.Background()
	lines := []store.CartLine{{ProductID: 2, Name: "Kopi Gayo 250 g", PriceIDR: 85000, Quantity: 2}}
	first, err := s.Start(ctx, StartRequest{CheckoutKey: "k-shared", CartID: "cart-a", Input: validInput(), Lines: lines})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Start(ctx, StartRequest{CheckoutKey: "k-shared", CartID: "cart-a", Input: validInput(), Lines: lines})
	if err != nil || again.Order.ID != first.Order.ID || again.RedirectURL != first.RedirectURL {
		t.Fatalf("resubmission from the same cart = %+v, %v; want the first order and its 3DS page", again, err)
	}
	if _, err := s.Start(ctx, StartRequest{CheckoutKey: "k-shared", CartID: "cart-b", Input: validInput(), Lines: lines}); !errors.Is(err, ErrCheckoutKeyUsed) {
		t.Fatalf("the key from another cart: err = %v, want ErrCheckoutKeyUsed", err)
	}
}
