package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"doku-checkout/app/apptest"
	"doku-checkout/staff"
	"doku-checkout/store"
)

// A shopper's session, logged in or not, opens nothing under /admin/: every
// page sends it to the back office's login, every POST is refused.
func TestAdminShopperSessionOpensNothing(t *testing.T) {
	a := apptest.Start(t)
	// A registered, logged-in shopper.
	s := apptest.NewShopper(t, a)
	s.Get("/register").Submit(`form[action="/register"]`, url.Values{"name": {"Siti"}, "email": {"siti@example.com"}, "password": {"shopper-password"}})
	if s.Resp.StatusCode != http.StatusOK {
		t.Fatalf("register: %d", s.Resp.StatusCode)
	}
	for _, p := range []string{"/admin/", "/admin/orders", "/admin/orders.csv", "/admin/products", "/admin/products/new", "/admin/settings", "/admin/staff", "/admin/orders/INV-X"} {
		resp, _ := s.GetNoFollow(p)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/login") {
			t.Errorf("shopper GET %s: %d to %q, want 303 to /admin/login", p, resp.StatusCode, loc)
		}
	}
	s.Get("/")
	for _, p := range []string{"/admin/orders/INV-X/refund", "/admin/staff", "/admin/settings", "/admin/products/new"} {
		if resp, _ := s.PostNoFollow(p, url.Values{"amount": {"1000"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("shopper POST %s: %d, want 403", p, resp.StatusCode)
		}
	}
}

// Staff may not move money, change settings or manage accounts: 403.
func TestAdminStaffCannotDoOwnerThings(t *testing.T) {
	a := apptest.Start(t)
	b := apptest.NewStaff(t, a, "clerk@example.com", store.RoleStaff)
	for _, p := range []string{"/admin/settings", "/admin/staff"} {
		if b.Get(p); b.Resp.StatusCode != http.StatusForbidden {
			t.Errorf("staff GET %s: %d, want 403", p, b.Resp.StatusCode)
		}
	}
	b.Get("/admin/")
	for _, p := range []string{"/admin/orders/INV-X/refund", "/admin/orders/INV-X/capture", "/admin/orders/INV-X/void", "/admin/staff", "/admin/settings"} {
		if resp, _ := b.PostNoFollow(p, url.Values{"amount": {"1000"}, "email": {"x@example.com"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("staff POST %s: %d, want 403", p, resp.StatusCode)
		}
	}
	if got := a.AuditActions(t, ""); len(got) != 0 {
		t.Errorf("audit after refused actions: %v, want nothing", got)
	}
}

// Logging out deletes the session on the server: a copy of the cookie
// taken before opens nothing afterwards. Login gives a fresh cookie.
func TestAdminLogoutKillsTheSession(t *testing.T) {
	a := apptest.Start(t)
	b := apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner)
	u, _ := url.Parse(a.URL + "/admin/")
	var token string
	for _, c := range b.Client.Jar.Cookies(u) {
		if c.Name == "dc_admin" {
			token = c.Value
		}
	}
	if len(token) != 64 {
		t.Fatalf("admin cookie %q, want a 64-hex token", token)
	}
	// Its attributes: HttpOnly, SameSite=Strict, scoped to /admin/.
	b.Get("/admin/login")
	resp, _ := b.PostNoFollow("/admin/login", url.Values{"email": {"owner@example.com"}, "password": {apptest.Password}})
	var set *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "dc_admin" {
			set = c
		}
	}
	if set == nil || !set.HttpOnly || set.SameSite != http.SameSiteStrictMode || set.Path != "/admin/" || set.Value == token {
		t.Fatalf("login's admin cookie = %+v, want a new HttpOnly SameSite=Strict cookie on /admin/", set)
	}
	b.Get("/admin/").Submit(`form[action="/admin/logout"]`, nil)
	if b.Path() != "/admin/login" {
		t.Fatalf("after logout at %s, want /admin/login", b.Path())
	}
	for _, tok := range []string{token, set.Value} {
		if _, err := a.Store.StaffSessionByToken(context.Background(), tok); err != store.ErrNotFound {
			t.Errorf("session after logout: %v, want ErrNotFound", err)
		}
	}
	thief := apptest.NewShopper(t, a)
	thief.Client.Jar.SetCookies(u, []*http.Cookie{{Name: "dc_admin", Value: set.Value, Path: "/admin/"}})
	if resp, _ := thief.GetNoFollow("/admin/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("copied cookie after logout: %d, want 303 to login", resp.StatusCode)
	}
}

// An idle session ends: after the idle timeout the cookie opens nothing.
func TestAdminIdleTimeout(t *testing.T) {
	a := apptest.Start(t)
	b := apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner)
	// Age the session past the idle timeout (30 minutes).
	u, _ := url.Parse(a.URL + "/admin/")
	for _, c := range b.Client.Jar.Cookies(u) {
		if c.Name == "dc_admin" {
			if err := a.Store.AgeStaffSessionForTest(context.Background(), c.Value, 31*60*1000); err != nil {
				t.Fatal(err)
			}
		}
	}
	if resp, _ := b.GetNoFollow("/admin/orders"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Errorf("idle session: %d to %q, want 303 to /admin/login", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// Wrong passwords are limited per account (from any address) and per
// address (across accounts); past the limit even the right password waits.
func TestAdminLoginRateLimits(t *testing.T) {
	a := apptest.Start(t)
	if _, err := staff.Create(context.Background(), a.Store, "owner@example.com", apptest.Password, store.RoleOwner); err != nil {
		t.Fatal(err)
	}
	b := apptest.NewShopper(t, a)
	for i := range 5 {
		b.Get("/admin/login").Submit(`form[action="/admin/login"]`, url.Values{"email": {"owner@example.com"}, "password": {"wrong password!"}})
		if b.Resp.StatusCode != http.StatusUnprocessableEntity || b.Count("form-error") != 1 {
			t.Fatalf("wrong password %d: %d, want 422 with a form error", i+1, b.Resp.StatusCode)
		}
	}
	b.Get("/admin/login").Submit(`form[action="/admin/login"]`, url.Values{"email": {"OWNER@example.com"}, "password": {apptest.Password}})
	if b.Resp.StatusCode != http.StatusTooManyRequests || b.Count("form-error") != 1 {
		t.Errorf("right password after 5 failures: %d, want 429", b.Resp.StatusCode)
	}
	// Per address: 20 failures over many accounts block the address.
	for i := range 20 {
		b.Get("/admin/login").Submit(`form[action="/admin/login"]`, url.Values{"email": {"nobody" + string(rune('a'+i)) + "@example.com"}, "password": {"wrong password!"}})
	}
	if _, err := staff.Create(context.Background(), a.Store, "clerk@example.com", apptest.Password, store.RoleStaff); err != nil {
		t.Fatal(err)
	}
	b.Get("/admin/login").Submit(`form[action="/admin/login"]`, url.Values{"email": {"clerk@example.com"}, "password": {apptest.Password}})
	if b.Resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("another account from a blocked address: %d, want 429", b.Resp.StatusCode)
	}
}

// While no owner exists the app issues a one-time setup link; it makes
// one owner, logs them in, and then opens nothing.
func TestAdminSetupLink(t *testing.T) {
	a := apptest.Start(t)
	tok, err := staff.IssueSetupToken(context.Background(), a.Store)
	if err != nil || tok == "" {
		t.Fatalf("IssueSetupToken: %q, %v", tok, err)
	}
	b := apptest.NewShopper(t, a)
	if b.Get("/admin/setup?token=nope"); b.Resp.StatusCode != http.StatusNotFound {
		t.Errorf("bad token: %d, want 404", b.Resp.StatusCode)
	}
	b.Get("/admin/setup?token="+tok).Submit(`form[action="/admin/setup"]`, url.Values{"email": {"boss@example.com"}, "password": {"short"}})
	if b.Resp.StatusCode != http.StatusUnprocessableEntity || b.Count("field-error") != 1 || b.Doc.Find(`input[name="email"]`).AttrOr("value", "") != "boss@example.com" {
		t.Fatalf("short password: %d with %d field errors, want 422, one error, email kept", b.Resp.StatusCode, b.Count("field-error"))
	}
	b.Submit(`form[action="/admin/setup"]`, url.Values{"password": {apptest.Password}})
	if b.Resp.StatusCode != http.StatusOK || b.Path() != "/admin/" {
		t.Fatalf("setup: %d at %s, want the dashboard", b.Resp.StatusCode, b.Path())
	}
	if got := a.AuditActions(t, "staff:boss@example.com"); len(got) != 1 || got[0] != "staff.create_owner" {
		t.Errorf("audit = %v, want [staff.create_owner]", got)
	}
	other := apptest.NewShopper(t, a)
	if other.Get("/admin/setup?token=" + tok); other.Resp.StatusCode != http.StatusNotFound {
		t.Errorf("setup link after use: %d, want 404", other.Resp.StatusCode)
	}
}

// The owner adds a staff account; the change is audited, and the new
// account can log in.
func TestAdminOwnerAddsStaff(t *testing.T) {
	a := apptest.Start(t)
	b := apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner)
	b.Get("/admin/staff").Submit(`form[action="/admin/staff"]`, url.Values{"email": {"clerk@example.com"}, "password": {apptest.Password}, "role": {"staff"}})
	if b.Resp.StatusCode != http.StatusOK || b.Count("flash") != 1 || b.Count("staff-row") != 2 {
		t.Fatalf("add staff: %d, flash %d, rows %d; want 200, a flash, 2 rows", b.Resp.StatusCode, b.Count("flash"), b.Count("staff-row"))
	}
	if got := a.AuditActions(t, "staff:clerk@example.com"); len(got) != 1 || got[0] != "staff.create" {
		t.Errorf("audit = %v, want [staff.create]", got)
	}
	c := apptest.NewShopper(t, a)
	c.Get("/admin/login").Submit(`form[action="/admin/login"]`, url.Values{"email": {"clerk@example.com"}, "password": {apptest.Password}})
	if c.Path() != "/admin/" {
		t.Errorf("new staff login at %s, want /admin/", c.Path())
	}
}
