package payment

import (
	"context"
	"errors"
	"fmt"
	"strconv"

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
	if n.BodyNotSigned {
		return errBodyNotSigned
	}
	// The answer must be about this very order: a status answer is looked
	// up by our invoice, but nothing else makes it name that invoice.
	if n.Order.InvoiceNumber != o.Invoice {
		s.log.Warn("payment: invoice mismatch", "source", source, "invoice", o.Invoice, "got", n.Order.InvoiceNumber)
		return fmt.Errorf("%w: invoice", ErrMismatch)
	}
	if n.Order.Amount != o.AmountIDR {
		// A fractional amount (120000.5) decodes as 0 and lands here.
		got := n.Order.AmountText
		if got == "" {
			got = strconv.FormatInt(n.Order.Amount, 10)
		}
		s.log.Warn("payment: amount mismatch", "source", source, "invoice", o.Invoice, "got", got, "want", o.AmountIDR)
		return fmt.Errorf("%w: amount %s, order %d", ErrMismatch, got, o.AmountIDR)
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
	var m Move
	switch status := n.Transaction.Status; {
	case status != doku.StatusSuccess && status != doku.StatusPending && o.Mode == ModeHosted && n.Order.Status == doku.OrderExpired:
		// The Checkout link itself expired unpaid (CL-2507), whatever
		// its last attempt said; an answer may have no transaction at all.
		m = MoveExpired
	case status == doku.StatusSuccess:
		m = MovePaid
		if cp := n.CardPayment; cp != nil && cp.AuthorizeID != "" && o.Mode == ModeDirect {
			m = MoveAuthorized // an AUTHORIZE charge: reserved, not taken
		}
	case status == doku.StatusFailed:
		m = MoveDeclined
		if o.Mode == ModeHosted {
			m = MoveAttemptDeclined
		}
	case status == doku.StatusExpired, status == doku.StatusTimeout:
		m = MoveDeclined
		if o.Mode == ModeHosted {
			m = MoveExpired
		}
	default:
		return nil // still open: PENDING, REDIRECT, no transaction yet, …
	}
	if Final(o.Status) {
		if t, _ := transitionFor(m, o.Mode); Final(t.To) && t.To != o.Status && !MerchantMove(Move(o.LastMove)) {
			s.log.Error("payment: final order contradicted", "source", source, "invoice", o.Invoice, "order", o.Status, "doku", n.Transaction.Status)
		}
		return nil
	}
	rec := record{Reason: source + " " + n.Transaction.Status}
	if m == MoveExpired && n.Order.Status == doku.OrderExpired {
		rec.Reason = source + " " + doku.OrderExpired
		rec.ResponseMessage = TextNotCompleted
	}
	if m == MoveAttemptDeclined {
		rec.Reason = source + " FAILED attempt, link still payable"
	}
	if cp := n.CardPayment; cp != nil {
		rec.ResponseCode, rec.ResponseMessage = cp.ResponseCode, outcomeText(n.Transaction.Status, cp.ResponseCode)
		if m != MoveAttemptDeclined {
			rec.CardMasked, rec.CardBrand, rec.ApprovalCode = cp.Masked, cp.Brand, cp.ApprovalCode
		}
		if m == MoveAuthorized {
			rec.AuthorizeID = cp.AuthorizeID
		}
	}
	moved, err := s.move(ctx, o, m, rec)
	if err != nil || !moved {
		// Not recorded: DOKU must retry, so no 2xx. Not moved: the order
		// is not (or no longer) where this answer applies: a direct order
		// not yet charged, or one another request settled.
		if !moved && err == nil && o.Mode == ModeDirect && (o.Status == StatusCreated || o.Status == StatusAwaiting3DS) {
			s.log.Warn("payment: status for an order not yet charged", "source", source, "invoice", o.Invoice, "status", o.Status)
		}
		return err
	}
	// A card saved on DOKU Checkout (hosted) or with save=true comes back as a token.
	if cp := n.CardPayment; cp != nil && cp.Token != "" && m == MovePaid && (o.Mode == ModeHosted || o.SaveCard) {
		s.saveToken(ctx, o, cp.Token, firstNonEmpty(cp.Masked, o.CardMasked), firstNonEmpty(cp.Brand, o.CardBrand), firstNonEmpty(cp.Expiry, o.CardExpiry))
	}
	return nil
}

// SyncSavedCards records the tokens DOKU holds for a customer (cards saved
// on DOKU Checkout whose notification we may have missed). Removed cards stay
// removed.
func (s *Service) SyncSavedCards(ctx context.Context, c store.Customer) error {
	if !s.tokens.due(c.ID, s.now()) {
		return nil
	}
	resp, err := s.gw.Tokens(ctx, c.PublicID)
	s.tokens.done(c.ID, s.now(), err == nil)
	if err != nil {
		return fmt.Errorf("payment: token list: %w", err)
	}
	for _, t := range resp.Tokens {
		if t.ID == "" {
			continue
		}
		if err := s.store.SaveCard(ctx, store.SavedCard{CustomerID: c.ID, Token: t.ID, Masked: t.MaskedAccount, Brand: t.Card.Brand, Expiry: t.ExpiryMMYY()}); err != nil {
			return err
		}
	}
	return nil
}
