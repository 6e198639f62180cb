package handlers_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"doku-checkout/app"
	"doku-checkout/app/apptest"
	"doku-checkout/staff"
	"doku-checkout/store"
	"doku-checkout/views"
)

// adminApp is the real app (app.New with the embedded sandbox) served on
// a loopback port, for the back office's router tests.
type adminApp struct {
	*app.App
	URL string
}

func newAdminApp(t *testing.T, env map[string]string) *adminApp {
	t.Helper()
	staff.FastHashesForTests()
	vars := map[string]string{
		"DB_PATH": filepath.Join(t.TempDir(), "admin.db"), "SANDBOX_ADDR": "127.0.0.1:0",
		"PAYMENT_MODE": "direct", "LOG_LEVEL": "error", "LOGIN_RATE": "0", "CHECKOUT_RATE": "0",
		"SANDBOX_NOTIFY_RETRY_SCALE": "0.001",
	}
	for k, v := range env {
		vars[k] = v
	}
	srv := httptest.NewUnstartedServer(nil)
	vars["PUBLIC_URL"] = "http://" + srv.Listener.Addr().String()
	cfg, err := app.LoadConfig(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	a, err := app.New(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	srv.Config.Handler = a.Handler
	srv.Start()
	t.Cleanup(func() { srv.Close(); a.Close() })
	return &adminApp{App: a, URL: srv.URL}
}

const testPassword = "correct horse battery"

// account creates a back-office account and returns a browser logged in as it.
func (a *adminApp) account(t *testing.T, email, role string) *browser {
	t.Helper()
	if _, err := staff.Create(context.Background(), a.Store, email, testPassword, role); err != nil {
		t.Fatalf("create %s %s: %v", role, email, err)
	}
	b := a.browser(t)
	b.get("/admin/login").submit(`form[action="/admin/login"]`, url.Values{"email": {email}, "password": {testPassword}})
	if b.status() != http.StatusOK || b.path() != "/admin/" {
		t.Fatalf("login as %s: %d at %s, want 200 at /admin/\n%s", email, b.status(), b.path(), b.body)
	}
	return b
}

// browser is a cookie-jar client that does not follow redirects unless
// asked, so tests see each status.
type browser struct {
	t    *testing.T
	app  *adminApp
	c    *http.Client
	resp *http.Response
	body string
	doc  *goquery.Document
}

func (a *adminApp) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, app: a, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport: apptest.AcceptLanguage{Next: http.DefaultTransport, Lang: "en"}}}
}

func (b *browser) do(req *http.Request) *browser {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	b.resp, b.body = resp, string(raw)
	b.doc, _ = goquery.NewDocumentFromReader(bytes.NewReader(raw))
	return b
}

func (b *browser) abs(p string) string {
	if strings.HasPrefix(p, "http") {
		return p
	}
	return b.app.URL + p
}

func (b *browser) get(p string) *browser {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.abs(p), nil)
	return b.do(req)
}

// noFollow sends req without following a redirect.
func (b *browser) noFollow(req *http.Request) *browser {
	b.t.Helper()
	c := *b.c
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	old := b.c
	b.c = &c
	defer func() { b.c = old }()
	return b.do(req)
}

// csrf is the token on the current page.
func (b *browser) csrf() string {
	tok, _ := b.doc.Find(`input[name="csrf"]`).Attr("value")
	return tok
}

// post sends form to p (adding the current page's CSRF token unless the
// form has one, or has csrf="-" to send none) without following a redirect.
func (b *browser) post(p string, form url.Values) *browser {
	b.t.Helper()
	switch form.Get("csrf") {
	case "":
		form.Set("csrf", b.csrf())
	case "-":
		form.Del("csrf")
	}
	req, _ := http.NewRequest(http.MethodPost, b.abs(p), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.noFollow(req)
}

// submit fills the form sel of the current page, overrides set, and sends
// it, following the redirect.
func (b *browser) submit(sel string, set url.Values) *browser {
	b.t.Helper()
	form := b.doc.Find(sel).First()
	if form.Length() == 0 {
		b.t.Fatalf("no form %q on %s:\n%s", sel, b.resp.Request.URL, b.body)
	}
	vals := url.Values{}
	form.Find("input, select, textarea").Each(func(_ int, f *goquery.Selection) {
		name, _ := f.Attr("name")
		if name == "" {
			return
		}
		switch goquery.NodeName(f) {
		case "select":
			opt := f.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = f.Find("option").First()
			}
			v, _ := opt.Attr("value")
			vals.Set(name, v)
		case "textarea":
			vals.Set(name, f.Text())
		default:
			typ, _ := f.Attr("type")
			if typ == "checkbox" || typ == "radio" {
				if _, ok := f.Attr("checked"); !ok {
					return
				}
			}
			v, _ := f.Attr("value")
			vals.Set(name, v)
		}
	})
	for k, v := range set {
		vals[k] = v
	}
	action, _ := form.Attr("action")
	target, _ := b.resp.Request.URL.Parse(action)
	req, _ := http.NewRequest(http.MethodPost, target.String(), strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) status() int  { return b.resp.StatusCode }
func (b *browser) path() string { return b.resp.Request.URL.Path }
func (b *browser) location() string {
	return b.resp.Header.Get("Location")
}
func (b *browser) text(testid string) string {
	return strings.TrimSpace(b.doc.Find(`[data-testid="` + testid + `"]`).First().Text())
}
func (b *browser) count(testid string) int {
	return b.doc.Find(`[data-testid="` + testid + `"]`).Length()
}

// auditActions lists the audit record's actions for target, oldest first.
func (a *adminApp) auditActions(t *testing.T, target string) []string {
	t.Helper()
	list, err := a.Store.AuditLog(context.Background(), target, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(list) - 1; i >= 0; i-- {
		out = append(out, list[i].Action)
	}
	return out
}

var _ = store.RoleOwner

func strconvFormat(n int64) string { return strconv.FormatInt(n, 10) }

func idr(n int64) string { return views.IDR(n) }
