package doku

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"doku-checkout/doku/signature"
)

const (
	testClientID = "MCH-0001-10791114622547"
	testKey      = "SK-hCJ42G28TA0MKG9LE2E5"
	testCard     = "4111111111111111"
)

// received is one request as the fake DOKU saw it.
type received struct {
	method      string
	target      string
	requestID   string
	timestamp   string
	contentType string
	body        []byte
}

// fakeDOKU is a minimal DOKU for the client's tests. It checks each
// request's signature independently (digest recomputed over the bytes
// received, path as requested) and lets each test choose the answer.
type fakeDOKU struct {
	t   *testing.T
	srv *httptest.Server

	mu  sync.Mutex
	got []received

	// handle answers request number n (0-based).
	handle func(w http.ResponseWriter, r *http.Request, n int)
}

func newFakeDOKU(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *fakeDOKU {
	t.Helper()
	f := &fakeDOKU{t: t, handle: handle}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

// client returns a Client for f with short timeouts.
func (f *fakeDOKU) client(mod ...func(*Config)) *Client {
	cfg := Config{
		BaseURL:   f.srv.URL,
		ClientID:  testClientID,
		SecretKey: testKey,
		Timeout:   2 * time.Second,
	}
	for _, m := range mod {
		m(&cfg)
	}
	c := New(cfg)
	c.backoff = 10 * time.Millisecond
	return c
}

func (f *fakeDOKU) requests() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.got...)
}

// sha256Base64 is the contract's Digest, computed here without the package.
func sha256Base64(b []byte) string {
	sum := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func (f *fakeDOKU) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("fake DOKU: reading body: %v", err)
		return
	}
	rec := received{
		method:      r.Method,
		target:      r.URL.EscapedPath(),
		requestID:   r.Header.Get(signature.HeaderRequestID),
		timestamp:   r.Header.Get(signature.HeaderRequestTimestamp),
		contentType: r.Header.Get("Content-Type"),
		body:        body,
	}
	f.mu.Lock()
	n := len(f.got)
	f.got = append(f.got, rec)
	f.mu.Unlock()

	comp := signature.Components{
		ClientID:  r.Header.Get(signature.HeaderClientID),
		RequestID: rec.requestID,
		Timestamp: rec.timestamp,
		Target:    rec.target,
	}
	if r.Method == http.MethodPost {
		comp.Digest = sha256Base64(body)
		if rec.contentType != "application/json" {
			f.t.Errorf("fake DOKU: Content-Type = %q, want application/json", rec.contentType)
		}
	} else if len(body) != 0 {
		f.t.Errorf("fake DOKU: %s with a %d-byte body", r.Method, len(body))
	}
	if comp.ClientID != testClientID {
		f.t.Errorf("fake DOKU: Client-Id = %q, want %q", comp.ClientID, testClientID)
	}
	if rec.requestID == "" {
		f.t.Error("fake DOKU: no Request-Id")
	}
	if _, err := time.Parse(signature.TimestampLayout, rec.timestamp); err != nil {
		f.t.Errorf("fake DOKU: Request-Timestamp %q: %v", rec.timestamp, err)
	}
	if got, want := r.Header.Get(signature.HeaderSignature), signature.Sign(testKey, comp); got != want {
		f.t.Errorf("fake DOKU: Signature = %q, want %q (over %q)", got, want, signature.StringToSign(comp))
		writeReply(w, r, reply{status: http.StatusUnauthorized, body: `{"error":{"code":"INVALID_SIGNATURE","message":"bad signature","type":"auth"}}`})
		return
	}
	f.handle(w, r, n)
}

// reply is an answer of the fake DOKU, correctly signed unless told otherwise.
type reply struct {
	status    int
	body      string
	unsigned  bool
	key       string // signing key; default testKey
	clientID  string // echoed Client-Id; default testClientID
	requestID string // echoed Request-Id; default the request's
	target    string // signed Request-Target; default the path requested
	fourLine  bool   // sign without the Digest line
	tamper    bool   // change the body after signing
	timestamp string // Response-Timestamp; default now
}

func writeReply(w http.ResponseWriter, r *http.Request, rep reply) {
	if rep.key == "" {
		rep.key = testKey
	}
	if rep.clientID == "" {
		rep.clientID = testClientID
	}
	if rep.requestID == "" {
		rep.requestID = r.Header.Get(signature.HeaderRequestID)
	}
	if rep.target == "" {
		rep.target = r.URL.EscapedPath()
	}
	ts := time.Now().UTC().Format(signature.TimestampLayout)
	if rep.timestamp != "" {
		ts = rep.timestamp
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set(signature.HeaderClientID, rep.clientID)
	h.Set(signature.HeaderRequestID, rep.requestID)
	h.Set(signature.HeaderResponseTimestamp, ts)
	if !rep.unsigned {
		comp := signature.Components{
			ClientID:      rep.clientID,
			RequestID:     rep.requestID,
			TimestampName: signature.HeaderResponseTimestamp,
			Timestamp:     ts,
			Target:        rep.target,
		}
		if !rep.fourLine {
			comp.Digest = sha256Base64([]byte(rep.body))
		}
		h.Set(signature.HeaderSignature, signature.Sign(rep.key, comp))
	}
	body := rep.body
	if rep.tamper {
		body = body[:len(body)-1] + " }"
	}
	w.WriteHeader(rep.status)
	io.WriteString(w, body)
}

// always answers every request with rep.
func always(rep reply) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, _ int) { writeReply(w, r, rep) }
}

// dropConnection closes the connection without any HTTP answer.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	conn.Close()
}
