package app

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"doku-checkout/doku/signature"
	"doku-checkout/handlers"
	"doku-checkout/payment"
	"doku-checkout/sandbox"
	"doku-checkout/store"
)

// artifacts holds every database, log and cookie capture the app tests
// produce; TestMain (scan_test.go) searches it for card data after the run,
// then removes it. Empty outside TestMain: tests then use t.TempDir.
var artifacts string

var artifactSeq atomic.Int64

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// artifactDir is a fresh directory for one app of test t under artifacts.
func artifactDir(t *testing.T) string {
	t.Helper()
	if artifacts == "" {
		return t.TempDir()
	}
	dir := filepath.Join(artifacts, fmt.Sprintf("%03d-%s", artifactSeq.Add(1), unsafeName.ReplaceAllString(t.Name(), "_")))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// syncBuffer collects the app's logs so tests can scan them.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testApp is the real app on a loopback port with its embedded sandbox.
type testApp struct {
	*App
	URL  string
	Logs *syncBuffer
	DB   string
	// Dir holds the database and, once the test ends, app.log.
	Dir string
	// DOKU records the app's calls to DOKU (startRecordedApp only).
	DOKU *dokuRecorder
	// keys are the session cookie keys, to decode captured cookies.
	keys [][]byte
	// transport carries the test clients' requests (nil: the default).
	transport http.RoundTripper
}

// roundTripper is what the app's test clients send through.
func (a *testApp) roundTripper() http.RoundTripper {
	if a == nil || a.transport == nil {
		return http.DefaultTransport
	}
	return a.transport
}

// startApp builds and serves the app with env on top of test defaults.
func startApp(t *testing.T, env map[string]string) *testApp {
	t.Helper()
	return launch(t, env, false)
}

// startRecordedApp is startApp with the sandbox served beside the app rather
// than inside it, behind a proxy that records every call the app makes to
// DOKU: how many Charge requests arrived, with which Request-Id.
func startRecordedApp(t *testing.T, env map[string]string) *testApp {
	t.Helper()
	return launch(t, env, true)
}

func launch(t *testing.T, env map[string]string, record bool) *testApp {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	dir := artifactDir(t)
	vars := map[string]string{
		"DB_PATH": filepath.Join(dir, "shop.db"), "PUBLIC_URL": base, "SANDBOX_ADDR": "127.0.0.1:0",
		"PAYMENT_MODE": "direct", "RECONCILE_AFTER": "200ms", "LOG_LEVEL": "debug",
		"LOGIN_RATE": "0", "CHECKOUT_RATE": "0", "DOKU_TIMEOUT": "3s",
		"SANDBOX_PENDING_DELAY": "300ms", "SANDBOX_SLOW_DELAY": "5s", "SANDBOX_NOTIFY_RETRY_SCALE": "0.0005",
	}
	for k, v := range env {
		vars[k] = v
	}
	logs := &syncBuffer{}
	t.Cleanup(func() { // registered first, so it runs after the app has stopped
		if artifacts != "" {
			if err := os.WriteFile(filepath.Join(dir, "app.log"), []byte(logs.String()), 0o600); err != nil {
				t.Errorf("keep log: %v", err)
			}
		}
	})
	var rec *dokuRecorder
	var sb *sandbox.Server
	if record {
		rec = &dokuRecorder{}
		sbURL := serveOn(t, nil)
		target, _ := url.Parse(sbURL.url)
		pxURL := serveOn(t, rec.proxy(target))
		vars["DOKU_BASE_URL"] = pxURL.url
		vars["DOKU_CLIENT_ID"], vars["DOKU_SECRET_KEY"] = SandboxClientID, SandboxSecretKey
		cfg, err := LoadConfig(func(k string) string { return vars[k] })
		if err != nil {
			t.Fatalf("LoadConfig: %v", err)
		}
		sb = sandbox.New(SandboxConfig(cfg, sbURL.url, base+handlers.NotificationPath, NewLogger(logs, "debug").With("component", "sandbox")))
		sbURL.set(sb.Handler())
		t.Cleanup(sb.Close)
	}
	cfg, err := LoadConfig(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := New(ctx, cfg, logs)
	if err != nil {
		cancel()
		t.Fatalf("app.New: %v", err)
	}
	if sb != nil {
		a.Sandbox = sb
	}
	keys, err := sessionKeys(ctx, a.Store, cfg.SessionKeys)
	if err != nil {
		t.Fatalf("session keys: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.Serve(ctx, ln); err != nil && err != http.ErrServerClosed {
			t.Errorf("Serve: %v", err)
		}
	}()
	// The test clients' own connection pool: closed before the app stops,
	// or a connection dialled but never used holds its shutdown for 5 s.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(func() {
		transport.CloseIdleConnections()
		cancel()
		<-done
		a.Close()
	})
	return &testApp{App: a, URL: base, Logs: logs, DB: vars["DB_PATH"], Dir: dir, DOKU: rec, keys: keys, transport: transport}
}

// served is a loopback server whose handler may be set after it starts.
type served struct {
	url string
	h   atomic.Value // http.Handler
}

func (s *served) set(h http.Handler) { s.h.Store(h) }

func serveOn(t *testing.T, h http.Handler) *served {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
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
	t.Cleanup(func() { srv.Close() })
	return s
}

// dokuCall is one request the app sent to DOKU.
type dokuCall struct {
	Method, Path, RequestID, Invoice string
}

// dokuRecorder is a proxy in front of the sandbox that notes each request
// as it arrives, before the sandbox sees it.
type dokuRecorder struct {
	mu    sync.Mutex
	calls []dokuCall
}

func (r *dokuRecorder) proxy(target *url.URL) http.Handler {
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
		r.calls = append(r.calls, dokuCall{Method: req.Method, Path: req.URL.Path, RequestID: req.Header.Get("Request-Id"), Invoice: in.Order.InvoiceNumber})
		r.mu.Unlock()
		rp.ServeHTTP(w, req)
	})
}

// charges lists the Request-Id of every Charge request for invoice, in
// arrival order (a resend of the same request shows twice).
func (r *dokuRecorder) charges(invoice string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.calls {
		if c.Method == http.MethodPost && c.Path == "/credit-card/charge" && c.Invoice == invoice {
			out = append(out, c.RequestID)
		}
	}
	return out
}

// chargeTotal counts every Charge request, whatever the invoice.
func (r *dokuRecorder) chargeTotal() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if c.Path == "/credit-card/charge" {
			n++
		}
	}
	return n
}

// distinct drops repeated values, keeping the first of each.
func distinct(ids []string) []string {
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

// seenCookies are the Set-Cookie headers every test client received, with
// the app that set them, for the final scan.
var seenCookies struct {
	sync.Mutex
	list []seenCookie
}

type seenCookie struct {
	header string
	app    *testApp
}

// cookieRecorder notes the Set-Cookie headers of every response.
type cookieRecorder struct {
	next http.RoundTripper
	app  *testApp
}

func (c cookieRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err == nil {
		if hs := resp.Header.Values("Set-Cookie"); len(hs) > 0 {
			seenCookies.Lock()
			for _, h := range hs {
				seenCookies.list = append(seenCookies.list, seenCookie{header: h, app: c.app})
			}
			seenCookies.Unlock()
		}
	}
	return resp, err
}

// client is an HTTP client for app that records cookies and does not follow
// redirects, with jar (may be nil).
func (a *testApp) client(jar http.CookieJar) *http.Client {
	return &http.Client{
		Jar: jar, Timeout: 30 * time.Second, Transport: cookieRecorder{next: a.roundTripper(), app: a},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// shopper is a browser stand-in: a cookie jar, the last page, its forms.
type shopper struct {
	t    *testing.T
	app  *testApp
	c    *http.Client
	doc  *goquery.Document
	resp *http.Response
	body string
}

func newShopper(t *testing.T, app *testApp) *shopper {
	jar, _ := cookiejar.New(nil)
	return &shopper{t: t, app: app, c: &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: cookieRecorder{next: app.roundTripper(), app: app}}}
}

func (s *shopper) abs(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return s.app.URL + path
}

func (s *shopper) do(req *http.Request) *shopper {
	s.t.Helper()
	resp, err := s.c.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	s.resp, s.body = resp, string(b)
	s.doc, _ = goquery.NewDocumentFromReader(bytes.NewReader(b))
	return s
}

// get loads a page.
func (s *shopper) get(path string) *shopper {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.abs(path), nil)
	return s.do(req)
}

// post sends a form; on our app it adds the CSRF token of the last page.
func (s *shopper) post(path string, form url.Values) *shopper {
	s.t.Helper()
	if form.Get("csrf") == "" && s.doc != nil {
		if tok, ok := s.doc.Find(`input[name="csrf"]`).Attr("value"); ok {
			form.Set("csrf", tok)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, s.abs(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req)
}

// submit fills the form matched by sel on the current page as a browser
// would (hidden and filled inputs, checked boxes, selects, textareas), with
// set overriding fields, and submits it.
func (s *shopper) submit(sel string, set url.Values) *shopper {
	s.t.Helper()
	req := s.formRequest(sel, set)
	return s.do(req)
}

// formRequest is the request submit would send.
func (s *shopper) formRequest(sel string, set url.Values) *http.Request {
	s.t.Helper()
	form := s.doc.Find(sel).First()
	if form.Length() == 0 {
		s.t.Fatalf("no form %q on %s:\n%s", sel, s.resp.Request.URL, s.body)
	}
	vals := formValues(form)
	for k, v := range set {
		vals[k] = v
	}
	action, _ := form.Attr("action")
	target, _ := s.resp.Request.URL.Parse(action)
	req, _ := http.NewRequest(http.MethodPost, target.String(), strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// noFollow sends req with the shopper's cookies without following a
// redirect, and returns the response with its body read.
func (s *shopper) noFollow(req *http.Request) (*http.Response, string) {
	s.t.Helper()
	c := *s.c
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func formValues(form *goquery.Selection) url.Values {
	vals := url.Values{}
	form.Find("input, select, textarea").Each(func(_ int, f *goquery.Selection) {
		name, ok := f.Attr("name")
		if !ok || name == "" {
			return
		}
		switch {
		case goquery.NodeName(f) == "select":
			opt := f.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = f.Find("option").First()
			}
			v, _ := opt.Attr("value")
			vals.Set(name, v)
		case goquery.NodeName(f) == "textarea":
			vals.Set(name, f.Text())
		default:
			typ, _ := f.Attr("type")
			if typ == "checkbox" || typ == "radio" {
				if _, checked := f.Attr("checked"); !checked {
					return
				}
			}
			if typ == "submit" || typ == "button" {
				return
			}
			v, _ := f.Attr("value")
			if typ == "checkbox" && v == "" {
				v = "on"
			}
			vals.Set(name, v)
		}
	})
	return vals
}

func (s *shopper) text(testid string) string {
	return strings.TrimSpace(s.doc.Find(`[data-testid="` + testid + `"]`).First().Text())
}

func (s *shopper) count(testid string) int {
	return s.doc.Find(`[data-testid="` + testid + `"]`).Length()
}

func (s *shopper) path() string { return s.resp.Request.URL.Path }

// addToCart puts quantity of product id in the cart from the catalog page.
func (s *shopper) addToCart(productID, quantity string) *shopper {
	s.t.Helper()
	s.get("/")
	s.post("/cart/items", url.Values{"product_id": {productID}, "quantity": {quantity}})
	if s.resp.StatusCode != http.StatusOK || s.path() != "/cart" {
		s.t.Fatalf("add to cart: got %d at %s, want 200 at /cart", s.resp.StatusCode, s.path())
	}
	return s
}

// contact is a valid set of checkout details.
func contact() url.Values {
	return url.Values{
		"name": {"Siti Rahma"}, "email": {"siti@example.com"}, "phone": {"081234567890"},
		"address": {"Jl. Merdeka No. 10, Bandung"}, "country": {"ID"},
	}
}

// card returns checkout fields for a new card.
func card(number, cvv string) url.Values {
	v := contact()
	v.Set("card_number", number)
	v.Set("card_expiry", "1230")
	v.Set("card_cvv", cvv)
	v.Set("saved_card", "0")
	return v
}

// checkout opens /checkout and submits it with fields.
func (s *shopper) checkout(fields url.Values) *shopper {
	s.t.Helper()
	s.get("/checkout")
	if s.resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET /checkout: %d\n%s", s.resp.StatusCode, s.body)
	}
	return s.submit(`form[action="/checkout"]`, fields)
}

// otp answers the sandbox's 3DS challenge page.
func (s *shopper) otp(code string) *shopper {
	s.t.Helper()
	if s.doc.Find("#otp").Length() == 0 {
		s.t.Fatalf("not on the 3DS challenge page: %d %s\n%s", s.resp.StatusCode, s.resp.Request.URL, s.body)
	}
	return s.submit("form", url.Values{"otp": {code}})
}

// pay runs cart → checkout → 3DS with the OTP and returns on the receipt.
func (s *shopper) pay(fields url.Values, code string) *shopper {
	s.t.Helper()
	return s.checkout(fields).otp(code)
}

// waitStatus reloads the receipt until it shows want or the deadline passes.
func (s *shopper) waitStatus(want string, within time.Duration) {
	s.t.Helper()
	receipt := s.resp.Request.URL.String()
	deadline := time.Now().Add(within)
	for {
		if got := s.text("order-status"); got == want {
			return
		} else if time.Now().After(deadline) {
			s.t.Fatalf("order status = %q after %s, want %q", got, within, want)
		}
		time.Sleep(100 * time.Millisecond)
		s.get(receipt)
	}
}

// order reads the order with invoice from the app's store.
func (a *testApp) order(t *testing.T, invoice string) store.Order {
	t.Helper()
	o, err := a.Store.OrderByInvoice(context.Background(), invoice)
	if err != nil {
		t.Fatalf("order %s: %v", invoice, err)
	}
	return o
}

// waitOrder polls the store until the order reaches want, or fails after within.
func (a *testApp) waitOrder(t *testing.T, invoice string, want payment.Status, within time.Duration) store.Order {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		o := a.order(t, invoice)
		if o.Status == want {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s is %s after %s, want %s", invoice, o.Status, within, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// events lists the order's recorded changes.
func (a *testApp) events(t *testing.T, o store.Order) []store.Event {
	t.Helper()
	ev, err := a.Store.OrderEvents(context.Background(), o.ID)
	if err != nil {
		t.Fatalf("events of %s: %v", o.Invoice, err)
	}
	return ev
}

// statusPath is the order's states in the order it took them, from CREATED.
func (a *testApp) statusPath(t *testing.T, o store.Order) string {
	t.Helper()
	var out []string
	for _, e := range a.events(t, o) {
		out = append(out, string(e.To))
	}
	return strings.Join(out, "→")
}

// countOrders counts every order in the app's database.
func (a *testApp) countOrders(t *testing.T) int {
	t.Helper()
	db, err := openRO(a.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM orders`).Scan(&n); err != nil {
		t.Fatalf("count orders: %v", err)
	}
	return n
}

// notificationBody is a DOKU card notification as the contract describes it.
func notificationBody(invoice string, amount int64, status, chargeRequestID string) []byte {
	b, _ := json.Marshal(map[string]any{
		"service":     map[string]string{"id": "CREDIT_CARD"},
		"acquirer":    map[string]string{"id": "BANK_MANDIRI"},
		"channel":     map[string]string{"id": "CREDIT_CARD"},
		"transaction": map[string]string{"status": status, "date": time.Now().UTC().Format(signature.TimestampLayout), "original_request_id": chargeRequestID},
		"order":       map[string]any{"invoice_number": invoice, "amount": amount},
		"card_payment": map[string]string{"masked": "400000******0259", "brand": "VISA", "approval_code": "424242",
			"response_code": "00", "response_message": "Approved"},
	})
	return b
}

// notify POSTs body to the app's notification URL signed with secret (the
// app's own secret for a genuine notification) and returns the status.
func (a *testApp) notify(t *testing.T, body []byte, secret string) int {
	t.Helper()
	code, err := a.tryNotify(body, secret)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// tryNotify is notify for goroutines: it reports errors instead of failing.
func (a *testApp) tryNotify(body []byte, secret string) (int, error) {
	ts := time.Now().UTC().Format(signature.TimestampLayout)
	c := signature.Components{ClientID: a.Config.ClientID, RequestID: uuid.NewString(), Timestamp: ts,
		Target: handlers.NotificationPath, Digest: signature.Digest(body)}
	req, _ := http.NewRequest(http.MethodPost, a.URL+handlers.NotificationPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signature.HeaderClientID, c.ClientID)
	req.Header.Set(signature.HeaderRequestID, c.RequestID)
	req.Header.Set(signature.HeaderRequestTimestamp, ts)
	req.Header.Set(signature.HeaderSignature, signature.Sign(secret, c))
	resp, err := a.client(nil).Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// toChallenge puts product 1 in a fresh shopper's cart and checks out with
// a new card up to DOKU's 3DS page.
func toChallenge(t *testing.T, app *testApp, pan, cvv string) *shopper {
	t.Helper()
	s := newShopper(t, app)
	s.addToCart("2", "1") // Kopi Gayo, Rp 85.000
	s.checkout(card(pan, cvv))
	if s.doc.Find("#otp").Length() == 0 {
		t.Fatalf("checkout did not reach the 3DS page: %d %s\n%s", s.resp.StatusCode, s.resp.Request.URL, s.body)
	}
	return s
}

// passChallenge answers the 3DS page with the right OTP without following
// DOKU's redirect, and returns where DOKU sends the browser: our 3DS return.
func (s *shopper) passChallenge() string {
	s.t.Helper()
	resp, _ := s.noFollow(s.formRequest("form", url.Values{"otp": {"123456"}}))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/checkout/3ds/") {
		s.t.Fatalf("3DS answer: %d to %q, want 303 to our 3DS return", resp.StatusCode, loc)
	}
	return loc
}

// openRO opens the SQLite file at path read-only, beside its app.
func openRO(path string) (*sql.DB, error) {
	return sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
}
