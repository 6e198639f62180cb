package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"doku-checkout/route"
	"doku-checkout/staff"
	"doku-checkout/store"
	"doku-checkout/views"
)

// codeCookie carries the token of a login whose password was right and
// whose code is still to come (a row in staff_login_challenges). It opens
// the code form only; the session starts once the code is right.
const codeCookie = "dc_admin_code"

// codeStepTimeout is how long the code form waits after the password.
const codeStepTimeout = 5 * time.Minute

// askCode is the end of the password step for an account with two-step
// login on: no session, a challenge and the code form instead.
func (a *Admin) askCode(c echo.Context, st store.Staff, next string) error {
	token := staff.NewToken()
	if err := a.store.CreateStaffChallenge(c.Request().Context(), token, st.ID, codeStepTimeout); err != nil {
		return err
	}
	a.setCodeCookie(c, token, int(codeStepTimeout.Seconds()))
	return c.Redirect(http.StatusSeeOther, route.AdminLoginCode+"?next="+url.QueryEscape(next))
}

func (a *Admin) setCodeCookie(c echo.Context, token string, maxAge int) {
	c.SetCookie(&http.Cookie{
		Name: codeCookie, Value: token, Path: route.AdminPrefix, MaxAge: maxAge,
		HttpOnly: true, Secure: a.cfg.SecureCookies, SameSite: http.SameSiteStrictMode,
	})
}

// challenged returns the account waiting for its code, with the
// challenge's token; ErrNotFound when there is none, it expired, or the
// account was disabled meanwhile.
func (a *Admin) challenged(c echo.Context) (store.Staff, string, error) {
	ck, err := c.Cookie(codeCookie)
	if err != nil || len(ck.Value) != 64 {
		return store.Staff{}, "", store.ErrNotFound
	}
	ctx := c.Request().Context()
	id, err := a.store.StaffChallenge(ctx, ck.Value, codeStepTimeout)
	if err != nil {
		return store.Staff{}, "", err
	}
	st, err := a.store.StaffByID(ctx, id)
	if err != nil {
		return store.Staff{}, "", err
	}
	if st.Disabled || st.TOTPSecret == "" {
		return store.Staff{}, "", store.ErrNotFound
	}
	return st, ck.Value, nil
}

// AdminLoginCodeForm renders GET /admin/login/code; without a live
// challenge it sends the browser back to the password.
func (a *Admin) AdminLoginCodeForm(c echo.Context) error {
	if _, _, err := a.challenged(c); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return a.redirectFlash(c, route.AdminLogin, "code_expired")
		}
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	v := views.AdminCodeView{AdminPage: a.page(c, "Two-step login"), Next: adminLocalPath(c.QueryParam("next"))}
	return render(c, http.StatusOK, views.AdminCodePage(v))
}

// AdminLoginCode handles POST /admin/login/code (code): the right code,
// not used before, starts the session. Wrong codes spend the same limits
// as wrong passwords.
func (a *Admin) AdminLoginCode(c echo.Context) error {
	ctx := c.Request().Context()
	st, token, err := a.challenged(c)
	if errors.Is(err, store.ErrNotFound) {
		return a.redirectFlash(c, route.AdminLogin, "code_expired")
	} else if err != nil {
		return err
	}
	v := views.AdminCodeView{AdminPage: a.page(c, "Two-step login"), Next: adminLocalPath(c.FormValue("next")), Errors: views.FieldErrors{}}
	if a.limits.blocked(ctx, st.Email, c.RealIP()) {
		v.FormError = a.throttled(c)
		return render(c, http.StatusTooManyRequests, views.AdminCodePage(v))
	}
	if msg, err := a.checkCode(c, staff.CheckTOTP(ctx, a.store, st, c.FormValue("code"), time.Now()), st.Email); err != nil {
		return err
	} else if msg != "" {
		v.Errors["code"] = msg
		return render(c, http.StatusUnprocessableEntity, views.AdminCodePage(v))
	}
	if err := a.store.DeleteStaffChallenge(ctx, token); err != nil {
		return err
	}
	a.setCodeCookie(c, "", -1)
	return a.logIn(c, st, v.Next)
}

// checkCode sorts a code's outcome: a message for the person (the failure
// spent from the login limits), or an error for the error page.
func (a *Admin) checkCode(c echo.Context, err error, email string) (string, error) {
	switch {
	case err == nil:
		return "", nil
	case errors.Is(err, staff.ErrBadCode), errors.Is(err, staff.ErrCodeUsed):
		a.limits.fail(c.Request().Context(), email, c.RealIP())
		a.log.Warn("admin: second-factor code refused", "ip", c.RealIP(), "replay", errors.Is(err, staff.ErrCodeUsed))
		return capitalise(err.Error()) + ".", nil
	case errors.Is(err, staff.ErrNoTOTPNext), errors.Is(err, staff.ErrNoTOTP), errors.Is(err, staff.ErrTOTPIsOn):
		return capitalise(err.Error()) + ".", nil
	}
	return "", err
}

// AdminTOTP renders GET /admin/totp (owner): on, off, or a setup waiting
// for its first code.
func (a *Admin) AdminTOTP(c echo.Context) error {
	v, err := a.totpView(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminTOTPPage(v))
}

func (a *Admin) totpView(c echo.Context) (views.AdminTOTPView, error) {
	c.Response().Header().Set("Cache-Control", "no-store")
	me, _ := a.current(c)
	v := views.AdminTOTPView{AdminPage: a.page(c, "Two-step login"), Enabled: me.TOTPSecret != "", Errors: views.FieldErrors{}}
	setup, ok, err := staff.PendingTOTP(c.Request().Context(), a.store, me, a.issuer(c))
	if err != nil {
		return v, err
	}
	if ok {
		v.Secret, v.URL = setup.Secret, setup.URL
	}
	return v, nil
}

// issuer names the shop in the authenticator app.
func (a *Admin) issuer(c echo.Context) string {
	if a.cfg.Shop == nil {
		return "doku-checkout"
	}
	return a.cfg.Shop.Contact(c.Request().Context()).Name
}

// AdminTOTPStart handles POST /admin/totp: a new secret, pending until a
// code confirms it.
func (a *Admin) AdminTOTPStart(c echo.Context) error {
	me, _ := a.current(c)
	if me.TOTPSecret != "" {
		return c.Redirect(http.StatusSeeOther, route.AdminTOTP)
	}
	if _, err := staff.StartTOTP(c.Request().Context(), a.store, me, a.issuer(c)); err != nil {
		return err
	}
	if err := a.audit(c, "staff.totp_setup", "staff:"+me.Email, map[string]bool{"totp": false}, map[string]string{"totp": "pending"}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, route.AdminTOTP)
}

// AdminTOTPQR serves GET /admin/totp/qr.png: the pending setup as a QR
// code, rendered here (the secret goes to no outside service). Once the
// setup is confirmed there is nothing to show.
func (a *Admin) AdminTOTPQR(c echo.Context) error {
	me, _ := a.current(c)
	setup, ok, err := staff.PendingTOTP(c.Request().Context(), a.store, me, a.issuer(c))
	if err != nil {
		return err
	}
	if !ok {
		return store.ErrNotFound
	}
	png, err := staff.QRCode(setup.URL, 240)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "image/png", png)
}

// AdminTOTPEnable handles POST /admin/totp/enable (code): a current code
// of the pending secret turns two-step login on.
func (a *Admin) AdminTOTPEnable(c echo.Context) error {
	me, _ := a.current(c)
	return a.totpChange(c, "staff.totp_enable", "totp_on", true, func() error {
		return staff.EnableTOTP(c.Request().Context(), a.store, me, c.FormValue("code"), time.Now())
	})
}

// AdminTOTPDisable handles POST /admin/totp/disable (code): a current code,
// not used before, turns two-step login off.
func (a *Admin) AdminTOTPDisable(c echo.Context) error {
	me, _ := a.current(c)
	return a.totpChange(c, "staff.totp_disable", "totp_off", false, func() error {
		return staff.DisableTOTP(c.Request().Context(), a.store, me, c.FormValue("code"), time.Now())
	})
}

// totpChange runs change behind the login limits, audits it (on or off,
// never the secret) and redirects; a refused code re-renders the page.
func (a *Admin) totpChange(c echo.Context, action, flash string, on bool, change func() error) error {
	ctx := c.Request().Context()
	me, _ := a.current(c)
	if a.limits.blocked(ctx, me.Email, c.RealIP()) {
		v, err := a.totpView(c)
		if err != nil {
			return err
		}
		v.FormError = a.throttled(c)
		return render(c, http.StatusTooManyRequests, views.AdminTOTPPage(v))
	}
	msg, err := a.checkCode(c, change(), me.Email)
	if err != nil {
		return err
	}
	if msg != "" {
		v, err := a.totpView(c)
		if err != nil {
			return err
		}
		v.Errors["code"] = msg
		return render(c, http.StatusUnprocessableEntity, views.AdminTOTPPage(v))
	}
	if err := a.audit(c, action, "staff:"+me.Email, map[string]bool{"totp": !on}, map[string]bool{"totp": on}); err != nil {
		return err
	}
	a.log.Info("admin: two-step login changed", "staff", me.ID, "on", on)
	return a.redirectFlash(c, route.AdminTOTP, flash)
}
