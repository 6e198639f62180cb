package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"doku-checkout/doku/signature"
)

// receiver is a merchant notification endpoint that answers with codes in
// turn (then 200) and records what arrived.
type receiver struct {
	mu       sync.Mutex
	codes    []int
	received []received
	srv      *httptest.Server
}

type received struct {
	at       time.Time
	header   http.Header
	body     []byte
	verified bool
	env      envelope
}

const notifyPath = "/webhooks/doku"

func newReceiver(t *testing.T, codes ...int) *receiver {
	rc := &receiver{codes: codes}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c := signature.Components{
			ClientID:  r.Header.Get(signature.HeaderClientID),
			RequestID: r.Header.Get(signature.HeaderRequestID),
			Timestamp: r.Header.Get(signature.HeaderRequestTimestamp),
			Target:    r.URL.Path,
			Digest:    signature.Digest(body),
		}
		got := received{at: time.Now(), header: r.Header.Clone(), body: body,
			verified: r.URL.Path == notifyPath && c.ClientID == testClientID && signature.Verify(testSecret, c, r.Header.Get(signature.HeaderSignature))}
		_ = json.Unmarshal(body, &got.env)
		rc.mu.Lock()
		rc.received = append(rc.received, got)
		code := http.StatusOK
		if len(rc.codes) > 0 {
			code, rc.codes = rc.codes[0], rc.codes[1:]
		}
		rc.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) all() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.received...)
}

func (rc *receiver) count() int { return len(rc.all()) }

func TestNotificationRetriedAndSigned(t *testing.T) {
	rc := newReceiver(t, http.StatusInternalServerError)
	h := newHarness(t, func(c *Config) { c.NotifyRetryScale = 0.0001 }) // first retry after 180 ms
	h.s.SetNotificationURL(rc.srv.URL + notifyPath)
	id := h.newRequestID()
	res := h.post("/credit-card/charge", id, motoBody("INV-N1", 7000, "4111111111111111", futureExpiry()))
	if res.status != 200 {
		t.Fatalf("charge: got %d, want 200", res.status)
	}
	waitFor(t, 3*time.Second, "retry", func() bool { return rc.count() >= 2 })
	got := rc.all()
	for i, n := range got {
		if !n.verified {
			t.Errorf("notification %d: signature does not verify", i)
		}
	}
	if a, b := got[0].header.Get(signature.HeaderRequestID), got[1].header.Get(signature.HeaderRequestID); a == "" || a != b {
		t.Errorf("retry Request-Id: got %q then %q, want the same non-empty id", a, b)
	}
	if gap := got[1].at.Sub(got[0].at); gap < 150*time.Millisecond {
		t.Errorf("retry gap: got %v, want about 180ms", gap)
	}
	e := got[0].env
	if e.Transaction.Status != statusSuccess || e.Transaction.OriginalRequestID != id || e.Order.InvoiceNumber != "INV-N1" ||
		e.Order.Amount != 7000 || e.Service.ID != "CREDIT_CARD" || e.Channel.ID != "CREDIT_CARD" || e.Acquirer.ID == "" ||
		e.CardPayment == nil || e.CardPayment.Masked != "411111******1111" || e.CardPayment.ResponseCode != "00" || len(e.CardPayment.ApprovalCode) != 6 {
		t.Errorf("envelope: got %s", got[0].body)
	}
	time.Sleep(300 * time.Millisecond)
	if n := rc.count(); n != 2 {
		t.Errorf("deliveries after a 2xx: got %d, want 2", n)
	}
}

func TestNotificationGivesUpAfterThreeRetries(t *testing.T) {
	rc := newReceiver(t, 500, 500, 500, 500, 500)
	h := newHarness(t, func(c *Config) { c.NotifyRetryScale = 0.00002 }) // 36 ms, 432 ms, 864 ms
	h.s.SetNotificationURL(rc.srv.URL + notifyPath)
	h.post("/credit-card/charge", h.newRequestID(), motoBody("INV-N2", 7000, "4000000000000002", futureExpiry()))
	waitFor(t, 3*time.Second, "4 attempts", func() bool { return rc.count() >= 4 })
	time.Sleep(200 * time.Millisecond)
	if n := rc.count(); n != 4 {
		t.Errorf("attempts: got %d, want 4 (1 + 3 retries)", n)
	}
	if s := rc.all()[0].env.Transaction.Status; s != statusFailed {
		t.Errorf("status: got %s, want FAILED", s)
	}
}

func TestPendingCardNotification(t *testing.T) {
	rc := newReceiver(t)
	h := newHarness(t, func(c *Config) { c.PendingDelay = 200 * time.Millisecond })
	h.s.SetNotificationURL(rc.srv.URL + notifyPath)
	authID := h.authenticate("INV-N3", 1000, "4000000000000259", futureExpiry())
	out := chargeOut(t, h.post("/credit-card/charge", h.newRequestID(), saleBody("INV-N3", 1000, authID)))
	if out.Payment.Status != statusPending {
		t.Fatalf("charge: got %s, want PENDING", out.Payment.Status)
	}
	if got := h.statusOf("INV-N3"); got != statusPending {
		t.Errorf("status before PendingDelay: got %s, want PENDING", got)
	}
	time.Sleep(100 * time.Millisecond)
	if n := rc.count(); n != 0 {
		t.Errorf("notifications before PendingDelay: got %d, want 0", n)
	}
	waitFor(t, 2*time.Second, "SUCCESS notification", func() bool { return rc.count() == 1 })
	if n := rc.all()[0]; n.env.Transaction.Status != statusSuccess || !n.verified {
		t.Errorf("notification: got %s verified=%v, want SUCCESS signed", n.env.Transaction.Status, n.verified)
	}
	if got := h.statusOf("INV-N3"); got != statusSuccess {
		t.Errorf("status after: got %s, want SUCCESS", got)
	}
}

func TestSpecialCardsNotify(t *testing.T) {
	rc := newReceiver(t)
	h := newHarness(t, nil)
	h.s.SetNotificationURL(rc.srv.URL + notifyPath)
	for i, card := range []string{"4000000000000119", "4000000000000200", "4000000000000341"} {
		inv := "INV-SN-" + card
		authID := h.authenticate(inv, 1000, card, futureExpiry())
		h.send(signedRequest(h.srv.URL, http.MethodPost, "/credit-card/charge", h.newRequestID(), mustJSON(saleBody(inv, 1000, authID)), time.Now()))
		waitFor(t, 2*time.Second, "notification for "+card, func() bool { return rc.count() == i+1 })
		if n := rc.all()[i]; n.env.Transaction.Status != statusSuccess || n.env.Order.InvoiceNumber != inv {
			t.Errorf("%s: got %s %s, want SUCCESS %s", card, n.env.Transaction.Status, n.env.Order.InvoiceNumber, inv)
		}
	}
}
