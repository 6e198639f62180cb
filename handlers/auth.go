package handlers

import (
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"

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
	return render(c, http.StatusOK, views.RegisterPage(views.AuthView{Page: h.page(c, "Create an account")}))
}

// Register handles POST /register (name, email, password).
func (h *Handler) Register(c echo.Context) error {
	v := views.AuthView{Page: h.page(c, "Create an account"), Errors: views.FieldErrors{},
		Email: strings.TrimSpace(c.FormValue("email")), Name: strings.TrimSpace(c.FormValue("name"))}
	password := c.FormValue("password")
	if v.Name == "" || utf8.RuneCountInString(v.Name) > 255 {
		v.Errors["name"] = "Enter your name (at most 255 characters)."
	}
	if a, err := mail.ParseAddress(v.Email); err != nil || a.Address != v.Email || len(v.Email) > 128 {
		v.Errors["email"] = "Enter an email address like name@example.com."
	}
	if len(password) < minPasswordLen || len(password) > maxPasswordLen {
		v.Errors["password"] = "Choose a password of 8 to 72 characters."
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
		v.Errors["email"] = "An account with this email exists already. Log in instead."
		return render(c, http.StatusUnprocessableEntity, views.RegisterPage(v))
	} else if err != nil {
		return err
	}
	return h.logIn(c, cust, route.Catalog)
}

// LoginForm renders GET /login.
func (h *Handler) LoginForm(c echo.Context) error {
	return render(c, http.StatusOK, views.LoginPage(views.AuthView{Page: h.page(c, "Log in"), Next: localPath(c.QueryParam("next"))}))
}

// Login handles POST /login (email, password).
func (h *Handler) Login(c echo.Context) error {
	v := views.AuthView{Page: h.page(c, "Log in"), Email: strings.TrimSpace(c.FormValue("email")), Next: localPath(c.FormValue("next"))}
	cust, err := h.store.CustomerByEmail(h.ctx(c), v.Email)
	hash := dummyHash
	if err == nil {
		hash = []byte(cust.PasswordHash)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(c.FormValue("password"))) != nil || err != nil {
		v.FormError = "The email or password is not right."
		return render(c, http.StatusUnprocessableEntity, views.LoginPage(v))
	}
	return h.logIn(c, cust, v.Next)
}

// logIn starts a fresh session for cust (against session fixation), keeping
// the cart, and drops the old CSRF cookie so a new token is issued.
func (h *Handler) logIn(c echo.Context, cust store.Customer, next string) error {
	s := h.sessions.Renew(c, cust.ID)
	s.Flash = "Welcome, " + cust.Name + "."
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
	s.Flash = "You are logged out."
	if err := h.sessions.Save(c, s); err != nil {
		return err
	}
	h.dropCSRF(c)
	return c.Redirect(http.StatusSeeOther, route.Catalog)
}

func (h *Handler) dropCSRF(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: "dc_csrf", Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// localPath keeps a post-login redirect on this site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}
