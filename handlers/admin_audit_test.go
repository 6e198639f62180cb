package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"doku-checkout/app/apptest"
	"doku-checkout/store"
)

// auditEntry is the one entry for target with action, checked for who and
// when; its before and after come back decoded.
func auditEntry(t *testing.T, a *apptest.App, target, action, who string, since time.Time) (before, after map[string]any) {
	t.Helper()
	var found []store.AuditEntry
	for _, e := range a.Audit(t, target) {
		if e.Action == action {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("audit of %s: %d %s entries, want 1 (all: %v)", target, len(found), action, a.AuditActions(t, target))
	}
	e := found[0]
	if e.StaffEmail != who || e.StaffID == 0 {
		t.Errorf("%s on %s by %q (id %d), want %s", action, target, e.StaffEmail, e.StaffID, who)
	}
	if e.At.Before(since.Add(-time.Second)) || e.At.After(time.Now().Add(time.Second)) {
		t.Errorf("%s on %s at %s, want between %s and now", action, target, e.At, since)
	}
	for _, p := range []struct {
		raw string
		out *map[string]any
	}{{e.Before, &before}, {e.After, &after}} {
		if p.raw == "" {
			continue
		}
		if err := json.Unmarshal([]byte(p.raw), p.out); err != nil {
			t.Fatalf("%s on %s: %q is not JSON: %v", action, target, p.raw, err)
		}
	}
	return before, after
}

// Capture, void, check, a settings change and disabling an account are
// each in the audit record: who, what, when, before and after.
func TestAdminActionsAreAudited(t *testing.T) {
	a := apptest.Start(t)
	start := time.Now()
	owner := apptest.NewStaff(t, a, "owner@example.com", store.RoleOwner)

	// Settings: SALE to AUTHORIZE.
	owner.Get("/admin/settings").Submit(`form[action="/admin/settings"]`, url.Values{"payment_type": {"AUTHORIZE"}})
	before, after := auditEntry(t, a, "settings", "settings.update", "owner@example.com", start)
	if before["PaymentType"] != "SALE" || after["PaymentType"] != "AUTHORIZE" {
		t.Errorf("settings audit: %v → %v, want PaymentType SALE → AUTHORIZE", before, after)
	}

	// Two authorised payments: one captured, one voided.
	var invoices []string
	for range 2 {
		s := apptest.NewShopper(t, a)
		s.AddToCart("2", "1")
		s.Pay(apptest.Card("4111111111111111", "123"), "123456")
		inv := s.Text("invoice-number")
		a.WaitOrder(t, inv, "AUTHORIZED", 5*time.Second)
		invoices = append(invoices, inv)
	}
	owner.Get("/admin/orders/"+invoices[0]).Submit(`form[data-testid="capture-form"]`, nil)
	if owner.Resp.StatusCode != http.StatusOK || owner.Text("order-status") != "SUCCESS" {
		t.Fatalf("capture: %d, %q; want SUCCESS", owner.Resp.StatusCode, owner.Text("order-status"))
	}
	before, after = auditEntry(t, a, "order:"+invoices[0], "order.capture", "owner@example.com", start)
	if before["status"] != "AUTHORIZED" || after["status"] != "SUCCESS" || after["action"] != "SUCCESS" || after["request_id"] == "" {
		t.Errorf("capture audit: %v → %v, want AUTHORIZED → SUCCESS with the action's Request-Id", before, after)
	}
	owner.Get("/admin/orders/"+invoices[1]).Submit(`form[data-testid="void-form"]`, nil)
	if owner.Text("order-status") != "VOIDED" {
		t.Fatalf("void: %q, want VOIDED", owner.Text("order-status"))
	}
	before, after = auditEntry(t, a, "order:"+invoices[1], "order.void", "owner@example.com", start)
	if before["status"] != "AUTHORIZED" || after["status"] != "VOIDED" {
		t.Errorf("void audit: %v → %v, want AUTHORIZED → VOIDED", before, after)
	}
	owner.Get("/admin/orders/"+invoices[0]).Submit(`form[action$="/check"]`, nil)
	if owner.Resp.StatusCode != http.StatusOK {
		t.Fatalf("check: %d", owner.Resp.StatusCode)
	}
	before, after = auditEntry(t, a, "order:"+invoices[0], "order.check", "owner@example.com", start)
	if before["status"] != "SUCCESS" || after["status"] != "SUCCESS" {
		t.Errorf("check audit: %v → %v, want SUCCESS both", before, after)
	}

	// A staff account disabled: audited, and its session opens nothing.
	clerk := apptest.NewStaff(t, a, "clerk@example.com", store.RoleStaff)
	owner.Get("/admin/staff")
	row := owner.Doc.Find(`[data-testid="staff-row"]:contains("clerk@example.com") form`)
	if row.Length() != 1 {
		t.Fatalf("no disable form for the clerk on the staff page")
	}
	action, _ := row.Attr("action")
	owner.Post(action, url.Values{"disabled": {"1"}})
	if owner.Resp.StatusCode != http.StatusOK || owner.Path() != "/admin/staff" {
		t.Fatalf("disable: %d at %s", owner.Resp.StatusCode, owner.Path())
	}
	before, after = auditEntry(t, a, "staff:clerk@example.com", "staff.update", "owner@example.com", start)
	if before["disabled"] != false || after["disabled"] != true {
		t.Errorf("disable audit: %v → %v, want disabled false → true", before, after)
	}
	if resp, _ := clerk.GetNoFollow("/admin/orders"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("disabled clerk's session: %d, want 303 to the login", resp.StatusCode)
	}
}
