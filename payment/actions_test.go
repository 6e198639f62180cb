package payment

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"doku-checkout/doku"
	"doku-checkout/store"
)

// actionGateway is the fake gateway with DOKU's capture and refund.
type actionGateway struct {
	*fakeGateway
	mu        sync.Mutex
	refundIDs []string
	captures  []string
	delay     time.Duration // widens the race window
	answer    func(requestID string, amount int64) error
}

func (g *actionGateway) Capture(ctx context.Context, requestID string, req doku.CaptureRequest) (*doku.CaptureResponse, error) {
	g.mu.Lock()
	g.captures = append(g.captures, requestID)
	g.mu.Unlock()
	if g.answer != nil {
		if err := g.answer(requestID, req.Payment.CaptureAmount); err != nil {
			return nil, err
		}
	}
	var out doku.CaptureResponse
	out.Payment.Status, out.Payment.ResponseCode = doku.StatusSuccess, "00"
	return &out, nil
}

func (g *actionGateway) Refund(ctx context.Context, requestID string, req doku.RefundRequest) (*doku.RefundResponse, error) {
	g.mu.Lock()
	g.refundIDs = append(g.refundIDs, requestID)
	delay := g.delay
	g.mu.Unlock()
	time.Sleep(delay)
	if g.answer != nil {
		if err := g.answer(requestID, req.Refund.Amount); err != nil {
			return nil, err
		}
	}
	var out doku.RefundResponse
	out.Refund.Amount, out.Refund.Status = req.Refund.Amount, doku.StatusSuccess
	out.Payment.Status, out.Payment.ResponseCode = doku.StatusSuccess, "00"
	return &out, nil
}

func (g *actionGateway) calls() (refunds, captures []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.refundIDs...), append([]string(nil), g.captures...)
}

func newActionService(t *testing.T, authorize bool) (*Service, *store.Store, *actionGateway) {
	t.Helper()
	fg := &fakeGateway{charge: func(req doku.ChargeRequest) (*doku.ChargeResponse, error) {
		out := chargeAnswer(req, doku.StatusSuccess, "00")
		if authorize {
			out.Payment.Type, out.Payment.AuthorizeID = doku.PaymentAuthorize, "777000111222"
		}
		return out, nil
	}}
	gw := &actionGateway{fakeGateway: fg}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "actions.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := New(st, gw, Config{PublicURL: "https://shop.test/", ReconcileAfter: time.Minute, CallTimeout: 5 * time.Second},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	return s, st, gw
}

// chargedOrder takes an order through 3-D Secure and its charge.
func chargedOrder(t *testing.T, s *Service, want Status) store.Order {
	t.Helper()
	o := awaiting3DS(t, s)
	o, err := s.CompleteThreeDS(context.Background(), o.Ref, true)
	if err != nil || o.Status != want {
		t.Fatalf("charge: %s, %v; want %s", o.Status, err, want)
	}
	return o
}

func refund(s *Service, o store.Order, amount int64, key string) (ActionResult, error) {
	return s.Act(context.Background(), ActionRequest{Invoice: o.Invoice, Kind: store.ActionRefund, AmountIDR: amount, FormKey: key, StaffID: 1, StaffEmail: "owner@example.com"})
}

// Sixteen partial refunds of 40% each at once: the store serialises their
// claims, so at most two reach DOKU and the total refunded never exceeds
// the amount (a known over-refund of other systems under concurrency).
func TestConcurrentPartialRefundsNeverExceedTheAmount(t *testing.T) {
	s, st, gw := newActionService(t, false)
	gw.delay = 20 * time.Millisecond
	o := chargedOrder(t, s, StatusSuccess)
	part := o.AmountIDR * 40 / 100
	var wg sync.WaitGroup
	results := make([]error, 16)
	for i := range 16 {
		wg.Go(func() {
			_, results[i] = refund(s, o, part, "")
		})
	}
	wg.Wait()
	okCount := 0
	for i, err := range results {
		switch {
		case err == nil:
			okCount++
		case !errors.Is(err, ErrActionOverLimit):
			t.Errorf("refund %d: %v, want nil or ErrActionOverLimit", i, err)
		}
	}
	refunds, _ := gw.calls()
	got := statusOf(t, st, o.ID)
	if okCount != 2 || len(refunds) != 2 {
		t.Errorf("refunds done %d, sent to DOKU %d; want 2 and 2", okCount, len(refunds))
	}
	if got.RefundedIDR != 2*part || got.RefundedIDR > got.AmountIDR || got.Status != StatusPartiallyRefunded {
		t.Errorf("order refunded %d of %d, status %s; want %d, PARTIALLY_REFUNDED", got.RefundedIDR, got.AmountIDR, got.Status, 2*part)
	}
	// What is left can be refunded, and then nothing more.
	if res, err := refund(s, o, got.CapturedIDR-got.RefundedIDR, ""); err != nil || res.Order.Status != StatusRefunded {
		t.Fatalf("refund the rest: %v, %s; want REFUNDED", err, res.Order.Status)
	}
	if _, err := refund(s, o, 1, ""); !errors.Is(err, ErrActionNotAllowed) {
		t.Errorf("refund of a refunded order: %v, want ErrActionNotAllowed", err)
	}
}

// A refund whose answer is lost stays PENDING, changes nothing, and is sent
// again by the reconciler under the very same Request-Id; its confirmation
// then settles it once.
func TestRefundWithoutAnswerIsPendingAndResentUnderItsRequestID(t *testing.T) {
	s, st, gw := newActionService(t, false)
	o := chargedOrder(t, s, StatusSuccess)
	lost := true
	gw.answer = func(string, int64) error {
		if lost {
			return &doku.OutcomeUnknownError{Op: "refund", Reason: "timeout"}
		}
		return nil
	}
	res, err := refund(s, o, 50000, "form-1")
	if err != nil || res.Action.Status != store.ActionPending {
		t.Fatalf("refund without answer: %+v, %v; want PENDING", res.Action, err)
	}
	if got := statusOf(t, st, o.ID); got.Status != StatusSuccess || got.RefundedIDR != 0 {
		t.Fatalf("order after a lost answer: %s refunded %d; want SUCCESS, 0", got.Status, got.RefundedIDR)
	}
	// The form sent again is the same action, not a second refund.
	if res2, err := refund(s, o, 50000, "form-1"); err != nil || !res2.Duplicate || res2.Action.ID != res.Action.ID {
		t.Fatalf("form sent twice: %+v, %v; want the first action", res2, err)
	}
	// Nothing is due before its check time.
	if n := s.ReconcileActions(context.Background()); n != 0 {
		t.Fatalf("reconciled %d actions before their time", n)
	}
	lost = false
	s.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if n := s.ReconcileActions(context.Background()); n != 1 {
		t.Fatalf("reconciled %d actions, want 1", n)
	}
	refunds, _ := gw.calls()
	if len(refunds) != 2 || refunds[0] != refunds[1] || refunds[0] != res.Action.RequestID {
		t.Errorf("refund Request-Ids sent %v, want the action's %s twice", refunds, res.Action.RequestID)
	}
	got := statusOf(t, st, o.ID)
	if got.Status != StatusPartiallyRefunded || got.RefundedIDR != 50000 {
		t.Errorf("order after the resend: %s refunded %d; want PARTIALLY_REFUNDED 50000", got.Status, got.RefundedIDR)
	}
	if n := s.ReconcileActions(context.Background()); n != 0 {
		t.Errorf("a settled action was sent again (%d)", n)
	}
}

// A refund DOKU refuses fails, moves nothing, and frees its amount.
func TestRefusedRefundMovesNothing(t *testing.T) {
	s, st, gw := newActionService(t, false)
	o := chargedOrder(t, s, StatusSuccess)
	gw.answer = func(string, int64) error { return &doku.APIError{Op: "refund", HTTPStatus: 400, Code: "INVALID_FIELD"} }
	res, err := refund(s, o, o.AmountIDR, "")
	if err != nil || res.Action.Status != store.ActionFailed || res.Order.Status != StatusSuccess || res.Order.RefundedIDR != 0 {
		t.Fatalf("refused refund: action %s, order %s refunded %d, %v", res.Action.Status, res.Order.Status, res.Order.RefundedIDR, err)
	}
	gw.answer = nil
	if res, err := refund(s, o, o.AmountIDR, ""); err != nil || res.Order.Status != StatusRefunded {
		t.Fatalf("refund after a refusal: %v %s, want REFUNDED", err, res.Order.Status)
	}
	if got := statusOf(t, st, o.ID); got.RefundedIDR != got.AmountIDR {
		t.Errorf("refunded %d, want %d", got.RefundedIDR, got.AmountIDR)
	}
}

// An AUTHORIZE charge ends AUTHORIZED; a partial capture takes part of it,
// and refunds are bounded by what was captured. Another is voided, after
// which it can be neither captured nor refunded.
func TestAuthorizeCaptureVoid(t *testing.T) {
	s, st, gw := newActionService(t, true)
	o := chargedOrder(t, s, StatusAuthorized)
	if o.AuthorizeID != "777000111222" || o.CapturedIDR != 0 {
		t.Fatalf("authorised order: authorize id %q captured %d", o.AuthorizeID, o.CapturedIDR)
	}
	if _, err := refund(s, o, 1000, ""); !errors.Is(err, ErrActionNotAllowed) {
		t.Errorf("refund of an uncaptured authorisation: %v, want ErrActionNotAllowed", err)
	}
	part := o.AmountIDR * 60 / 100
	res, err := s.Act(context.Background(), ActionRequest{Invoice: o.Invoice, Kind: store.ActionCapture, AmountIDR: part, StaffID: 1, StaffEmail: "o@example.com"})
	if err != nil || res.Order.Status != StatusSuccess || res.Order.CapturedIDR != part {
		t.Fatalf("capture 60%%: %v, %s captured %d; want SUCCESS, %d", err, res.Order.Status, res.Order.CapturedIDR, part)
	}
	if _, err := s.Act(context.Background(), ActionRequest{Invoice: o.Invoice, Kind: store.ActionCapture, StaffID: 1}); !errors.Is(err, ErrActionNotAllowed) {
		t.Errorf("second capture: %v, want ErrActionNotAllowed", err)
	}
	if _, err := refund(s, o, part+1, ""); !errors.Is(err, ErrActionOverLimit) {
		t.Errorf("refund over the captured amount: %v, want ErrActionOverLimit", err)
	}
	if res, err := refund(s, o, part, ""); err != nil || res.Order.Status != StatusRefunded {
		t.Errorf("refund of all captured: %v, %s; want REFUNDED", err, res.Order.Status)
	}

	v := chargedOrder(t, s, StatusAuthorized)
	if res, err := s.Act(context.Background(), ActionRequest{Invoice: v.Invoice, Kind: store.ActionVoid, StaffID: 1}); err != nil || res.Order.Status != StatusVoided {
		t.Fatalf("void: %v, %s; want VOIDED", err, res.Order.Status)
	}
	if _, err := s.Act(context.Background(), ActionRequest{Invoice: v.Invoice, Kind: store.ActionCapture, StaffID: 1}); !errors.Is(err, ErrActionNotAllowed) {
		t.Errorf("capture after void: %v, want ErrActionNotAllowed", err)
	}
	refunds, captures := gw.calls()
	if len(captures) != 1 || len(refunds) != 2 { // one refund, one void
		t.Errorf("DOKU saw %d captures and %d refunds/voids, want 1 and 2", len(captures), len(refunds))
	}
	if got := statusOf(t, st, v.ID); got.CapturedIDR != 0 {
		t.Errorf("voided order captured %d, want 0", got.CapturedIDR)
	}
}
