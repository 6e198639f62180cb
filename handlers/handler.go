// Package handlers is the HTTP layer: it parses requests, calls the store or
// the payment flow, and renders a view or redirects. No payment rules here.
package handlers

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"doku-checkout/doku"
	"doku-checkout/merchant"
	"doku-checkout/payment"
	"doku-checkout/route"
	"doku-checkout/static"
	"doku-checkout/store"
	"doku-checkout/views"
)

// NotificationVerifier checks a DOKU notification's signature and decodes it.
type NotificationVerifier interface {
	VerifyNotification(h http.Header, target string, body []byte) (*doku.Notification, error)
}

// Config holds the HTTP layer's settings.
type Config struct {
	// Modes are the enabled payment modes: payment.ModeDirect, payment.ModeHosted or both.
	// PaymentModes, when set, tells them at each request instead (the owner's settings).
	Modes        []string
	PaymentModes ModeSource
	// SecureCookies marks cookies Secure (the app is served over TLS).
	SecureCookies bool
	// LoginPerMinute and CheckoutPerMinute bound attempts per client address.
	LoginPerMinute, CheckoutPerMinute float64
	// FormActionOrigins are the origins the checkout form may lead to (DOKU's
	// 3DS and Checkout pages), for the Content-Security-Policy.
	FormActionOrigins []string
	// NotificationTarget is the Request-Target DOKU signs notifications with:
	// the path of the registered notification URL, which behind a reverse
	// proxy's prefix is not our route's path. Empty means route.Notification.
	NotificationTarget string
	// SandboxBanner shows on every page that payments go to the embedded
	// sandbox and are not real.
	SandboxBanner bool
	// Merchant gives the store's contact details for the receipt page; nil:
	// merchant.Defaults.
	Merchant merchant.Source
	// SandboxMail mounts the outbox page (route.SandboxMail), the embedded
	// sandbox's stand-in for a mailbox; SandboxMailAll shows every mail
	// there, not only those of the orders the viewer may open.
	SandboxMail, SandboxMailAll bool
	// Throttles makes the login and checkout rate limits; nil keeps them in
	// memory (one instance). Several instances share StoreThrottles.
	Throttles Throttles
}

// NotificationPath is where DOKU posts notifications; the merchant registers
// PUBLIC_URL + this path in DOKU's Back Office.
const NotificationPath = route.Notification

// Handler serves every route of the app.
type Handler struct {
	store    *store.Store
	pay      *payment.Service
	verifier NotificationVerifier
	sessions *Sessions
	cfg      Config
	log      *slog.Logger
	limits   authLimits
	admin    *Admin // the back office, mounted by MountAdmin
	pages    pageCache
}

// New returns a Handler with explicit dependencies.
func New(st *store.Store, pay *payment.Service, verifier NotificationVerifier, sessions *Sessions, cfg Config, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	if cfg.Merchant == nil {
		cfg.Merchant = merchant.Static(merchant.Defaults)
	}
	if cfg.NotificationTarget == "" {
		cfg.NotificationTarget = route.Notification
	}
	if cfg.PaymentModes == nil {
		cfg.PaymentModes = fixedModes(cfg.Modes)
	}
	throttles := cfg.Throttles
	if throttles == nil {
		throttles = MemoryThrottles
	}
	return &Handler{store: st, pay: pay, verifier: verifier, sessions: sessions, cfg: cfg, log: log,
		limits: newAuthLimits(cfg.LoginPerMinute, throttles, log)}
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes a component with status, buffered so a failing template
// never leaves half a page.
func render(c echo.Context, status int, comp templ.Component) error {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// page fills what the layout needs from the request and session.
func (h *Handler) page(c echo.Context, title string) views.Page {
	s := h.sessions.Get(c)
	p := views.Page{Title: title, StaticPrefix: route.StaticRoot + static.Version + "/", Sandbox: h.cfg.SandboxBanner,
		Languages: languageLinks(c)}
	p.Shop = storeContact(h.cfg.Merchant.Contact(h.ctx(c)))
	if tok, ok := c.Get("csrf").(string); ok {
		p.CSRF = tok
	}
	if s.CustomerID != 0 {
		if cust, err := h.customer(c); err == nil {
			p.UserEmail = cust.Email
		}
	}
	if n, err := h.cartCount(c); err == nil {
		p.CartCount = n
	}
	if s.Flash != "" {
		p.Flash = s.Flash
		s.Flash = ""
		h.sessions.Save(c, s)
	}
	return p
}

// cartCount is how many items the session's cart holds, for the header.
func (h *Handler) cartCount(c echo.Context) (int, error) {
	lines, err := h.cartLines(c)
	n := 0
	for _, l := range lines {
		n += l.Quantity
	}
	return n, err
}

// customer returns the logged-in customer, or store.ErrNotFound for a guest.
func (h *Handler) customer(c echo.Context) (store.Customer, error) {
	if cust, ok := c.Get("customer").(store.Customer); ok {
		return cust, nil
	}
	s := h.sessions.Get(c)
	if s.CustomerID == 0 {
		return store.Customer{}, store.ErrNotFound
	}
	// The cookie alone is not enough: its login must still exist (logout
	// deletes it, so a copied cookie dies with it).
	if id, err := h.store.LoginCustomer(c.Request().Context(), s.SID); err != nil || id != s.CustomerID {
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return store.Customer{}, err
		}
		s.CustomerID = 0
		return store.Customer{}, store.ErrNotFound
	}
	cust, err := h.store.CustomerByID(c.Request().Context(), s.CustomerID)
	if err == nil {
		c.Set("customer", cust)
	}
	return cust, err
}

func (h *Handler) ctx(c echo.Context) context.Context { return c.Request().Context() }
