package payment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"doku-checkout/doku"
	"doku-checkout/store"
)

// fakeGateway is DOKU as the flow sees it, scripted per test. It counts
// every call and answers 3DS checks with an enrolled card.
type fakeGateway struct {
	mu           sync.Mutex
	threeDSCalls int
	threeDSDelay time.Duration
	charges      []doku.ChargeRequest
	chargeIDs    []string
	statusCalls  int
	charge       func(req doku.ChargeRequest) (*doku.ChargeResponse, error)
	status       func(ref string) (*doku.StatusResponse, error)
	tokens       func(customerID string) (*doku.TokensResponse, error)
	deleteToken  func(requestID, token string) error
	deleted      []string // tokens DeleteToken was asked for, with their Request-Id
	checkouts    []doku.CheckoutRequest
}

func (g *fakeGateway) CheckThreeDS(ctx context.Context, requestID string, req doku.CheckThreeDSRequest) (*doku.CheckThreeDSResponse, error) {
	g.mu.Lock()
	g.threeDSCalls++
	delay := g.threeDSDelay
	g.mu.Unlock()
	time.Sleep(delay)
	var out doku.CheckThreeDSResponse
	out.Order.InvoiceNumber, out.Order.Amount = req.Order.InvoiceNumber, req.Order.Amount
	out.ThreeDSecure.EnrollmentStatus = true
	out.ThreeDSecure.AuthenticationID = strings.Repeat("a", 64)
	out.ThreeDSecure.AuthenticationURL = "https://acs.test/challenge?authenticationId=" + requestID
	return &out, nil
}

func (g *fakeGateway) Charge(ctx context.Context, requestID string, req doku.ChargeRequest) (*doku.ChargeResponse, error) {
	g.mu.Lock()
	g.charges = append(g.charges, req)
	g.chargeIDs = append(g.chargeIDs, requestID)
	fn := g.charge
	g.mu.Unlock()
	return fn(req)
}

func (g *fakeGateway) Status(ctx context.Context, ref string) (*doku.StatusResponse, error) {
	g.mu.Lock()
	g.statusCalls++
	fn := g.status
	g.mu.Unlock()
	if fn == nil {
		return nil, &doku.APIError{Op: "status", HTTPStatus: 404, Code: "TRANSACTION_NOT_FOUND"}
	}
	return fn(ref)
}

func (g *fakeGateway) Tokens(ctx context.Context, customerID string) (*doku.TokensResponse, error) {
	g.mu.Lock()
	fn := g.tokens
	g.mu.Unlock()
	if fn != nil {
		return fn(customerID)
	}
	return &doku.TokensResponse{}, nil
}

func (g *fakeGateway) DeleteToken(ctx context.Context, requestID, token string) (*doku.DeleteTokenResponse, error) {
	g.mu.Lock()
	g.deleted = append(g.deleted, requestID+" "+token)
	fn := g.deleteToken
	g.mu.Unlock()
	if fn != nil {
		if err := fn(requestID, token); err != nil {
			return nil, err
		}
	}
	return &doku.DeleteTokenResponse{}, nil
}

func (g *fakeGateway) CheckoutPayment(ctx context.Context, requestID string, req doku.CheckoutRequest) (*doku.CheckoutResponse, error) {
	g.mu.Lock()
	g.checkouts = append(g.checkouts, req)
	g.mu.Unlock()
	var out doku.CheckoutResponse
	out.Response.Payment.URL = "https://checkout.test/" + requestID
	return &out, nil
}

func (g *fakeGateway) chargeCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.charges)
}

// chargeAnswer is a verified Charge answer for req with status.
func chargeAnswer(req doku.ChargeRequest, status, code string) *doku.ChargeResponse {
	var out doku.ChargeResponse
	out.Order.InvoiceNumber, out.Order.Amount = req.Order.InvoiceNumber, req.Order.Amount
	out.Payment.Status, out.Payment.ResponseCode = status, code
	if status == doku.StatusSuccess {
		out.Payment.ApprovalCode = "424242"
	}
	out.Card.Masked, out.Card.Brand = "411111******1111", "VISA"
	return &out
}

// statusAnswer is a status check answer for o.
func statusAnswer(o store.Order, status string) *doku.StatusResponse {
	var n doku.StatusResponse
	n.Transaction.Status, n.Transaction.OriginalRequestID = status, o.ChargeRequestID
	n.Order.InvoiceNumber, n.Order.Amount = o.Invoice, o.AmountIDR
	n.CardPayment = &doku.CardPayment{Masked: "411111******1111", Brand: "VISA", ApprovalCode: "424242", ResponseCode: "00"}
	return &n
}

func newTestService(t *testing.T, gw *fakeGateway) (*Service, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "payment.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := New(st, gw, Config{PublicURL: "https://shop.test/", ReconcileAfter: time.Minute, CallTimeout: 5 * time.Second},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	return s, st
}

// awaiting3DS starts a direct order for Rp 170.000 and returns it waiting
// on 3-D Secure.
func awaiting3DS(t *testing.T, s *Service) store.Order {
	t.Helper()
	res, err := s.Start(context.Background(), StartRequest{
		CheckoutKey: fmt.Sprintf("key-%s-%d", t.Name(), time.Now().UnixNano()), CartID: fmt.Sprintf("cart-%s-%d", t.Name(), time.Now().UnixNano()), Input: validInput(),
		Lines: []store.CartLine{{ProductID: 2, Name: "Kopi Gayo 250 g", PriceIDR: 85000, Quantity: 2}},
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if res.Order.Status != StatusAwaiting3DS || res.RedirectURL == "" || res.Order.AmountIDR != 170000 {
		t.Fatalf("Start = %+v", res)
	}
	return res.Order
}

func statusOf(t *testing.T, st *store.Store, id int64) store.Order {
	t.Helper()
	o, err := st.OrderByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// What each Charge answer (or its absence) makes of the order — and that
// no answer, however bad, ever leads to a second Charge.
func TestChargeOutcomes(t *testing.T) {
	unknown := func(reason string, status int, cause error) error {
		return &doku.OutcomeUnknownError{Op: "charge", Reason: reason, HTTPStatus: status, Err: cause}
	}
	for _, tc := range []struct {
		name   string
		answer func(req doku.ChargeRequest) (*doku.ChargeResponse, error)
		want   Status
	}{
		{"signed SUCCESS", func(r doku.ChargeRequest) (*doku.ChargeResponse, error) { return chargeAnswer(r, "SUCCESS", "00"), nil }, StatusSuccess},
		{"signed FAILED", func(r doku.ChargeRequest) (*doku.ChargeResponse, error) { return chargeAnswer(r, "FAILED", "05"), nil }, StatusFailed},
		{"signed PENDING", func(r doku.ChargeRequest) (*doku.ChargeResponse, error) { return chargeAnswer(r, "PENDING", "09"), nil }, StatusPending},
		{"APIError 400", func(r doku.ChargeRequest) (*doku.ChargeResponse, error) {
			return nil, &doku.APIError{Op: "charge", HTTPStatus: 400, Code: "INVALID_FIELD", Message: "card.number: invalid"}
		}, StatusFailed},
		{"APIError 409", func(r doku.ChargeRequest) (*doku.ChargeResponse, error) {
			return nil, &doku.APIError{Op: "charge", HTTPStatus: 409, Code: "DUPLICATE_REQUEST_ID"}
		}, StatusPending},
		{"timeout", func(r doku.ChargeRequest) (*doku.ChargeResponse, error) {
			return nil, unknown("no answer after 2 attempt(s)", 0, context.DeadlineExceeded)
		}, StatusPending},
		{"HTTP 500", func(r doku.ChargeRequest) (*doku.ChargeResponse, error) {
			return nil, unknown("server error", 500, nil)
		}, StatusPending},
		{"bad signature", func(r doku.ChargeRequest) (*doku.ChargeResponse, error) {
			return nil, unknown("answer not authentic", 200, fmt.Errorf("signature does not match: %w", doku.ErrBadSignature))
		}, StatusPending},
		{"bare transport error", func(r doku.ChargeRequest) (*doku.ChargeResponse, error) { return nil, errors.New("connection reset") }, StatusPending},
		{"SUCCESS for another invoice", func(r doku.ChargeRequest) (*doku.ChargeResponse, error) {
			a := chargeAnswer(r, "SUCCESS", "00")
			a.Order.InvoiceNumber = "INV-OTHER"
			return a, nil
		}, StatusPending},
		{"SUCCESS for another amount", func(r doku.ChargeRequest) (*doku.ChargeResponse, error) {
			a := chargeAnswer(r, "SUCCESS", "00")
			a.Order.Amount = 1
			return a, nil
		}, StatusPending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gw := &fakeGateway{charge: tc.answer}
			s, st := newTestService(t, gw)
			o := awaiting3DS(t, s)
			got, err := s.CompleteThreeDS(context.Background(), o.Ref, true)
			if err != nil {
				t.Fatalf("CompleteThreeDS: %v", err)
			}
			if got.Status != tc.want {
				t.Fatalf("order = %s, want %s", got.Status, tc.want)
			}
			if gw.chargeCount() != 1 {
				t.Fatalf("Charge calls = %d, want 1", gw.chargeCount())
			}
			req := gw.charges[0]
			if req.Order.Amount != 170000 || req.Order.InvoiceNumber != o.Invoice || gw.chargeIDs[0] != got.ChargeRequestID || got.ChargeRequestID == "" {
				t.Errorf("Charge sent amount %d invoice %s Request-Id %s; want 170000, %s, the order's %q",
					req.Order.Amount, req.Order.InvoiceNumber, gw.chargeIDs[0], o.Invoice, got.ChargeRequestID)
			}
			if req.Card != nil && (req.Card.Number != "" || req.Card.CVV != "") {
				t.Errorf("the Charge carries card data: %+v", req.Card)
			}
			if tc.want == StatusPending && got.NextCheckAt.IsZero() {
				t.Error("a PENDING order has no check scheduled")
			}
			if tc.want == StatusSuccess && got.ApprovalCode != "424242" {
				t.Errorf("approval code %q not recorded", got.ApprovalCode)
			}

			// Replays of the 3DS return, and reconciliation, never charge again.
			for range 3 {
				if again, err := s.CompleteThreeDS(context.Background(), o.Ref, true); err != nil || again.Status != got.Status {
					t.Errorf("replayed return: %s, %v; want %s unchanged", again.Status, err, got.Status)
				}
			}
			s.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
			gw.status = func(string) (*doku.StatusResponse, error) {
				return nil, &doku.OutcomeUnknownError{Op: "status", Reason: "server error", HTTPStatus: 503}
			}
			s.ReconcileOnce(context.Background())
			s.ReconcileOnce(context.Background())
			if gw.chargeCount() != 1 {
				t.Errorf("Charge calls after replays and reconciliation = %d, want 1", gw.chargeCount())
			}
			if after := statusOf(t, st, o.ID); after.Status != got.Status {
				t.Errorf("unanswered status checks moved the order %s → %s", got.Status, after.Status)
			}
		})
	}
}

// What the status check makes of a PENDING order.
func TestReconcileOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		answer   func(o store.Order) (*doku.StatusResponse, error)
		late     bool // checked after GiveUpAfter
		want     Status
		attempts int // check_attempts after the check, for an order left open
	}{
		{"SUCCESS", func(o store.Order) (*doku.StatusResponse, error) { return statusAnswer(o, "SUCCESS"), nil }, false, StatusSuccess, 0},
		{"FAILED", func(o store.Order) (*doku.StatusResponse, error) { return statusAnswer(o, "FAILED"), nil }, false, StatusFailed, 0},
		{"EXPIRED", func(o store.Order) (*doku.StatusResponse, error) { return statusAnswer(o, "EXPIRED"), nil }, false, StatusFailed, 0},
		{"TIMEOUT", func(o store.Order) (*doku.StatusResponse, error) { return statusAnswer(o, "TIMEOUT"), nil }, false, StatusFailed, 0},
		{"PENDING", func(o store.Order) (*doku.StatusResponse, error) { return statusAnswer(o, "PENDING"), nil }, false, StatusPending, 1},
		{"404, young order", func(o store.Order) (*doku.StatusResponse, error) {
			return nil, &doku.APIError{Op: "status", HTTPStatus: 404, Code: "TRANSACTION_NOT_FOUND"}
		}, false, StatusPending, 1},
		{"404, past give-up", func(o store.Order) (*doku.StatusResponse, error) {
			return nil, &doku.APIError{Op: "status", HTTPStatus: 404, Code: "TRANSACTION_NOT_FOUND"}
		}, true, StatusFailed, 0},
		{"no answer, past give-up", func(o store.Order) (*doku.StatusResponse, error) {
			return nil, &doku.OutcomeUnknownError{Op: "status", Reason: "no answer"}
		}, true, StatusPending, 1},
		{"SUCCESS for another amount", func(o store.Order) (*doku.StatusResponse, error) {
			a := statusAnswer(o, "SUCCESS")
			a.Order.Amount++
			return a, nil
		}, false, StatusPending, 1},
		{"SUCCESS of another charge", func(o store.Order) (*doku.StatusResponse, error) {
			a := statusAnswer(o, "SUCCESS")
			a.Transaction.OriginalRequestID = "another-request-id"
			return a, nil
		}, false, StatusPending, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gw := &fakeGateway{charge: func(r doku.ChargeRequest) (*doku.ChargeResponse, error) {
				return nil, &doku.OutcomeUnknownError{Op: "charge", Reason: "server error", HTTPStatus: 500}
			}}
			s, st := newTestService(t, gw)
			o := awaiting3DS(t, s)
			pending, _ := s.CompleteThreeDS(context.Background(), o.Ref, true)
			if pending.Status != StatusPending {
				t.Fatalf("setup: order %s, want PENDING", pending.Status)
			}
			gw.status = func(string) (*doku.StatusResponse, error) { return tc.answer(pending) }
			if n := s.ReconcileOnce(context.Background()); n != 0 {
				t.Fatalf("an order was checked %d time(s) before it was due", n)
			}
			later := time.Now().Add(2 * time.Minute)
			if tc.late {
				later = time.Now().Add(25 * time.Hour)
			}
			s.now = func() time.Time { return later }
			if n := s.ReconcileOnce(context.Background()); n != 1 {
				t.Fatalf("ReconcileOnce checked %d orders, want 1", n)
			}
			got := statusOf(t, st, o.ID)
			if got.Status != tc.want {
				t.Fatalf("order = %s, want %s", got.Status, tc.want)
			}
			if Final(got.Status) && !got.NextCheckAt.IsZero() {
				t.Error("a final order still has a check scheduled")
			}
			if !Final(got.Status) {
				if got.CheckAttempts != tc.attempts || !got.NextCheckAt.After(later) {
					t.Errorf("open order: attempts %d, next check %s; want %d, after %s", got.CheckAttempts, got.NextCheckAt, tc.attempts, later)
				}
			}
			if gw.chargeCount() != 1 {
				t.Errorf("Charge calls = %d, want 1: reconciliation never charges", gw.chargeCount())
			}
		})
	}
}

// A final order never moves: not by a late notification, a status answer,
// a replayed or failed 3DS return.
func TestFinalOrderNeverMovesBackwards(t *testing.T) {
	for _, final := range []string{"SUCCESS", "FAILED"} {
		t.Run(final, func(t *testing.T) {
			gw := &fakeGateway{charge: func(r doku.ChargeRequest) (*doku.ChargeResponse, error) { return chargeAnswer(r, final, "00"), nil }}
			s, st := newTestService(t, gw)
			o := awaiting3DS(t, s)
			done, err := s.CompleteThreeDS(context.Background(), o.Ref, true)
			if err != nil || string(done.Status) != final {
				t.Fatalf("setup: %s, %v", done.Status, err)
			}
			events := func() int {
				ev, err := st.OrderEvents(context.Background(), o.ID)
				if err != nil {
					t.Fatal(err)
				}
				return len(ev)
			}
			before := events()
			for _, status := range []string{"SUCCESS", "FAILED", "EXPIRED", "PENDING", "REFUNDED"} {
				if _, err := s.ApplyNotification(context.Background(), statusAnswer(done, status)); err != nil {
					t.Errorf("notification %s: %v", status, err)
				}
			}
			s.CompleteThreeDS(context.Background(), o.Ref, false)
			s.CompleteThreeDS(context.Background(), o.Ref, true)
			s.now = func() time.Time { return time.Now().Add(48 * time.Hour) }
			if n := s.ReconcileOnce(context.Background()); n != 0 {
				t.Errorf("a final order was checked again (%d)", n)
			}
			if got := statusOf(t, st, o.ID); string(got.Status) != final || events() != before {
				t.Errorf("final %s became %s with %d new events", final, got.Status, events()-before)
			}
			if gw.chargeCount() != 1 {
				t.Errorf("Charge calls = %d, want 1", gw.chargeCount())
			}
		})
	}
}

// A notification is refused when it does not match the order, and an
// unknown invoice is not found.
func TestNotificationMismatch(t *testing.T) {
	gw := &fakeGateway{charge: func(r doku.ChargeRequest) (*doku.ChargeResponse, error) { return chargeAnswer(r, "PENDING", "09"), nil }}
	s, st := newTestService(t, gw)
	o := awaiting3DS(t, s)
	pending, _ := s.CompleteThreeDS(context.Background(), o.Ref, true)

	wrongAmount := statusAnswer(pending, "SUCCESS")
	wrongAmount.Order.Amount = 1
	if _, err := s.ApplyNotification(context.Background(), wrongAmount); !errors.Is(err, ErrMismatch) {
		t.Errorf("amount mismatch: %v, want ErrMismatch", err)
	}
	unknown := statusAnswer(pending, "SUCCESS")
	unknown.Order.InvoiceNumber = "INV-NOPE"
	if _, err := s.ApplyNotification(context.Background(), unknown); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown invoice: %v, want store.ErrNotFound", err)
	}
	if got := statusOf(t, st, o.ID); got.Status != StatusPending {
		t.Fatalf("refused notifications moved the order to %s", got.Status)
	}
	// Before any charge, a direct order is not settled by DOKU's word.
	fresh := awaiting3DS(t, s)
	if _, err := s.ApplyNotification(context.Background(), statusAnswer(fresh, "SUCCESS")); err != nil {
		t.Errorf("notification for an order not yet charged: %v", err)
	}
	if got := statusOf(t, st, fresh.ID); got.Status != StatusAwaiting3DS {
		t.Errorf("an order not yet charged became %s on a notification", got.Status)
	}
	if got, err := s.ApplyNotification(context.Background(), statusAnswer(pending, "SUCCESS")); err != nil || got.Status != StatusSuccess {
		t.Errorf("genuine notification: %s, %v; want SUCCESS", got.Status, err)
	}
}

// The same checkout form submitted twice at once: one order, one 3DS
// check, and both submissions sent to the same 3DS page.
func TestStartTwiceAtOnceResumesTheFirstOrder(t *testing.T) {
	gw := &fakeGateway{threeDSDelay: 200 * time.Millisecond}
	s, _ := newTestService(t, gw)
	req := StartRequest{CheckoutKey: "same-form", CartID: "cart-1", Input: validInput(),
		Lines: []store.CartLine{{ProductID: 2, Name: "Kopi Gayo 250 g", PriceIDR: 85000, Quantity: 1}}}
	var wg sync.WaitGroup
	results := make([]PaymentResult, 4)
	errs := make([]error, len(results))
	for i := range results {
		wg.Go(func() { results[i], errs[i] = s.Start(context.Background(), req) })
	}
	wg.Wait()
	for i, r := range results {
		if errs[i] != nil || r.RedirectURL == "" || r.RedirectURL != results[0].RedirectURL || r.Order.ID != results[0].Order.ID {
			t.Errorf("submission %d: order %d to %q (%v); want order %d to %q", i, r.Order.ID, r.RedirectURL, errs[i], results[0].Order.ID, results[0].RedirectURL)
		}
	}
	if gw.threeDSCalls != 1 {
		t.Errorf("3DS checks = %d, want 1", gw.threeDSCalls)
	}
}
