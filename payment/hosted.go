package payment

import (
	"context"
	"fmt"

	"doku-checkout/doku"
	"doku-checkout/store"
)

// HostedDueMinutes is how long a DOKU Checkout link stays payable.
const HostedDueMinutes = 60

// startHosted asks DOKU Checkout for a payment page. The browser's return to
// callback_url proves nothing: the order is settled by the signed
// notification or the status check.
func (s *Service) startHosted(ctx context.Context, o store.Order, customer *store.Customer) (PaymentResult, error) {
	req := doku.CheckoutRequest{
		Order: doku.Order{
			InvoiceNumber: o.Invoice, Amount: o.AmountIDR,
			CallbackURL: s.cfg.PublicURL + ReceiptPath(o),
		},
		Customer: &doku.Customer{Name: o.Name, Email: o.Email, Phone: o.Phone, Address: o.Address, Country: o.Country},
	}
	for _, l := range o.Lines {
		req.Order.LineItems = append(req.Order.LineItems, doku.LineItem{Name: l.Name, Price: l.PriceIDR, Quantity: l.Quantity})
	}
	req.Payment.PaymentDueDate = HostedDueMinutes
	req.Payment.PaymentMethodTypes = []string{"CREDIT_CARD"}
	if customer != nil {
		req.Customer.ID = customer.PublicID // switches on tokenization (seed 000)
	}
	ctx, cancel := s.detached(ctx)
	defer cancel()
	resp, err := s.gw.CheckoutPayment(ctx, s.newID(), req)
	ctx, cancelRecord := recordContext(ctx)
	defer cancelRecord()
	if err == nil && resp.Response.Payment.URL == "" {
		err = fmt.Errorf("payment: checkout answer without a payment url: %w", doku.ErrOutcomeUnknown)
	}
	if err != nil {
		return s.failBeforeCharge(ctx, o, err)
	}
	ok, err := s.move(ctx, o, MovePageIssued, record{
		Reason: "doku checkout page issued", Fields: store.Fields{PaymentURL: resp.Response.Payment.URL},
	})
	if err != nil {
		return PaymentResult{}, err
	}
	if !ok {
		// A notification settled it already; show where it stands.
		cur, err := s.store.OrderByID(ctx, o.ID)
		return PaymentResult{Order: cur}, err
	}
	o.Status, o.PaymentURL = StatusAwaitingPayment, resp.Response.Payment.URL
	return PaymentResult{Order: o, RedirectURL: o.PaymentURL}, nil
}
