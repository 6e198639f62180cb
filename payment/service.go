// Package payment owns the checkout's money rules: the order state machine,
// when DOKU is called and with which Request-Id, what an answer (or the lack
// of one) means, notifications and reconciliation. It knows nothing of HTTP.
package payment

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"doku-checkout/doku"
	"doku-checkout/i18n"
	"doku-checkout/route"
	"doku-checkout/store"
)

// Payment modes a merchant can enable.
const (
	ModeDirect = store.ModeDirect // our own card page, host-to-host with 3-D Secure
	ModeHosted = store.ModeHosted // DOKU Checkout, the hosted payment page
)

// Gateway is what the flow needs from DOKU. The signed doku.Client satisfies
// it; tests may pass a fake.
type Gateway interface {
	CheckThreeDS(ctx context.Context, requestID string, req doku.CheckThreeDSRequest) (*doku.CheckThreeDSResponse, error)
	Charge(ctx context.Context, requestID string, req doku.ChargeRequest) (*doku.ChargeResponse, error)
	Status(ctx context.Context, ref string) (*doku.StatusResponse, error)
	Tokens(ctx context.Context, customerID string) (*doku.TokensResponse, error)
	DeleteToken(ctx context.Context, requestID, token string) (*doku.DeleteTokenResponse, error)
	CheckoutPayment(ctx context.Context, requestID string, req doku.CheckoutRequest) (*doku.CheckoutResponse, error)
}

// Config holds the flow's settings.
type Config struct {
	// PublicURL is the app's base URL as browsers and DOKU reach it, for the
	// 3DS callback URLs and the Checkout callback_url.
	PublicURL string
	// ReconcileAfter is how long after a payment an open order is first
	// checked with DOKU (DOKU asks for at least 60 s).
	ReconcileAfter time.Duration
	// MaxBackoff caps the wait between two checks of one order.
	MaxBackoff time.Duration
	// GiveUpAfter: an order DOKU still has no charge for this long after it
	// was created is marked FAILED.
	GiveUpAfter time.Duration
	// CallTimeout bounds one DOKU call made on the shopper's behalf.
	CallTimeout time.Duration
	// AbandonAfter: a direct order still before its charge (3-D Secure never
	// finished) this long after its last change is closed as FAILED. No
	// money can have moved: only our Charge moves it.
	AbandonAfter time.Duration
	// ChargeWait is how long the shopper's 3-D Secure return waits for the
	// charge's answer before the receipt shows "confirming" and follows the
	// charge, which goes on (same Request-Id, never a second charge).
	ChargeWait time.Duration
	// PaymentType is DOKU's payment.type for every payment: TypeSale
	// (default: authorise and capture at once) or TypeAuthorize (reserve
	// now, capture at shipping). Both pass 3-D Secure first.
	PaymentType string
	// Types, when set, gives the payment type at each payment instead (the
	// owner's settings); see paymentType.
	Types TypeSource
	// OnFinal, when set, is called after an order has moved to a final
	// status, with the order as it was before the move (it is re-read for
	// the new fields). The move is recorded already; the hook cannot undo
	// it and must not take long (the receipt e-mail is queued here).
	OnFinal func(ctx context.Context, o store.Order, to Status)
	// OnRefund, when set, is called once a refund DOKU confirmed is
	// recorded, with the order as it was before and the refund's own
	// Request-Id and amount (the refund e-mail is queued here).
	OnRefund func(ctx context.Context, o store.Order, refundRef string, amountIDR int64)
}

// Payment types a merchant can choose (docs/doku-api.md §5.1). MOTO and
// RECURRING skip 3-D Secure and INSTALLMENT needs a bank's plan: the shop
// offers neither.
const (
	TypeSale      = doku.PaymentSale
	TypeAuthorize = doku.PaymentAuthorize
)

// SupportedType reports whether the shop can take payments of type t.
func SupportedType(t string) bool { return t == TypeSale || t == TypeAuthorize }

// Service runs the checkout's payment flow.
type Service struct {
	store *store.Store
	gw    Gateway
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
	newID func() string
	// tokens spares DOKU a token-list call on every page a customer opens.
	tokens tokenCache
	// charges are the charges running past the request that started them;
	// Wait lets them finish at shutdown.
	charges sync.WaitGroup
	// asks limits how often a shopper's receipt asks DOKU about its order.
	asks askLog
}

// New returns a Service with defaults applied to cfg.
func New(st *store.Store, gw Gateway, cfg Config, log *slog.Logger) *Service {
	if cfg.ReconcileAfter <= 0 {
		cfg.ReconcileAfter = 60 * time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Minute
	}
	if cfg.MaxBackoff < cfg.ReconcileAfter {
		cfg.MaxBackoff = cfg.ReconcileAfter
	}
	if cfg.GiveUpAfter <= 0 {
		cfg.GiveUpAfter = 24 * time.Hour
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 20 * time.Second
	}
	if cfg.AbandonAfter <= 0 {
		cfg.AbandonAfter = 30 * time.Minute
	}
	if cfg.ChargeWait <= 0 {
		cfg.ChargeWait = 4 * time.Second
	}
	if cfg.PaymentType == "" {
		cfg.PaymentType = TypeSale
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: st, gw: gw, cfg: cfg, log: log, now: time.Now, newID: doku.NewRequestID}
}

// Errors the handlers turn into messages on the checkout page.
var (
	// ErrEmptyCart: there is nothing to pay for.
	ErrEmptyCart = errors.New("payment: the cart is empty")
	// ErrAmountTooLarge: the total exceeds DOKU's 12 digits.
	ErrAmountTooLarge = errors.New("payment: amount over DOKU's limit")
	// ErrSavedCardNotFound: the saved card is not the shopper's.
	ErrSavedCardNotFound = errors.New("payment: saved card not found")
	// ErrGatewayUnavailable: DOKU could not be reached, or its answer could
	// not be trusted, before any money moved. The shopper may try again.
	ErrGatewayUnavailable = errors.New("payment: gateway unavailable")
)

// DeclinedError is a definite refusal from DOKU before the charge.
type DeclinedError struct {
	Message string      // the fixed text the order records
	Shown   i18n.Phrase // what the shopper reads
}

func (e *DeclinedError) Error() string { return "payment: declined: " + e.Message }

// MaxAmountIDR is the largest amount DOKU takes: 12 digits.
const MaxAmountIDR = 999_999_999_999

// PaymentResult says where the shopper goes next.
type PaymentResult struct {
	Order       store.Order
	RedirectURL string // DOKU's 3DS page or Checkout page; "" means the receipt
}

// ReceiptPath is the order's receipt as its owner opens it: the customer
// by their login, a guest by the session that paid.
func ReceiptPath(o store.Order) string {
	return route.ReceiptPath(o.Invoice, "")
}

// ReceiptLink is the receipt link a guest keeps (the receipt page and the
// e-mail show it): it opens the receipt without the session, by its own
// key, never sent to DOKU or the issuer. A customer's order has none: only
// the customer opens it.
func ReceiptLink(o store.Order) string {
	if o.CustomerID != 0 || o.ReceiptKey == "" {
		return ""
	}
	return route.ReceiptPath(o.Invoice, o.ReceiptKey)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("payment: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// newInvoice returns INV-YYYYMMDD-XXXXXXXXXX: 23 characters, under the card
// channel's 30, with 40 random bits so invoices do not reveal order volume.
func (s *Service) newInvoice() string {
	return "INV-" + s.now().In(wib).Format("20060102") + "-" + strings.ToUpper(randomHex(5))
}

// wib is Western Indonesia Time, the merchant's day.
var wib = time.FixedZone("WIB", 7*3600)
