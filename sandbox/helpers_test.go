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
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"doku-checkout/doku/signature"
)

const (
	testClientID = "MCH-0001-10791114622547"
	testSecret   = "SK-hCJ42G28TA0MKG9LE2E5"
	successURL   = "https://shop.example/3ds/return?order=ORD-1&result=ok"
	failedURL    = "https://shop.example/3ds/return?order=ORD-1&result=failed"
)

// harness is a sandbox behind a real HTTP server, plus a signing client.
type harness struct {
	t      *testing.T
	s      *Server
	srv    *httptest.Server
	client *http.Client // does not follow redirects
	seq    atomic.Int64
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func newHarness(t *testing.T, mutate func(*Config)) *harness {
	srv := httptest.NewUnstartedServer(nil)
	cfg := Config{
		ClientID:         testClientID,
		SecretKey:        testSecret,
		PublicURL:        "http://" + srv.Listener.Addr().String(),
		PendingDelay:     150 * time.Millisecond,
		SlowDelay:        300 * time.Millisecond,
		NotifyRetryScale: 0.0001,
		Logger:           quietLogger(),
	}
	if mutate != nil {
		mutate(&cfg)
	}
	s := New(cfg)
	srv.Config.Handler = s.Handler()
	srv.Start()
	h := &harness{
		t:   t,
		s:   s,
		srv: srv,
		client: &http.Client{
			Timeout:       10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	return h
}

// futureExpiry is a MMYY two years ahead.
func futureExpiry() string {
	return fmt.Sprintf("12%02d", (time.Now().Year()+2)%100)
}

// pastExpiry is a MMYY in the past.
func pastExpiry() string {
	return fmt.Sprintf("01%02d", (time.Now().Year()-1)%100)
}

func (h *harness) newRequestID() string {
	return fmt.Sprintf("req-%d-%d", time.Now().UnixNano(), h.seq.Add(1))
}

// signedRequest builds a request signed as docs/doku-api.md §2 says.
func signedRequest(base, method, path, requestID string, body []byte, ts time.Time) *http.Request {
	var rdr io.Reader
	if body != nil {
		rdr = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rdr)
	if err != nil {
		panic(err)
	}
	stamp := ts.UTC().Format(signature.TimestampLayout)
	c := signature.Components{ClientID: testClientID, RequestID: requestID, Timestamp: stamp, Target: req.URL.EscapedPath()}
	if method == http.MethodPost {
		c.Digest = signature.Digest(body)
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(signature.HeaderClientID, testClientID)
	req.Header.Set(signature.HeaderRequestID, requestID)
	req.Header.Set(signature.HeaderRequestTimestamp, stamp)
	req.Header.Set(signature.HeaderSignature, signature.Sign(testSecret, c))
	return req
}

// result is a received response.
type result struct {
	status int
	header http.Header
	body   []byte
	path   string
}

func (r result) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response body is not JSON: %v: %s", err, r.body)
	}
	return m
}

// errorCode is error.code of an error envelope, or the code leading
// message[0] of DOKU Checkout's {"message":["CODE: text"]}.
func (r result) errorCode() string {
	code, _ := r.errorParts()
	return code
}

func (r result) errorMessage() string {
	_, msg := r.errorParts()
	return msg
}

func (r result) errorParts() (code, message string) {
	var e struct {
		errorEnvelope
		Message []string `json:"message"`
	}
	_ = json.Unmarshal(r.body, &e)
	if e.Error.Code != "" || len(e.Message) == 0 {
		return e.Error.Code, e.Error.Message
	}
	code, message, _ = strings.Cut(e.Message[0], ": ")
	return code, message
}

// signatureOK verifies the response signature (five lines, Response-Timestamp).
func (r result) signatureOK(requestID string) bool {
	c := signature.Components{
		ClientID:      r.header.Get(signature.HeaderClientID),
		RequestID:     r.header.Get(signature.HeaderRequestID),
		TimestampName: signature.HeaderResponseTimestamp,
		Timestamp:     r.header.Get(signature.HeaderResponseTimestamp),
		Target:        r.path,
		Digest:        signature.Digest(r.body),
	}
	return c.ClientID == testClientID && c.RequestID == requestID && signature.Verify(testSecret, c, r.header.Get(signature.HeaderSignature))
}

func (h *harness) send(req *http.Request) result {
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("read body: %v", err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: b, path: req.URL.EscapedPath()}
}

// postRaw signs and sends body; the response signature must verify.
func (h *harness) postRaw(path, requestID string, body []byte) result {
	h.t.Helper()
	res := h.send(signedRequest(h.srv.URL, http.MethodPost, path, requestID, body, time.Now()))
	if !res.signatureOK(requestID) {
		h.t.Errorf("POST %s: response signature does not verify (status %d)", path, res.status)
	}
	return res
}

func (h *harness) post(path, requestID string, v any) result {
	h.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.postRaw(path, requestID, b)
}

func (h *harness) status(key string) result {
	h.t.Helper()
	id := h.newRequestID()
	res := h.send(signedRequest(h.srv.URL, http.MethodGet, "/orders/v1/status/"+url.PathEscape(key), id, nil, time.Now()))
	if !res.signatureOK(id) {
		h.t.Errorf("GET status: response signature does not verify")
	}
	return res
}

// statusOf is transaction.status from the status check, or "" when not 200.
func (h *harness) statusOf(key string) string {
	h.t.Helper()
	res := h.status(key)
	if res.status != http.StatusOK {
		return ""
	}
	var e envelope
	if err := json.Unmarshal(res.body, &e); err != nil {
		h.t.Fatal(err)
	}
	if e.Transaction == nil {
		return e.Order.Status // a Checkout order nobody has paid on yet
	}
	return e.Transaction.Status
}

type obj = map[string]any

func threeDSBody(invoice string, amount int64, number, expiry string) obj {
	return obj{
		"order": obj{"invoice_number": invoice, "amount": amount},
		"card":  obj{"number": number, "expiry": expiry},
		"three_dsecure": obj{
			"callback_url_success": successURL,
			"callback_url_failed":  failedURL,
		},
	}
}

// checkThreeDS starts a 3DS authentication and returns its id and URL.
func (h *harness) checkThreeDS(body obj) (string, string) {
	h.t.Helper()
	res := h.post("/credit-card/check-three-d-secure", h.newRequestID(), body)
	if res.status != http.StatusOK {
		h.t.Fatalf("check 3DS: got %d %s, want 200", res.status, res.body)
	}
	var out checkThreeDSResponse
	if err := json.Unmarshal(res.body, &out); err != nil {
		h.t.Fatal(err)
	}
	return out.ThreeDSecure.AuthenticationID, out.ThreeDSecure.AuthenticationURL
}

// submitOTP posts otp on the challenge page and returns the 303 Location.
func (h *harness) submitOTP(authURL, otp string) string {
	h.t.Helper()
	resp, err := h.client.PostForm(authURL, url.Values{"otp": {otp}})
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("OTP submit: got %d, want 303", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// authenticate runs check 3DS and the challenge with the right OTP.
func (h *harness) authenticate(invoice string, amount int64, number, expiry string) string {
	h.t.Helper()
	id, u := h.checkThreeDS(threeDSBody(invoice, amount, number, expiry))
	h.submitOTP(u, passingOTP)
	return id
}

func saleBody(invoice string, amount int64, authID string) obj {
	return obj{
		"order":         obj{"invoice_number": invoice, "amount": amount},
		"three_dsecure": obj{"authentication_id": authID},
		"payment":       obj{"type": "SALE"},
	}
}

func motoBody(invoice string, amount int64, number, expiry string) obj {
	return obj{
		"order":   obj{"invoice_number": invoice, "amount": amount},
		"payment": obj{"type": "MOTO"},
		"card":    obj{"number": number, "expiry": expiry},
	}
}

// chargeOut decodes a charge response.
func chargeOut(t testing.TB, res result) chargeResponse {
	t.Helper()
	var out chargeResponse
	if err := json.Unmarshal(res.body, &out); err != nil {
		t.Fatalf("charge response: %v: %s", err, res.body)
	}
	return out
}

// getPage fetches a page and returns status and HTML.
func (h *harness) getPage(u string) (int, string) {
	h.t.Helper()
	resp, err := h.client.Get(u)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
