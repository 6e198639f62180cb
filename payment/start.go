package payment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"doku-checkout/i18n"
	"doku-checkout/store"
)

// StartRequest is a validated checkout: who pays, for which cart, how.
type StartRequest struct {
	CheckoutKey string // one order per rendered form: a resubmission finds it
	CartID      string
	Customer    *store.Customer // nil for a guest
	Input       CheckoutInput
	Lines       []store.CartLine // read by the caller from the server-side cart
	Lang        string           // the shopper's language (i18n code), for the order's e-mails
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
	if err := s.store.CreateOrder(ctx, &o, cartClaim()); errors.Is(err, store.ErrDuplicate) {
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
	// Nothing DOKU's charge would refuse may reach 3-D Secure: the form
	// checks the same rules; this holds any other caller to them.
	if p := gatewayCustomerProblems(gatewayCustomer(in.Contact)); len(p) > 0 {
		return store.Order{}, errGatewayFields(p)
	}
	o := store.Order{
		Invoice: s.newInvoice(), Ref: randomHex(16), CheckoutKey: req.CheckoutKey, CartID: req.CartID,
		Mode: in.Mode, Status: StatusCreated, Lang: req.Lang,
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
	} else {
		o.ReceiptKey = randomHex(16)
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
	for o.Status == StatusCreated && time.Now().Before(deadline) {
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
	case StatusAwaiting3DS:
		return PaymentResult{Order: o, RedirectURL: o.AuthURL}, nil
	case StatusAwaitingPayment:
		return PaymentResult{Order: o, RedirectURL: o.PaymentURL}, nil
	}
	return PaymentResult{Order: o}, nil
}

// resumePoll is how often resume looks at an order still being created.
const resumePoll = 20 * time.Millisecond

// failBeforeCharge records why an order ended before any money could move
// (no 3-D Secure or Checkout page) and returns the error the shopper sees.
func (s *Service) failBeforeCharge(ctx context.Context, o store.Order, cause error) (PaymentResult, error) {
	var declined *DeclinedError
	shown := cause
	msg := TextGatewayUnavailable
	if apiErr, ok := definiteRefusal(cause); ok {
		msg = refusedText(apiErr)
		shown = &DeclinedError{Message: msg, Shown: i18n.Phrase{Key: "answer.gateway_refused_shown", Arg: apiErr.Code}}
	} else if errors.As(cause, &declined) {
		msg = declined.Message
	} else {
		shown = ErrGatewayUnavailable
	}
	s.log.Warn("payment: order ended before charge", "invoice", o.Invoice, "err", cause)
	if _, err := s.move(ctx, o, MoveRefused, record{
		Reason: "before charge: " + msg, Fields: store.Fields{ResponseMessage: msg},
	}); err != nil {
		return PaymentResult{}, err
	}
	return PaymentResult{}, shown
}

// detached is a context for a call to DOKU made on the shopper's behalf: a
// closed browser must not cut it in half, and it ends after CallTimeout.
func (s *Service) detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), s.cfg.CallTimeout)
}

// recordTimeout bounds writing down what DOKU answered.
const recordTimeout = 10 * time.Second

// recordContext is a fresh context for recording a DOKU answer: neither the
// shopper leaving nor the call's spent deadline may stop it.
func recordContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
}

// errLeftCreated: an order moved out of CREATED while its page was being
// asked for, which only its own request may do.
func errLeftCreated(o store.Order) error {
	return fmt.Errorf("payment: order %s left CREATED while asking DOKU for its page", o.Invoice)
}
