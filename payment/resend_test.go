package payment

import (
	"context"
	"testing"

	"doku-checkout/doku"
)

// A charge resent after a lost answer may be refused because the first
// send charged ("authentication already used"). The client reports that as
// outcome unknown; the order must stay PENDING (never FAILED, which is
// final and would ignore the SUCCESS that follows) and be settled by DOKU.
func TestRefusedResendLeavesTheOrderPendingUntilDOKUSettlesIt(t *testing.T) {
	gw := &fakeGateway{}
	s, st := newTestService(t, gw)
	gw.charge = func(doku.ChargeRequest) (*doku.ChargeResponse, error) {
		return nil, &doku.OutcomeUnknownError{Op: "charge", Reason: "refusal of a resent request", HTTPStatus: 400,
			Err: &doku.APIError{Op: "charge", HTTPStatus: 400, Code: "INVALID_FIELD"}}
	}
	o := awaiting3DS(t, s)
	ctx := context.Background()
	if _, err := s.CompleteThreeDS(ctx, o.Ref, true); err != nil {
		t.Fatal(err)
	}
	got := statusOf(t, st, o.ID)
	if got.Status != StatusPending || got.NextCheckAt.IsZero() {
		t.Fatalf("after a refused resend: %s (next check %v), want PENDING with a check scheduled", got.Status, got.NextCheckAt)
	}
	if r := ReceiptFor(got); r.RetryURL != "" || r.Message == TextFailed {
		t.Errorf("receipt offers to pay again or says nothing was taken: %+v", r)
	}
	// DOKU's notification of the first send's SUCCESS settles it.
	if _, err := s.ApplyNotification(ctx, statusAnswer(got, doku.StatusSuccess)); err != nil {
		t.Fatalf("SUCCESS notification: %v", err)
	}
	if got := statusOf(t, st, o.ID).Status; got != StatusSuccess {
		t.Fatalf("after DOKU's SUCCESS: %s, want SUCCESS", got)
	}
	if n := gw.chargeCount(); n != 1 {
		t.Errorf("charges sent = %d, want 1 (never a new Request-Id)", n)
	}
}
