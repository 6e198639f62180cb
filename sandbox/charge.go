package sandbox

import (
	"context"
	"net/http"
)

// Acquirer details reported in payment.identifier and acquirer.id.
const (
	acquirerID   = "BANK_MANDIRI"
	acquirerName = "Mandiri"
	acquirerMID  = "71003372992"
	acquirerTID  = "73120903"
)

type chargeRequest struct {
	Order        orderIn    `json:"order"`
	Customer     customerIn `json:"customer"`
	ThreeDSecure threeDSIn  `json:"three_dsecure"`
	Payment      struct {
		Type   string `json:"type"`
		Tenor  string `json:"tenor"`
		PlanID string `json:"plan_id"`
	} `json:"payment"`
	Card cardIn `json:"card"`
}

type chargeResponse struct {
	Order        orderOut     `json:"order"`
	Customer     *customerOut `json:"customer,omitempty"`
	Payment      paymentOut   `json:"payment"`
	ThreeDSecure authIDOut    `json:"three_dsecure"`
	Card         cardOut      `json:"card"`
}

type paymentOut struct {
	Type            string          `json:"type"`
	Identifier      []identifierOut `json:"identifier"`
	RequestID       string          `json:"request_id"`
	AuthorizeID     string          `json:"authorize_id"`
	ResponseCode    string          `json:"response_code"`
	ResponseMessage string          `json:"response_message"`
	ECI             string          `json:"eci"`
	Status          string          `json:"status"`
	ApprovalCode    string          `json:"approval_code"`
}

type identifierOut struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type authIDOut struct {
	AuthenticationID string `json:"authentication_id"`
}

type cardOut struct {
	Masked string `json:"masked"`
	Type   string `json:"type"`
	Issuer string `json:"issuer"`
	Brand  string `json:"brand"`
	Token  string `json:"token,omitempty"`
}

// chargeSpec is a charge about to execute, from the API or hosted Checkout.
type chargeSpec struct {
	requestID   string
	invoice     string
	amount      int64
	customerID  string
	paymentType string
	authID      string
	card        cardData
	token       string
	save        bool
}

// charge is POST /credit-card/charge.
func (s *Server) charge(req *apiRequest) apiResponse {
	var in chargeRequest
	if e := decodeObject(req, &in); e != nil {
		return *e
	}
	if e := validateCharge(&in); e != nil {
		return *e
	}
	sp := chargeSpec{
		requestID:   req.requestID,
		invoice:     in.Order.InvoiceNumber,
		amount:      in.Order.Amount,
		customerID:  in.Customer.ID,
		paymentType: in.Payment.Type,
		authID:      in.ThreeDSecure.AuthenticationID,
		token:       in.Card.Token,
		save:        in.Card.Save,
	}

	s.mu.Lock()
	st := s.st
	var fail *apiResponse
	if !needsThreeDS(sp.paymentType) {
		fail = st.motoCard(&sp, in.Card)
	} else {
		fail = st.authenticatedCard(&sp, in.Card)
	}
	if fail == nil && st.invoicePaid(sp.invoice) {
		resp := errorResponse(http.StatusBadRequest, codeDuplicateInvoice, msgInvoicePaid)
		fail = &resp
	}
	if fail != nil {
		s.mu.Unlock()
		return *fail
	}
	if a := st.auths[sp.authID]; a != nil {
		a.markUsed()
	}
	tx := s.execute(st, sp)
	slow := tx.status == statusPending && tx.behavior == behaviorSlow
	body := chargeBodyFor(tx, tx.view())
	if slow {
		// The slow card answers only once it has settled.
		body = chargeBodyFor(tx, tx.final)
	}
	s.mu.Unlock()

	resp := jsonResponse(http.StatusOK, body)
	switch tx.behavior {
	case behaviorServerError:
		resp = errorResponse(http.StatusInternalServerError, codeInternal, msgChargeServerError)
	case behaviorBadSignature:
		resp.badSignature = true
	case behaviorSlow:
		if slow {
			resp.wait = s.cfg.SlowDelay
			resp.release = func() { s.settle(tx) }
			return resp
		}
	}
	s.afterExecute(tx)
	return resp
}

// validateCharge checks the fields that need no state.
func validateCharge(in *chargeRequest) *apiResponse {
	var v validator
	v.required("order.invoice_number", in.Order.InvoiceNumber, maxInvoiceCard)
	v.amount("order.amount", in.Order.Amount)
	v.lineItems(in.Order.LineItems, in.Order.Amount)
	v.customer(in.Customer)
	t := in.Payment.Type
	v.check(knownPaymentType(t), "payment.type", reasonPaymentType)
	v.text("payment.tenor", in.Payment.Tenor, maxName)
	v.text("payment.plan_id", in.Payment.PlanID, maxName)
	if t == paymentInstallment {
		v.check(in.Payment.Tenor != "", "payment.tenor", reasonTenor)
	}
	authID := in.ThreeDSecure.AuthenticationID
	if !needsThreeDS(t) {
		v.check(authID == "", "three_dsecure.authentication_id", reasonAuthForMOTO)
		v.cardInput(in.Card, true)
	} else {
		if authID == "" {
			v.fail("three_dsecure.authentication_id", reasonMandatory)
		} else {
			v.check(isLowerHex(authID, 64), "three_dsecure.authentication_id", reasonAuthID)
		}
		v.cardInput(in.Card, false)
	}
	if in.Card.Save {
		v.check(in.Customer.ID != "", "customer.id", reasonSaveNeedsID)
	}
	if in.Card.Token != "" {
		v.check(in.Customer.ID != "", "customer.id", reasonTokenNeedsID)
	}
	return v.resp
}

// motoCard resolves the card of a MOTO charge from the number or token.
func (st *state) motoCard(sp *chargeSpec, c cardIn) *apiResponse {
	if c.Token != "" {
		sc, fail := st.resolveToken(c.Token, sp.customerID, true)
		if fail != nil {
			return fail
		}
		if c.CVV != "" && !validCVV(c.CVV, sc.card.brand) {
			resp := fieldError("card.cvv", reasonCVV)
			return &resp
		}
		sp.card = sc.card
		return nil
	}
	sp.card = cardData{number: c.Number, expiry: c.Expiry, brand: brandOf(c.Number)}
	return nil
}

// authenticatedCard checks the 3-D Secure authentication a SALE or
// AUTHORIZE names, and takes its card. The authentication must be
// authenticated, unused, for the same amount (and invoice, if it had one),
// and for the card or token sent, if any.
func (st *state) authenticatedCard(sp *chargeSpec, c cardIn) *apiResponse {
	const field = "three_dsecure.authentication_id"
	a := st.auths[sp.authID]
	fail := func(field, reason string) *apiResponse {
		resp := fieldError(field, reason)
		return &resp
	}
	switch {
	case a == nil || a.checkout != nil:
		resp := errorResponse(http.StatusNotFound, codeAuthNotFound, msgAuthNotFound)
		return &resp
	case a.state == authPending:
		return fail(field, reasonAuthPending)
	case a.state == authFailed:
		return fail(field, reasonAuthFailed)
	case a.used:
		return fail(field, reasonAuthUsed)
	case a.amount != sp.amount:
		return fail("order.amount", reasonAuthAmount)
	case a.invoice != "" && a.invoice != sp.invoice:
		return fail("order.invoice_number", reasonAuthInvoice)
	case c.Number != "" && c.Number != a.card.number:
		return fail("card.number", reasonAuthCard)
	case c.Token != "" && c.Token != a.token:
		return fail("card.token", reasonAuthToken)
	case a.token != "" && a.tokenCustomer != sp.customerID:
		resp := errorResponse(http.StatusForbidden, codeInvalidToken, msgTokenOwner)
		return &resp
	}
	sp.card = a.card
	sp.token = a.token
	return nil
}

// invoicePaid reports whether invoice already has a successful (or still
// pending) charge. It reads the invoice's own records, so a charge costs
// the same after 100,000 transactions as after 10.
func (st *state) invoicePaid(invoice string) bool {
	ir := st.byInvoice(invoice, false)
	if ir == nil {
		return false
	}
	for _, tx := range ir.txs {
		if tx.paid() {
			return true
		}
	}
	for _, cs := range ir.checkouts {
		if cs.paid() {
			return true
		}
	}
	return false
}

// execute records an executed charge. Callers hold s.mu and have checked
// everything; from here on the charge counts.
func (s *Server) execute(st *state, sp chargeSpec) *transaction {
	now := s.now()
	o := decide(sp.card, now)
	tx := &transaction{
		requestID:   sp.requestID,
		invoice:     sp.invoice,
		amount:      sp.amount,
		customerID:  sp.customerID,
		paymentType: paymentTypeConst(sp.paymentType),
		card:        sp.card.withoutNumber(),
		behavior:    sp.card.behavior(),
		token:       sp.token,
		created:     now,
		updated:     now,
		final:       o,
		status:      o.status,
		more:        &txMore{authID: sp.authID},
	}
	if o.status == statusSuccess {
		tx.approval = randomDigits(6)
		tx.eci = eciFor(sp.card.brand, sp.paymentType)
		switch tx.behavior {
		case behaviorPending, behaviorSlow:
			tx.status = statusPending
		}
		if sp.paymentType == paymentAuthorize {
			tx.authorizeID = randomDigits(12)
			st.txByAuthorizeID[tx.authorizeID] = tx
		}
		if sp.save {
			tx.token = st.saveCard(sp.customerID, sp.card, now).token
		}
	}
	st.txByRequestID[tx.requestID] = tx
	ir := st.byInvoice(tx.invoice, true)
	ir.txs = append(ir.txs, tx)
	st.chargesTotal++
	st.addRecord(tx, s.keep(), now)
	s.log.Info("charge executed", "invoice", tx.invoice, "request_id", tx.requestID,
		"card", tx.card.masked(), "amount", tx.amount, "status", tx.status, "final", o.status)
	return tx
}

// authID is the authentication the charge used, while it is remembered.
func (t *transaction) authID() string {
	if t.more == nil {
		return ""
	}
	return t.more.authID
}

// eciFor is the ECI a successful charge reports.
func eciFor(brand, paymentType string) string {
	switch {
	case !needsThreeDS(paymentType):
		return "07" // no 3-D Secure: no liability shift
	case brand == brandMaster:
		return "02"
	}
	return "05"
}

// afterExecute schedules what follows an executed charge: the PENDING
// card's settlement, or the notification of a final status.
func (s *Server) afterExecute(tx *transaction) {
	if tx.behavior == behaviorPending && tx.final.status == statusSuccess {
		s.after(s.cfg.PendingDelay, func(context.Context) { s.settle(tx) })
		return
	}
	if tx.behavior == behaviorSlow && tx.final.status == statusSuccess {
		s.after(s.cfg.SlowDelay, func(context.Context) { s.settle(tx) })
		return
	}
	s.notify(tx)
}

// settle moves a PENDING transaction to its final status and notifies.
func (s *Server) settle(tx *transaction) {
	s.mu.Lock()
	if tx.status != statusPending {
		s.mu.Unlock()
		return
	}
	tx.status = tx.final.status
	tx.updated = s.now()
	s.mu.Unlock()
	s.notify(tx)
}

// chargeBodyFor renders the charge response with outcome o.
func chargeBodyFor(tx *transaction, o outcome) chargeResponse {
	approval := ""
	if o.status == statusSuccess {
		approval = tx.approval
	}
	return chargeResponse{
		Order:    orderOut{InvoiceNumber: tx.invoice, Amount: tx.amount},
		Customer: customerRef(tx.customerID),
		Payment: paymentOut{
			Type: tx.paymentType,
			Identifier: []identifierOut{
				{Name: "Acquirer", Value: acquirerName},
				{Name: "MID", Value: acquirerMID},
				{Name: "TID", Value: acquirerTID},
			},
			RequestID:       tx.requestID,
			AuthorizeID:     tx.authorizeID,
			ResponseCode:    o.code,
			ResponseMessage: o.message,
			ECI:             tx.eci,
			Status:          o.status,
			ApprovalCode:    approval,
		},
		ThreeDSecure: authIDOut{AuthenticationID: tx.authID()},
		Card: cardOut{
			Masked: tx.card.masked(),
			Type:   cardTypeCredit,
			Issuer: tx.card.issuer(),
			Brand:  tx.card.brand,
			Token:  tx.token,
		},
	}
}
