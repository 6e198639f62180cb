package sandbox

import (
	"net/http"
	"time"

	"doku-checkout/doku/signature"
)

// Identifiers in the notification and status envelope.
const (
	serviceCreditCard = "CREDIT_CARD"
	channelCreditCard = "CREDIT_CARD"
)

// envelope is the body of a notification and of the status check (§4, §5).
type envelope struct {
	Service     idOut        `json:"service"`
	Acquirer    idOut        `json:"acquirer"`
	Channel     idOut        `json:"channel"`
	Transaction envTx        `json:"transaction"`
	Order       orderOut     `json:"order"`
	Customer    *customerOut `json:"customer,omitempty"`
	CardPayment *envCard     `json:"card_payment,omitempty"`
}

type idOut struct {
	ID string `json:"id"`
}

type envTx struct {
	Status            string `json:"status"`
	Date              string `json:"date"`
	OriginalRequestID string `json:"original_request_id"`
}

type envCard struct {
	Masked          string `json:"masked"`
	Brand           string `json:"brand"`
	ApprovalCode    string `json:"approval_code"`
	ResponseCode    string `json:"response_code"`
	ResponseMessage string `json:"response_message"`
	Token           string `json:"token,omitempty"`
	Expiry          string `json:"expiry"`
	AuthorizeID     string `json:"authorize_id,omitempty"`
}

func baseEnvelope(status string, date time.Time, requestID, invoice string, amount int64, customerID string) envelope {
	return envelope{
		Service:  idOut{ID: serviceCreditCard},
		Acquirer: idOut{ID: acquirerID},
		Channel:  idOut{ID: channelCreditCard},
		Transaction: envTx{
			Status:            status,
			Date:              date.UTC().Format(signature.TimestampLayout),
			OriginalRequestID: requestID,
		},
		Order:    orderOut{InvoiceNumber: invoice, Amount: amount},
		Customer: customerRef(customerID),
	}
}

// txEnvelope describes a transaction as it stands. Callers hold s.mu.
func txEnvelope(tx *transaction) envelope {
	o := tx.view()
	e := baseEnvelope(tx.status, tx.updated, tx.requestID, tx.invoice, tx.amount, tx.customerID)
	e.CardPayment = &envCard{
		Masked:          tx.card.masked(),
		Brand:           tx.card.brand,
		ApprovalCode:    tx.approvalCode(),
		ResponseCode:    o.code,
		ResponseMessage: o.message,
		Token:           tx.token,
		Expiry:          tx.card.expiry,
		AuthorizeID:     tx.authorizeID,
	}
	return e
}

// authEnvelope describes a 3DS authentication with no charge yet:
// REDIRECT while it can still be charged, FAILED when the challenge failed.
func authEnvelope(a *authentication) envelope {
	status := statusRedirect
	if a.state == authFailed {
		status = statusFailed
	}
	e := baseEnvelope(status, a.created, "", a.invoice, a.amount, a.customerID)
	e.CardPayment = &envCard{Masked: a.card.masked(), Brand: a.card.brand, Expiry: a.card.expiry}
	return e
}

// checkoutEnvelope describes an unpaid hosted Checkout: PENDING, or EXPIRED
// once its payment_due_date passed.
func checkoutEnvelope(cs *checkoutSession, now time.Time) envelope {
	status := statusPending
	if now.After(cs.expires) {
		status = statusExpired
	}
	return baseEnvelope(status, cs.created, cs.requestID, cs.invoice, cs.amount, cs.customerID)
}

// status is GET /orders/v1/status/{invoice_number or Request-Id}.
func (s *Server) status(req *apiRequest) apiResponse {
	key := req.r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.st.lookup(key, s.now())
	if !ok {
		return errorResponse(http.StatusNotFound, codeTransactionMissing, msgStatusNotFound)
	}
	return jsonResponse(http.StatusOK, e)
}

// lookup finds what the status check reports for key: the charge with that
// Request-Id, the hosted Checkout with that Request-Id, or else the
// invoice's paid transaction, or the invoice's latest attempt of any kind.
func (st *state) lookup(key string, now time.Time) (envelope, bool) {
	if cs := st.checkoutByReqID[key]; cs != nil {
		return cs.envelope(now), true
	}
	if tx := st.txByRequestID[key]; tx != nil {
		return txEnvelope(tx), true
	}
	var latestTx *transaction
	for _, tx := range st.txByInvoice(key) {
		if tx.paid() {
			return txEnvelope(tx), true
		}
		if !st.expiredCheckoutTx(tx, now) {
			latestTx = tx
		}
	}
	var (
		best     envelope
		bestTime time.Time
		found    bool
	)
	consider := func(e envelope, t time.Time) {
		if !found || !t.Before(bestTime) {
			best, bestTime, found = e, t, true
		}
	}
	if latestTx != nil {
		consider(txEnvelope(latestTx), latestTx.created)
	}
	for _, a := range st.auths {
		if a.invoice == key && !a.used && a.checkout == nil {
			consider(authEnvelope(a), a.created)
		}
	}
	for _, cs := range st.checkouts {
		switch {
		case cs.invoice != key:
		case cs.tx == nil:
			consider(checkoutEnvelope(cs, now), cs.created)
		case !cs.paid() && now.After(cs.expires):
			consider(checkoutEnvelope(cs, now), cs.expires)
		}
	}
	return best, found
}

// envelope describes a hosted Checkout as it stands: its paid charge; else
// EXPIRED once its payment_due_date passed, declined attempts or not (the
// link can no longer be paid); else its latest attempt, or PENDING.
func (cs *checkoutSession) envelope(now time.Time) envelope {
	switch {
	case cs.paid():
		return txEnvelope(cs.tx)
	case now.After(cs.expires) || cs.tx == nil:
		return checkoutEnvelope(cs, now)
	}
	return txEnvelope(cs.tx)
}

// expiredCheckoutTx reports whether tx is a declined attempt on a hosted
// Checkout whose link has expired: the link's EXPIRED speaks for it.
func (st *state) expiredCheckoutTx(tx *transaction, now time.Time) bool {
	for _, cs := range st.checkouts {
		if cs.tx == tx && !cs.paid() && now.After(cs.expires) {
			return true
		}
	}
	return false
}
