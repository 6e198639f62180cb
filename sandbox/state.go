package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"math/big"
	"time"
)

// Transaction statuses (docs/doku-api.md §11).
const (
	statusPending  = "PENDING"
	statusSuccess  = "SUCCESS"
	statusFailed   = "FAILED"
	statusRefunded = "REFUNDED"
	statusRedirect = "REDIRECT"
	statusExpired  = "EXPIRED"
)

// Payment types (CARDS, H2H; docs/doku-api.md §5.1).
const (
	paymentSale        = "SALE"
	paymentMOTO        = "MOTO"
	paymentAuthorize   = "AUTHORIZE"
	paymentInstallment = "INSTALLMENT"
	paymentRecurring   = "RECURRING"
)

// needsThreeDS reports whether a payment type must pass Check 3DS before
// its charge: "Check 3DS Process is Conditional" (H2H): required for SALE,
// AUTHORIZE and INSTALLMENT, not for MOTO and RECURRING.
func needsThreeDS(paymentType string) bool {
	return paymentType == paymentSale || paymentType == paymentAuthorize || paymentType == paymentInstallment
}

// knownPaymentType reports whether DOKU lists the type.
func knownPaymentType(t string) bool {
	return needsThreeDS(t) || t == paymentMOTO || t == paymentRecurring
}

// state is everything Reset forgets. Guarded by Server.mu.
type state struct {
	idem             map[string]*idemEntry
	idemOrder        []string // keys of idem, oldest first
	auths            map[string]*authentication
	txs              []*transaction
	txByRequestID    map[string]*transaction
	txByAuthorizeID  map[string]*transaction
	tokens           map[string]*savedCard
	checkouts        map[string]*checkoutSession
	checkoutByReqID  map[string]*checkoutSession
	chargesByInvoice map[string]int
	chargesTotal     int
}

func newState() *state {
	return &state{
		idem:             map[string]*idemEntry{},
		auths:            map[string]*authentication{},
		txByRequestID:    map[string]*transaction{},
		txByAuthorizeID:  map[string]*transaction{},
		tokens:           map[string]*savedCard{},
		checkouts:        map[string]*checkoutSession{},
		checkoutByReqID:  map[string]*checkoutSession{},
		chargesByInvoice: map[string]int{},
	}
}

// transaction is one executed charge.
type transaction struct {
	requestID   string // the charge's Request-Id: original_request_id
	invoice     string
	amount      int64
	customerID  string
	paymentType string
	authID      string
	card        cardData
	token       string // saved or used token, if any
	created     time.Time
	updated     time.Time

	status      string  // what the status check says now
	final       outcome // how the charge ends
	approval    string  // 6 digits, shown once SUCCESS
	eci         string
	authorizeID string
	captured    int64
	refunded    int64

	notifications []*notification
	// checkout is the hosted Checkout this charge was an attempt on, if any.
	checkout *checkoutSession
}

// view is the outcome as it stands now.
func (t *transaction) view() outcome {
	if t.status == statusPending {
		return outcome{statusPending, rcInProgress, rmInProgress}
	}
	o := t.final
	o.status = t.status
	return o
}

// approvalCode is the approval code if the charge succeeded.
func (t *transaction) approvalCode() string {
	if t.status == statusSuccess || t.status == statusRefunded {
		return t.approval
	}
	return ""
}

// paid reports whether the transaction holds (or may still hold) the
// invoice's money, so a second charge must be refused.
func (t *transaction) paid() bool {
	return t.status == statusSuccess || t.status == statusPending || t.status == statusRefunded
}

// randomHex returns n random bytes as lowercase hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// randomDigits returns n random decimal digits.
func randomDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		v, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			panic(err)
		}
		b[i] = byte('0' + v.Int64())
	}
	return string(b)
}
