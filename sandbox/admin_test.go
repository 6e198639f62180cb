package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestSandboxEndpoints(t *testing.T) {
	h := newHarness(t, nil)
	h.post("/credit-card/charge", h.newRequestID(), motoBody("INV-ADM-1", 1000, "4111111111111111", futureExpiry()))
	h.post("/credit-card/charge", h.newRequestID(), motoBody("INV-ADM-2", 1000, "4000000000000002", futureExpiry()))

	resp, err := http.Get(h.srv.URL + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	var st statsOut
	_ = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if st.ChargesTotal != 2 || st.ChargesByInvoice["INV-ADM-1"] != 1 || st.ChargesByInvoice["INV-ADM-2"] != 1 {
		t.Errorf("stats: got %+v, want 2 charges, one per invoice", st)
	}

	code, page := h.getPage(h.srv.URL + "/_sandbox/")
	if code != 200 || !strings.Contains(page, "INV-ADM-1") || !strings.Contains(page, "411111******1111") || strings.Contains(page, "4111111111111111") || !strings.Contains(page, "FAILED") {
		t.Errorf("dashboard: got %d, want both transactions with masked cards only", code)
	}

	resp, err = http.Post(h.srv.URL+"/_sandbox/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := h.s.TotalCharges(); resp.StatusCode != 200 || got != 0 {
		t.Errorf("after reset: got status %d and %d charges, want 200 and 0", resp.StatusCode, got)
	}
	if got := h.statusOf("INV-ADM-1"); got != "" {
		t.Errorf("status after reset: got %q, want not found", got)
	}
}
