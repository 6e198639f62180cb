package doku

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// STUB: the helper implementing issue 2 §1 replaces the bodies below.

// Config configures a Client.
type Config struct {
	BaseURL   string // e.g. https://api-sandbox.doku.com, no trailing slash needed
	ClientID  string
	SecretKey string
	Timeout   time.Duration // per call; default 15 s
	// MaxAttempts bounds sending the same Request-Id and body again after a
	// lost response (no HTTP answer). Default 2.
	MaxAttempts int
	HTTPClient  *http.Client
	Now         func() time.Time // for tests; default time.Now
}

// Client is a signed DOKU client. It is safe for concurrent use.
type Client struct{ cfg Config }

// New returns a Client with defaults applied.
func New(cfg Config) *Client { return &Client{cfg: cfg} }

// ErrOutcomeUnknown is matched (errors.Is) by every error after which the
// result of the call cannot be known: timeout, 5xx, unsigned or mis-signed
// answer, unparsable body.
var ErrOutcomeUnknown = errors.New("doku: outcome unknown")

// APIError is a definite, correctly signed rejection (4xx) from DOKU.
type APIError struct {
	HTTPStatus int
	Code       string
	Message    string
	Type       string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("doku: %d %s: %s", e.HTTPStatus, e.Code, e.Message)
}

var errStub = fmt.Errorf("stub: %w", ErrOutcomeUnknown)

// NewRequestID returns a fresh UUIDv4 for the Request-Id header.
func NewRequestID() string { return "" }

// CheckThreeDS calls POST /credit-card/check-three-d-secure.
func (c *Client) CheckThreeDS(ctx context.Context, requestID string, req CheckThreeDSRequest) (*CheckThreeDSResponse, error) {
	return nil, errStub
}

// Charge calls POST /credit-card/charge.
func (c *Client) Charge(ctx context.Context, requestID string, req ChargeRequest) (*ChargeResponse, error) {
	return nil, errStub
}

// Capture calls POST /credit-card/capture.
func (c *Client) Capture(ctx context.Context, requestID string, req CaptureRequest) (*CaptureResponse, error) {
	return nil, errStub
}

// Refund calls POST /cancellation/credit-card/refund.
func (c *Client) Refund(ctx context.Context, requestID string, req RefundRequest) (*RefundResponse, error) {
	return nil, errStub
}

// Status calls GET /orders/v1/status/{ref}, ref being an invoice number or a Request-Id.
func (c *Client) Status(ctx context.Context, ref string) (*StatusResponse, error) {
	return nil, errStub
}

// Tokens calls POST /tokenization/v1/tokens for the customer's saved cards.
func (c *Client) Tokens(ctx context.Context, customerID string) (*TokensResponse, error) {
	return nil, errStub
}

// CheckoutPayment calls POST /checkout/v1/payment (DOKU Checkout, hosted page).
func (c *Client) CheckoutPayment(ctx context.Context, requestID string, req CheckoutRequest) (*CheckoutResponse, error) {
	return nil, errStub
}

// VerifyNotification checks an incoming notification's signature, with
// target being the path of our own notification URL and body the raw bytes
// received, and decodes it.
func (c *Client) VerifyNotification(h http.Header, target string, body []byte) (*Notification, error) {
	return nil, errStub
}
