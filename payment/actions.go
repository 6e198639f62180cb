package payment

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"doku-checkout/doku"
	"doku-checkout/store"
)

// The merchant's money actions on a paid or authorised order: capture,
// void and refund. Each is claimed in the store (serialised per order, with
// its amount reserved against what is left) and written with its own
// Request-Id before DOKU is called. DOKU's signed answer settles it; a
// signed refusal fails it; anything else leaves it PENDING, and the
// reconciler sends the very same request again (same Request-Id, same body:
// DOKU answers a repeat with its first answer) until it is settled. It is
// never sent under a new Request-Id.

// ActionGateway is what the money actions need from DOKU. The signed
// doku.Client has it; a Gateway without it cannot move money back.
type ActionGateway interface {
	Capture(ctx context.Context, requestID string, req doku.CaptureRequest) (*doku.CaptureResponse, error)
	Refund(ctx context.Context, requestID string, req doku.RefundRequest) (*doku.RefundResponse, error)
}

// Errors of a money action, for the back office to explain.
var (
	ErrActionsUnsupported = errors.New("payment: the gateway cannot capture or refund")
	ErrActionNotAllowed   = errors.New("payment: this action is not possible on this order now")
	ErrActionOverLimit    = errors.New("payment: the amount is more than is left")
	ErrActionAmount       = errors.New("payment: the amount must be a whole number of rupiah above zero")
	ErrNoOriginalCharge   = errors.New("payment: this order has no charge of ours to refund (refund it in DOKU's Back Office)")
)

// ActionRequest is a money action as a person asks for it.
type ActionRequest struct {
	Invoice    string
	Kind       string // store.ActionCapture, ActionVoid or ActionRefund
	AmountIDR  int64  // 0 means all that is left (capture, refund); a void is always whole
	FormKey    string // one per rendered form: a form sent twice is one action
	StaffID    int64
	StaffEmail string
}

// ActionResult is what became of an action.
type ActionResult struct {
	Action    store.PaymentAction
	Order     store.Order
	Duplicate bool // the form was sent before: this is the first action
}

// Act performs a money action on an order. It returns the action as it
// stands: SUCCESS, FAILED (DOKU refused; no money moved) or PENDING (no
// answer yet; the reconciler follows it up).
func (s *Service) Act(ctx context.Context, req ActionRequest) (ActionResult, error) {
	gw, ok := s.gw.(ActionGateway)
	if !ok {
		return ActionResult{}, ErrActionsUnsupported
	}
	o, err := s.store.OrderByInvoice(ctx, req.Invoice)
	if err != nil {
		return ActionResult{}, err
	}
	claim, err := s.actionClaim(o, req)
	if err != nil {
		return ActionResult{}, err
	}
	a, err := s.store.ClaimAction(ctx, claim)
	var dup *store.DuplicateActionError
	switch {
	case errors.As(err, &dup):
		return ActionResult{Action: dup.Action, Order: o, Duplicate: true}, nil
	case errors.Is(err, store.ErrActionNotAllowed):
		return ActionResult{}, ErrActionNotAllowed
	case errors.Is(err, store.ErrActionOverLimit):
		return ActionResult{}, ErrActionOverLimit
	case err != nil:
		return ActionResult{}, err
	}
	s.log.Info("payment: action claimed", "invoice", o.Invoice, "kind", a.Kind, "amount", a.AmountIDR, "request_id", a.RequestID, "staff", a.StaffID)
	s.sendAction(ctx, gw, o, a)
	a, err = s.store.ActionByID(ctx, a.ID)
	if err != nil {
		return ActionResult{}, err
	}
	o, err = s.store.OrderByID(ctx, o.ID)
	return ActionResult{Action: a, Order: o}, err
}

// actionClaim is the rule of each action: from which statuses, against
// which others, up to what.
func (s *Service) actionClaim(o store.Order, req ActionRequest) (store.ActionClaim, error) {
	if req.AmountIDR < 0 || req.AmountIDR > MaxAmountIDR {
		return store.ActionClaim{}, ErrActionAmount
	}
	a := store.PaymentAction{
		OrderID: o.ID, Kind: req.Kind, AmountIDR: req.AmountIDR, RequestID: s.newID(), FormKey: req.FormKey,
		StaffID: req.StaffID, StaffEmail: req.StaffEmail, NextCheckAt: s.now().Add(s.cfg.ReconcileAfter),
	}
	c := store.ActionClaim{Action: a}
	switch req.Kind {
	case store.ActionCapture:
		if o.AuthorizeID == "" {
			return c, ErrActionNotAllowed
		}
		// One capture per authorisation (DOKU's rule, doku-api.md §6).
		c.From, c.Exclusive = []Status{StatusAuthorized}, []string{store.ActionCapture, store.ActionVoid}
		if c.Action.AmountIDR == 0 {
			c.Action.AmountIDR = o.AmountIDR
		}
	case store.ActionVoid:
		if o.AuthorizeID == "" || o.ChargeRequestID == "" {
			return c, ErrActionNotAllowed
		}
		c.From, c.Exclusive = []Status{StatusAuthorized}, []string{store.ActionCapture, store.ActionVoid}
		c.Action.AmountIDR = o.AmountIDR
	case store.ActionRefund:
		if o.ChargeRequestID == "" {
			return c, ErrNoOriginalCharge
		}
		c.From, c.CeilingCaptured = []Status{StatusSuccess, StatusPartiallyRefunded}, true
		if c.Action.AmountIDR == 0 {
			c.Action.AmountIDR = o.CapturedIDR - o.RefundedIDR
		}
	default:
		return c, fmt.Errorf("payment: unknown action %q", req.Kind)
	}
	if c.Action.AmountIDR <= 0 {
		return c, ErrActionOverLimit
	}
	return c, nil
}

// sendAction sends a PENDING action's request to DOKU (the first time or
// again, always with its own Request-Id and the same body) and settles
// what the answer proves.
func (s *Service) sendAction(ctx context.Context, gw ActionGateway, o store.Order, a store.PaymentAction) {
	callCtx, cancel := s.detached(ctx)
	defer cancel()
	var err error
	var code string
	switch a.Kind {
	case store.ActionCapture:
		var resp *doku.CaptureResponse
		if resp, err = gw.Capture(callCtx, a.RequestID, captureRequest(o, a)); err == nil {
			code = resp.Payment.ResponseCode
			if resp.Payment.Status != "" && resp.Payment.Status != doku.StatusSuccess {
				err = fmt.Errorf("payment: capture answered %s", resp.Payment.Status)
			}
		}
	default: // void and refund share DOKU's refund endpoint
		var resp *doku.RefundResponse
		if resp, err = gw.Refund(callCtx, a.RequestID, refundRequest(o, a)); err == nil {
			code = resp.Payment.ResponseCode
			if st := firstNonEmpty(resp.Refund.Status, resp.Payment.Status); st != "" && st != doku.StatusSuccess {
				err = fmt.Errorf("payment: %s answered %s", a.Kind, st)
			}
		}
	}
	ctx, cancelRecord := recordContext(ctx)
	defer cancelRecord()
	if err == nil {
		s.settleAction(ctx, o.ID, a, code)
		return
	}
	if apiErr, ok := actionRefused(err); ok {
		s.log.Warn("payment: action refused", "invoice", o.Invoice, "kind", a.Kind, "request_id", a.RequestID, "code", apiErr.Code)
		if _, ferr := s.store.FailAction(ctx, a.ID, apiErr.Code, "refused by DOKU: "+apiErr.Code); ferr != nil {
			s.log.Error("payment: record refused action", "invoice", o.Invoice, "err", ferr)
		}
		return
	}
	s.log.Warn("payment: action outcome unknown", "invoice", o.Invoice, "kind", a.Kind, "request_id", a.RequestID, "err", err)
	wait := s.cfg.ReconcileAfter << min(a.CheckAttempts, 16)
	if wait > s.cfg.MaxBackoff || wait <= 0 {
		wait = s.cfg.MaxBackoff
	}
	if serr := s.store.ScheduleActionCheck(ctx, a.ID, s.now().Add(wait), a.CheckAttempts+1, "outcome unknown"); serr != nil {
		s.log.Error("payment: schedule action check", "invoice", o.Invoice, "err", serr)
	}
}

// actionRefused reports whether err is DOKU refusing an action for certain.
// Besides a signed 4xx, a signed 409 that is not DUPLICATE_REQUEST_ID is
// DOKU replaying its first answer to this Request-Id: a refusal too.
func actionRefused(err error) (*doku.APIError, bool) {
	if apiErr, ok := definiteRefusal(err); ok {
		return apiErr, true
	}
	var apiErr *doku.APIError
	if errors.As(err, &apiErr) && !errors.Is(err, doku.ErrOutcomeUnknown) && apiErr.HTTPStatus == 409 && apiErr.Code != "DUPLICATE_REQUEST_ID" {
		return apiErr, true
	}
	return nil, false
}

// orderLocks serialises settling the actions of one order, so that two
// refunds finishing together see each other's totals (the later one is the
// one that may make the order REFUNDED).
var orderLocks sync.Map // order id → *sync.Mutex

func lockOrder(id int64) func() {
	v, _ := orderLocks.LoadOrStore(id, &sync.Mutex{})
	mu := v.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// settleAction records a confirmed action and moves its order.
func (s *Service) settleAction(ctx context.Context, orderID int64, a store.PaymentAction, code string) {
	defer lockOrder(orderID)()
	o, err := s.store.OrderByID(ctx, orderID)
	if err != nil {
		s.log.Error("payment: settle action", "order", orderID, "err", err)
		return
	}
	var m Move
	switch a.Kind {
	case store.ActionCapture:
		m = MoveCaptured
	case store.ActionVoid:
		m = MoveVoided
	default:
		m = MovePartRefunded
		if o.RefundedIDR+a.AmountIDR >= o.CapturedIDR {
			m = MoveFullyRefunded
		}
	}
	rec := record{
		Reason: fmt.Sprintf("%s of %d confirmed (Request-Id %s, by %s)", a.Kind, a.AmountIDR, a.RequestID, a.StaffEmail),
		Action: &store.ActionOutcome{ID: a.ID, Kind: a.Kind, AmountIDR: a.AmountIDR, ResponseCode: code, Reason: "confirmed by DOKU"},
	}
	moved, err := s.move(ctx, o, m, rec)
	if err != nil {
		return
	}
	if !moved {
		s.log.Info("payment: action settled already", "invoice", o.Invoice, "request_id", a.RequestID)
		return
	}
	s.log.Info("payment: action done", "invoice", o.Invoice, "kind", a.Kind, "amount", a.AmountIDR, "request_id", a.RequestID)
	if a.Kind == store.ActionRefund && s.cfg.OnRefund != nil {
		s.cfg.OnRefund(ctx, o, a.RequestID, a.AmountIDR)
	}
}

func captureRequest(o store.Order, a store.PaymentAction) doku.CaptureRequest {
	var req doku.CaptureRequest
	req.Payment.AuthorizeID = o.AuthorizeID
	req.Payment.CaptureAmount = a.AmountIDR
	return req
}

func refundRequest(o store.Order, a store.PaymentAction) doku.RefundRequest {
	var req doku.RefundRequest
	req.Order.InvoiceNumber = o.Invoice
	req.Payment.OriginalRequestID = o.ChargeRequestID
	req.Refund.Amount = a.AmountIDR
	return req
}

// ReconcileActions sends every due PENDING action again (same Request-Id)
// and reports how many it sent.
func (s *Service) ReconcileActions(ctx context.Context) int {
	gw, ok := s.gw.(ActionGateway)
	if !ok {
		return 0
	}
	n := 0
	for ; n < 50 && ctx.Err() == nil; n++ { // claimed one at a time, as orders are
		now := s.now()
		due, err := s.store.ClaimDueActions(ctx, now, now.Add(s.claimLease()), 1)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("payment: claim due actions", "err", err)
			}
			break
		}
		if len(due) == 0 {
			break
		}
		a := due[0]
		o, err := s.store.OrderByID(ctx, a.OrderID)
		if err != nil {
			s.log.Error("payment: order of action", "action", a.ID, "err", err)
			continue
		}
		s.sendAction(ctx, gw, o, a)
	}
	return n
}

// CheckNow asks DOKU about an order at once (the back office's "check"):
// an open payment is checked, and its PENDING actions are sent again.
func (s *Service) CheckNow(ctx context.Context, invoice string) (store.Order, error) {
	o, err := s.store.OrderByInvoice(ctx, invoice)
	if err != nil {
		return o, err
	}
	if !o.NextCheckAt.IsZero() {
		s.check(ctx, o)
	}
	if gw, ok := s.gw.(ActionGateway); ok {
		pending, err := s.store.PendingActions(ctx, o.ID)
		if err != nil {
			return o, err
		}
		for _, a := range pending {
			s.sendAction(ctx, gw, o, a)
		}
	}
	return s.store.OrderByID(ctx, o.ID)
}

// authorizedMove is the move a verified SUCCESS makes: an AUTHORIZE charge
// (its answer carries an authorize_id) only reserved the money.
func authorizedMove(authorizeID, paymentType string, f *store.Fields) Move {
	if authorizeID != "" || paymentType == doku.PaymentAuthorize {
		f.AuthorizeID = authorizeID
		return MoveAuthorized
	}
	return MovePaid
}
