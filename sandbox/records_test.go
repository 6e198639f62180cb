package sandbox

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// saleFlow authenticates and charges a SALE of invoice; it returns the
// charge's Request-Id and the authentication id.
func (h *harness) saleFlow(invoice, card string) (string, string) {
	h.t.Helper()
	authID := h.authenticate(invoice, 5000, card, futureExpiry())
	id := h.newRequestID()
	res := h.post("/credit-card/charge", id, saleBody(invoice, 5000, authID))
	if res.status != http.StatusOK {
		h.t.Fatalf("charge %s: got %d %s", invoice, res.status, res.body)
	}
	return id, authID
}

// The sandbox keeps the latest FullRecordsKeep records whole, compacts
// older settled ones and forgets them beyond RecordsKeep; what it still
// remembers answers as before, a forgotten one as an id never seen.
func TestRecordsStayBoundedAndCompacted(t *testing.T) {
	const full, all, flows = 4, 12, 40
	h := newHarness(t, func(c *Config) { c.FullRecordsKeep, c.RecordsKeep, c.RecordsMinAge = full, all, -1 })
	var ids, auths []string
	for i := range flows {
		id, authID := h.saleFlow(fmt.Sprintf("INV-B-%02d", i), "4111111111111111")
		ids, auths = append(ids, id), append(auths, authID)
	}

	h.s.mu.Lock()
	st := h.s.st
	j := st.journal
	counts := fmt.Sprintf("full %d, held %d, compacted %d, txs %d, auths %d, invoices %d",
		len(j.full), len(j.held), len(j.compacted), len(st.txByRequestID), len(st.auths), len(st.invoices))
	if len(j.full) > full || len(j.held) != 0 || len(j.full)+len(j.compacted) > all ||
		len(st.txByRequestID) > all || len(st.auths) > full || len(st.invoices) > all {
		t.Errorf("retained beyond the bounds (full %d, all %d): %s", full, all, counts)
	}
	compacted := 0
	for _, r := range j.compacted {
		tx, ok := r.(*transaction)
		if !ok {
			t.Errorf("a used authentication was kept after the full window: %T", r)
			continue
		}
		compacted++
		if tx.more != nil {
			t.Errorf("%s: compacted transaction keeps its notification log and authentication id", tx.invoice)
		}
	}
	h.s.mu.Unlock()
	if compacted < all-full-1 {
		t.Fatalf("want about %d compacted transactions, got %d (%s)", all-full, compacted, counts)
	}

	// The oldest remembered one is compacted: the status check, by
	// Request-Id and by invoice, still answers SUCCESS with its card.
	oldest := flows - (all - full) + 1
	for _, key := range []string{ids[oldest], fmt.Sprintf("INV-B-%02d", oldest)} {
		if got := h.statusOf(key); got != statusSuccess {
			t.Errorf("status of compacted %s: got %q, want SUCCESS", key, got)
		}
	}
	res := h.status(ids[oldest])
	if !contains(string(res.body), `"masked":"411111******1111"`) || !contains(string(res.body), `"approval_code":"`) {
		t.Errorf("compacted transaction's status lost its card or approval: %s", res.body)
	}
	// Its invoice is still refused, and its money can still be refunded.
	dup := h.post("/credit-card/check-three-d-secure", h.newRequestID(), threeDSBody(fmt.Sprintf("INV-B-%02d", oldest), 5000, "4111111111111111", futureExpiry()))
	if dup.status != http.StatusBadRequest || dup.errorCode() != codeDuplicateInvoice {
		t.Errorf("check 3DS on a compacted paid invoice: got %d %s, want 400 %s", dup.status, dup.errorCode(), codeDuplicateInvoice)
	}
	ref := h.post("/cancellation/credit-card/refund", h.newRequestID(), obj{
		"order":   obj{"invoice_number": fmt.Sprintf("INV-B-%02d", oldest)},
		"payment": obj{"original_request_id": ids[oldest]},
		"refund":  obj{"amount": 5000},
	})
	if ref.status != http.StatusOK || h.statusOf(ids[oldest]) != statusRefunded {
		t.Errorf("refund of a compacted transaction: got %d %s, then status %q, want 200 and REFUNDED", ref.status, ref.body, h.statusOf(ids[oldest]))
	}

	// The first one is forgotten: answered exactly as an unknown id.
	unknown := h.status("never-seen-request-id")
	for _, key := range []string{ids[0], "INV-B-00"} {
		res := h.status(key)
		if res.status != unknown.status || res.errorCode() != unknown.errorCode() || unknown.errorCode() != codeTransactionMissing {
			t.Errorf("status of forgotten %s: got %d %s, want %d %s as for an unknown id", key, res.status, res.errorCode(), unknown.status, unknown.errorCode())
		}
	}
	// A forgotten (used) authentication is still refused by a charge.
	res = h.post("/credit-card/charge", h.newRequestID(), saleBody("INV-B-00", 5000, auths[0]))
	if res.status == http.StatusOK {
		t.Errorf("charge with a long-used authentication: got 200, want a refusal")
	}
	if got := h.s.TotalCharges(); got != flows {
		t.Errorf("TotalCharges counts every charge ever: got %d, want %d", got, flows)
	}
}

// A PENDING transaction and an authentication in progress are never
// compacted nor forgotten, however many records come after them.
func TestUnsettledRecordsAreNeverForgotten(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.FullRecordsKeep, c.RecordsKeep, c.RecordsMinAge = 2, 5, -1
		c.PendingDelay = time.Hour
	})
	pendingID, _ := h.saleFlow("INV-U-PENDING", "4000000000000259")
	_, inProgressURL := h.checkThreeDS(threeDSBody("INV-U-OTP", 5000, "4111111111111111", futureExpiry()))
	for i := range 2 * minHeldSweep {
		h.saleFlow(fmt.Sprintf("INV-U-%03d", i), "4111111111111111")
	}
	if got := h.statusOf(pendingID); got != statusPending {
		t.Errorf("PENDING transaction after many others: got %q, want PENDING", got)
	}
	if got := h.statusOf("INV-U-OTP"); got != statusRedirect {
		t.Errorf("authentication in progress after many others: got %q, want REDIRECT", got)
	}
	// The authentication can still be completed and charged.
	h.submitOTP(inProgressURL, passingOTP)
	authID := inProgressURL[strings.LastIndex(inProgressURL, "=")+1:]
	res := h.post("/credit-card/charge", h.newRequestID(), saleBody("INV-U-OTP", 5000, authID))
	if res.status != http.StatusOK || chargeOut(t, res).Payment.Status != statusSuccess {
		t.Errorf("charge of a long-waiting authentication: got %d %s, want 200 SUCCESS", res.status, res.body)
	}
	h.s.mu.Lock()
	held := len(h.s.st.journal.held)
	h.s.mu.Unlock()
	if held == 0 || held > minHeldSweep {
		t.Errorf("held records: got %d, want the few unsettled ones (1..%d)", held, minHeldSweep)
	}
}

// The invoice index refuses a second charge on a paid invoice exactly as
// the scan over every transaction did, after many other transactions;
// a declined invoice stays chargeable.
func TestDuplicateInvoiceRefusedAfterManyTransactions(t *testing.T) {
	h := newHarness(t, nil)
	h.saleFlow("INV-D-PAID", "4111111111111111")
	h.saleFlow("INV-D-DECLINED", "4000000000000002")
	for i := range 300 {
		res := h.post("/credit-card/charge", h.newRequestID(), motoBody(fmt.Sprintf("INV-D-%03d", i), 5000, "4111111111111111", futureExpiry()))
		if res.status != http.StatusOK {
			t.Fatalf("MOTO %d: got %d %s", i, res.status, res.body)
		}
	}
	exp := futureExpiry()
	for _, tc := range []struct {
		name string
		body obj
		path string
	}{
		{"check 3DS", threeDSBody("INV-D-PAID", 5000, "4111111111111111", exp), "/credit-card/check-three-d-secure"},
		{"MOTO", motoBody("INV-D-PAID", 5000, "4111111111111111", exp), "/credit-card/charge"},
		{"Checkout", obj{"order": obj{"invoice_number": "INV-D-PAID", "amount": 5000}}, checkoutAPIPath},
	} {
		res := h.post(tc.path, h.newRequestID(), tc.body)
		if res.status != http.StatusBadRequest || res.errorCode() != codeDuplicateInvoice {
			t.Errorf("%s on the paid invoice: got %d %s, want 400 %s", tc.name, res.status, res.errorCode(), codeDuplicateInvoice)
		}
	}
	res := h.post("/credit-card/charge", h.newRequestID(), motoBody("INV-D-DECLINED", 5000, "4111111111111111", exp))
	if res.status != http.StatusOK || chargeOut(t, res).Payment.Status != statusSuccess {
		t.Errorf("new charge on a declined invoice: got %d %s, want 200 SUCCESS", res.status, res.body)
	}
	if n := h.s.ChargeCount("INV-D-DECLINED"); n != 2 {
		t.Errorf("ChargeCount of the declined invoice: got %d, want 2", n)
	}
}

// Once an authentication is used by a charge (or has failed), nothing the
// sandbox keeps holds the card number: not the authentication, not the
// transaction, not the stored replies.
func TestNoRecordKeepsTheCardNumberOnceCharged(t *testing.T) {
	h := newHarness(t, nil)
	const charged, failed, waiting = "5573381011111101", "4000000000000002", "4000000000009995"
	h.saleFlow("INV-P-1", charged)
	id, u := h.checkThreeDS(threeDSBody("INV-P-2", 5000, failed, futureExpiry()))
	h.submitOTP(u, "000000")
	h.checkThreeDS(threeDSBody("INV-P-3", 5000, waiting, futureExpiry()))

	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	found := map[string]bool{}
	walkStrings(reflect.ValueOf(h.s.st), map[uintptr]bool{}, func(s string) {
		for _, pan := range []string{charged, failed, waiting} {
			if strings.Contains(s, pan) {
				found[pan] = true
			}
		}
	})
	if found[charged] || found[failed] {
		t.Errorf("card number kept after its charge (%v) or failed authentication (%v)", found[charged], found[failed])
	}
	if !found[waiting] {
		t.Errorf("walk found no card number at all: an authentication in progress must keep its card (walk broken?)")
	}
	if a := h.s.st.auths[id]; a == nil || a.card.masked() != maskPAN(failed) {
		t.Errorf("failed authentication lost its masked card for the status check")
	}
}

// walkStrings calls fn with every string reachable from v.
func walkStrings(v reflect.Value, seen map[uintptr]bool, fn func(string)) {
	switch v.Kind() {
	case reflect.String:
		fn(v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Kind() == reflect.Pointer {
			if seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
		}
		walkStrings(v.Elem(), seen, fn)
	case reflect.Struct:
		for i := range v.NumField() {
			walkStrings(v.Field(i), seen, fn)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			fn(string(v.Bytes()))
			return
		}
		for i := range v.Len() {
			walkStrings(v.Index(i), seen, fn)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			walkStrings(it.Key(), seen, fn)
			walkStrings(it.Value(), seen, fn)
		}
	}
}

// However many records come after it, none is forgotten before
// RecordsMinAge: the app may still ask about a charge whose answer it lost
// (its reconciler's first check is a minute after).
func TestRecordsAreKeptForTheirMinimumAge(t *testing.T) {
	st := newState()
	k := keep{full: 2, all: 4, minAge: time.Hour}
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	add := func(i int, now time.Time) {
		tx := &transaction{requestID: fmt.Sprintf("req-%d", i), invoice: fmt.Sprintf("INV-%d", i), status: statusSuccess, created: now}
		st.txByRequestID[tx.requestID] = tx
		st.addRecord(tx, k, now)
	}
	for i := range 10 {
		add(i, t0.Add(time.Duration(i)*time.Minute))
	}
	if n := len(st.txByRequestID); n != 10 {
		t.Fatalf("%d of 10 records younger than an hour remembered, want all", n)
	}
	add(10, t0.Add(2*time.Hour))
	if n := len(st.txByRequestID); n != k.all {
		t.Fatalf("an hour on: %d remembered, want the bound %d", n, k.all)
	}
	if _, ok := st.txByRequestID["req-10"]; !ok {
		t.Fatal("the newest record was forgotten")
	}
}
