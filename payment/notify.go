package payment

import (
	"context"
	"errors"
	"fmt"

	"doku-checkout/doku"
	"doku-checkout/store"
)

// Where a transaction status came from.
const (
	sourceNotification = "notification"
	sourceStatusCheck  = "status check"
)

// ErrMismatch: a notification or status answer names an amount or charge
// that is not the order's. It is refused, and changes nothing.
var ErrMismatch = errors.New("payment: notification does not match the order")

// ApplyNotification applies a verified DOKU notification. Duplicates and
// late or out-of-order deliveries are harmless: a final order never moves.
// Unknown invoices give store.ErrNotFound.
func (s *Service) ApplyNotification(ctx context.Context, n *doku.Notification) (store.Order, error) {
	o, err := s.store.OrderByInvoice(ctx, n.Order.InvoiceNumber)
	if err != nil {
		return store.Order{}, err
	}
	if err := s.settle(ctx, o, n, sourceNotification); err != nil {
		return o, err
	}
	return s.store.OrderByID(ctx, o.ID)
}

// settle applies a transaction status (from a notification or a status
// check) to an order.
func (s *Service) settle(ctx context.Context, o store.Order, n *doku.Notification, source string) error {
	if n.Order.Amount != o.AmountIDR {
		s.log.Warn("payment: amount mismatch", "source", source, "invoice", o.Invoice, "got", n.Order.Amount, "want", o.AmountIDR)
		return fmt.Errorf("%w: amount %d, order %d", ErrMismatch, n.Order.Amount, o.AmountIDR)
	}
	// A notification about a direct order must name our charge: one that
	// names none (or another) could otherwise end an order whose charge is
	// still in flight. A status answer comes from our own signed call and
	// is looked up by invoice, so it may leave the id out.
	if rid := n.Transaction.OriginalRequestID; o.Mode == ModeDirect && o.ChargeRequestID != "" &&
		rid != o.ChargeRequestID && (rid != "" || source == sourceNotification) {
		s.log.Warn("payment: charge request id mismatch", "source", source, "invoice", o.Invoice)
		return fmt.Errorf("%w: request id", ErrMismatch)
	}
	var to store.Status
	switch n.Transaction.Status {
	case doku.StatusSuccess:
		to = store.StatusSuccess
	case doku.StatusFailed:
		to = store.StatusFailed
		// DOKU Checkout keeps a declined link payable until it expires: the
		// shopper may try another card on DOKU's page. Ending the order now
		// would make us ignore the SUCCESS that can still follow.
		if o.Mode == ModeHosted {
			return s.noteDeclinedAttempt(ctx, o, n, source)
		}
	case doku.StatusExpired, doku.StatusTimeout:
		to = store.StatusFailed
	default:
		return nil // still open: PENDING, REDIRECT, …
	}
	if o.Status.Final() {
		if o.Status != to {
			s.log.Error("payment: final order contradicted", "source", source, "invoice", o.Invoice, "order", o.Status, "doku", n.Transaction.Status)
		}
		return nil
	}
	// A direct order is only settled by DOKU once we have charged it.
	if o.Mode == ModeDirect && (o.Status == store.StatusCreated || o.Status == store.StatusAwaiting3DS) {
		s.log.Warn("payment: status for an order not yet charged", "source", source, "invoice", o.Invoice, "status", o.Status)
		return nil
	}
	ch := store.Change{Reason: source + " " + n.Transaction.Status}
	if cp := n.CardPayment; cp != nil {
		ch.CardMasked, ch.CardBrand, ch.ApprovalCode = cp.Masked, cp.Brand, cp.ApprovalCode
		ch.ResponseCode, ch.ResponseMessage = cp.ResponseCode, responseText(cp.ResponseCode)
	}
	if ok, err := s.finish(ctx, o, to, ch); err != nil {
		return err // not recorded: DOKU must retry, so no 2xx
	} else if !ok {
		return nil
	}
	// A card saved on DOKU Checkout (hosted) or with save=true comes back as a token.
	if cp := n.CardPayment; cp != nil && cp.Token != "" && to == store.StatusSuccess && (o.Mode == ModeHosted || o.SaveCard) {
		s.saveToken(ctx, o, cp.Token, firstNonEmpty(cp.Masked, o.CardMasked), firstNonEmpty(cp.Brand, o.CardBrand), firstNonEmpty(cp.Expiry, o.CardExpiry))
	}
	return nil
}

// SyncSavedCards records the tokens DOKU holds for a customer (cards saved
// on DOKU Checkout whose notification we may have missed). Removed cards stay
// removed.
func (s *Service) SyncSavedCards(ctx context.Context, c store.Customer) error {
	resp, err := s.gw.Tokens(ctx, c.PublicID)
	if err != nil {
		return fmt.Errorf("payment: token list: %w", err)
	}
	for _, t := range resp.TokenData {
		if t.Token == "" {
			continue
		}
		if err := s.store.SaveCard(ctx, store.SavedCard{CustomerID: c.ID, Token: t.Token, Masked: t.Masked, Brand: t.Brand, Expiry: t.Expiry}); err != nil {
			return err
		}
	}
	return nil
}

// noteDeclinedAttempt records a declined attempt on DOKU Checkout without
// ending the order, which stays payable until its link expires.
func (s *Service) noteDeclinedAttempt(ctx context.Context, o store.Order, n *doku.Notification, source string) error {
	if o.Status != store.StatusAwaitingPayment {
		return nil
	}
	ch := store.Change{To: store.StatusAwaitingPayment, Reason: source + " FAILED attempt, link still payable"}
	if cp := n.CardPayment; cp != nil {
		ch.ResponseCode, ch.ResponseMessage = cp.ResponseCode, responseText(cp.ResponseCode)
	}
	_, err := s.store.Transition(ctx, o.ID, []store.Status{store.StatusAwaitingPayment}, ch)
	return err
}
