package payment

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"doku-checkout/doku"
)

// A charge that used its whole deadline is still recorded (PENDING): the
// write must not share the call's spent context.
func TestChargeTimeoutIsRecordedPending(t *testing.T) {
	gw := &fakeGateway{}
	s, st := newTestService(t, gw)
	s.cfg.CallTimeout = 150 * time.Millisecond
	gw.charge = func(doku.ChargeRequest) (*doku.ChargeResponse, error) {
		time.Sleep(300 * time.Millisecond) // past the call's deadline
		return nil, fmt.Errorf("timeout: %w", doku.ErrOutcomeUnknown)
	}
	o := awaiting3DS(t, s)
	if _, err := s.CompleteThreeDS(context.Background(), o.Ref, true); err != nil {
		t.Fatal(err)
	}
	if got := statusOf(t, st, o.ID); got.Status != StatusPending || got.NextCheckAt.IsZero() {
		t.Fatalf("order after a timed-out charge = %s (next check %v), want PENDING with a check scheduled", got.Status, got.NextCheckAt)
	}
}

// A direct order nobody takes through 3-D Secure is closed after
// AbandonAfter, without asking DOKU (no charge was ever sent); not before.
func TestAbandonedThreeDSIsClosed(t *testing.T) {
	gw := &fakeGateway{}
	s, st := newTestService(t, gw)
	o := awaiting3DS(t, s)
	ctx := context.Background()
	now := time.Now()
	s.now = func() time.Time { return now.Add(s.cfg.AbandonAfter - time.Minute) }
	s.ReconcileOnce(ctx)
	if got := statusOf(t, st, o.ID).Status; got != StatusAwaiting3DS {
		t.Fatalf("before AbandonAfter: %s, want AWAITING_3DS", got)
	}
	s.now = func() time.Time { return now.Add(s.cfg.AbandonAfter + time.Minute) }
	if n := s.ReconcileOnce(ctx); n != 1 {
		t.Fatalf("due orders after AbandonAfter = %d, want 1", n)
	}
	if got := statusOf(t, st, o.ID).Status; got != StatusFailed {
		t.Fatalf("after AbandonAfter: %s, want FAILED", got)
	}
	if gw.statusCalls != 0 || gw.chargeCount() != 0 {
		t.Errorf("abandoning called DOKU: %d status checks, %d charges", gw.statusCalls, gw.chargeCount())
	}
	// Its 3DS return, should it come now, charges nothing.
	if _, err := s.CompleteThreeDS(ctx, o.Ref, true); err != nil || gw.chargeCount() != 0 {
		t.Fatalf("late 3DS return on an abandoned order: err %v, charges %d", err, gw.chargeCount())
	}
}

// DOKU's free-text error messages may echo what was sent: they are neither
// stored nor shown, only DOKU's code.
func TestGatewayFreeTextIsNotKept(t *testing.T) {
	const pan = "4111111111111111"
	gw := &fakeGateway{}
	s, st := newTestService(t, gw)
	gw.charge = func(doku.ChargeRequest) (*doku.ChargeResponse, error) {
		return nil, &doku.APIError{Op: "charge", HTTPStatus: 400, Code: "INVALID_FIELD", Message: "card.number " + pan + " is not valid"}
	}
	o := awaiting3DS(t, s)
	got, err := s.CompleteThreeDS(context.Background(), o.Ref, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusFailed {
		t.Fatalf("order = %s, want FAILED", got.Status)
	}
	events, _ := st.OrderEvents(context.Background(), o.ID)
	kept := got.ResponseMessage + fmt.Sprint(events)
	if strings.Contains(kept, pan) || strings.Contains(kept, "is not valid") {
		t.Fatalf("DOKU's free text was stored: %q", kept)
	}
	if !strings.Contains(got.ResponseMessage, "INVALID_FIELD") {
		t.Errorf("response message %q, want DOKU's code", got.ResponseMessage)
	}
}
