package handlers_test

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doku-checkout/app"
	"doku-checkout/app/apptest"
	"doku-checkout/staff"
	"doku-checkout/store"
)

// totpApp is the authenticator app of a test: it shows the code of a time
// step later than the last one it gave (a server refuses a step twice),
// and never earlier than the current one, so the server, whose clock may
// have just turned to the next step, accepts it.
type totpApp struct {
	secret string
	last   int64
}

func (p *totpApp) next() string {
	step := max(p.last+1, time.Now().Unix()/30)
	p.last = step
	return staff.CodeForTests(p.secret, time.Unix(step*30, 0))
}

// wrong is a 6-digit code that is none of the codes the server accepts now
// or in the next step.
func (p *totpApp) wrong() string {
	cur := time.Now().Unix() / 30
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		ok := true
		for s := cur - 1; s <= cur+2; s++ {
			ok = ok && c != staff.CodeForTests(p.secret, time.Unix(s*30, 0))
		}
		if ok {
			return c
		}
	}
	panic("no wrong code")
}

// enableTOTP turns two-step login on for b's owner account through the
// back office and returns its app.
func enableTOTP(t *testing.T, b *apptest.Shopper) *totpApp {
	t.Helper()
	b.Get("/admin/totp").Submit(`form[data-testid="totp-start-form"]`, nil)
	p := &totpApp{secret: b.Text("totp-secret")}
	if p.secret == "" || !strings.HasPrefix(b.Text("totp-url"), "otpauth://totp/") {
		t.Fatalf("setup page shows secret %q and URL %q, want both", p.secret, b.Text("totp-url"))
	}
	b.Submit(`form[data-testid="totp-enable-form"]`, url.Values{"code": {p.next()}})
	if b.Resp.StatusCode != http.StatusOK || b.Path() != "/admin/totp" || !strings.HasPrefix(b.Text("totp-status"), "On") {
		t.Fatalf("enable: %d at %s, status %q; want 200 at /admin/totp, On", b.Resp.StatusCode, b.Path(), b.Text("totp-status"))
	}
	return p
}

// loginPassword sends the password step as email and returns the page it
// ends on (the code form for an account with two-step login on).
func loginPassword(t *testing.T, a *apptest.App, email string) *apptest.Shopper {
	t.Helper()
	b := apptest.NewShopper(t, a)
	b.Get("/admin/login").Submit(`form[action="/admin/login"]`, url.Values{"email": {email}, "password": {apptest.Password}})
	if b.Resp.StatusCode != http.StatusOK || b.Path() != "/admin/login/code" || b.Count("code-form") != 1 {
		t.Fatalf("password step: %d at %s, want the code form at /admin/login/code", b.Resp.StatusCode, b.Path())
	}
	return b
}

// Enabling needs a current code of the secret shown: a wrong one leaves it
// off. The setup shows the secret as text and as a PNG QR code made here;
// once on, neither is shown again. Both steps are audited, without the
// secret.
func TestAdminTOTPEnableNeedsAValidCode(t *testing.T) {
	a := apptest.Start(t)
	start := time.Now()
	b := apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner)
	if b.Get("/admin/staff"); b.Count("totp-link") != 1 {
		t.Errorf("staff page: %d links to two-step login, want 1", b.Count("totp-link"))
	}
	b.Get("/admin/totp")
	if !strings.HasPrefix(b.Text("totp-status"), "Off") || b.Count("totp-secret") != 0 {
		t.Fatalf("before setup: status %q, %d secrets shown; want Off and none", b.Text("totp-status"), b.Count("totp-secret"))
	}
	if resp, _ := b.GetNoFollow("/admin/totp/qr.png"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("QR code with no setup: %d, want 404", resp.StatusCode)
	}
	b.Submit(`form[data-testid="totp-start-form"]`, nil)
	p := &totpApp{secret: b.Text("totp-secret")}
	if len(p.secret) < 16 || !strings.Contains(b.Text("totp-url"), "secret="+p.secret) || b.Count("totp-qr") != 1 {
		t.Fatalf("setup: secret %q, URL %q, %d QR images; want a secret, its otpauth URL and a QR code", p.secret, b.Text("totp-url"), b.Count("totp-qr"))
	}
	resp, body := b.GetNoFollow("/admin/totp/qr.png")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Fatalf("QR code: %d %s %q, want 200 image/png, no-store", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	if img, err := png.Decode(bytes.NewReader([]byte(body))); err != nil || img.Bounds().Dx() < 200 {
		t.Errorf("QR code: %v, want a PNG of 200 px or more", err)
	}

	for _, code := range []string{p.wrong(), "12345", "abcdef"} {
		b.Get("/admin/totp").Submit(`form[data-testid="totp-enable-form"]`, url.Values{"code": {code}})
		if b.Resp.StatusCode != http.StatusUnprocessableEntity || b.Count("field-error") != 1 || b.Text("totp-secret") != p.secret {
			t.Fatalf("enable with %q: %d, %d field errors, secret %q; want 422, one error, the same setup", code, b.Resp.StatusCode, b.Count("field-error"), b.Text("totp-secret"))
		}
	}
	if st, _ := a.Store.StaffByEmail(context.Background(), "owner@example.com"); st.TOTPSecret != "" {
		t.Fatal("a wrong code turned two-step login on")
	}
	b.Submit(`form[data-testid="totp-enable-form"]`, url.Values{"code": {p.next()}})
	if b.Resp.StatusCode != http.StatusOK || !strings.HasPrefix(b.Text("totp-status"), "On") || b.Count("flash") != 1 {
		t.Fatalf("enable with the right code: %d, status %q; want On with a notice", b.Resp.StatusCode, b.Text("totp-status"))
	}
	if st, _ := a.Store.StaffByEmail(context.Background(), "owner@example.com"); st.TOTPSecret != p.secret {
		t.Errorf("stored secret is not the one shown")
	}
	if strings.Contains(b.Body, p.secret) || b.Count("totp-qr") != 0 {
		t.Error("the secret is shown again once two-step login is on")
	}
	if resp, _ := b.GetNoFollow("/admin/totp/qr.png"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("QR code once on: %d, want 404", resp.StatusCode)
	}
	if got := a.AuditActions(t, "staff:owner@example.com"); strings.Join(got, ",") != "staff.totp_setup,staff.totp_enable" {
		t.Errorf("audit = %v, want [staff.totp_setup staff.totp_enable]", got)
	}
	before, after := auditEntry(t, a, "staff:owner@example.com", "staff.totp_enable", "owner@example.com", start)
	if before["totp"] != false || after["totp"] != true {
		t.Errorf("enable audit: %v → %v, want totp false → true", before, after)
	}
	for _, e := range a.Audit(t, "") {
		if strings.Contains(e.Before+e.After, p.secret) {
			t.Errorf("audit entry %s holds the secret", e.Action)
		}
	}
	if strings.Contains(a.Logs.String(), p.secret) {
		t.Error("the secret is in the log")
	}
}

// With two-step login on, the password alone opens nothing: the code form
// follows, a wrong code fails, the right one logs in, and the same code
// sent again (a replay) fails. On SQLite and on PostgreSQL.
func TestAdminTOTPLoginNeedsTheCode(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testTOTPLogin(t, apptest.Start(t)) })
	t.Run("postgres", func(t *testing.T) {
		if testing.Short() {
			t.Skip("PostgreSQL: make test runs it, make check (-short) leaves it out")
		}
		testTOTPLogin(t, apptest.Start(t, apptest.Postgres()))
	})
}

func testTOTPLogin(t *testing.T, a *apptest.App) {
	owner := apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner)
	p := enableTOTP(t, owner)

	b := loginPassword(t, a, "owner@example.com")
	u, _ := url.Parse(a.URL + "/admin/")
	if tok := b.Cookie(u, "dc_admin"); tok != "" {
		t.Errorf("password step set the session cookie %q", tok)
	}
	// The password step alone: no page, no action of the owner's.
	for _, path := range []string{"/admin/", "/admin/settings", "/admin/totp", "/admin/staff"} {
		if resp, _ := b.GetNoFollow(path); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
			t.Errorf("GET %s after the password only: %d to %q, want 303 to the login", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	b.Get("/admin/login/code")
	if resp, _ := b.PostNoFollow("/admin/totp/disable", url.Values{"code": {"123456"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /admin/totp/disable after the password only: %d, want 403", resp.StatusCode)
	}
	// The challenge's token is no session token.
	thief := apptest.NewShopper(t, a)
	thief.Client.Jar.SetCookies(u, []*http.Cookie{{Name: "dc_admin", Value: b.Cookie(u, "dc_admin_code"), Path: "/admin/"}})
	if resp, _ := thief.GetNoFollow("/admin/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("challenge token as a session cookie: %d, want 303 to the login", resp.StatusCode)
	}

	b.Get("/admin/login/code").Submit(`form[data-testid="code-form"]`, url.Values{"code": {p.wrong()}})
	if b.Resp.StatusCode != http.StatusUnprocessableEntity || b.Count("field-error") != 1 {
		t.Fatalf("wrong code: %d with %d field errors, want 422 and one", b.Resp.StatusCode, b.Count("field-error"))
	}
	code := p.next()
	b.Submit(`form[data-testid="code-form"]`, url.Values{"code": {code}})
	if b.Resp.StatusCode != http.StatusOK || b.Path() != "/admin/" {
		t.Fatalf("right code: %d at %s, want the dashboard", b.Resp.StatusCode, b.Path())
	}
	if b.Get("/admin/settings"); b.Resp.StatusCode != http.StatusOK {
		t.Errorf("owner page after both steps: %d, want 200", b.Resp.StatusCode)
	}
	if tok := b.Cookie(u, "dc_admin_code"); tok != "" {
		t.Errorf("the challenge cookie outlives the login: %q", tok)
	}

	// The same code again, from another browser with the password: refused.
	c := loginPassword(t, a, "owner@example.com")
	c.Submit(`form[data-testid="code-form"]`, url.Values{"code": {code}})
	if c.Resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(c.Text("field-error"), "used already") {
		t.Fatalf("replayed code: %d, %q; want 422, used already", c.Resp.StatusCode, c.Text("field-error"))
	}
	if resp, _ := c.GetNoFollow("/admin/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after a replayed code: %d, want 303 to the login", resp.StatusCode)
	}
}

// The code step waits a few minutes only; then the password is asked again.
func TestAdminTOTPCodeStepExpires(t *testing.T) {
	a := apptest.Start(t)
	p := enableTOTP(t, apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner))
	b := loginPassword(t, a, "owner@example.com")
	if err := a.Store.AgeStaffChallengesForTest(context.Background(), 6*60*1000); err != nil {
		t.Fatal(err)
	}
	b.Submit(`form[data-testid="code-form"]`, url.Values{"code": {p.next()}})
	if b.Path() != "/admin/login" || b.Count("flash") != 1 {
		t.Errorf("code after 6 minutes: at %s with %d notices, want back at /admin/login with one", b.Path(), b.Count("flash"))
	}
	if resp, _ := b.GetNoFollow("/admin/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after an expired code step: %d, want 303 to the login", resp.StatusCode)
	}
}

// Wrong codes spend the login limits: after 5, even the right code waits.
func TestAdminTOTPCodesAreRateLimited(t *testing.T) {
	a := apptest.Start(t)
	p := enableTOTP(t, apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner))
	b := loginPassword(t, a, "owner@example.com")
	for i := range 5 {
		b.Get("/admin/login/code").Submit(`form[data-testid="code-form"]`, url.Values{"code": {p.wrong()}})
		if b.Resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong code %d: %d, want 422", i+1, b.Resp.StatusCode)
		}
	}
	b.Get("/admin/login/code").Submit(`form[data-testid="code-form"]`, url.Values{"code": {p.next()}})
	if b.Resp.StatusCode != http.StatusTooManyRequests || b.Count("form-error") != 1 {
		t.Errorf("right code after 5 wrong ones: %d, want 429 with a form error", b.Resp.StatusCode)
	}
	if resp, _ := b.GetNoFollow("/admin/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after the limit: %d, want 303 to the login", resp.StatusCode)
	}
}

// Turning two-step login off needs a current code; it is audited, and the
// password alone logs in again.
func TestAdminTOTPDisableNeedsACode(t *testing.T) {
	a := apptest.Start(t)
	start := time.Now()
	b := apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner)
	p := enableTOTP(t, b)
	b.Get("/admin/totp").Submit(`form[data-testid="totp-disable-form"]`, url.Values{"code": {p.wrong()}})
	if b.Resp.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(b.Text("totp-status"), "On") {
		t.Fatalf("disable with a wrong code: %d, status %q; want 422, still On", b.Resp.StatusCode, b.Text("totp-status"))
	}
	b.Submit(`form[data-testid="totp-disable-form"]`, url.Values{"code": {p.next()}})
	if b.Resp.StatusCode != http.StatusOK || !strings.HasPrefix(b.Text("totp-status"), "Off") {
		t.Fatalf("disable with the right code: %d, status %q; want Off", b.Resp.StatusCode, b.Text("totp-status"))
	}
	before, after := auditEntry(t, a, "staff:owner@example.com", "staff.totp_disable", "owner@example.com", start)
	if before["totp"] != true || after["totp"] != false {
		t.Errorf("disable audit: %v → %v, want totp true → false", before, after)
	}
	apptest.StaffLogin(t, apptest.NewShopper(t, a), "owner@example.com")
}

// Staff cannot reach two-step login's pages (it is the owner's), and a
// staff account that knows an owner's password but not the code gets no
// owner access: carrying the owner's code step changes nothing.
func TestAdminTOTPStaffGetsNoOwnerAccess(t *testing.T) {
	a := apptest.Start(t)
	enableTOTP(t, apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner))
	clerk := apptest.NewStaff(t, a, "clerk@example.com", store.RoleStaff)
	for _, path := range []string{"/admin/totp", "/admin/totp/qr.png"} {
		if resp, _ := clerk.GetNoFollow(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("staff GET %s: %d, want 403", path, resp.StatusCode)
		}
	}
	clerk.Get("/admin/")
	for _, path := range []string{"/admin/totp", "/admin/totp/enable", "/admin/totp/disable"} {
		if resp, _ := clerk.PostNoFollow(path, url.Values{"code": {"123456"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("staff POST %s: %d, want 403", path, resp.StatusCode)
		}
	}
	// The clerk types the owner's password in the clerk's own browser.
	clerk.Get("/admin/login")
	u, _ := url.Parse(a.URL + "/admin/")
	owner := loginPassword(t, a, "owner@example.com")
	clerk.Client.Jar.SetCookies(u, []*http.Cookie{{Name: "dc_admin_code", Value: owner.Cookie(u, "dc_admin_code"), Path: "/admin/"}})
	for _, path := range []string{"/admin/settings", "/admin/staff", "/admin/totp"} {
		if resp, _ := clerk.GetNoFollow(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("staff with the owner's code step GET %s: %d, want 403", path, resp.StatusCode)
		}
	}
	if got := a.AuditActions(t, "staff:clerk@example.com"); len(got) != 0 {
		t.Errorf("audit of the clerk: %v, want nothing", got)
	}
}

// An owner who lost their authenticator gets back in through the command
// line on the shop's machine (`admin reset-totp`), which is audited; the
// password alone then logs in.
func TestAdminTOTPResetFromTheCommandLine(t *testing.T) {
	a := apptest.Start(t)
	owner := apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner)
	enableTOTP(t, owner)
	loginPassword(t, a, "owner@example.com") // the code form: TOTP is on
	env := map[string]string{"DB_PATH": a.Config.DBPath, "PUBLIC_URL": a.URL}
	var out strings.Builder
	if err := app.AdminCommand(context.Background(), []string{"reset-totp", "--email", "owner@example.com"},
		func(k string) string { return env[k] }, strings.NewReader(""), &out); err != nil {
		t.Fatalf("admin reset-totp: %v\n%s", err, out.String())
	}
	b := apptest.NewShopper(t, a)
	b.Get("/admin/login").Submit(`form[action="/admin/login"]`, url.Values{"email": {"owner@example.com"}, "password": {apptest.Password}})
	if b.Path() != "/admin/" {
		t.Errorf("after the reset the password logs in to %s, want /admin/", b.Path())
	}
	if got := a.AuditActions(t, "staff:owner@example.com"); !strings.Contains(strings.Join(got, " "), "staff.totp_reset") {
		t.Errorf("the reset is not audited: %v", got)
	}
}
