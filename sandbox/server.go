// Package sandbox is an in-memory stand-in for DOKU's non-SNAP card and
// Checkout API, written from the contract in docs/doku-api.md, not from the
// client. It shares only the signature primitive with package doku.
package sandbox

import (
	"context"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"doku-checkout/doku/signature"
)

// Config configures a Server.
type Config struct {
	// ClientID and SecretKey are the one merchant's credentials.
	ClientID, SecretKey string
	// PublicURL is the base URL browsers use to reach the sandbox, e.g.
	// http://127.0.0.1:8081; authentication_url and the Checkout URL start with it.
	PublicURL string
	// NotificationURL is the merchant's full notification URL; empty sends none.
	NotificationURL string
	// NotifyRetryScale multiplies DOKU's retry offsets (+30 min, +6 h, +12 h). Default 1.
	NotifyRetryScale float64
	// PendingDelay is how long the PENDING test card stays pending. Default 3s.
	PendingDelay time.Duration
	// SlowDelay is how long the slow test card takes to answer. Default 30s.
	SlowDelay time.Duration
	// MerchantName is shown on the 3DS and Checkout pages.
	MerchantName string
	// ShopURL is the merchant's shop, where the sandbox's message pages
	// (already paid, link expired or unknown) lead a shopper who has no
	// callback URL of their own to go back to. Empty: no link.
	ShopURL string
	// Logger receives structured logs; card numbers are always masked.
	Logger *slog.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// HTTPClient sends notifications. Default a client with a 10 s timeout.
	HTTPClient *http.Client
	// IdempotencyKeep is how many answered Request-Ids the sandbox keeps
	// to replay (default 4096): beyond it, the oldest answered ones are
	// forgotten, so a long-running demo does not grow without end. DOKU's
	// own window is not documented (docs/doku-api.md §17); a client resends
	// within seconds, long before 4096 other requests.
	IdempotencyKeep int
	// FullRecordsKeep is how many of the latest records (transactions,
	// 3-D Secure authentications, Checkout links) are kept whole (default
	// 1,000). Older settled ones are compacted: no card number, URLs,
	// line items or notification log, and a used authentication is
	// forgotten (its charge speaks for it). See records.go.
	FullRecordsKeep int
	// RecordsKeep is how many settled records are remembered at all, full
	// and compacted (default 10,000); beyond it the oldest are forgotten,
	// and the status check answers 404 for them as for an id DOKU never
	// saw. A record still PENDING or in progress is never forgotten.
	RecordsKeep int
	// RecordsMinAge is how long a record is remembered at least, whatever
	// RecordsKeep says (default 2 minutes): longer than the app takes to
	// ask about a payment whose answer it lost (RECONCILE_AFTER, 60 s by
	// default), so the sandbox never answers "unknown" for a charge the
	// app may still be asking about. Negative: no minimum (tests).
	RecordsMinAge time.Duration
}

// Defaults applied by New.
const (
	defaultPendingDelay = 3 * time.Second
	defaultSlowDelay    = 30 * time.Second
	defaultMerchantName = "doku-checkout demo store"
	defaultNotifyClient = 10 * time.Second
	maxBodyBytes        = 64 << 10
	maxTimestampSkew    = 5 * time.Minute
	maxRequestIDLen     = 128
	defaultIdemKeep     = 4096
)

// Server is the sandbox. Create it with New; it is safe for concurrent use.
type Server struct {
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
	mux   *http.ServeMux
	pages *template.Template

	mu        sync.Mutex
	st        *state
	notifyURL string
	gen       *generation
}

// generation scopes background work (timers, notification retries) so that
// Reset and Close can stop it.
type generation struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newGeneration() *generation {
	ctx, cancel := context.WithCancel(context.Background())
	return &generation{ctx: ctx, cancel: cancel}
}

// New returns a Server with cfg, filling in defaults.
func New(cfg Config) *Server {
	if cfg.NotifyRetryScale <= 0 {
		cfg.NotifyRetryScale = 1
	}
	if cfg.PendingDelay <= 0 {
		cfg.PendingDelay = defaultPendingDelay
	}
	if cfg.SlowDelay <= 0 {
		cfg.SlowDelay = defaultSlowDelay
	}
	if cfg.MerchantName == "" {
		cfg.MerchantName = defaultMerchantName
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		// Notifications go out as payments end, many at once under load:
		// keep the connections (Go's default keeps 2) as DOKU's senders would.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns, t.MaxIdleConnsPerHost = 64, 64
		cfg.HTTPClient = &http.Client{Timeout: defaultNotifyClient, Transport: t}
	}
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger.With("component", "sandbox"),
		now:       cfg.Now,
		pages:     parsePages(),
		st:        newState(),
		notifyURL: cfg.NotificationURL,
		gen:       newGeneration(),
	}
	s.mux = s.routes()
	return s
}

// routes is the one route table.
func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("POST /credit-card/check-three-d-secure", s.post(s.checkThreeDS))
	m.HandleFunc("POST /credit-card/charge", s.post(s.charge))
	m.HandleFunc("POST /credit-card/capture", s.post(s.capture))
	m.HandleFunc("POST /cancellation/credit-card/refund", s.post(s.refund))
	m.HandleFunc("POST /tokenization/v2/get-token", s.post(s.getTokens))
	m.HandleFunc("POST /tokenization/v2/delete-token", s.post(s.deleteToken))
	m.HandleFunc("POST "+checkoutAPIPath, s.post(s.createCheckout))
	m.HandleFunc("GET /orders/v1/status/{id}", s.get(s.status))

	m.HandleFunc("GET "+challengePath, s.challengePage)
	m.HandleFunc("POST "+challengePath, s.challengeSubmit)
	m.HandleFunc("GET "+checkoutPagePath+"{token}", s.checkoutPage)
	m.HandleFunc("POST "+checkoutPagePath+"{token}", s.checkoutSubmit)

	m.HandleFunc("GET /_sandbox/{$}", s.dashboard)
	m.HandleFunc("GET /_sandbox/stats", s.stats)
	m.HandleFunc("POST /_sandbox/reset", s.resetHandler)

	m.HandleFunc("/", s.notFound)
	return m
}

// Handler returns the sandbox's HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Reset forgets every transaction, authentication, token, checkout and
// Request-Id, and stops pending timers and notification retries.
func (s *Server) Reset() {
	s.mu.Lock()
	old := s.gen
	s.gen = newGeneration()
	s.st = newState()
	s.mu.Unlock()
	old.cancel()
	old.wg.Wait()
}

// Close stops timers and notification goroutines and waits for them.
func (s *Server) Close() {
	s.mu.Lock()
	g := s.gen
	s.mu.Unlock()
	g.cancel()
	g.wg.Wait()
}

// ChargeCount is the number of charges executed for invoice that the
// sandbox still remembers (see Config.RecordsKeep). A replayed Request-Id
// is not a new execution; a refused charge is not one either.
func (s *Server) ChargeCount(invoice string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.chargeCount(invoice)
}

// TotalCharges is the number of charges executed since New or Reset.
func (s *Server) TotalCharges() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.chargesTotal
}

// SetNotificationURL changes where notifications go; empty sends none.
func (s *Server) SetNotificationURL(u string) {
	s.mu.Lock()
	s.notifyURL = u
	s.mu.Unlock()
}

// spawn runs fn in the background of the current generation.
func (s *Server) spawn(fn func(ctx context.Context)) {
	s.mu.Lock()
	g := s.gen
	g.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer g.wg.Done()
		fn(g.ctx)
	}()
}

// after runs fn after d unless the generation ends first.
func (s *Server) after(d time.Duration, fn func(ctx context.Context)) {
	s.spawn(func(ctx context.Context) {
		if sleep(ctx, d) {
			fn(ctx)
		}
	})
}

// sleep waits d and reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// apiResponse is what an API handler produces; write sends it.
type apiResponse struct {
	status int
	body   []byte
	code   string // error code, for the log
	// badSignature signs with a wrong key (test card 4000000000000200).
	badSignature bool
	// wait holds the response back (test card 4000000000000341); release runs
	// when the wait is over, whether or not the client is still there.
	wait    time.Duration
	release func()
}

// jsonResponse marshals v as a response with status.
func jsonResponse(status int, v any) apiResponse {
	b, err := json.Marshal(v)
	if err != nil {
		return errorResponse(http.StatusInternalServerError, codeInternal, msgPanic)
	}
	return apiResponse{status: status, body: b}
}

type errorEnvelope struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Type    string `json:"type"`
}

// errorResponse builds DOKU's error envelope.
func errorResponse(status int, code, message string) apiResponse {
	typ := typeInvalidRequest
	switch {
	case status == http.StatusUnauthorized:
		typ = typeAuthentication
	case code == codeDuplicateRequestID:
		typ = typeIdempotency
	case status >= 500:
		typ = typeAPI
	}
	b, _ := json.Marshal(errorEnvelope{Error: errorDetail{Code: code, Message: message, Type: typ}})
	return apiResponse{status: status, body: b, code: code}
}

// checkoutAPIPath is DOKU Checkout's payment request.
const checkoutAPIPath = "/checkout/v1/payment"

// checkoutErrorBody rewrites an error for DOKU Checkout's envelope,
// {"message":["…"]} (MAG RequestCheckout.php:427 reads message[0]; the
// card API's {"error":{…}} is not Checkout's). The code leads the text.
func checkoutErrorBody(body []byte) []byte {
	var e errorEnvelope
	if json.Unmarshal(body, &e) != nil || e.Error.Code == "" {
		return body
	}
	b, err := json.Marshal(struct {
		Message []string `json:"message"`
	}{[]string{e.Error.Code + ": " + e.Error.Message}})
	if err != nil {
		return body
	}
	return b
}

// badSignatureKeySuffix turns the secret into a wrong one for the bad-signature card.
const badSignatureKeySuffix = "-not-the-merchant-key"

// write is the one path every API response leaves by: it signs the body
// (five lines, Response-Timestamp, the called path, the body's Digest).
// A replay is answered with 409 and a correct signature.
func (s *Server) write(w http.ResponseWriter, r *http.Request, requestID string, resp apiResponse, replay bool) {
	status := resp.status
	if replay {
		status = http.StatusConflict
	}
	if resp.status >= 400 && r.URL.Path == checkoutAPIPath {
		resp.body = checkoutErrorBody(resp.body)
	}
	key := s.cfg.SecretKey
	if resp.badSignature && !replay {
		key += badSignatureKeySuffix
	}
	ts := s.now().UTC().Format(signature.TimestampLayout)
	sig := signature.Sign(key, signature.Components{
		ClientID:      s.cfg.ClientID,
		RequestID:     requestID,
		TimestampName: signature.HeaderResponseTimestamp,
		Timestamp:     ts,
		Target:        requestTarget(r),
		Digest:        signature.Digest(resp.body),
	})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set(signature.HeaderClientID, s.cfg.ClientID)
	h.Set(signature.HeaderRequestID, requestID)
	h.Set(signature.HeaderResponseTimestamp, ts)
	h.Set(signature.HeaderSignature, sig)
	w.WriteHeader(status)
	_, _ = w.Write(resp.body)

	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	} else if status >= 400 {
		level = slog.LevelWarn
	}
	s.log.Log(r.Context(), level, "api", "method", r.Method, "path", r.URL.Path,
		"status", status, "request_id", requestID, "code", resp.code, "replay", replay)
}

// requestTarget is the path as called, without query: what both sides sign.
func requestTarget(r *http.Request) string {
	return r.URL.EscapedPath()
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.write(w, r, r.Header.Get(signature.HeaderRequestID),
		errorResponse(http.StatusNotFound, codeNotFound, msgRouteNotFound), false)
}
