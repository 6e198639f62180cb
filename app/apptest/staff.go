package apptest

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"doku-checkout/staff"
	"doku-checkout/store"
)

// NewStaff creates a back-office account (the code path of `doku-checkout
// admin create`: staff.Create on the app's store, password Password) and
// returns a browser logged in as it, on the dashboard. role is
// store.RoleOwner or store.RoleStaff.
func NewStaff(tb testing.TB, a *App, email, role string) *Shopper {
	tb.Helper()
	if _, err := staff.Create(context.Background(), a.Store, email, Password, role); err != nil {
		tb.Fatalf("create %s %s: %v", role, email, err)
	}
	s := NewShopper(tb, a)
	StaffLogin(tb, s, email)
	return s
}

// StaffLogin logs s into the back office as email (password Password).
func StaffLogin(tb testing.TB, s *Shopper, email string) {
	tb.Helper()
	s.Get("/admin/login").Submit(`form[action="/admin/login"]`, url.Values{"email": {email}, "password": {Password}})
	if s.Resp.StatusCode != http.StatusOK || s.Path() != "/admin/" {
		tb.Fatalf("back-office login as %s: %d at %s, want 200 at /admin/\n%s", email, s.Resp.StatusCode, s.Path(), s.Body)
	}
}

// Audit lists the audit record's entries for target ("" for all), oldest
// first.
func (a *App) Audit(tb testing.TB, target string) []store.AuditEntry {
	tb.Helper()
	list, err := a.Store.AuditLog(context.Background(), target, 10000)
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]store.AuditEntry, 0, len(list))
	for i := len(list) - 1; i >= 0; i-- {
		out = append(out, list[i])
	}
	return out
}

// AuditActions are the actions of Audit(target), oldest first.
func (a *App) AuditActions(tb testing.TB, target string) []string {
	tb.Helper()
	var out []string
	for _, e := range a.Audit(tb, target) {
		out = append(out, e.Action)
	}
	return out
}

// PostNoFollow sends form to path with the last page's CSRF token (none
// when form has csrf "-") and returns the response without following a
// redirect; the shopper's last page stays as it was.
func (s *Shopper) PostNoFollow(path string, form url.Values) (*http.Response, string) {
	s.T.Helper()
	switch form.Get("csrf") {
	case "":
		form.Set("csrf", s.CSRF())
	case "-":
		form.Del("csrf")
	}
	req, _ := http.NewRequest(http.MethodPost, s.abs(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.NoFollow(req)
}

// GetNoFollow loads path without following a redirect.
func (s *Shopper) GetNoFollow(path string) (*http.Response, string) {
	s.T.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.abs(path), nil)
	return s.NoFollow(req)
}

// PostMultipart sends fields and, unless file is nil, file as the form's
// fileField, with the last page's CSRF token, and keeps the page it ends on.
func (s *Shopper) PostMultipart(path string, fields map[string]string, fileField, fileName string, file []byte) *Shopper {
	s.T.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	w.WriteField("csrf", s.CSRF())
	if file != nil {
		fw, _ := w.CreateFormFile(fileField, fileName)
		fw.Write(file)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, s.abs(path), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return s.Do(req)
}
