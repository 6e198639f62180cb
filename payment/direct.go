package payment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"doku-checkout/doku"
	"doku-checkout/store"
)

// StartRequest is a validated checkout: who pays, for which cart, how.
type StartRequest struct {
	CheckoutKey string // one order per rendered form: a resubmission finds it
	CartID      string
	Customer    *store.Customer // nil for a guest
	Input       CheckoutInput
	Lines       []store.CartLine // read by the caller from the server-side cart
}

// Start creates the order from the server's cart and sends it on its way:
// to 3-D Secure (direct) or to DOKU Checkout (hosted). A form submitted twice
// returns the first order instead of making a second.
func (s *Service) Start(ctx context.Context, req StartRequest) (PaymentResult, error) {
	if req.CheckoutKey != "" {
		if o, err := s.store.OrderByCheckoutKey(ctx, req.CheckoutKey); err == nil {
			return s.resumeOwn(ctx, o, req)
		}
	}
	o, err := s.newOrder(ctx, req)
	if err != nil {
		return PaymentResult{}, err
	}
	if err := s.store.CreateOrder(ctx, &o); errors.Is(err, store.ErrDuplicate) {
		existing, err := s.store.OrderByCheckoutKey(ctx, req.CheckoutKey)
		if err != nil {
			return PaymentResult{}, fmt.Errorf("payment: find resubmitted order: %w", err)
		}
		return s.resumeOwn(ctx, existing, req)
	} else if err != nil {
		return PaymentResult{}, err
	}
	if o.Mode == ModeHosted {
		return s.startHosted(ctx, o, req.Customer)
	}
	return s.startThreeDS(ctx, o, req)
}

// newOrder builds the order row; the amount comes from the cart alone.
func (s *Service) newOrder(ctx context.Context, req StartRequest) (store.Order, error) {
	if len(req.Lines) == 0 {
		return store.Order{}, ErrEmptyCart
	}
	in := req.Input
	o := store.Order{
		Invoice: s.newInvoice(), Ref: randomHex(16), CheckoutKey: req.CheckoutKey, CartID: req.CartID,
		Mode: in.Mode, Status: store.StatusCreated,
		Name: in.Name, Email: in.Email, Phone: in.Phone, Address: in.Address, Country: in.Country,
	}
	for _, l := range req.Lines {
		if l.Quantity <= 0 || l.Quantity > store.MaxQuantity || l.PriceIDR <= 0 {
			return store.Order{}, fmt.Errorf("payment: bad cart line %d", l.ProductID)
		}
		o.AmountIDR += l.PriceIDR * int64(l.Quantity)
		if o.AmountIDR > MaxAmountIDR {
			return store.Order{}, ErrAmountTooLarge
		}
		o.Lines = append(o.Lines, store.OrderLine{ProductID: l.ProductID, Name: l.Name, PriceIDR: l.PriceIDR, Quantity: l.Quantity})
	}
	if req.Customer != nil {
		o.CustomerID = req.Customer.ID
	}
	// A direct order nobody takes through 3-D Secure is closed later (see check).
	o.NextCheckAt = s.now().Add(s.cfg.AbandonAfter)
	switch {
	case in.Mode == ModeHosted:
		o.NextCheckAt = s.now().Add(s.cfg.ReconcileAfter)
	case in.SavedCardID != 0:
		if req.Customer == nil {
			return store.Order{}, ErrSavedCardNotFound
		}
		card, err := s.store.SavedCard(ctx, in.SavedCardID, req.Customer.ID)
		if errors.Is(err, store.ErrNotFound) {
			return store.Order{}, ErrSavedCardNotFound
		} else if err != nil {
			return store.Order{}, err
		}
		o.CardToken, o.CardMasked, o.CardBrand, o.CardExpiry = card.Token, card.Masked, card.Brand, card.Expiry
		o.ThreeDSRequestID = s.newID()
	default:
		o.CardMasked, o.CardBrand, o.CardExpiry = Mask(in.Card.Number), Brand(in.Card.Number), in.Card.Expiry
		o.SaveCard = in.SaveCard && req.Customer != nil
		o.ThreeDSRequestID = s.newID()
	}
	return o, nil
}

// ErrCheckoutKeyUsed: a checkout form's key belongs to another cart's order.
var ErrCheckoutKeyUsed = errors.New("payment: checkout form already used")

// resumeOwn resumes the order a checkout key made, but only for the cart
// and customer that made it: the key alone opens nothing.
func (s *Service) resumeOwn(ctx context.Context, o store.Order, req StartRequest) (PaymentResult, error) {
	var customerID int64
	if req.Customer != nil {
		customerID = req.Customer.ID
	}
	if o.CartID != req.CartID || o.CustomerID != customerID {
		return PaymentResult{}, ErrCheckoutKeyUsed
	}
	return s.resume(ctx, o)
}

// resume sends a resubmitted form where its order already is. An order
// still CREATED is being sent to DOKU by the first submission right now:
// wait (at most CallTimeout) until it has its 3DS or Checkout page, so both
// submissions lead the browser to the same place.
func (s *Service) resume(ctx context.Context, o store.Order) (PaymentResult, error) {
	deadline := time.Now().Add(s.cfg.CallTimeout)
	for o.Status == store.StatusCreated && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return PaymentResult{}, ctx.Err()
		case <-time.After(resumePoll):
		}
		cur, err := s.store.OrderByID(ctx, o.ID)
		if err != nil {
			return PaymentResult{}, err
		}
		o = cur
	}
	switch o.Status {
	case store.StatusAwaiting3DS:
		return PaymentResult{Order: o, RedirectURL: o.AuthURL}, nil
	case store.StatusAwaitingPayment:
		return PaymentResult{Order: o, RedirectURL: o.PaymentURL}, nil
	}
	return PaymentResult{Order: o}, nil
}

// resumePoll is how often resume looks at an order still being created.
const resumePoll = 20 * time.Millisecond

// startThreeDS asks DOKU for the 3-D Secure challenge. No money moves at
// this step, so any failure simply ends the order as FAILED.
func (s *Service) startThreeDS(ctx context.Context, o store.Order, req StartRequest) (PaymentResult, error) {
	card := doku.CardInput{Number: req.Input.Card.Number, Expiry: req.Input.Card.Expiry, CVV: req.Input.Card.CVV}
	var customer *doku.Customer
	if o.CardToken != "" {
		card = doku.CardInput{Token: o.CardToken}
		customer = &doku.Customer{ID: req.Customer.PublicID}
	}
	call := doku.CheckThreeDSRequest{
		Order:    doku.Order{InvoiceNumber: o.Invoice, Amount: o.AmountIDR},
		Customer: customer,
		Card:     card,
		ThreeDSecure: doku.ThreeDSInput{
			CallbackURLSuccess: s.cfg.PublicURL + "/checkout/3ds/" + o.Ref + "/success",
			CallbackURLFailed:  s.cfg.PublicURL + "/checkout/3ds/" + o.Ref + "/failed",
		},
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.CallTimeout)
	defer cancel()
	resp, err := s.gw.CheckThreeDS(ctx, o.ThreeDSRequestID, call)
	ctx, cancelRecord := recordContext(ctx)
	defer cancelRecord()
	if err == nil && (resp.ThreeDSecure.AuthenticationURL == "" || resp.ThreeDSecure.AuthenticationID == "" || !resp.ThreeDSecure.EnrollmentStatus) {
		err = &DeclinedError{Message: "This card is not enrolled in 3-D Secure, which this store requires."}
	}
	if err != nil {
		return s.failBeforeCharge(ctx, o, err)
	}
	ok, err := s.store.Transition(ctx, o.ID, []store.Status{store.StatusCreated}, store.Change{
		To: store.StatusAwaiting3DS, Reason: "3ds challenge issued",
		AuthID: resp.ThreeDSecure.AuthenticationID, AuthURL: resp.ThreeDSecure.AuthenticationURL,
	})
	if err != nil {
		return PaymentResult{}, err
	}
	if !ok {
		return PaymentResult{}, fmt.Errorf("payment: order %s left CREATED while asking for 3DS", o.Invoice)
	}
	o.Status, o.AuthID, o.AuthURL = store.StatusAwaiting3DS, resp.ThreeDSecure.AuthenticationID, resp.ThreeDSecure.AuthenticationURL
	return PaymentResult{Order: o, RedirectURL: o.AuthURL}, nil
}

// failBeforeCharge records why an order ended before any charge and returns
// the error the shopper sees.
func (s *Service) failBeforeCharge(ctx context.Context, o store.Order, cause error) (PaymentResult, error) {
	var apiErr *doku.APIError
	var declined *DeclinedError
	shown := cause
	msg := "gateway unavailable"
	switch {
	case errors.As(cause, &declined):
		msg = declined.Message
	case errors.As(cause, &apiErr) && apiErr.HTTPStatus < 500 && apiErr.HTTPStatus != 409:
		msg = refusedText(apiErr)
		shown = &DeclinedError{Message: "The payment gateway refused this payment (" + apiErr.Code + ")."}
	default:
		shown = ErrGatewayUnavailable
	}
	s.log.Warn("payment: order ended before charge", "invoice", o.Invoice, "err", cause)
	if _, err := s.store.Transition(ctx, o.ID, []store.Status{store.StatusCreated}, store.Change{
		To: store.StatusFailed, Reason: "before charge: " + msg, ResponseMessage: msg,
	}); err != nil {
		return PaymentResult{}, err
	}
	return PaymentResult{}, shown
}

// CompleteThreeDS handles the shopper's return from 3-D Secure, found by the
// order reference in the callback URL (the browser may carry no cookie). On
// success it charges, exactly once however often the return is replayed.
func (s *Service) CompleteThreeDS(ctx context.Context, ref string, passed bool) (store.Order, error) {
	o, err := s.store.OrderByRef(ctx, ref)
	if err != nil {
		return store.Order{}, err
	}
	if !passed {
		if _, err := s.store.Transition(ctx, o.ID, []store.Status{store.StatusAwaiting3DS}, store.Change{
			To: store.StatusFailed, Reason: "3ds failed", ResponseMessage: "3-D Secure authentication failed",
		}); err != nil {
			return store.Order{}, err
		}
		return s.store.OrderByID(ctx, o.ID)
	}
	chargeID := s.newID()
	won, err := s.store.Transition(ctx, o.ID, []store.Status{store.StatusAwaiting3DS}, store.Change{
		To: store.StatusCharging, Reason: "3ds passed, charging", ChargeRequestID: chargeID,
		// Should this process die mid-charge, the reconciler picks it up.
		NextCheckAt: s.now().Add(s.cfg.ReconcileAfter),
	})
	if err != nil {
		return store.Order{}, err
	}
	if !won {
		return o, nil // another request is charging or has charged this order
	}
	o.ChargeRequestID = chargeID
	s.charge(ctx, o)
	return s.store.OrderByID(ctx, o.ID)
}

// chargeRequest is the Charge body for an order: the server's amount and
// lines, the authentication id, the token of a saved card. No card number.
func (s *Service) chargeRequest(ctx context.Context, o store.Order) (doku.ChargeRequest, error) {
	req := doku.ChargeRequest{
		Order:        doku.Order{InvoiceNumber: o.Invoice, Amount: o.AmountIDR},
		ThreeDSecure: doku.ThreeDSInput{AuthenticationID: o.AuthID},
		Payment:      doku.PaymentInput{Type: doku.PaymentSale},
		Customer:     &doku.Customer{Name: o.Name, Email: o.Email, Phone: o.Phone, Address: o.Address, Country: o.Country},
	}
	for _, l := range o.Lines {
		req.Order.LineItems = append(req.Order.LineItems, doku.LineItem{Name: l.Name, Price: l.PriceIDR, Quantity: l.Quantity})
	}
	if o.CustomerID != 0 {
		c, err := s.store.CustomerByID(ctx, o.CustomerID)
		if err != nil {
			return req, err
		}
		req.Customer.ID = c.PublicID
	}
	if o.CardToken != "" || o.SaveCard {
		req.Card = &doku.CardInput{Token: o.CardToken, Save: o.SaveCard && o.CardToken == ""}
	}
	return req, nil
}

// charge sends the one Charge for an order already moved to CHARGING and
// records what DOKU said. The call is detached from the shopper's request: a
// closed browser must not cut a charge in half.
func (s *Service) charge(ctx context.Context, o store.Order) {
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.CallTimeout)
	defer cancel()
	req, err := s.chargeRequest(callCtx, o)
	var resp *doku.ChargeResponse
	if err == nil {
		resp, err = s.gw.Charge(callCtx, o.ChargeRequestID, req)
	} else {
		s.log.Error("payment: build charge", "invoice", o.Invoice, "err", err)
	}
	// The call may have used all of its deadline: what DOKU said is
	// recorded under a fresh one.
	ctx, cancelRecord := recordContext(ctx)
	defer cancelRecord()
	var apiErr *doku.APIError
	switch {
	case err == nil:
		s.applyCharge(ctx, o, resp)
	case errors.As(err, &apiErr) && apiErr.HTTPStatus >= 400 && apiErr.HTTPStatus < 500 && apiErr.HTTPStatus != 409:
		// A signed, definite refusal: nothing was charged.
		s.log.Warn("payment: charge refused", "invoice", o.Invoice, "code", apiErr.Code)
		s.finish(ctx, o, store.StatusFailed, store.Change{Reason: "charge refused: " + apiErr.Code, ResponseMessage: refusedText(apiErr)})
	default:
		s.log.Warn("payment: charge outcome unknown", "invoice", o.Invoice, "err", err)
		s.toPending(ctx, o, "charge outcome unknown")
	}
}

// applyCharge records a verified charge answer.
func (s *Service) applyCharge(ctx context.Context, o store.Order, resp *doku.ChargeResponse) {
	if resp.Order.InvoiceNumber != o.Invoice || resp.Order.Amount != o.AmountIDR {
		s.log.Error("payment: charge answer is for another order", "invoice", o.Invoice, "got", resp.Order.InvoiceNumber)
		s.toPending(ctx, o, "charge answer did not match the order")
		return
	}
	ch := store.Change{
		CardMasked: resp.Card.Masked, CardBrand: resp.Card.Brand, ApprovalCode: resp.Payment.ApprovalCode,
		ResponseCode: resp.Payment.ResponseCode, ResponseMessage: responseText(resp.Payment.ResponseCode),
	}
	switch resp.Payment.Status {
	case doku.StatusSuccess:
		ch.Reason = "charge SUCCESS"
		s.finish(ctx, o, store.StatusSuccess, ch)
		if resp.Card.Token != "" && o.SaveCard {
			s.saveToken(ctx, o, resp.Card.Token, firstNonEmpty(resp.Card.Masked, o.CardMasked), firstNonEmpty(resp.Card.Brand, o.CardBrand), o.CardExpiry)
		}
	case doku.StatusFailed:
		ch.Reason = "charge FAILED " + resp.Payment.ResponseCode
		s.finish(ctx, o, store.StatusFailed, ch)
	default:
		s.toPending(ctx, o, "charge answered "+resp.Payment.Status)
	}
}

// finish moves an open order to a final state; a final order never moves.
func (s *Service) finish(ctx context.Context, o store.Order, to store.Status, ch store.Change) (bool, error) {
	ch.To = to
	ok, err := s.store.Transition(ctx, o.ID, openStates, ch)
	if err != nil {
		s.log.Error("payment: record final state", "invoice", o.Invoice, "to", to, "err", err)
		return false, err
	}
	if ok {
		s.log.Info("payment: order final", "invoice", o.Invoice, "status", to, "reason", ch.Reason)
	} else if cur, err := s.store.OrderByID(ctx, o.ID); err == nil && cur.Status.Final() && cur.Status != to {
		// Never moved, but a person must look: DOKU said two things.
		s.log.Error("payment: final order contradicted", "invoice", o.Invoice, "order", cur.Status, "now", to, "reason", ch.Reason)
	}
	return ok, nil
}

// openStates are those a payment result may end. CREATED and AWAITING_3DS
// are left out for direct orders by the callers that need it.
var openStates = []store.Status{store.StatusCreated, store.StatusAwaitingPayment, store.StatusCharging, store.StatusPending}

func (s *Service) toPending(ctx context.Context, o store.Order, reason string) {
	if _, err := s.store.Transition(ctx, o.ID, []store.Status{store.StatusCharging}, store.Change{
		To: store.StatusPending, Reason: reason, NextCheckAt: s.now().Add(s.cfg.ReconcileAfter),
	}); err != nil {
		s.log.Error("payment: record pending", "invoice", o.Invoice, "err", err)
	}
}

func (s *Service) saveToken(ctx context.Context, o store.Order, token, masked, brand, expiry string) {
	if o.CustomerID == 0 || token == "" {
		return
	}
	if err := s.store.SaveCard(ctx, store.SavedCard{CustomerID: o.CustomerID, Token: token, Masked: masked, Brand: brand, Expiry: expiry}); err != nil {
		s.log.Error("payment: save card token", "invoice", o.Invoice, "err", err)
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// recordTimeout bounds writing down what DOKU answered.
const recordTimeout = 10 * time.Second

// recordContext is a fresh context for recording a DOKU answer: neither the
// shopper leaving nor the call's spent deadline may stop it.
func recordContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
}

// refusedText is what an order records about a signed refusal: DOKU's code,
// never its free text, which may echo what was sent.
func refusedText(e *doku.APIError) string {
	return "Refused by the payment gateway (" + e.Code + ")"
}

// responseText maps ISO 8583 response codes to fixed texts; DOKU's own
// response_message is not stored or shown.
func responseText(code string) string {
	switch code {
	case "":
		return ""
	case "00":
		return "Approved"
	case "05":
		return "Do not honour"
	case "12":
		return "Invalid transaction"
	case "14":
		return "Invalid card number"
	case "51":
		return "Insufficient funds"
	case "54":
		return "Expired card"
	case "09":
		return "In progress"
	}
	return "Declined by the bank"
}
