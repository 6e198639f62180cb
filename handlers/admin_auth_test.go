package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"doku-checkout/staff"
	"doku-checkout/store"
)

// A shopper's session, logged in or not, opens nothing under /admin/: every
// page sends it to the back office's login, every POST is refused.
func TestAdminShopperSessionOpensNothing(t *testing.T) {
	a := newAdminApp(t, nil)
	// A registered, logged-in shopper.
	s := a.browser(t)
	s.get("/register").submit(`form[action="/register"]`, url.Values{"name": {"Siti"}, "email": {"siti@example.com"}, "password": {"shopper-password"}})
	if s.status() != http.StatusOK {
		t.Fatalf("register: %d", s.status())
	}
	for _, p := range []string{"/admin/", "/admin/orders", "/admin/orders.csv", "/admin/products", "/admin/products/new", "/admin/settings", "/admin/staff", "/admin/orders/INV-X"} {
		req, _ := http.NewRequest(http.MethodGet, a.URL+p, nil)
		s.noFollow(req)
		if s.status() != http.StatusSeeOther || !strings.HasPrefix(s.location(), "/admin/login") {
			t.Errorf("shopper GET %s: %d to %q, want 303 to /admin/login", p, s.status(), s.location())
		}
	}
	s.get("/")
	for _, p := range []string{"/admin/orders/INV-X/refund", "/admin/staff", "/admin/settings", "/admin/products/new"} {
		s.post(p, url.Values{"amount": {"1000"}})
		if s.status() != http.StatusForbidden {
			t.Errorf("shopper POST %s: %d, want 403", p, s.status())
		}
	}
}

// Staff may not move money, change settings or manage accounts: 403.
func TestAdminStaffCannotDoOwnerThings(t *testing.T) {
	a := newAdminApp(t, nil)
	b := a.account(t, "clerk@example.com", store.RoleStaff)
	for _, p := range []string{"/admin/settings", "/admin/staff"} {
		if b.get(p); b.status() != http.StatusForbidden {
			t.Errorf("staff GET %s: %d, want 403", p, b.status())
		}
	}
	b.get("/admin/")
	for _, p := range []string{"/admin/orders/INV-X/refund", "/admin/orders/INV-X/capture", "/admin/orders/INV-X/void", "/admin/staff", "/admin/settings"} {
		if b.post(p, url.Values{"amount": {"1000"}, "email": {"x@example.com"}}); b.status() != http.StatusForbidden {
			t.Errorf("staff POST %s: %d, want 403", p, b.status())
		}
	}
	if got := a.auditActions(t, ""); len(got) != 0 {
		t.Errorf("audit after refused actions: %v, want nothing", got)
	}
}

// Logging out deletes the session on the server: a copy of the cookie
// taken before opens nothing afterwards. Login gives a fresh cookie.
func TestAdminLogoutKillsTheSession(t *testing.T) {
	a := newAdminApp(t, nil)
	b := a.account(t, "owner@example.com", store.RoleOwner)
	u, _ := url.Parse(a.URL + "/admin/")
	var token string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "dc_admin" {
			token = c.Value
		}
	}
	if len(token) != 64 {
		t.Fatalf("admin cookie %q, want a 64-hex token", token)
	}
	// Its attributes: HttpOnly, SameSite=Strict, scoped to /admin/.
	b.get("/admin/login")
	b.post("/admin/login", url.Values{"email": {"owner@example.com"}, "password": {testPassword}})
	var set *http.Cookie
	for _, c := range b.resp.Cookies() {
		if c.Name == "dc_admin" {
			set = c
		}
	}
	if set == nil || !set.HttpOnly || set.SameSite != http.SameSiteStrictMode || set.Path != "/admin/" || set.Value == token {
		t.Fatalf("login's admin cookie = %+v, want a new HttpOnly SameSite=Strict cookie on /admin/", set)
	}
	b.get("/admin/").submit(`form[action="/admin/logout"]`, nil)
	if b.path() != "/admin/login" {
		t.Fatalf("after logout at %s, want /admin/login", b.path())
	}
	for _, tok := range []string{token, set.Value} {
		if _, err := a.Store.StaffSessionByToken(context.Background(), tok); err != store.ErrNotFound {
			t.Errorf("session after logout: %v, want ErrNotFound", err)
		}
	}
	thief := a.browser(t)
	thief.c.Jar.SetCookies(u, []*http.Cookie{{Name: "dc_admin", Value: set.Value, Path: "/admin/"}})
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/admin/", nil)
	if thief.noFollow(req); thief.status() != http.StatusSeeOther {
		t.Errorf("copied cookie after logout: %d, want 303 to login", thief.status())
	}
}

// An idle session ends: after the idle timeout the cookie opens nothing.
func TestAdminIdleTimeout(t *testing.T) {
	a := newAdminApp(t, nil)
	b := a.account(t, "owner@example.com", store.RoleOwner)
	// Age the session past the idle timeout (30 minutes).
	u, _ := url.Parse(a.URL + "/admin/")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "dc_admin" {
			if err := a.Store.AgeStaffSessionForTest(context.Background(), c.Value, 31*60*1000); err != nil {
				t.Fatal(err)
			}
		}
	}
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/admin/orders", nil)
	if b.noFollow(req); b.status() != http.StatusSeeOther || !strings.HasPrefix(b.location(), "/admin/login") {
		t.Errorf("idle session: %d to %q, want 303 to /admin/login", b.status(), b.location())
	}
}

// Wrong passwords are limited per account (from any address) and per
// address (across accounts); past the limit even the right password waits.
func TestAdminLoginRateLimits(t *testing.T) {
	a := newAdminApp(t, nil)
	if _, err := staff.Create(context.Background(), a.Store, "owner@example.com", testPassword, store.RoleOwner); err != nil {
		t.Fatal(err)
	}
	b := a.browser(t)
	for i := range 5 {
		b.get("/admin/login").submit(`form[action="/admin/login"]`, url.Values{"email": {"owner@example.com"}, "password": {"wrong password!"}})
		if b.status() != http.StatusUnprocessableEntity || b.count("form-error") != 1 {
			t.Fatalf("wrong password %d: %d, want 422 with a form error", i+1, b.status())
		}
	}
	b.get("/admin/login").submit(`form[action="/admin/login"]`, url.Values{"email": {"OWNER@example.com"}, "password": {testPassword}})
	if b.status() != http.StatusTooManyRequests || b.count("form-error") != 1 {
		t.Errorf("right password after 5 failures: %d, want 429", b.status())
	}
	// Per address: 20 failures over many accounts block the address.
	for i := range 20 {
		b.get("/admin/login").submit(`form[action="/admin/login"]`, url.Values{"email": {"nobody" + string(rune('a'+i)) + "@example.com"}, "password": {"wrong password!"}})
	}
	if _, err := staff.Create(context.Background(), a.Store, "clerk@example.com", testPassword, store.RoleStaff); err != nil {
		t.Fatal(err)
	}
	b.get("/admin/login").submit(`form[action="/admin/login"]`, url.Values{"email": {"clerk@example.com"}, "password": {testPassword}})
	if b.status() != http.StatusTooManyRequests {
		t.Errorf("another account from a blocked address: %d, want 429", b.status())
	}
}

// While no owner exists the app issues a one-time setup link; it makes
// one owner, logs them in, and then opens nothing.
func TestAdminSetupLink(t *testing.T) {
	a := newAdminApp(t, nil)
	tok, err := staff.IssueSetupToken(context.Background(), a.Store)
	if err != nil || tok == "" {
		t.Fatalf("IssueSetupToken: %q, %v", tok, err)
	}
	b := a.browser(t)
	if b.get("/admin/setup?token=nope"); b.status() != http.StatusNotFound {
		t.Errorf("bad token: %d, want 404", b.status())
	}
	b.get("/admin/setup?token="+tok).submit(`form[action="/admin/setup"]`, url.Values{"email": {"boss@example.com"}, "password": {"short"}})
	if b.status() != http.StatusUnprocessableEntity || b.count("field-error") != 1 || b.doc.Find(`input[name="email"]`).AttrOr("value", "") != "boss@example.com" {
		t.Fatalf("short password: %d with %d field errors, want 422, one error, email kept", b.status(), b.count("field-error"))
	}
	b.submit(`form[action="/admin/setup"]`, url.Values{"password": {testPassword}})
	if b.status() != http.StatusOK || b.path() != "/admin/" {
		t.Fatalf("setup: %d at %s, want the dashboard", b.status(), b.path())
	}
	if got := a.auditActions(t, "staff:boss@example.com"); len(got) != 1 || got[0] != "staff.create_owner" {
		t.Errorf("audit = %v, want [staff.create_owner]", got)
	}
	other := a.browser(t)
	if other.get("/admin/setup?token=" + tok); other.status() != http.StatusNotFound {
		t.Errorf("setup link after use: %d, want 404", other.status())
	}
}

// The owner adds a staff account; the change is audited, and the new
// account can log in.
func TestAdminOwnerAddsStaff(t *testing.T) {
	a := newAdminApp(t, nil)
	b := a.account(t, "owner@example.com", store.RoleOwner)
	b.get("/admin/staff").submit(`form[action="/admin/staff"]`, url.Values{"email": {"clerk@example.com"}, "password": {testPassword}, "role": {"staff"}})
	if b.status() != http.StatusOK || b.count("flash") != 1 || b.count("staff-row") != 2 {
		t.Fatalf("add staff: %d, flash %d, rows %d; want 200, a flash, 2 rows", b.status(), b.count("flash"), b.count("staff-row"))
	}
	if got := a.auditActions(t, "staff:clerk@example.com"); len(got) != 1 || got[0] != "staff.create" {
		t.Errorf("audit = %v, want [staff.create]", got)
	}
	c := a.browser(t)
	c.get("/admin/login").submit(`form[action="/admin/login"]`, url.Values{"email": {"clerk@example.com"}, "password": {testPassword}})
	if c.path() != "/admin/" {
		t.Errorf("new staff login at %s, want /admin/", c.path())
	}
}
