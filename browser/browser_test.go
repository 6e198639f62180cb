// Package browser walks the real app in a headless Chromium: catalog → cart →
// checkout → the sandbox's 3-D Secure page → receipt. It is the one test that
// sees what a shopper's browser sees, CSP and all.
package browser

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"doku-checkout/app/apptest"

	"github.com/chromedp/chromedp"
)

// testCard is the sandbox's success card (docs/doku-api.md §14), a published test number.
const testCard = "4111111111111111"

// syncBuffer collects Chromium's output, written from other goroutines.
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

// TestMain scans what the app of the walk left behind for card data.
func TestMain(m *testing.M) { apptest.Main(m) }

// chromiumPath is the browser to drive: CHROMIUM_PATH, else Debian's chromium.
func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("CHROMIUM_PATH")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		t.Fatalf("no Chromium at %s (stat: %v): install it (apt-get install chromium) or set CHROMIUM_PATH; "+
			"this test needs a real browser and does not skip", p, err)
	}
	return p
}

// browser drives one tab and records what its console says.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	messages []chromedp.ConsoleMessage
	marks    chan string // console.debug texts that start with markPrefix
}

// markPrefix starts the console messages the test writes itself to know
// that every message before them has been recorded.
const markPrefix = "browser-test-mark:"

// newBrowser starts a headless Chromium with a fresh profile; it stops when
// ctx ends or the test's cleanup runs.
func newBrowser(t *testing.T, ctx context.Context, execPath string) *browser {
	t.Helper()
	out := &syncBuffer{}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(out),
	)
	bctx, cancelTab := chromedp.NewContext(allocCtx)
	b := &browser{t: t, ctx: bctx, marks: make(chan string, 16)}
	// The first call starts the browser; Console then records the tab's
	// console calls, exceptions and browser log entries (CSP reports among
	// them) from here on.
	if err := chromedp.Do(bctx); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("start Chromium: %v\n%s", err, out.String())
	}
	msgs := chromedp.Console(bctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range msgs {
			if err != nil {
				return
			}
			if strings.HasPrefix(m.Text, markPrefix) {
				select {
				case b.marks <- m.Text:
				default:
				}
				continue
			}
			b.mu.Lock()
			b.messages = append(b.messages, m)
			b.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		<-done
		if t.Failed() {
			t.Logf("chromium output:\n%s", out.String())
		}
	})
	return b
}

// do runs the steps in the tab and stops the test if one fails.
func (b *browser) do(name string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v (page: %s)", name, err, b.location())
	}
}

// navigate runs the steps, which must lead to a new page, and returns the
// URL it ends on after redirects; the page must answer 200.
func (b *browser) navigate(name string, steps ...chromedp.Action[chromedp.Void]) *url.URL {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, steps...)
	if err != nil {
		b.t.Fatalf("%s: %v (page: %s)", name, err, b.location())
	}
	if resp.Status != http.StatusOK {
		b.t.Fatalf("%s: got HTTP %d at %s, want 200", name, resp.Status, resp.URL)
	}
	u, err := url.Parse(resp.URL)
	if err != nil {
		b.t.Fatalf("%s: response URL %q: %v", name, resp.URL, err)
	}
	return u
}

// text is the visible text of the first element matching the CSS selector.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v (page: %s)", sel, err, b.location())
	}
	return strings.TrimSpace(s)
}

// html is the current document's markup.
func (b *browser) html() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		b.t.Fatalf("page HTML: %v", err)
	}
	return s
}

// location is the tab's URL, for failure messages.
func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown: " + err.Error()
	}
	return loc
}

// screenshot saves a full-page PNG as name: into docs/ when
// UPDATE_SCREENSHOTS=1, else into a temporary directory.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(buf))
	if err != nil || cfg.Width < 320 || cfg.Height < 320 {
		b.t.Fatalf("screenshot %s: got %dx%d, %v; want a PNG of the page", name, cfg.Width, cfg.Height, err)
	}
	dir := b.t.TempDir()
	if os.Getenv("UPDATE_SCREENSHOTS") == "1" {
		dir = filepath.Join("..", "docs")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Fatal(err)
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s (%dx%d)", path, cfg.Width, cfg.Height)
}

// problems are the console errors, warnings and exceptions seen so far;
// a CSP violation is one of them. It first writes a mark to the console and
// waits for it, so that every earlier message has been recorded.
func (b *browser) problems() []string {
	b.t.Helper()
	mark := markPrefix + time.Now().Format(time.RFC3339Nano)
	b.do("write a console mark", chromedp.Evaluate[chromedp.Void]("console.debug("+strconv.Quote(mark)+")"))
	for seen := ""; seen != mark; {
		select {
		case seen = <-b.marks:
		case <-b.ctx.Done():
			b.t.Fatalf("the console mark never arrived: %v", b.ctx.Err())
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, m := range b.messages {
		switch m.Type {
		case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException:
			out = append(out, m.String()+" ("+m.URL+")")
		}
	}
	return out
}

// A guest buys one product with the success card, passes 3-D Secure with the
// OTP and lands on a SUCCESS receipt; the sandbox charged exactly once.
func TestGuestCheckoutInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a real Chromium: make test runs it, make check (-short) leaves it out")
	}
	chromium := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a := apptest.Start(t)
	base := a.URL
	b := newBrowser(t, ctx, chromium)

	b.navigate("open the catalog in English", chromedp.Navigate(base+"/?lang=en"))
	if got := b.text(`[data-testid="product"] .product-name`); got != "Batik Shirt Parang" {
		t.Fatalf("first product = %q, want Batik Shirt Parang", got)
	}
	// Adding keeps the shopper on the catalog, the header's count updated.
	u := b.navigate(`click "Add to cart"`, chromedp.Click(chromedp.CSS(`[data-testid="product"] form.add-form button[type="submit"]`)))
	if u.Path != "/" || b.text(`[data-testid="cart-count"]`) != "1" || b.text(`[data-testid="flash"]`) != "Added Batik Shirt Parang to your cart." {
		t.Fatalf("after Add to cart: at %s, count %q, flash %q; want the catalog, 1, the product added", u, b.text(`[data-testid="cart-count"]`), b.text(`[data-testid="flash"]`))
	}
	u = b.navigate("open the cart", chromedp.Click(chromedp.CSS(`.site-nav a[href="/cart"]`)))
	if got := b.text(`[data-testid="order-total"]`); u.Path != "/cart" || got != "Rp 350,000" {
		t.Fatalf("cart at %s, total = %q, want Rp 350,000", u, got)
	}

	u = b.navigate("click Checkout", chromedp.Click(chromedp.CSS(`[data-testid="checkout-link"]`)))
	if u.Path != "/checkout" {
		t.Fatalf("after Checkout: at %s, want /checkout", u)
	}
	b.do("fill contact details",
		chromedp.SendKeys(chromedp.ID("name"), "Siti Rahma"),
		chromedp.SendKeys(chromedp.ID("email"), "siti@example.com"),
		chromedp.SendKeys(chromedp.ID("phone"), "081234567890"),
		chromedp.SendKeys(chromedp.ID("address"), "Jl. Merdeka No. 10, Bandung"),
	)
	b.do("fill card details",
		chromedp.SendKeys(chromedp.ID("card_number"), testCard),
		chromedp.SendKeys(chromedp.ID("card_expiry"), "1230"),
		chromedp.SendKeys(chromedp.ID("card_cvv"), "123"),
	)

	u = b.navigate("click Pay", chromedp.Click(chromedp.ID("pay")))
	if u.Host != strings.TrimPrefix(a.DokuURL, "http://") {
		t.Fatalf("after Pay: at %s, want the sandbox's 3DS page on %s\n%s", u, a.DokuURL, b.html())
	}
	if page := b.html(); !strings.Contains(page, "1111") || strings.Contains(page, testCard) {
		t.Fatalf("3DS page should show the masked card and not the number:\n%s", page)
	}
	b.do("type the OTP", chromedp.SendKeys(chromedp.ID("otp"), "123456"))
	u = b.navigate("submit the OTP", chromedp.Click(chromedp.ID("otp-submit")))
	if u.Host != strings.TrimPrefix(base, "http://") || !strings.HasPrefix(u.Path, "/orders/INV-") {
		t.Fatalf("after 3DS: at %s, want the receipt under %s/orders/", u, base)
	}

	b.do("wait for the receipt", chromedp.WaitVisible(chromedp.CSS(`[data-testid="order-status"]`)))
	if got := b.text(`[data-testid="order-status"]`); got != "SUCCESS" {
		t.Fatalf("order-status = %q, want SUCCESS", got)
	}
	if got := b.text(`[data-testid="masked-card"]`); !strings.Contains(got, "1111") || strings.Contains(got, testCard) {
		t.Errorf("masked-card = %q, want the last four digits and not the number", got)
	}
	if page := b.html(); strings.Contains(page, testCard) {
		t.Errorf("the receipt's HTML holds the full card number")
	}
	if got := b.text(`[data-testid="order-total"]`); got != "Rp 350,000" {
		t.Errorf("receipt total = %q, want Rp 350,000", got)
	}
	invoice := b.text(`[data-testid="invoice-number"]`)
	if n := a.Sandbox.ChargeCount(invoice); n != 1 {
		t.Errorf("sandbox charges for %s = %d, want 1", invoice, n)
	}

	if p := b.problems(); len(p) > 0 {
		t.Errorf("browser console reported %d problem(s), want none:\n%s", len(p), strings.Join(p, "\n"))
	}
}
