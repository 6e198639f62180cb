package doku

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by New.
const (
	DefaultTimeout     = 15 * time.Second
	DefaultMaxAttempts = 2
)

// retryBackoff is the pause before sending a request again after no answer.
const retryBackoff = 200 * time.Millisecond

// Config configures a Client.
type Config struct {
	BaseURL   string // e.g. https://api-sandbox.doku.com, no trailing slash needed
	ClientID  string
	SecretKey string
	Timeout   time.Duration // per attempt, on top of the caller's context; default 15 s
	// MaxAttempts bounds sending the same Request-Id and body again after a
	// lost response (no HTTP answer). Default 2.
	MaxAttempts int
	HTTPClient  *http.Client
	Now         func() time.Time // for tests; default time.Now
}

// Client is a signed DOKU client. It is safe for concurrent use.
type Client struct {
	cfg      Config
	hc       *http.Client
	origin   string // scheme://host of BaseURL
	basePath string // path prefix of BaseURL, escaped, no trailing slash
	baseErr  error  // an invalid BaseURL, reported by every call
	backoff  time.Duration
}

// New returns a Client with defaults applied. An invalid BaseURL is
// reported by every call rather than here.
func New(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxAttempts < 1 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	hc := &http.Client{Transport: newTransport()}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	// A redirect is not part of the contract; it is classified, not followed.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c := &Client{cfg: cfg, hc: hc, backoff: retryBackoff}
	c.origin, c.basePath, c.baseErr = splitBaseURL(cfg.BaseURL)
	return c
}

// maxIdlePerHost is how many connections to DOKU stay open between calls.
// Go's default keeps 2: with more payments at once than that, every other
// call opened a new connection (a TLS handshake to DOKU) and closed it
// after, which the bench measured at a third of the app's CPU per flow.
const maxIdlePerHost = 64

// newTransport is Go's default transport keeping maxIdlePerHost connections.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = maxIdlePerHost, maxIdlePerHost
	return t
}

// splitBaseURL returns the origin and the escaped path prefix of base.
func splitBaseURL(base string) (origin, prefix string, err error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", "", fmt.Errorf("doku: invalid BaseURL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", "", errors.New("doku: invalid BaseURL: want http(s)://host[/prefix]")
	}
	return u.Scheme + "://" + u.Host, strings.TrimRight(u.EscapedPath(), "/"), nil
}

// CheckThreeDS calls POST /credit-card/check-three-d-secure.
func (c *Client) CheckThreeDS(ctx context.Context, requestID string, req CheckThreeDSRequest) (*CheckThreeDSResponse, error) {
	var out CheckThreeDSResponse
	if err := c.post(ctx, "check 3ds", "/credit-card/check-three-d-secure", requestID, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Charge calls POST /credit-card/charge.
func (c *Client) Charge(ctx context.Context, requestID string, req ChargeRequest) (*ChargeResponse, error) {
	var out ChargeResponse
	if err := c.post(ctx, "charge", "/credit-card/charge", requestID, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Capture calls POST /credit-card/capture.
func (c *Client) Capture(ctx context.Context, requestID string, req CaptureRequest) (*CaptureResponse, error) {
	var out CaptureResponse
	if err := c.post(ctx, "capture", "/credit-card/capture", requestID, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Refund calls POST /cancellation/credit-card/refund.
func (c *Client) Refund(ctx context.Context, requestID string, req RefundRequest) (*RefundResponse, error) {
	var out RefundResponse
	if err := c.post(ctx, "refund", "/cancellation/credit-card/refund", requestID, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Status calls GET /orders/v1/status/{ref}, ref being an invoice number or a
// Request-Id. Each call uses a fresh Request-Id.
func (c *Client) Status(ctx context.Context, ref string) (*StatusResponse, error) {
	if ref == "" {
		return nil, errors.New("doku: status: empty reference")
	}
	var out StatusResponse
	k := call{
		op:        "status",
		method:    http.MethodGet,
		path:      "/orders/v1/status/" + url.PathEscape(ref),
		requestID: NewRequestID(),
	}
	if err := c.do(ctx, k, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// tokensRequest is the body of POST /tokenization/v2/get-token (TOKEN2;
// APIDOG sample tokens-v2.get-token.request.json). The sample's issuer.id
// is left out: a shop does not know which bank issued a saved card.
type tokensRequest struct {
	Customer struct {
		ID string `json:"id"`
	} `json:"customer"`
	Channel struct {
		ID string `json:"id"`
	} `json:"channel"`
}

// ChannelCreditCard is the token channel of cards.
const ChannelCreditCard = "CREDIT_CARD"

// Tokens calls POST /tokenization/v2/get-token for the customer's saved
// cards (v1 /tokenization/v1/tokens is archived). DOKU's GitBook embeds it
// as POST, its apidog copy as a GET with a body: POST it is (a body on a
// GET is dropped by many HTTP stacks). Each call uses a fresh Request-Id.
func (c *Client) Tokens(ctx context.Context, customerID string) (*TokensResponse, error) {
	if customerID == "" {
		return nil, errors.New("doku: tokens: empty customer id")
	}
	var req tokensRequest
	req.Customer.ID = customerID
	req.Channel.ID = ChannelCreditCard
	var out TokensResponse
	if err := c.post(ctx, "tokens", "/tokenization/v2/get-token", NewRequestID(), req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteToken calls POST /tokenization/v2/delete-token to unbind a saved
// card. The body names the token only; the caller checks beforehand that
// the token is the customer's. Resending with the same requestID is safe.
func (c *Client) DeleteToken(ctx context.Context, requestID, token string) (*DeleteTokenResponse, error) {
	if token == "" {
		return nil, errors.New("doku: delete token: empty token")
	}
	var req DeleteTokenRequest
	req.Token.ID = token
	var out DeleteTokenResponse
	if err := c.post(ctx, "delete token", "/tokenization/v2/delete-token", requestID, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CheckoutPayment calls POST /checkout/v1/payment (DOKU Checkout, hosted page).
func (c *Client) CheckoutPayment(ctx context.Context, requestID string, req CheckoutRequest) (*CheckoutResponse, error) {
	var out CheckoutResponse
	if err := c.post(ctx, "checkout payment", "/checkout/v1/payment", requestID, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// VerifyNotification checks an incoming notification's signature, with
// target being the path of our own notification URL and body the raw bytes
// received, and decodes it. See VerifyNotificationWith.
func (c *Client) VerifyNotification(h http.Header, target string, body []byte) (*Notification, error) {
	return VerifyNotificationWith(c.cfg.ClientID, c.cfg.SecretKey, h, target, body)
}
