package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// What one checkout flow costs the sandbox: the CPU of a flow after many
// others, and the heap a flow leaves behind. The app embeds the sandbox,
// so both count against the app's figures (issue 15). Run with
//
//	go test ./sandbox -run '^$' -bench 'ChargeAfter|HeapPerFlow' -benchtime 2000x
//
// BenchmarkChargeAfterManyTransactions' sub-benchmarks compare a flow after
// 10 and after 100,000 earlier transactions: the ratio of their ns/op is
// what a growing history costs each charge (1 when nothing is scanned).

// flowDriver runs checkout flows straight through the sandbox's handler,
// without a network, as the app's embedded sandbox sees them.
type flowDriver struct {
	tb  testing.TB
	s   *Server
	h   http.Handler
	seq int
}

// okTransport answers every notification 200 at once.
type okTransport struct{}

func (okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
}

func newFlowDriver(tb testing.TB, mutate func(*Config)) *flowDriver {
	cfg := Config{
		ClientID:        testClientID,
		SecretKey:       testSecret,
		PublicURL:       "http://sandbox.test",
		NotificationURL: "http://shop.test/payments/doku/notify",
		HTTPClient:      &http.Client{Transport: okTransport{}},
		Logger:          slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError})),
	}
	if mutate != nil {
		mutate(&cfg)
	}
	s := New(cfg)
	tb.Cleanup(s.Close)
	return &flowDriver{tb: tb, s: s, h: s.Handler()}
}

func (d *flowDriver) serve(req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	d.h.ServeHTTP(w, req)
	return w
}

func (d *flowDriver) post(path string, body any) (string, *httptest.ResponseRecorder) {
	b, err := json.Marshal(body)
	if err != nil {
		d.tb.Fatal(err)
	}
	d.seq++
	id := fmt.Sprintf("%08d-8f5e-4c2a-9b1d-%012d", d.seq, d.seq)
	return id, d.serve(signedRequest("http://sandbox.test", http.MethodPost, path, id, b, time.Now()))
}

// flow runs one purchase as the app makes it: check 3DS, the OTP, a SALE
// for a customer, and returns the charge's Request-Id and invoice.
func (d *flowDriver) flow(card string) (requestID, invoice string) {
	d.tb.Helper()
	invoice = fmt.Sprintf("INV-%d-%06d", time.Now().Unix()%100000, d.seq)
	const amount = 150000
	exp := futureExpiry()
	body := threeDSBody(invoice, amount, card, exp)
	body["three_dsecure"] = obj{
		"callback_url_success": "https://shop.example/checkout/3ds/return?order=" + invoice + "&k=0123456789abcdef0123456789abcdef&result=ok",
		"callback_url_failed":  "https://shop.example/checkout/3ds/return?order=" + invoice + "&k=0123456789abcdef0123456789abcdef&result=failed",
	}
	body["order"].(obj)["line_items"] = []obj{{"name": "Kopi Gayo 250g", "price": 75000, "quantity": 2}}
	body["customer"] = obj{"id": "CUST-" + invoice, "name": "Budi Santoso", "email": "budi@example.com"}
	_, w := d.post("/credit-card/check-three-d-secure", body)
	if w.Code != http.StatusOK {
		d.tb.Fatalf("check 3DS: got %d %s", w.Code, w.Body)
	}
	var out checkThreeDSResponse
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		d.tb.Fatal(err)
	}
	authID := out.ThreeDSecure.AuthenticationID
	form := url.Values{"otp": {passingOTP}}.Encode()
	req := httptest.NewRequest(http.MethodPost, challengeRef(authID), strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if w := d.serve(req); w.Code != http.StatusSeeOther {
		d.tb.Fatalf("OTP: got %d", w.Code)
	}
	sale := withCustomer(saleBody(invoice, amount, authID), "CUST-"+invoice)
	sale["order"].(obj)["line_items"] = []obj{{"name": "Kopi Gayo 250g", "price": 75000, "quantity": 2}}
	requestID, w = d.post("/credit-card/charge", sale)
	if w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), []byte(statusSuccess)) {
		d.tb.Fatalf("charge: got %d %s", w.Code, w.Body)
	}
	return requestID, invoice
}

// prefill records n executed charges straight into the state, as n earlier
// flows would have left them.
func (d *flowDriver) prefill(n int) {
	exp := futureExpiry()
	for i := range n {
		d.s.mu.Lock()
		d.s.execute(d.s.st, chargeSpec{
			requestID:   fmt.Sprintf("prefill-%08d-4c2a-9b1d-%012d", i, i),
			invoice:     fmt.Sprintf("PRE-%08d", i),
			amount:      150000,
			customerID:  fmt.Sprintf("CUST-PRE-%08d", i),
			paymentType: paymentSale,
			authID:      randomHex(32),
			card:        cardData{number: "4111111111111111", expiry: exp, brand: brandVisa},
		})
		d.s.mu.Unlock()
	}
}

// BenchmarkChargeAfterManyTransactions is one checkout flow (check 3DS,
// OTP, charge) after 10 and after 100,000 earlier transactions.
func BenchmarkChargeAfterManyTransactions(b *testing.B) {
	for _, n := range []int{10, 100_000} {
		b.Run(fmt.Sprintf("after=%d", n), func(b *testing.B) {
			d := newFlowDriver(b, nil)
			d.prefill(n)
			b.ResetTimer()
			for range b.N {
				d.flow("4111111111111111")
			}
		})
	}
}

// BenchmarkHeapPerFlow runs b.N flows and reports the live heap they left
// behind, per flow, once the garbage is collected and the notifications
// are delivered. With -benchtime 20000x it is the heap of the bench's
// ~20,000 flows under the default bounds (beyond them it falls towards 0);
// "compacted" keeps almost nothing whole and no replays, so its figure is
// what one compacted record costs.
func BenchmarkHeapPerFlow(b *testing.B) {
	for _, c := range []struct {
		name   string
		mutate func(*Config)
	}{
		{"defaults", nil},
		{"compacted", func(c *Config) { c.FullRecordsKeep, c.RecordsKeep, c.IdempotencyKeep = 10, 1<<30, 10 }},
	} {
		b.Run(c.name, func(b *testing.B) {
			d := newFlowDriver(b, c.mutate)
			before := liveHeap()
			b.ResetTimer()
			for range b.N {
				d.flow("4111111111111111")
			}
			b.StopTimer()
			time.Sleep(2 * notifyLag) // the last notifications go out
			after := liveHeap()
			if p := os.Getenv("SANDBOX_HEAP_PROFILE"); p != "" {
				writeHeapProfile(b, p+"."+c.name)
			}
			runtime.KeepAlive(d)
			b.ReportMetric(float64(after-before)/float64(b.N), "live-B/flow")
			b.ReportMetric(float64(after-before)/(1<<20), "live-MB")
		})
	}
}

// writeHeapProfile writes the heap profile to path, for
// go tool pprof -sample_index=inuse_space.
func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// liveHeap is the heap in use after a full collection.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
