package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// Test card from the DOKU contract (docs/doku-api.md §14): success, 3DS with OTP.
const (
	testCard   = "4111111111111111"
	testExpiry = "1230"
	testCVV    = "123"
	testOTP    = "123456"
)

// shopper is a browser stand-in: a cookie jar over a keep-alive transport,
// the last page and its parsed document.
type shopper struct {
	base string // the app's URL
	c    *http.Client
	resp *http.Response
	doc  *goquery.Document
}

func newShopper(base string, tr http.RoundTripper) *shopper {
	jar, _ := cookiejar.New(nil)
	return &shopper{base: base, c: &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}}
}

func (s *shopper) do(req *http.Request) error {
	// The flow reads the pages' English texts (the shop's default is Bahasa Indonesia).
	req.Header.Set("Accept-Language", "en")
	resp, err := s.c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	s.resp = resp
	if s.doc, err = goquery.NewDocumentFromReader(bytes.NewReader(b)); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: status %d", req.Method, resp.Request.URL.Path, resp.StatusCode)
	}
	return nil
}

func (s *shopper) get(ctx context.Context, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+path, nil)
	if err != nil {
		return err
	}
	return s.do(req)
}

// submit fills the form matched by sel on the current page as a browser
// would (hidden and filled inputs, checked boxes, selects, textareas), with
// set overriding fields, and posts it to the form's action.
func (s *shopper) submit(ctx context.Context, sel string, set url.Values) error {
	form := s.doc.Find(sel).First()
	if form.Length() == 0 {
		return fmt.Errorf("no form %q on %s", sel, s.resp.Request.URL.Path)
	}
	vals := formValues(form)
	for k, v := range set {
		vals[k] = v
	}
	target, err := s.resp.Request.URL.Parse(form.AttrOr("action", ""))
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.String(), strings.NewReader(vals.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req)
}

func formValues(form *goquery.Selection) url.Values {
	vals := url.Values{}
	form.Find("input, select, textarea").Each(func(_ int, f *goquery.Selection) {
		name := f.AttrOr("name", "")
		if name == "" {
			return
		}
		switch goquery.NodeName(f) {
		case "select":
			opt := f.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = f.Find("option").First()
			}
			vals.Set(name, opt.AttrOr("value", ""))
		case "textarea":
			vals.Set(name, f.Text())
		default:
			typ := f.AttrOr("type", "text")
			if _, checked := f.Attr("checked"); (typ == "checkbox" || typ == "radio") && !checked {
				return
			}
			if typ == "submit" || typ == "button" {
				return
			}
			vals.Set(name, f.AttrOr("value", ""))
		}
	})
	return vals
}

func (s *shopper) testid(id string) string {
	return strings.TrimSpace(s.doc.Find(`[data-testid="` + id + `"]`).First().Text())
}

// fillCart puts lines (product id → quantity) in the cart through the
// catalog's forms, as a shopper would, and checks the cart shows them.
// Adding from the catalog keeps the shopper on the catalog, so the lines
// are added one after the other from there, then the cart is opened.
func (s *shopper) fillCart(ctx context.Context, lines [][2]string) error {
	if err := s.get(ctx, "/"); err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	for _, l := range lines {
		sel := fmt.Sprintf(`form[action="/cart/items"]:has(input[name="product_id"][value="%s"])`, l[0])
		if err := s.submit(ctx, sel, url.Values{"quantity": {l[1]}}); err != nil {
			return fmt.Errorf("add to cart: %w", err)
		}
		if s.resp.Request.URL.Path != "/" {
			return fmt.Errorf("add to cart: landed on %s, want the catalog", s.resp.Request.URL.Path)
		}
	}
	if err := s.get(ctx, "/cart"); err != nil {
		return fmt.Errorf("cart: %w", err)
	}
	if n := s.doc.Find(`[data-testid="cart-line"]`).Length(); n != len(lines) {
		return fmt.Errorf("cart shows %d lines, want %d", n, len(lines))
	}
	return nil
}

// pay runs GET /checkout → POST /checkout with a new card → the sandbox's
// 3DS page → the OTP → the 3DS callback and charge → the receipt, and
// returns the receipt's URL once it shows SUCCESS.
func (s *shopper) pay(ctx context.Context) (string, error) {
	if err := s.get(ctx, "/checkout"); err != nil {
		return "", fmt.Errorf("checkout page: %w", err)
	}
	fields := url.Values{
		"name": {"Siti Rahma"}, "email": {"siti@example.com"}, "phone": {"081234567890"},
		"address": {"Jl. Merdeka No. 10, Bandung"}, "country": {"ID"},
		"card_number": {testCard}, "card_expiry": {testExpiry}, "card_cvv": {testCVV}, "saved_card": {"0"},
	}
	if err := s.submit(ctx, `form[action="/checkout"]`, fields); err != nil {
		return "", fmt.Errorf("checkout submit: %w", err)
	}
	if s.doc.Find("#otp").Length() == 0 {
		return "", fmt.Errorf("checkout submit: landed on %s, want the 3DS challenge", s.resp.Request.URL.Path)
	}
	if err := s.submit(ctx, "form:has(#otp)", url.Values{"otp": {testOTP}}); err != nil {
		return "", fmt.Errorf("3DS: %w", err)
	}
	if p := s.resp.Request.URL.Path; !strings.HasPrefix(p, "/orders/INV") {
		return "", fmt.Errorf("3DS: landed on %s, want the receipt", p)
	}
	if got := s.testid("order-status"); got != "SUCCESS" {
		return "", fmt.Errorf("receipt order-status %q, want SUCCESS", got)
	}
	return s.resp.Request.URL.String(), nil
}

// flowLines is the cart of every simulated shopper: one product, 2 units.
var flowLines = [][2]string{{"2", "2"}}

// flow is one new guest's whole purchase.
func flow(ctx context.Context, base string, tr http.RoundTripper) (string, error) {
	s := newShopper(base, tr)
	if err := s.fillCart(ctx, flowLines); err != nil {
		return "", err
	}
	return s.pay(ctx)
}

// flowResult is one fixed-duration run of concurrent shoppers.
type flowResult struct {
	Name        string         `json:"name"`
	Shoppers    int            `json:"shoppers"`
	Seconds     float64        `json:"seconds"`
	Flows       int            `json:"flows_in_window"`
	FlowsPerS   float64        `json:"flows_per_s"`
	P50ms       float64        `json:"p50_ms"`
	P99ms       float64        `json:"p99_ms"`
	MaxMs       float64        `json:"max_ms"`
	Paid        int            `json:"paid_total"` // SUCCESS receipts, warm-up included
	Errors      int            `json:"errors"`     // flows that did not end on a SUCCESS receipt, warm-up included
	ErrorKinds  map[string]int `json:"error_kinds,omitempty"`
	AppCPU      float64        `json:"server_cpu_cores"`
	CPUPerFlowM float64        `json:"server_cpu_ms_per_flow"`
	LoadCPU     float64        `json:"loadgen_cpu_cores"`
	OtherCPU    float64        `json:"others_cpu_cores"`
	DokuCPU     float64        `json:"doku_cpu_cores,omitempty"`       // the external DOKU sandbox (-doku external)
	DokuPerFlow float64        `json:"doku_cpu_ms_per_flow,omitempty"` // its CPU per flow
}

// flows runs n shoppers, each starting a new guest's purchase as soon as its
// last one ended, for warmup+dur. Every shopper keeps its own keep-alive
// connections (its browser) and gets a fresh cookie jar for every purchase.
func flows(ctx context.Context, base string, n int, warmup, dur time.Duration, cpu func() time.Duration) flowResult {
	start := time.Now()
	win := window{from: start.Add(warmup), to: start.Add(warmup + dur)}
	var (
		lat   latencies
		paid  atomic.Int64
		mu    sync.Mutex
		kinds = map[string]int{}
		wg    sync.WaitGroup
	)
	cpuFrom := startCPU(win.from, cpu)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second, DisableCompression: true}
			defer tr.CloseIdleConnections()
			var mine []time.Duration
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(win.to) {
					break
				}
				_, err := flow(ctx, base, tr)
				t1 := time.Now()
				if err != nil {
					if errors.Is(err, context.Canceled) {
						break
					}
					mu.Lock()
					k := err.Error()
					if _, seen := kinds[k]; !seen && len(kinds) >= 20 {
						k = "(other errors)"
					}
					kinds[k]++
					mu.Unlock()
					continue
				}
				paid.Add(1)
				if win.holds(t0, t1) {
					mine = append(mine, t1.Sub(t0))
				}
			}
			lat.add(mine)
		}()
	}
	wg.Wait()
	cpuUsed, selfUsed, othersUsed, dokuUsed := cpuFrom.used(cpu)
	slices.Sort(lat.all)
	secs := dur.Seconds()
	r := flowResult{Name: fmt.Sprintf("checkout flows, %d shoppers", n), Shoppers: n, Seconds: secs,
		Flows: len(lat.all), FlowsPerS: float64(len(lat.all)) / secs,
		P50ms: percentile(lat.all, 50), P99ms: percentile(lat.all, 99), Paid: int(paid.Load()),
		AppCPU: cpuUsed.Seconds() / secs, LoadCPU: selfUsed.Seconds() / secs, OtherCPU: othersUsed.Seconds() / secs,
		DokuCPU: dokuUsed.Seconds() / secs}
	if len(lat.all) > 0 {
		r.DokuPerFlow = float64(dokuUsed.Microseconds()) / 1000 / float64(len(lat.all))
	}
	for k, v := range kinds {
		r.Errors += v
		if r.ErrorKinds == nil {
			r.ErrorKinds = map[string]int{}
		}
		r.ErrorKinds[k] = v
	}
	if len(lat.all) > 0 {
		r.MaxMs = ms(lat.all[len(lat.all)-1])
		r.CPUPerFlowM = float64(cpuUsed.Microseconds()) / 1000 / float64(len(lat.all))
	}
	return r
}
