package app

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

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
}

// startApp builds and serves the app with env on top of test defaults.
func startApp(t *testing.T, env map[string]string) *testApp {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	dir := t.TempDir()
	vars := map[string]string{
		"DB_PATH": filepath.Join(dir, "shop.db"), "PUBLIC_URL": base, "SANDBOX_ADDR": "127.0.0.1:0",
		"PAYMENT_MODE": "direct", "RECONCILE_AFTER": "200ms", "LOG_LEVEL": "debug",
		"LOGIN_RATE": "0", "CHECKOUT_RATE": "0", "DOKU_TIMEOUT": "3s",
		"SANDBOX_PENDING_DELAY": "300ms", "SANDBOX_SLOW_DELAY": "5s", "SANDBOX_NOTIFY_RETRY_SCALE": "0.0005",
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := LoadConfig(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := New(ctx, cfg, logs)
	if err != nil {
		cancel()
		t.Fatalf("app.New: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.Serve(ctx, ln); err != nil && err != http.ErrServerClosed {
			t.Errorf("Serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	return &testApp{App: a, URL: base, Logs: logs, DB: vars["DB_PATH"]}
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
	return &shopper{t: t, app: app, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
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
	return s.do(req)
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
