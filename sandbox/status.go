package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"doku-checkout/doku/signature"
)

// Identifiers in the notification and status envelope.
const (
	serviceCreditCard = "CREDIT_CARD"
	channelCreditCard = "CREDIT_CARD"
)

// envelope is the body of a notification and of the status check (§4, §5,
// §11 of docs/doku-api.md). Since July 2025 (CL-2507) a Checkout order is
// reported as soon as it exists: order.status ORDER_GENERATED or
// ORDER_EXPIRED, no transaction until a payment was attempted, null
// service/acquirer/channel ids until a channel was picked, and the amount
// written as a decimal (120000.0, as DOKU's own sample).
type envelope struct {
	Service     idOut        `json:"service"`
	Acquirer    idOut        `json:"acquirer"`
	Channel     idOut        `json:"channel"`
	Transaction *envTx       `json:"transaction,omitempty"`
	Order       envOrder     `json:"order"`
	Customer    *customerOut `json:"customer,omitempty"`
	CardPayment *envCard     `json:"card_payment,omitempty"`
	// checkout marks a hosted Checkout order, answered in CL-2507's shape.
	checkout bool
}

// idOut is {"id": …}, with null for no id.
type idOut struct {
	ID string
}

func (i idOut) MarshalJSON() ([]byte, error) {
	if i.ID == "" {
		return []byte(`{"id":null}`), nil
	}
	return json.Marshal(struct {
		ID string `json:"id"`
	}{i.ID})
}

func (i *idOut) UnmarshalJSON(b []byte) error {
	var v struct {
		ID *string `json:"id"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	i.ID = ""
	if v.ID != nil {
		i.ID = *v.ID
	}
	return nil
}

// Checkout order statuses (CL-2507).
const (
	orderGenerated = "ORDER_GENERATED"
	orderExpired   = "ORDER_EXPIRED"
)

// envOrder is the order block; Decimal writes the amount as 120000.0.
type envOrder struct {
	InvoiceNumber string
	Amount        int64
	Status        string
	Decimal       bool
}

func (o envOrder) MarshalJSON() ([]byte, error) {
	amount := json.RawMessage(strconv.FormatInt(o.Amount, 10))
	if o.Decimal {
		amount = json.RawMessage(strconv.FormatInt(o.Amount, 10) + ".0")
	}
	return json.Marshal(struct {
		InvoiceNumber string          `json:"invoice_number"`
		Amount        json.RawMessage `json:"amount"`
		Status        string          `json:"status,omitempty"`
	}{o.InvoiceNumber, amount, o.Status})
}

func (o *envOrder) UnmarshalJSON(b []byte) error {
	var v struct {
		InvoiceNumber string      `json:"invoice_number"`
		Amount        json.Number `json:"amount"`
		Status        string      `json:"status"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	whole, frac, dec := strings.Cut(v.Amount.String(), ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || strings.Trim(frac, "0") != "" {
		return fmt.Errorf("order.amount %q is not whole rupiah", v.Amount)
	}
	*o = envOrder{InvoiceNumber: v.InvoiceNumber, Amount: n, Status: v.Status, Decimal: dec}
	return nil
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
		Transaction: &envTx{
			Status:            status,
			Date:              date.UTC().Format(signature.TimestampLayout),
			OriginalRequestID: requestID,
		},
		Order:    envOrder{InvoiceNumber: invoice, Amount: amount},
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

// checkoutEnvelope describes a hosted Checkout nobody has paid in CL-2507's
// shape: order.status ORDER_GENERATED, or ORDER_EXPIRED once its
// payment_due_date passed; its last declined attempt, if any, as the
// transaction (EXPIRED once the link is), else no transaction and null
// channel ids.
func checkoutEnvelope(cs *checkoutSession, now time.Time) envelope {
	var e envelope
	if cs.tx != nil {
		e = txEnvelope(cs.tx)
	} else {
		e = envelope{Order: envOrder{InvoiceNumber: cs.invoice, Amount: cs.amount}, Customer: customerRef(cs.customerID)}
	}
	e.checkout = true
	e.Order.Status = orderGenerated
	if now.After(cs.expires) {
		// The link can no longer be paid: its attempts read EXPIRED too.
		e.Order.Status = orderExpired
		if e.Transaction != nil {
			e.Transaction.Status = statusExpired
		}
	}
	return e
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
	e.Order.Decimal = e.checkout // as DOKU's July 2025 sample writes it
	return jsonResponse(http.StatusOK, e)
}

// lookup finds what the status check reports for key: the charge with that
// Request-Id, the hosted Checkout with that Request-Id, or else the
// invoice's paid transaction, or the invoice's latest attempt of any kind.
// It reads only key's own records. A forgotten one (see records.go) is not
// found, as an id DOKU never saw.
func (st *state) lookup(key string, now time.Time) (envelope, bool) {
	if cs := st.checkoutByReqID[key]; cs != nil {
		return cs.envelope(now), true
	}
	if tx := st.txByRequestID[key]; tx != nil {
		if tx.checkout != nil {
			return tx.checkout.envelope(now), true
		}
		return txEnvelope(tx), true
	}
	ir := st.byInvoice(key, false)
	if ir == nil {
		return envelope{}, false
	}
	var latestTx *transaction
	for _, tx := range ir.txs {
		if tx.paid() {
			if tx.checkout != nil {
				return tx.checkout.envelope(now), true
			}
			return txEnvelope(tx), true
		}
		if tx.checkout == nil {
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
	for _, a := range ir.auths {
		if !a.used {
			consider(authEnvelope(a), a.created)
		}
	}
	for _, cs := range ir.checkouts {
		t := cs.created
		if cs.tx != nil {
			t = cs.tx.created
		}
		if now.After(cs.expires) {
			t = cs.expires
		}
		consider(cs.envelope(now), t)
	}
	return best, found
}

// envelope describes a hosted Checkout as it stands: its paid charge; else
// the order's status (ORDER_EXPIRED once its payment_due_date passed,
// declined attempts or not: the link can no longer be paid) with its latest
// attempt, if any.
func (cs *checkoutSession) envelope(now time.Time) envelope {
	if cs.paid() {
		e := txEnvelope(cs.tx)
		e.checkout = true
		return e
	}
	return checkoutEnvelope(cs, now)
}
