// Package app wires doku-checkout together: store, DOKU client (or the
// embedded sandbox), payment flow, HTTP handlers. main and the end-to-end
// tests build the very same App.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"doku-checkout/doku"
	"doku-checkout/handlers"
	mailer "doku-checkout/mail"
	"doku-checkout/merchant"
	"doku-checkout/payment"
	"doku-checkout/sandbox"
	"doku-checkout/store"
)

// App is a built doku-checkout.
type App struct {
	Config  Config
	Log     *slog.Logger
	Store   *store.Store
	Pay     *payment.Service
	Handler http.Handler
	// Sandbox is the embedded DOKU sandbox, nil when DOKU_BASE_URL is set.
	Sandbox *sandbox.Server
	// DokuURL is the base URL the client calls.
	DokuURL string
	// Outbox queues e-mails; Mailer delivers them (mail.go).
	Outbox *mailer.Outbox
	Mailer *mailer.Sender
	// Shop is the owner's settings (name, contact, payment modes and
	// type); the configuration's values were its first start's defaults.
	Shop *merchant.Settings

	closers []func() error
}

// New opens the database, starts the embedded sandbox when no DOKU_BASE_URL
// is configured, and builds the router. Close releases it all.
func New(ctx context.Context, cfg Config, logOut io.Writer, opts ...Option) (*App, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	a := &App{Config: cfg, Log: NewLogger(logOut, cfg.LogLevel)}
	st, err := store.Open(ctx, cfg.Database())
	if err != nil {
		return nil, err
	}
	a.Store = st
	a.closers = append(a.closers, st.Close)
	if cfg.DemoCatalog {
		if err := st.SeedProducts(ctx, demoCatalog); err != nil {
			a.Close()
			return nil, err
		}
	}
	if a.Shop, err = merchant.OpenSettings(ctx, st, cfg.InitialShop()); err != nil {
		a.Close()
		return nil, err
	}
	keys, err := sessionKeys(ctx, st, cfg.SessionKeys)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.DokuURL = cfg.DokuBaseURL
	if a.DokuURL == "" && o.gateway == nil {
		if err := a.startSandbox(); err != nil {
			a.Close()
			return nil, err
		}
	}
	if err := a.startMail(); err != nil {
		a.Close()
		return nil, err
	}
	client := doku.New(doku.Config{BaseURL: a.DokuURL, ClientID: cfg.ClientID, SecretKey: cfg.SecretKey, Timeout: cfg.DokuTimeout})
	var gw payment.Gateway = client
	if o.gateway != nil {
		gw = o.gateway
	}
	a.Pay = payment.New(st, gw, payment.Config{
		PublicURL: cfg.PublicURL, ReconcileAfter: cfg.ReconcileAfter, CallTimeout: cfg.DokuTimeout + 5*time.Second,
		ChargeWait:  cfg.ChargeWait,
		PaymentType: cfg.PaymentType,
		Types:       a.Shop,
		OnFinal:     a.Outbox.OnFinal,
		OnRefund:    a.queueRefundMail,
	}, a.Log)
	h := handlers.New(st, a.Pay, client, handlers.NewSessions(cfg.Secure(), keys...), handlers.Config{
		Modes: cfg.Modes, PaymentModes: a.Shop, SecureCookies: cfg.Secure(),
		LoginPerMinute: cfg.LoginPerMin, CheckoutPerMinute: cfg.CheckoutPerMin,
		FormActionOrigins:  formActionOrigins(a.DokuURL, cfg.FormActionExtra),
		NotificationTarget: cfg.NotificationTarget(),
		SandboxBanner:      a.Sandbox != nil,
		Merchant:           a.Shop,
		// The outbox page is the sandbox demo's mailbox: every shopper's
		// mail on a shop only this machine reaches, only the viewer's own
		// orders' mails on a public demo.
		SandboxMail: a.Sandbox != nil, SandboxMailAll: a.Sandbox != nil && !cfg.SandboxOnPublicURL,
		Throttles: throttles(st),
	}, a.Log)
	if err := a.mountAdmin(ctx, h); err != nil {
		a.Close()
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	h.Routes(e)
	a.Handler = e
	return a, nil
}

// Close stops the sandbox and closes the database.
func (a *App) Close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	return errors.Join(errs...)
}

// Serve serves the app on ln and runs the reconciler until ctx ends, then
// shuts down gracefully.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		// A charge may wait for DOKU_TIMEOUT before the redirect is written.
		WriteTimeout: a.Config.DokuTimeout + 30*time.Second, IdleTimeout: 120 * time.Second,
	}
	mailed := make(chan struct{})
	go a.runMail(ctx, mailed)
	reconciled := make(chan struct{})
	go func() {
		defer close(reconciled)
		a.Pay.Reconcile(ctx)
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.Log.Info("doku-checkout listening", "url", a.Config.PublicURL, "addr", ln.Addr().String(),
		"doku", a.DokuURL, "modes", strings.Join(a.Shop.Modes(ctx), ","), "payment_type", a.Shop.PaymentType(ctx))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Let a charge in flight finish and be recorded: its call may take
	// DOKU_TIMEOUT plus a retry, then the write.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*a.Config.DokuTimeout+15*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	a.Pay.Wait() // charges that outlived their request are answered and recorded
	<-reconciled
	<-mailed
	if cerr := a.Store.Checkpoint(shutdownCtx); cerr != nil {
		a.Log.Warn("checkpoint at shutdown", "err", cerr)
	}
	return err
}

// startSandbox serves the embedded DOKU sandbox on SANDBOX_ADDR.
func (a *App) startSandbox() error {
	cfg := a.Config
	ln, err := net.Listen("tcp", cfg.SandboxAddr)
	if err != nil {
		return fmt.Errorf("sandbox listen %s: %w", cfg.SandboxAddr, err)
	}
	a.DokuURL = "http://" + ln.Addr().String()
	a.Sandbox = sandbox.New(SandboxConfig(cfg, a.DokuURL, cfg.PublicURL+handlers.NotificationPath, a.Log.With("component", "sandbox")))
	srv := &http.Server{Handler: a.Sandbox.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Log.Error("sandbox stopped", "err", err)
		}
	}()
	a.closers = append(a.closers, func() error { a.Sandbox.Close(); return srv.Close() })
	a.Log.Info("embedded DOKU sandbox", "url", a.DokuURL)
	if cfg.SandboxOnPublicURL {
		a.Log.Warn("SANDBOX_ON_PUBLIC_URL=yes: a public shop on the embedded DOKU sandbox; no payment is real", "public_url", cfg.PublicURL)
	}
	return nil
}

// SandboxConfig is the sandbox's configuration for this app's settings.
func SandboxConfig(cfg Config, publicURL, notificationURL string, log *slog.Logger) sandbox.Config {
	return sandbox.Config{
		ClientID: cfg.ClientID, SecretKey: cfg.SecretKey, PublicURL: publicURL, NotificationURL: notificationURL,
		NotifyRetryScale: cfg.SandboxRetryScale, PendingDelay: cfg.SandboxPendingDelay, SlowDelay: cfg.SandboxSlowDelay,
		Logger: log, ShopURL: cfg.PublicURL,
	}
}

// sessionKeys returns the session cookie keys: from SESSION_KEYS (hex, 64
// bytes each: 32 to sign, 32 to encrypt; comma separated, newest first), or
// generated once and kept in the database so restarts keep sessions.
func sessionKeys(ctx context.Context, st *store.Store, configured string) ([][]byte, error) {
	if configured == "" {
		var err error
		configured, err = st.SettingOrInit(ctx, "session_keys", func() string {
			b := make([]byte, 64)
			if _, err := rand.Read(b); err != nil {
				panic("crypto/rand failed: " + err.Error())
			}
			return hex.EncodeToString(b)
		})
		if err != nil {
			return nil, err
		}
	}
	var pairs [][]byte
	for _, k := range strings.Split(configured, ",") {
		raw, err := hex.DecodeString(strings.TrimSpace(k))
		if err != nil || len(raw) != 64 {
			return nil, errors.New("SESSION_KEYS: want comma-separated keys of 128 hex characters (64 bytes)")
		}
		pairs = append(pairs, raw[:32], raw[32:])
	}
	return pairs, nil
}

// throttles are the rate limits' buckets: in memory for one SQLite
// process, in the database when instances share PostgreSQL, so that a
// limit holds whichever instance an attempt reaches.
func throttles(st *store.Store) handlers.Throttles {
	if st.Dialect() == "postgres" {
		return handlers.StoreThrottles(st)
	}
	return nil
}

// formActionOrigins are where the checkout form may lead: the gateway's
// origin, DOKU's hosts, and any extra origins the merchant lists.
func formActionOrigins(baseURL, extra string) []string {
	out := []string{"https://*.doku.com"}
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" {
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return append(out, strings.Fields(strings.ReplaceAll(extra, ",", " "))...)
}

// NewLogger returns a text logger at level (debug, info, warn, error).
func NewLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
