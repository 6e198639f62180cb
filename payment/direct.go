package payment

import (
	"context"
	"time"

	"doku-checkout/doku"
	"doku-checkout/i18n"
	"doku-checkout/route"
	"doku-checkout/store"
)

// The direct mode's steps after the order is created: DOKU's 3-D Secure
// check, the shopper's return from it, and our one Charge.

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
			CallbackURLSuccess: s.cfg.PublicURL + route.ThreeDSReturnPath(o.Ref, true),
			CallbackURLFailed:  s.cfg.PublicURL + route.ThreeDSReturnPath(o.Ref, false),
		},
	}
	ctx, cancel := s.detached(ctx)
	defer cancel()
	resp, err := s.gw.CheckThreeDS(ctx, o.ThreeDSRequestID, call)
	ctx, cancelRecord := recordContext(ctx)
	defer cancelRecord()
	if err == nil && (resp.ThreeDSecure.AuthenticationURL == "" || resp.ThreeDSecure.AuthenticationID == "" || !resp.ThreeDSecure.EnrollmentStatus) {
		err = &DeclinedError{Message: TextNotEnrolled, Shown: i18n.Phrase{Key: answerKeys[TextNotEnrolled]}}
	}
	if err != nil {
		return s.failBeforeCharge(ctx, o, err)
	}
	moved, err := s.move(ctx, o, MoveThreeDSIssued, record{
		Reason: "3ds challenge issued",
		Fields: store.Fields{AuthID: resp.ThreeDSecure.AuthenticationID, AuthURL: resp.ThreeDSecure.AuthenticationURL},
	})
	if err != nil {
		return PaymentResult{}, err
	}
	if !moved {
		return PaymentResult{}, errLeftCreated(o)
	}
	o.Status, o.AuthID, o.AuthURL = StatusAwaiting3DS, resp.ThreeDSecure.AuthenticationID, resp.ThreeDSecure.AuthenticationURL
	return PaymentResult{Order: o, RedirectURL: o.AuthURL}, nil
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
		if _, err := s.move(ctx, o, MoveThreeDSFailed, record{
			Reason: "3ds failed", Fields: store.Fields{ResponseMessage: TextThreeDSFailed},
		}); err != nil {
			return store.Order{}, err
		}
		return s.store.OrderByID(ctx, o.ID)
	}
	chargeID := s.newID()
	won, err := s.move(ctx, o, MoveCharging, record{
		Reason: "3ds passed, charging", Fields: store.Fields{ChargeRequestID: chargeID},
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
	// The charge runs on its own: a slow bank must not hold the shopper on
	// a blank page. After ChargeWait the receipt shows "confirming" and
	// follows the order while the one charge finishes.
	done := make(chan struct{})
	s.charges.Add(1)
	go func() {
		defer s.charges.Done()
		defer close(done)
		s.charge(ctx, o)
	}()
	select {
	case <-done:
	case <-time.After(s.cfg.ChargeWait):
		s.log.Info("payment: charge still running; the receipt follows it", "invoice", o.Invoice)
	}
	return s.store.OrderByID(context.WithoutCancel(ctx), o.ID)
}

// Wait blocks until every charge started by a 3-D Secure return has been
// answered and recorded: the server calls it at shutdown.
func (s *Service) Wait() { s.charges.Wait() }

// chargeRequest is the Charge body for an order: the server's amount and
// lines, the authentication id, the token of a saved card. No card number.
func (s *Service) chargeRequest(ctx context.Context, o store.Order) (doku.ChargeRequest, error) {
	req := doku.ChargeRequest{
		Order:        doku.Order{InvoiceNumber: o.Invoice, Amount: o.AmountIDR},
		ThreeDSecure: doku.ThreeDSInput{AuthenticationID: o.AuthID},
		Payment:      doku.PaymentInput{Type: s.paymentType(ctx)},
		Customer:     gatewayCustomer(orderContact(o)),
	}
	req.Order.LineItems = gatewayLineItems(o.Lines, o.AmountIDR)
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
	callCtx, cancel := s.detached(ctx)
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
	if err == nil {
		s.applyCharge(ctx, o, resp)
		return
	}
	if apiErr, ok := definiteRefusal(err); ok {
		s.log.Warn("payment: charge refused", "invoice", o.Invoice, "code", apiErr.Code)
		s.move(ctx, o, MoveDeclined, record{
			Reason: "charge refused: " + apiErr.Code, Fields: store.Fields{ResponseMessage: refusedText(apiErr)},
		})
		return
	}
	s.log.Warn("payment: charge outcome unknown", "invoice", o.Invoice, "err", err)
	s.toPending(ctx, o, "charge outcome unknown")
}

// applyCharge records a verified charge answer.
func (s *Service) applyCharge(ctx context.Context, o store.Order, resp *doku.ChargeResponse) {
	if resp.Order.InvoiceNumber != o.Invoice || resp.Order.Amount != o.AmountIDR {
		s.log.Error("payment: charge answer is for another order", "invoice", o.Invoice, "got", resp.Order.InvoiceNumber)
		s.toPending(ctx, o, "charge answer did not match the order")
		return
	}
	f := store.Fields{
		CardMasked: resp.Card.Masked, CardBrand: resp.Card.Brand, ApprovalCode: resp.Payment.ApprovalCode,
		ECI: resp.Payment.ECI, ResponseCode: resp.Payment.ResponseCode, ResponseMessage: outcomeText(resp.Payment.Status, resp.Payment.ResponseCode),
	}
	switch resp.Payment.Status {
	case doku.StatusSuccess:
		if !LiabilityShifted(resp.Payment.ECI, firstNonEmpty(resp.Card.Brand, o.CardBrand)) {
			// Paid, but a chargeback for fraud stays with the merchant:
			// the back office shows the ECI for a person to judge.
			s.log.Warn("payment: charge without 3-D Secure liability shift", "invoice", o.Invoice, "eci", resp.Payment.ECI)
		}
		s.move(ctx, o, authorizedMove(resp.Payment.AuthorizeID, resp.Payment.Type, &f), record{Reason: "charge SUCCESS " + resp.Payment.Type, Fields: f})
		if resp.Card.Token != "" && o.SaveCard {
			s.saveToken(ctx, o, resp.Card.Token, firstNonEmpty(resp.Card.Masked, o.CardMasked), firstNonEmpty(resp.Card.Brand, o.CardBrand), o.CardExpiry)
		}
	case doku.StatusFailed:
		s.move(ctx, o, MoveDeclined, record{Reason: "charge FAILED " + resp.Payment.ResponseCode, Fields: f})
	default:
		s.toPending(ctx, o, "charge answered "+resp.Payment.Status)
	}
}

// outcomeText is the fixed text recorded for a charge's outcome. A SUCCESS
// reads as approved whatever its response_code: DOKU's own success sample
// carries 01 ("refer to card issuer" in ISO 8583), so the code never
// decides nor describes an approval (docs/doku-api.md §5.3).
func outcomeText(status, code string) string {
	if status == doku.StatusSuccess {
		return responseTexts["00"]
	}
	return responseText(code)
}

// toPending leaves a charge whose outcome is unknown to the reconciler.
func (s *Service) toPending(ctx context.Context, o store.Order, reason string) {
	s.move(ctx, o, MoveOutcomeUnknown, record{Reason: reason, NextCheckAt: s.now().Add(s.cfg.ReconcileAfter)})
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
