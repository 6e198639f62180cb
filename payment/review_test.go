package payment

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"doku-checkout/doku"
	"doku-checkout/store"
)

// Issue 9's money defects, proven at the payment flow.

// hostedOrder starts a hosted order for Rp 170.000, waiting on DOKU Checkout.
func hostedOrder(t *testing.T, s *Service) store.Order {
	t.Helper()
	in := validInput()
	in.Mode = ModeHosted
	res, err := s.Start(context.Background(), StartRequest{
		CheckoutKey: fmt.Sprintf("key-%s-%d", t.Name(), time.Now().UnixNano()), CartID: fmt.Sprintf("cart-%s-%d", t.Name(), time.Now().UnixNano()), Input: in,
		Lines: []store.CartLine{{ProductID: 2, Name: "Kopi Gayo 250 g", PriceIDR: 85000, Quantity: 2}},
	})
	if err != nil || res.Order.Status != StatusAwaitingPayment {
		t.Fatalf("Start hosted = %+v, %v", res, err)
	}
	return res.Order
}

// hostedStatus is DOKU's status answer for a hosted order.
func hostedStatus(o store.Order, status string) *doku.StatusResponse {
	var n doku.StatusResponse
	n.Transaction.Status = status
	n.Order.InvoiceNumber, n.Order.Amount = o.Invoice, o.AmountIDR
	n.CardPayment = &doku.CardPayment{ResponseCode: "05"}
	return &n
}

// A hosted order whose only attempt was declined stays payable until its
// link expires; once it has (plus the grace period) and DOKU still has no
// payment, it closes FAILED, and its cart is free again. Before, it was
// checked forever and its cart stayed locked.
func TestHostedOrderWithADeclineClosesOnceItsLinkExpired(t *testing.T) {
	gw := &fakeGateway{}
	s, st := newTestService(t, gw)
	ctx := context.Background()
	start := time.Now()
	s.now = func() time.Time { return start }
	o := hostedOrder(t, s)
	if o.PaymentExpiresAt.IsZero() {
		t.Fatal("a hosted order has no link expiry")
	}
	if _, err := s.ApplyNotification(ctx, hostedStatus(o, doku.StatusFailed)); err != nil {
		t.Fatal(err)
	}
	o = statusOf(t, st, o.ID)
	if o.Status != StatusAwaitingPayment || o.LastMove != string(MoveAttemptDeclined) {
		t.Fatalf("after a declined attempt: %s by %s, want AWAITING_PAYMENT by attempt_declined", o.Status, o.LastMove)
	}
	gw.status = func(string) (*doku.StatusResponse, error) { return hostedStatus(o, doku.StatusFailed), nil }
	// Before expiry + grace: still open, and the next check is due no later
	// than when the order can be closed.
	s.now = func() time.Time { return o.PaymentExpiresAt.Add(hostedExpiryGrace - time.Minute) }
	s.check(ctx, o)
	o = statusOf(t, st, o.ID)
	if o.Status != StatusAwaitingPayment {
		t.Fatalf("before the link expired: %s, want AWAITING_PAYMENT", o.Status)
	}
	if close := o.PaymentExpiresAt.Add(hostedExpiryGrace); o.NextCheckAt.After(close) {
		t.Errorf("next check at %v, after the order can close (%v)", o.NextCheckAt, close)
	}
	// After: DOKU's answer (FAILED attempt, EXPIRED, or no transaction)
	// closes it.
	s.now = func() time.Time { return o.PaymentExpiresAt.Add(hostedExpiryGrace + time.Second) }
	s.check(ctx, o)
	o = statusOf(t, st, o.ID)
	if o.Status != StatusFailed || o.LastMove != string(MoveExpired) {
		t.Fatalf("after the link expired: %s by %s, want FAILED by expired", o.Status, o.LastMove)
	}
	if !o.NextCheckAt.IsZero() {
		t.Error("a closed order is still scheduled for checks")
	}
	// Its cart can be paid again.
	in := validInput()
	in.Mode = ModeHosted
	if _, err := s.Start(ctx, StartRequest{CheckoutKey: "again-" + t.Name(), CartID: o.CartID, Input: in,
		Lines: []store.CartLine{{ProductID: 2, Name: "Kopi Gayo 250 g", PriceIDR: 85000, Quantity: 2}}}); err != nil {
		t.Fatalf("paying the cart again after the order closed: %v", err)
	}
}

// After expiry, an answer that a payment is on its way, or no answer at all,
// keeps the order open: closing it could ignore money taken.
func TestExpiredHostedOrderStaysOpenWhileDOKUMayHaveAPayment(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(o store.Order) (*doku.StatusResponse, error)
	}{
		{"PENDING", func(o store.Order) (*doku.StatusResponse, error) { return hostedStatus(o, doku.StatusPending), nil }},
		{"no answer", func(store.Order) (*doku.StatusResponse, error) {
			return nil, &doku.OutcomeUnknownError{Op: "status", Reason: "timeout"}
		}},
		{"body not signed", func(o store.Order) (*doku.StatusResponse, error) {
			n := hostedStatus(o, doku.StatusExpired)
			n.BodyNotSigned = true
			return n, nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gw := &fakeGateway{}
			s, st := newTestService(t, gw)
			o := hostedOrder(t, s)
			gw.status = func(string) (*doku.StatusResponse, error) { return tc.answer(o) }
			s.now = func() time.Time { return o.PaymentExpiresAt.Add(hostedExpiryGrace + time.Hour) }
			s.check(context.Background(), o)
			if got := statusOf(t, st, o.ID).Status; got != StatusAwaitingPayment {
				t.Fatalf("after %s: %s, want AWAITING_PAYMENT", tc.name, got)
			}
		})
	}
}

// A status answer whose body no signature covers (four-line signed GET)
// settles nothing, SUCCESS least of all; nor does one naming another
// invoice.
func TestStatusAnswerSettlesOnlyWhatItsSignatureCoversAndOnlyItsOrder(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(n *doku.StatusResponse)
		settle bool
	}{
		{"signed body", func(*doku.StatusResponse) {}, true},
		{"body not signed", func(n *doku.StatusResponse) { n.BodyNotSigned = true }, false},
		{"another invoice", func(n *doku.StatusResponse) { n.Order.InvoiceNumber = "INV-20260101-OTHER00000" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gw := &fakeGateway{}
			s, st := newTestService(t, gw)
			gw.charge = func(doku.ChargeRequest) (*doku.ChargeResponse, error) {
				return nil, &doku.OutcomeUnknownError{Op: "charge", Reason: "timeout"}
			}
			o := awaiting3DS(t, s)
			ctx := context.Background()
			if _, err := s.CompleteThreeDS(ctx, o.Ref, true); err != nil {
				t.Fatal(err)
			}
			o = statusOf(t, st, o.ID)
			gw.status = func(string) (*doku.StatusResponse, error) {
				n := statusAnswer(o, doku.StatusSuccess)
				tc.edit(n)
				return n, nil
			}
			s.check(ctx, o)
			got := statusOf(t, st, o.ID)
			if want := map[bool]Status{true: StatusSuccess, false: StatusPending}[tc.settle]; got.Status != want {
				t.Fatalf("after the status answer: %s, want %s", got.Status, want)
			}
			if !tc.settle && got.NextCheckAt.IsZero() {
				t.Error("the order is no longer checked")
			}
			// The same body as a notification: refused (a notification is
			// always signed over its body; the invoice must be ours).
			if tc.name == "another invoice" {
				n := statusAnswer(o, doku.StatusSuccess)
				tc.edit(n)
				if err := s.settle(ctx, o, n, sourceNotification); !errors.Is(err, ErrMismatch) {
					t.Errorf("settle of another invoice's answer: %v, want ErrMismatch", err)
				}
			}
		})
	}
}

// The charge's ECI is kept with the order, and whether it shifts the fraud
// liability is known per brand.
func TestChargeECIIsRecorded(t *testing.T) {
	gw := &fakeGateway{}
	s, st := newTestService(t, gw)
	gw.charge = func(r doku.ChargeRequest) (*doku.ChargeResponse, error) {
		a := chargeAnswer(r, doku.StatusSuccess, "00")
		a.Payment.ECI = "07"
		return a, nil
	}
	o := awaiting3DS(t, s)
	if _, err := s.CompleteThreeDS(context.Background(), o.Ref, true); err != nil {
		t.Fatal(err)
	}
	if got := statusOf(t, st, o.ID); got.Status != StatusSuccess || got.ECI != "07" {
		t.Fatalf("order = %s with ECI %q, want SUCCESS with 07", got.Status, got.ECI)
	}
	for _, tc := range []struct {
		eci, brand string
		want       bool
	}{{"05", BrandVisa, true}, {"06", BrandJCB, true}, {"07", BrandVisa, false}, {"02", BrandMaster, true},
		{"01", BrandMaster, true}, {"00", BrandMaster, false}, {"05", BrandMaster, false}, {"", BrandAmex, false}} {
		if got := LiabilityShifted(tc.eci, tc.brand); got != tc.want {
			t.Errorf("LiabilityShifted(%q, %s) = %v, want %v", tc.eci, tc.brand, got, tc.want)
		}
	}
}
