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

// paymentTypeConst is t as the package's constant, so a record does not
// keep the request's copy of it.
func paymentTypeConst(t string) string {
	for _, c := range []string{paymentSale, paymentMOTO, paymentAuthorize, paymentInstallment, paymentRecurring} {
		if t == c {
			return c
		}
	}
	return t
}

// knownPaymentType reports whether DOKU lists the type.
func knownPaymentType(t string) bool {
	return needsThreeDS(t) || t == paymentMOTO || t == paymentRecurring
}

// state is everything Reset forgets. Guarded by Server.mu.
type state struct {
	idem            map[string]*idemEntry
	idemOrder       []string // keys of idem, oldest first
	auths           map[string]*authentication
	txByRequestID   map[string]*transaction
	txByAuthorizeID map[string]*transaction
	invoices        map[string]*invoiceRecords
	tokens          map[string]*savedCard
	cardsByCustomer map[string][]*savedCard // tokens by owner, oldest first
	checkouts       map[string]*checkoutSession
	checkoutByReqID map[string]*checkoutSession
	journal         journal
	chargesTotal    int
}

func newState() *state {
	return &state{
		idem:            map[string]*idemEntry{},
		auths:           map[string]*authentication{},
		txByRequestID:   map[string]*transaction{},
		txByAuthorizeID: map[string]*transaction{},
		invoices:        map[string]*invoiceRecords{},
		tokens:          map[string]*savedCard{},
		cardsByCustomer: map[string][]*savedCard{},
		checkouts:       map[string]*checkoutSession{},
		checkoutByReqID: map[string]*checkoutSession{},
	}
}

// transaction is one executed charge. It never holds the card number:
// card is the masked card, behavior what the test card makes it do.
type transaction struct {
	requestID   string // the charge's Request-Id: original_request_id
	invoice     string
	amount      int64
	customerID  string
	paymentType string
	card        cardData
	behavior    behavior
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

	// checkout is the hosted Checkout this charge was an attempt on, if any.
	checkout *checkoutSession
	// more is what only a recent transaction keeps (nil once compacted).
	more *txMore
}

// txMore is the part of a transaction compaction drops.
type txMore struct {
	authID        string
	notifications []*notification
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
