package handlers

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"doku-checkout/merchant"
	"doku-checkout/payment"
	"doku-checkout/route"
	"doku-checkout/static"
	"doku-checkout/store"
	"doku-checkout/views"
)

// AdminConfig holds the back office's settings.
type AdminConfig struct {
	// SecureCookies marks the back office's cookie Secure (served over TLS).
	SecureCookies bool
	// IdleTimeout ends a session unused this long; MaxAge ends any session.
	IdleTimeout, MaxAge time.Duration
	// Failed logins allowed per window, per account and per address.
	AccountFailures, AddressFailures int
	FailureWindow                    time.Duration
	// ImageDir is where uploaded product images are kept.
	ImageDir string
	// Shop is the shop's settings (name, contact, payment modes and type),
	// which the settings page reads and saves.
	Shop *merchant.Settings
}

// Admin serves the back office. It shares the router, CSRF and error page
// with the shop, but has its own login, session cookie and layout.
type Admin struct {
	store  *store.Store
	pay    *payment.Service
	cfg    AdminConfig
	log    *slog.Logger
	limits adminLimits
}

// NewAdmin returns the back office's handler.
func NewAdmin(st *store.Store, pay *payment.Service, cfg AdminConfig, log *slog.Logger) *Admin {
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 12 * time.Hour
	}
	if cfg.AccountFailures <= 0 {
		cfg.AccountFailures = 5
	}
	if cfg.AddressFailures <= 0 {
		cfg.AddressFailures = 20
	}
	if cfg.FailureWindow <= 0 {
		cfg.FailureWindow = 15 * time.Minute
	}
	if log == nil {
		log = slog.Default()
	}
	a := &Admin{store: st, pay: pay, cfg: cfg, log: log}
	a.limits = newAdminLimits(MemoryThrottles, cfg, a)
	return a
}

// MountAdmin makes Routes register the back office served by a. Its login
// limits use h's throttles, shared by every instance when h's are.
func (h *Handler) MountAdmin(a *Admin) {
	if h.cfg.Throttles != nil {
		a.limits = newAdminLimits(h.cfg.Throttles, a.cfg, a)
	}
	h.admin = a
}

// adminCookie holds a random token; the session itself is a row on the
// server, so logging out (or the idle timeout) ends every copy.
const adminCookie = "dc_admin"

// staffKey is where the signed-in account is kept on the request.
const staffKey = "staff"

func (a *Admin) setSessionCookie(c echo.Context, token string, maxAge int) {
	c.SetCookie(&http.Cookie{
		Name: adminCookie, Value: token, Path: route.AdminPrefix, MaxAge: maxAge,
		HttpOnly: true, Secure: a.cfg.SecureCookies, SameSite: http.SameSiteStrictMode,
	})
}

// current returns the signed-in account, or ErrNotFound. An expired or
// idle session is deleted on the way.
func (a *Admin) current(c echo.Context) (store.Staff, error) {
	if st, ok := c.Get(staffKey).(store.Staff); ok {
		return st, nil
	}
	ck, err := c.Cookie(adminCookie)
	if err != nil || len(ck.Value) != 64 {
		return store.Staff{}, store.ErrNotFound
	}
	ctx := c.Request().Context()
	ss, err := a.store.StaffSessionByToken(ctx, ck.Value)
	if err != nil {
		return store.Staff{}, err
	}
	now := time.Now()
	if now.Sub(ss.LastSeenAt) > a.cfg.IdleTimeout || now.Sub(ss.CreatedAt) > a.cfg.MaxAge {
		if err := a.store.DeleteStaffSession(ctx, ck.Value); err != nil {
			return store.Staff{}, err
		}
		return store.Staff{}, store.ErrNotFound
	}
	st, err := a.store.StaffByID(ctx, ss.StaffID)
	if err != nil {
		return store.Staff{}, err
	}
	if st.Disabled {
		return store.Staff{}, store.ErrNotFound
	}
	// One write a minute at most keeps the idle clock without a write per page.
	if now.Sub(ss.LastSeenAt) > time.Minute {
		if err := a.store.TouchStaffSession(ctx, ck.Value); err != nil {
			return store.Staff{}, err
		}
	}
	c.Set(staffKey, st)
	return st, nil
}

// requireStaff lets a signed-in account through; anyone else (a shopper's
// session included) is sent to the back office's login.
func (a *Admin) requireStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, err := a.current(c); err != nil {
			if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if c.Request().Method != http.MethodGet {
				return echo.NewHTTPError(http.StatusForbidden, "Log in to the back office first.")
			}
			return c.Redirect(http.StatusSeeOther, route.AdminLogin+"?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// requireOwner refuses staff: money, settings and accounts are the owner's.
func (a *Admin) requireOwner(next echo.HandlerFunc) echo.HandlerFunc {
	return a.requireStaff(func(c echo.Context) error {
		if st, _ := a.current(c); st.Role != store.RoleOwner {
			return echo.NewHTTPError(http.StatusForbidden, "Only the shop's owner may do this.")
		}
		return next(c)
	})
}

// page fills the back office's layout.
func (a *Admin) page(c echo.Context, title string) views.AdminPage {
	p := views.AdminPage{Title: title, StaticPrefix: route.StaticRoot + static.Version + "/"}
	if tok, ok := c.Get("csrf").(string); ok {
		p.CSRF = tok
	}
	if st, ok := c.Get(staffKey).(store.Staff); ok {
		p.StaffEmail, p.Owner = st.Email, st.Role == store.RoleOwner
	}
	p.StoreName = a.cfg.Shop.Contact(c.Request().Context()).Name
	if ck, err := c.Cookie(adminFlashCookie); err == nil {
		if msg, ok := flashTexts[ck.Value]; ok {
			p.Flash = msg
		}
		c.SetCookie(&http.Cookie{Name: adminFlashCookie, Path: route.AdminPrefix, MaxAge: -1, HttpOnly: true, Secure: a.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
	}
	return p
}

// adminFlashCookie carries the key of a fixed message to the next page.
const adminFlashCookie = "dc_admin_flash"

// flashTexts are the back office's one-line notices, by key: the cookie
// carries a key, never text.
var flashTexts = map[string]string{
	"login":        "Welcome back.",
	"logout":       "You are logged out.",
	"captured":     "The capture was sent to DOKU.",
	"voided":       "The authorisation was voided.",
	"refunded":     "The refund was sent to DOKU.",
	"pending":      "DOKU did not answer in time. The action stays pending and is checked again; do not send it again.",
	"checked":      "Asked DOKU for this order's status.",
	"saved":        "Saved.",
	"staff":        "The account was added.",
	"created":      "The product was added.",
	"duplicate":    "That form was sent already: the action was performed once.",
	"totp_on":      "Two-step login is on: logging in now asks for a code from your app.",
	"totp_off":     "Two-step login is off.",
	"code_expired": "Log in again: the code step waits a few minutes only.",
}

// redirectFlash ends a POST with 303 to path and a notice there.
func (a *Admin) redirectFlash(c echo.Context, path, flash string) error {
	c.SetCookie(&http.Cookie{Name: adminFlashCookie, Value: flash, Path: route.AdminPrefix, MaxAge: 60, HttpOnly: true, Secure: a.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
	return c.Redirect(http.StatusSeeOther, path)
}

// audit records a change made by the signed-in account. before and after
// are marshalled to JSON; neither may hold a secret.
func (a *Admin) audit(c echo.Context, action, target string, before, after any) error {
	st, _ := c.Get(staffKey).(store.Staff)
	enc := func(v any) string {
		if v == nil {
			return ""
		}
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
	return a.store.Audit(c.Request().Context(), store.AuditEntry{
		StaffID: st.ID, StaffEmail: st.Email, Action: action, Target: target, Before: enc(before), After: enc(after),
	})
}

// adminLocalPath keeps a post-login redirect inside the back office.
func adminLocalPath(p string) string {
	if !strings.HasPrefix(p, route.AdminPrefix) || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") {
		return route.AdminDashboard
	}
	return p
}
