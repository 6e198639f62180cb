package handlers

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"doku-checkout/route"
)

// Routes registers every route of the app, with its middleware, on e.
func (h *Handler) Routes(e *echo.Echo) {
	e.HTTPErrorHandler = h.HTTPErrorHandler
	// The rate limits key on the client's address. Echo's default believes
	// any X-Forwarded-For or X-Real-IP a client sends, which buys an attacker
	// unlimited attempts: believe X-Forwarded-For only as added by a proxy on
	// a loopback, link-local or private address (the TLS terminator in front).
	if e.IPExtractor == nil {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	e.Use(middleware.Recover())
	e.Use(middleware.RequestID())
	e.Use(h.language)
	e.Use(h.requestLog)
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "64K", Skipper: isProductUpload}))
	e.Use(h.securityHeaders)
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		// The two doors outsiders call carry no cookie and no token: the 3DS
		// return is found by its unguessable order reference, a notification
		// by its verified signature.
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return strings.HasPrefix(p, route.ThreeDSRoot) || p == route.Notification || p == route.Health || p == route.Ready || strings.HasPrefix(p, route.StaticRoot)
		},
		// A POST from a sibling subdomain (Sec-Fetch-Site: same-site) could
		// have planted the CSRF cookie itself: refuse it outright. Our own
		// forms are same-origin.
		AllowSecFetchSiteFunc: func(c echo.Context) (bool, error) {
			return false, echo.NewHTTPError(http.StatusForbidden, "error.csrf_site")
		},
		TokenLookup:    "form:csrf",
		ContextKey:     "csrf",
		CookieName:     "dc_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   h.cfg.SecureCookies,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "error.csrf_expired")
		},
	}))

	e.GET(route.Health, h.Health)
	e.GET(route.Ready, h.Ready)
	e.GET(route.Static, h.Static)

	e.GET(route.Catalog, h.Catalog)
	e.POST(route.CartItems, h.AddToCart)
	e.GET(route.Cart, h.Cart)
	e.POST(route.CartItem, h.UpdateCartItem)

	e.GET(route.Checkout, h.CheckoutForm)
	e.POST(route.Checkout, h.Checkout, h.limit(h.cfg.CheckoutPerMinute, "checkout.err.too_many"))
	e.GET(route.ThreeDSPassed, h.ThreeDSReturn(true))
	e.POST(route.ThreeDSPassed, h.ThreeDSReturn(true))
	e.GET(route.ThreeDSFailed, h.ThreeDSReturn(false))
	e.POST(route.ThreeDSFailed, h.ThreeDSReturn(false))
	e.POST(route.Notification, h.Notification)

	e.GET(route.Receipt, h.Receipt)
	e.GET(route.ReceiptStatus, h.ReceiptStatus)
	e.GET(route.Orders, h.Orders, h.requireLogin)
	e.GET(route.Cards, h.Cards, h.requireLogin)
	e.POST(route.CardDelete, h.DeleteCard, h.requireLogin)

	e.GET(route.Register, h.RegisterForm)
	e.POST(route.Register, h.Register) // limited inside: the answer is the form, email kept
	e.GET(route.Login, h.LoginForm)
	e.POST(route.Login, h.Login)
	e.POST(route.Logout, h.Logout)

	if h.cfg.SandboxMail {
		h.sandboxMailRoutes(e)
	}
	h.adminRoutes(e)
}

// limit is a per-client-address rate limiter; perMinute <= 0 disables it.
func (h *Handler) limit(perMinute float64, message string) echo.MiddlewareFunc {
	if perMinute <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	burst := max(1, int(perMinute/6))
	var st middleware.RateLimiterStore = middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(perMinute / 60), Burst: burst, ExpiresIn: 10 * time.Minute,
	})
	if h.cfg.Throttles != nil {
		st = echoStore{h.cfg.Throttles("checkout-address", perMinute, burst)}
	}
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               st,
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", "60")
			return echo.NewHTTPError(http.StatusTooManyRequests, message)
		},
	})
}

// echoStore is a Throttle as echo's rate limiter middleware calls it.
type echoStore struct{ t Throttle }

func (s echoStore) Allow(key string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.t.Allow(ctx, key)
}

// requireLogin sends a guest to the login page, then back.
func (h *Handler) requireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, err := h.customer(c); err != nil {
			return c.Redirect(http.StatusSeeOther, route.LoginThen(c.Request().URL.Path))
		}
		return next(c)
	}
}

// securityHeaders sets the headers every page gets; the card page is
// stricter still (see CheckoutForm).
func (h *Handler) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	csp := "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; " +
		"base-uri 'none'; frame-ancestors 'none'; form-action " + h.formAction()
	return func(c echo.Context) error {
		hd := c.Response().Header()
		hd.Set("Content-Security-Policy", csp)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if h.cfg.SecureCookies {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// strictCardPage tightens the policy on the page where a card is typed:
// nothing but our own stylesheet and images may load, nothing is cached.
func (h *Handler) strictCardPage(c echo.Context) {
	hd := c.Response().Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; "+
		"base-uri 'none'; frame-ancestors 'none'; form-action "+h.formAction())
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
}

// formAction is where our forms may lead: here, and the gateway's pages the
// checkout form redirects to (Chrome checks form-action along redirects).
func (h *Handler) formAction() string {
	return strings.Join(append([]string{"'self'"}, h.cfg.FormActionOrigins...), " ")
}
