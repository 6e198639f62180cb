package apptest

import (
	"bytes"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
)

// served is a loopback server whose handler may be set after it starts.
type served struct {
	url string
	h   atomic.Value // http.Handler
}

func (s *served) set(h http.Handler) { s.h.Store(h) }

func serveOn(tb testing.TB, h http.Handler) *served {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &served{url: "http://" + ln.Addr().String()}
	if h != nil {
		s.set(h)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, _ := s.h.Load().(http.Handler)
		if h == nil {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}), ErrorLog: log.New(io.Discard, "", 0)}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return s
}

// Call is one request the app sent to DOKU.
type Call struct {
	Method, Path, RequestID, Invoice string
}

// Recorder is a proxy in front of the sandbox that notes each request as
// it arrives, before the sandbox sees it.
type Recorder struct {
	mu    sync.Mutex
	calls []Call
}

func (r *Recorder) proxy(target *url.URL) http.Handler {
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ErrorLog = log.New(io.Discard, "", 0)
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		var in struct {
			Order struct {
				InvoiceNumber string `json:"invoice_number"`
			} `json:"order"`
		}
		_ = json.Unmarshal(body, &in)
		r.mu.Lock()
		r.calls = append(r.calls, Call{Method: req.Method, Path: req.URL.Path, RequestID: req.Header.Get("Request-Id"), Invoice: in.Order.InvoiceNumber})
		r.mu.Unlock()
		rp.ServeHTTP(w, req)
	})
}

// Calls lists every request so far, in arrival order.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

// Charges lists the Request-Id of every Charge request for invoice, in
// arrival order (a resend of the same request shows twice).
func (r *Recorder) Charges(invoice string) []string {
	var out []string
	for _, c := range r.Calls() {
		if c.Method == http.MethodPost && c.Path == "/credit-card/charge" && c.Invoice == invoice {
			out = append(out, c.RequestID)
		}
	}
	return out
}

// ChargeTotal counts every Charge request, whatever the invoice.
func (r *Recorder) ChargeTotal() int {
	n := 0
	for _, c := range r.Calls() {
		if c.Path == "/credit-card/charge" {
			n++
		}
	}
	return n
}

// Distinct drops repeated values, keeping the first of each.
func Distinct(ids []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
