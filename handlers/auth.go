package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"doku-checkout/route"
	"doku-checkout/store"
	"doku-checkout/views"
)

// Password limits: bcrypt reads at most 72 bytes.
const (
	minPasswordLen = 8
	maxPasswordLen = 72
)

// dummyHash keeps a login for an unknown email as slow as one for a known
// email, so timing does not reveal who has an account.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a real password"), bcrypt.DefaultCost)

// RegisterForm renders GET /register.
func (h *Handler) RegisterForm(c echo.Context) error {
	return render(c, http.StatusOK, views.RegisterPage(views.AuthView{Page: h.page(c, loc(c).T("auth.register.title"))}))
}

// Register handles POST /register (name, email, password).
func (h *Handler) Register(c echo.Context) error {
	l := loc(c)
	v := views.AuthView{Page: h.page(c, l.T("auth.register.title")), Errors: views.FieldErrors{},
		Email: strings.TrimSpace(c.FormValue("email")), Name: strings.TrimSpace(c.FormValue("name"))}
	password := c.FormValue("password")
	if !h.limits.byAddress.allow(h.ctx(c), c.RealIP()) || h.limits.probesByAddress.spent(h.ctx(c), c.RealIP()) {
		v.FormError = l.T("auth.err.too_many_address")
		return h.tooMany(c, views.RegisterPage(v))
	}
	if v.Name == "" || utf8.RuneCountInString(v.Name) > 255 {
		v.Errors["name"] = l.T("auth.err.name")
	}
	if a, err := mail.ParseAddress(v.Email); err != nil || a.Address != v.Email || len(v.Email) > 128 {
		v.Errors["email"] = l.T("auth.err.email")
	}
	if len(password) < minPasswordLen || len(password) > maxPasswordLen {
		v.Errors["password"] = l.T("auth.err.password")
	}
	if len(v.Errors) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.RegisterPage(v))
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	cust := store.Customer{PublicID: "CUST-" + randomID()[:20], Email: v.Email, Name: v.Name, PasswordHash: string(hash)}
	if err := h.store.CreateCustomer(h.ctx(c), &cust); errors.Is(err, store.ErrDuplicate) {
		// Telling a shopper their email has an account is kind, and tells
		// a prober the same: a few such answers per address, then none.
		h.limits.probesByAddress.allow(h.ctx(c), c.RealIP())
		v.Errors["email"] = l.T("auth.err.exists")
		return render(c, http.StatusUnprocessableEntity, views.RegisterPage(v))
	} else if err != nil {
		return err
	}
	return h.logIn(c, cust, route.Catalog)
}

// LoginForm renders GET /login.
func (h *Handler) LoginForm(c echo.Context) error {
	return render(c, http.StatusOK, views.LoginPage(views.AuthView{Page: h.page(c, loc(c).T("auth.login.title")), Next: localPath(c.QueryParam("next"))}))
}

// Login handles POST /login (email, password).
func (h *Handler) Login(c echo.Context) error {
	l := loc(c)
	v := views.AuthView{Page: h.page(c, l.T("auth.login.title")), Email: strings.TrimSpace(c.FormValue("email")), Next: localPath(c.FormValue("next"))}
	if !h.limits.byAddress.allow(h.ctx(c), c.RealIP()) {
		v.FormError = l.T("auth.err.too_many_login")
		return h.tooMany(c, views.LoginPage(v))
	}
	account := strings.ToLower(v.Email)
	if h.limits.failuresByAccount.spent(h.ctx(c), account) {
		// Checked before the password, so guesses spread over many
		// addresses get no answer either.
		v.FormError = l.T("auth.err.too_many_account")
		return h.tooMany(c, views.LoginPage(v))
	}
	cust, err := h.store.CustomerByEmail(h.ctx(c), v.Email)
	hash := dummyHash
	if err == nil {
		hash = []byte(cust.PasswordHash)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(c.FormValue("password"))) != nil || err != nil {
		h.limits.failuresByAccount.allow(h.ctx(c), account)
		v.FormError = l.T("auth.err.wrong")
		return render(c, http.StatusUnprocessableEntity, views.LoginPage(v))
	}
	return h.logIn(c, cust, v.Next)
}

// logIn starts a fresh session for cust (against session fixation) and drops
// the old CSRF cookie so a new token is issued. The cart's items (and any
// order under way for them) move to a new cart id: whoever still holds the
// pre-login cookie keeps an empty cart, not a share of the customer's.
func (h *Handler) logIn(c echo.Context, cust store.Customer, next string) error {
	s := h.sessions.Renew(c, cust.ID)
	if s.CartID != "" {
		fresh := randomID()
		if err := h.store.MoveCart(h.ctx(c), s.CartID, fresh); err != nil {
			return err
		}
		s.CartID = fresh
	}
	s.Flash = loc(c).T("auth.welcome", cust.Name)
	if err := h.store.CreateLogin(h.ctx(c), s.SID, cust.ID); err != nil {
		return err
	}
	if err := h.sessions.Save(c, s); err != nil {
		return err
	}
	h.dropCSRF(c)
	return c.Redirect(http.StatusSeeOther, next)
}

// Logout handles POST /logout.
func (h *Handler) Logout(c echo.Context) error {
	if err := h.store.DeleteLogin(h.ctx(c), h.sessions.Get(c).SID); err != nil {
		return err
	}
	s := h.sessions.Renew(c, 0)
	s.CartID = ""
	s.Flash = loc(c).T("auth.logged_out")
	if err := h.sessions.Save(c, s); err != nil {
		return err
	}
	h.dropCSRF(c)
	return c.Redirect(http.StatusSeeOther, route.Catalog)
}

// authLimits are the throttles of the login and registration forms.
type authLimits struct {
	byAddress         limiter // every attempt, per client address
	failuresByAccount limiter // failed logins, per email, from any address
	probesByAddress   limiter // registrations that found an existing account
}

// newAuthLimits sizes the throttles from LOGIN_RATE (attempts per minute
// per address; 0 turns them all off, as tests of other things do).
func newAuthLimits(perMinute float64, make Throttles, log *slog.Logger) authLimits {
	if perMinute <= 0 {
		return authLimits{}
	}
	return authLimits{
		byAddress:         limiter{make("login-address", perMinute, max(1, int(perMinute/6))), log},
		failuresByAccount: limiter{make("login-failures", 1.0/3, 5), log}, // 5 quick tries, then one every 3 minutes
		probesByAddress:   limiter{make("register-probes", 1.0/20, 3), log},
	}
}

// tooMany answers a throttled form with the form itself (what was typed
// kept, the message at the top), as 429 with Retry-After.
func (h *Handler) tooMany(c echo.Context, page templ.Component) error {
	c.Response().Header().Set("Retry-After", "60")
	return render(c, http.StatusTooManyRequests, page)
}

func (h *Handler) dropCSRF(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: "dc_csrf", Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// localPath keeps a post-login redirect on this site: an absolute path, no
// scheme or host, and no control character or backslash, raw or
// percent-decoded (browsers drop a tab and read "/\t/evil" or "/\\evil" as
// "//evil", another host). Anything else goes to the catalog. The result is
// re-encoded from the parsed URL, not echoed.
func localPath(p string) string {
	const home = route.Catalog
	if p == "" || len(p) > 2000 || unsafeInPath(p) {
		return home
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || unsafeInPath(u.Path) || strings.HasPrefix(p, "//") {
		return home
	}
	return u.RequestURI()
}

func unsafeInPath(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' || unicode.IsControl(r) })
}
