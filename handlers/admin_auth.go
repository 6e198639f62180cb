package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"doku-checkout/route"
	"doku-checkout/staff"
	"doku-checkout/store"
	"doku-checkout/views"
)

// AdminLoginForm renders GET /admin/login.
func (a *Admin) AdminLoginForm(c echo.Context) error {
	if _, err := a.current(c); err == nil {
		return c.Redirect(http.StatusSeeOther, route.AdminDashboard)
	}
	v := views.AdminLoginView{AdminPage: a.page(c, "Log in"), Next: adminLocalPath(c.QueryParam("next"))}
	return render(c, http.StatusOK, views.AdminLoginPage(v))
}

// AdminLogin handles POST /admin/login (email, password). Failures are
// counted per account and per address (adminLimits); past the limit even
// the right password is refused until the bucket refills.
func (a *Admin) AdminLogin(c echo.Context) error {
	ctx := c.Request().Context()
	email := strings.TrimSpace(c.FormValue("email"))
	v := views.AdminLoginView{AdminPage: a.page(c, "Log in"), Email: email, Next: adminLocalPath(c.FormValue("next"))}
	if a.limits.blocked(ctx, email, c.RealIP()) {
		v.FormError = a.throttled(c)
		return render(c, http.StatusTooManyRequests, views.AdminLoginPage(v))
	}
	st, err := staff.Authenticate(ctx, a.store, email, c.FormValue("password"))
	if errors.Is(err, staff.ErrBadLogin) {
		a.limits.fail(ctx, email, c.RealIP())
		a.log.Warn("admin: login failed", "ip", c.RealIP())
		v.FormError = "The email or password is not right."
		return render(c, http.StatusUnprocessableEntity, views.AdminLoginPage(v))
	} else if err != nil {
		return err
	}
	if st.TOTPSecret != "" {
		return a.askCode(c, st, v.Next)
	}
	return a.logIn(c, st, v.Next)
}

// throttled sets Retry-After on a refused login and returns the form's
// message (the page is answered with 429).
func (a *Admin) throttled(c echo.Context) string {
	c.Response().Header().Set("Retry-After", strconv.Itoa(int(a.limits.window.Seconds())))
	return fmt.Sprintf("Too many failed logins. Wait %d minutes, then try again.", int(a.limits.window.Minutes()))
}

// logIn starts a fresh server-side session (never reusing a cookie the
// browser brought: against fixation) and a fresh CSRF token.
func (a *Admin) logIn(c echo.Context, st store.Staff, next string) error {
	if ck, err := c.Cookie(adminCookie); err == nil {
		if err := a.store.DeleteStaffSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	token := staff.NewToken()
	if err := a.store.CreateStaffSession(c.Request().Context(), token, st.ID); err != nil {
		return err
	}
	a.setSessionCookie(c, token, int(a.cfg.MaxAge.Seconds()))
	a.dropCSRF(c)
	c.Set(staffKey, st)
	a.log.Info("admin: login", "staff", st.ID, "role", st.Role)
	return a.redirectFlash(c, next, "login")
}

// AdminLogout handles POST /admin/logout: the session row is deleted, so
// every copy of the cookie stops working.
func (a *Admin) AdminLogout(c echo.Context) error {
	if ck, err := c.Cookie(adminCookie); err == nil {
		if err := a.store.DeleteStaffSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	a.setSessionCookie(c, "", -1)
	a.dropCSRF(c)
	return a.redirectFlash(c, route.AdminLogin, "logout")
}

func (a *Admin) dropCSRF(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: "dc_csrf", Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// AdminSetupForm renders GET /admin/setup?token=…, the one-time link the
// server logs while no owner exists.
func (a *Admin) AdminSetupForm(c echo.Context) error {
	tok := c.QueryParam("token")
	if err := staff.CheckSetupToken(c.Request().Context(), a.store, tok); err != nil {
		if errors.Is(err, staff.ErrBadToken) {
			return echo.NewHTTPError(http.StatusNotFound, "This setup link is not valid (any more). Log in, or create an owner with `doku-checkout admin create`.")
		}
		return err
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return render(c, http.StatusOK, views.AdminSetupPage(views.AdminLoginView{AdminPage: a.page(c, "Set up"), Token: tok}))
}

// AdminSetup handles POST /admin/setup: creates the first owner and logs
// them in. The token dies with it.
func (a *Admin) AdminSetup(c echo.Context) error {
	ctx := c.Request().Context()
	tok := c.FormValue("token")
	if err := staff.CheckSetupToken(ctx, a.store, tok); err != nil {
		if errors.Is(err, staff.ErrBadToken) {
			return echo.NewHTTPError(http.StatusNotFound, "This setup link is not valid (any more).")
		}
		return err
	}
	v := views.AdminLoginView{AdminPage: a.page(c, "Set up"), Token: tok, Email: strings.TrimSpace(c.FormValue("email")), Errors: views.FieldErrors{}}
	st, err := staff.CreateFirstOwner(ctx, a.store, v.Email, c.FormValue("password"))
	switch {
	case errors.Is(err, staff.ErrBadEmail), errors.Is(err, staff.ErrEmailTaken):
		v.Errors["email"] = capitalise(err.Error()) + "."
	case errors.Is(err, staff.ErrBadPassword):
		v.Errors["password"] = capitalise(err.Error()) + "."
	case errors.Is(err, staff.ErrOwnerExists):
		return echo.NewHTTPError(http.StatusNotFound, "This setup link is not valid (any more).")
	case err != nil:
		return err
	}
	if len(v.Errors) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.AdminSetupPage(v))
	}
	c.Set(staffKey, st)
	if err := a.audit(c, "staff.create_owner", "staff:"+st.Email, nil, map[string]string{"email": st.Email, "role": st.Role, "via": "setup link"}); err != nil {
		return err
	}
	return a.logIn(c, st, route.AdminDashboard)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
