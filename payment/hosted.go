package payment

import (
	"context"
	"fmt"
	"time"

	"doku-checkout/doku"
	"doku-checkout/store"
)

// HostedDueMinutes is how long a DOKU Checkout link stays payable.
const HostedDueMinutes = 60

// hostedExpiryGrace is how long after its link expired a hosted order
// without a payment waits before it closes: clocks differ, and a payment
// made at the last second may still be on its way.
const hostedExpiryGrace = 15 * time.Minute

// startHosted asks DOKU Checkout for a payment page. The browser's return to
// callback_url proves nothing: the order is settled by the signed
// notification or the status check.
func (s *Service) startHosted(ctx context.Context, o store.Order, customer *store.Customer) (PaymentResult, error) {
	req := doku.CheckoutRequest{
		Order: doku.Order{
			InvoiceNumber: o.Invoice, Amount: o.AmountIDR,
			CallbackURL: s.cfg.PublicURL + ReceiptPath(o),
		},
		Customer: gatewayCustomer(orderContact(o)),
	}
	req.Order.LineItems = gatewayLineItems(o.Lines, o.AmountIDR)
	req.Payment.PaymentDueDate = HostedDueMinutes
	if t := s.paymentType(ctx); t != TypeSale {
		// CO-BE lists payment.type as optional; SALE, the default, is
		// left out as every DOKU plugin does.
		req.Payment.Type = t
	}
	req.Payment.PaymentMethodTypes = []string{"CREDIT_CARD"}
	if customer != nil {
		req.Customer.ID = customer.PublicID // switches on tokenization (docs/doku-api.md §9)
	}
	ctx, cancel := s.detached(ctx)
	defer cancel()
	issued := s.now()
	resp, err := s.gw.CheckoutPayment(ctx, s.newID(), req)
	ctx, cancelRecord := recordContext(ctx)
	defer cancelRecord()
	if err == nil && resp.Response.Payment.URL == "" {
		err = fmt.Errorf("payment: checkout answer without a payment url: %w", doku.ErrOutcomeUnknown)
	}
	if err != nil {
		return s.failBeforeCharge(ctx, o, err)
	}
	// The link's expiry by our clock, counted from before the call: DOKU's
	// expired_date is in its own clock and zone.
	expires := issued.Add(HostedDueMinutes * time.Minute)
	ok, err := s.move(ctx, o, MovePageIssued, record{
		Reason: "doku checkout page issued", Fields: store.Fields{PaymentURL: resp.Response.Payment.URL, PaymentExpiresAt: expires},
	})
	if err != nil {
		return PaymentResult{}, err
	}
	if !ok {
		// A notification settled it already; show where it stands.
		cur, err := s.store.OrderByID(ctx, o.ID)
		return PaymentResult{Order: cur}, err
	}
	o.Status, o.PaymentURL, o.PaymentExpiresAt = StatusAwaitingPayment, resp.Response.Payment.URL, expires
	return PaymentResult{Order: o, RedirectURL: o.PaymentURL}, nil
}
