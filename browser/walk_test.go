package browser

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"doku-checkout/app/apptest"
	"doku-checkout/i18n"
)

// axeSource is axe-core (npm axe-core, MPL-2.0: testdata/axe-core.LICENSE),
// vendored so the test needs no network.
//
//go:embed testdata/axe.min.js
var axeSource string

// axe runs axe-core on the current page and fails the test on any
// violation, naming the rule and the elements.
func (b *browser) axe(page string) {
	b.t.Helper()
	b.do("inject axe-core into "+page, chromedp.Evaluate[chromedp.Void](axeSource))
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe on %s: %v (page: %s)", page, err, b.location())
	}
	var violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		b.t.Fatalf("axe on %s: %v", page, err)
	}
	for _, v := range violations {
		b.t.Errorf("axe on %s (%s): %s [%s] %s\n  %s", page, b.location(), v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}
	b.t.Logf("axe: %s: %d violations", page, len(violations))
	b.fitsTheScreen(page)
}

// fitsTheScreen fails the test when the page is wider than the window: on
// a phone the shopper would have to scroll sideways to see a price.
func (b *browser) fitsTheScreen(page string) {
	b.t.Helper()
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.documentElement.scrollWidth + " " + window.innerWidth`))
	if err != nil {
		b.t.Fatalf("page width on %s: %v", page, err)
	}
	var scroll, inner int
	if _, err := fmt.Sscan(out, &scroll, &inner); err != nil || scroll > inner {
		b.t.Errorf("%s (%s) is %d px wide in a %d px window: the shopper scrolls sideways", page, b.location(), scroll, inner)
	}
}

// value is the value of the input matched by sel.
func (b *browser) value(sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v (page: %s)", sel, err, b.location())
	}
	return v
}

// attr is attribute name of the first element matched by sel.
func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		b.t.Fatalf("%s of %s: %v (page: %s)", name, sel, err, b.location())
	}
	return v.Value
}

// walk is what one language's walk expects to read.
type walk struct {
	lang          string
	width, height int64
	contact       [4]string // name, email, phone, address as typed
	added         string    // the catalog's flash after adding the first product
	total         string    // the cart's total: one Batik Shirt Parang
	failed, paid  string    // the badges' texts
	bankAnswer    string    // the 05 decline, as the shopper reads it
	confirming    string    // the pending receipt's message
	email         string    // the account registered at the end
}

var walks = []walk{
	{lang: "id", width: 390, height: 844,
		contact: [4]string{"Siti Rahma, S.Kom.", "siti@example.com", "081234567890", "Jl. Merdeka No. 10, Bandung"},
		added:   "Batik Shirt Parang sudah masuk ke keranjang Anda.", total: "Rp 350.000", failed: "GAGAL", paid: "BERHASIL",
		bankAnswer: "Kartu ditolak oleh bank (05)", confirming: i18n.Raw("id", "receipt.msg.confirming"), email: "siti.id@example.com"},
	{lang: "en", width: 1280, height: 900,
		contact: [4]string{"Made Wirawan", "made@example.com", "6281234567890", "Jl. Raya Ubud 8, Gianyar, Bali"},
		added:   "Added Batik Shirt Parang to your cart.", total: "Rp 350,000", failed: "FAILED", paid: "SUCCESS",
		bankAnswer: "Declined by your bank (05)", confirming: i18n.Raw("en", "receipt.msg.confirming"), email: "made.en@example.com"},
}

// The whole shopper's flow in a real browser, in Bahasa Indonesia on a
// 390 px phone and in English at 1280 px: the language chosen with the
// switch, Add to cart that keeps the shopper on the catalog, a checkout
// with mistakes, a declined card, Try again with the contact details kept
// (only the card is typed again), a slow charge whose pending receipt
// turns to SUCCESS by itself, then login, register, orders, saved cards
// and the error page; axe-core finds no violation on any of them.
func TestShopperWalkInBothLanguages(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a real Chromium: make test runs it, make check (-short) leaves it out")
	}
	chromium := chromiumPath(t)
	a := apptest.Start(t, apptest.Env(map[string]string{"CHARGE_WAIT": "500ms", "SANDBOX_SLOW_DELAY": "3s",
		"DOKU_TIMEOUT": "10s", "RECONCILE_AFTER": "1m"}))
	for _, w := range walks {
		t.Run(w.lang, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
			defer cancel()
			b := newBrowser(t, ctx, chromium)
			b.do("set the viewport", chromedp.EmulateViewport(w.width, w.height))
			walkShop(t, a, b, w)
		})
	}
}

func walkShop(t *testing.T, a *apptest.App, b *browser, w walk) {
	base := a.URL
	b.navigate("open the catalog", chromedp.Navigate(base+"/"))
	u := b.navigate("choose the language", chromedp.Click(chromedp.CSS(`[data-testid="lang-switch"] a[data-lang="`+w.lang+`"]`)))
	if u.Path != "/" || u.RawQuery != "" || b.attr("html", "lang") != w.lang {
		t.Fatalf("language switch: at %s, lang %q; want the catalog in %s", u, b.attr("html", "lang"), w.lang)
	}
	b.axe("catalog")
	b.screenshot("catalog-" + w.lang + ".png")

	u = b.navigate("add the first product", chromedp.Click(chromedp.CSS(`[data-testid="product"] form.add-form button[type="submit"]`)))
	if u.Path != "/" || b.text(`[data-testid="flash"]`) != w.added || b.text(`[data-testid="cart-count"]`) != "1" {
		t.Fatalf("after Add to cart: at %s, flash %q, count %q; want the catalog, %q, 1", u, b.text(`[data-testid="flash"]`), b.text(`[data-testid="cart-count"]`), w.added)
	}
	u = b.navigate("open the cart", chromedp.Click(chromedp.CSS(`.site-nav a[href="/cart"]`)))
	if u.Path != "/cart" || b.text(`[data-testid="order-total"]`) != w.total {
		t.Fatalf("cart: at %s, total %q; want %q", u, b.text(`[data-testid="order-total"]`), w.total)
	}
	b.axe("cart")

	b.navigate("click Checkout", chromedp.Click(chromedp.CSS(`[data-testid="checkout-link"]`)))
	b.axe("checkout")
	b.do("fill contact details",
		chromedp.SendKeys(chromedp.ID("name"), w.contact[0]),
		chromedp.SendKeys(chromedp.ID("email"), w.contact[1]),
		chromedp.SendKeys(chromedp.ID("phone"), w.contact[2]),
		chromedp.SendKeys(chromedp.ID("address"), w.contact[3]),
	)
	b.screenshot("checkout-" + w.lang + ".png") // before any card digit is typed
	b.do("type a wrong card", chromedp.SendKeys(chromedp.ID("card_number"), "4111111111111112"),
		chromedp.SendKeys(chromedp.ID("card_expiry"), "12/2030"), chromedp.SendKeys(chromedp.ID("card_cvv"), "12"))
	b.do("pay", chromedp.Click(chromedp.ID("pay")))
	b.do("wait for the errors", chromedp.WaitVisible(chromedp.CSS(`[data-testid="form-error"]`)))
	if b.value("#name") != w.contact[0] || b.value("#address") != w.contact[3] || b.value("#card_number") != "" {
		t.Errorf("errors page: name %q address %q card %q; want the contact kept, the card empty", b.value("#name"), b.value("#address"), b.value("#card_number"))
	}
	b.axe("checkout with errors")

	b.do("type the declined card", chromedp.SendKeys(chromedp.ID("card_number"), "4000000000000002"),
		chromedp.SendKeys(chromedp.ID("card_cvv"), "123"))
	b.navigate("pay again", chromedp.Click(chromedp.ID("pay")))
	b.do("type the OTP", chromedp.SendKeys(chromedp.ID("otp"), "123456"))
	b.navigate("submit the OTP", chromedp.Click(chromedp.ID("otp-submit")))
	b.do("wait for the receipt", chromedp.WaitVisible(chromedp.CSS(`[data-testid="order-status"]`)))
	if b.attr(`[data-testid="order-status"]`, "data-status") != "FAILED" || b.text(`[data-testid="order-status"]`) != w.failed ||
		b.text(`[data-testid="response-text"]`) != w.bankAnswer {
		t.Fatalf("declined: badge %q, answer %q; want %s, %q", b.text(`[data-testid="order-status"]`), b.text(`[data-testid="response-text"]`), w.failed, w.bankAnswer)
	}
	b.axe("failed receipt")

	u = b.navigate("Try again", chromedp.Click(chromedp.CSS(`[data-testid="retry"]`)))
	if u.Path != "/checkout" {
		t.Fatalf("Try again: at %s, want /checkout", u)
	}
	for i, id := range []string{"#name", "#email", "#phone", "#address"} {
		want := w.contact[i]
		if id == "#phone" {
			want = "62" + strings.TrimPrefix(strings.TrimPrefix(want, "62"), "0")
		}
		if got := b.value(id); got != want {
			t.Errorf("Try again: %s = %q, want %q kept from the declined order", id, got, want)
		}
	}
	// Only the card is typed: the slow card, whose charge outlasts CHARGE_WAIT.
	b.do("type only the card", chromedp.SendKeys(chromedp.ID("card_number"), "4000000000000341"),
		chromedp.SendKeys(chromedp.ID("card_expiry"), "1230"), chromedp.SendKeys(chromedp.ID("card_cvv"), "123"))
	b.navigate("pay", chromedp.Click(chromedp.ID("pay")))
	b.do("type the OTP", chromedp.SendKeys(chromedp.ID("otp"), "123456"))
	b.navigate("submit the OTP", chromedp.Click(chromedp.ID("otp-submit")))
	if b.attr(`[data-testid="order-status"]`, "data-status") != "PENDING" || b.text(`[data-testid="status-message"]`) != w.confirming {
		t.Fatalf("slow charge: %q %q, want PENDING and %q", b.attr(`[data-testid="order-status"]`, "data-status"), b.text(`[data-testid="status-message"]`), w.confirming)
	}
	b.axe("pending receipt")
	// The page follows the charge by itself (receipt.js): no reload here.
	waitCtx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(waitCtx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="order-status"][data-status="SUCCESS"]`))); err != nil {
		st, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("[data-testid=order-status]").dataset.status + " " + location.href + " " + document.querySelectorAll("script").length`))
		t.Fatalf("the pending receipt did not turn to SUCCESS by itself within 30 s: %v (order %s; page %s; console %v)", err, a.Order(t, b.text(`[data-testid="invoice-number"]`)).Status, st, b.problems())
	}
	if got := b.text(`[data-testid="order-status"]`); got != w.paid {
		t.Errorf("paid badge %q, want %q", got, w.paid)
	}
	invoice := b.text(`[data-testid="invoice-number"]`)
	if n := a.Sandbox.ChargeCount(invoice); n != 1 {
		t.Errorf("sandbox charges for %s = %d, want 1", invoice, n)
	}
	b.axe("receipt")
	b.screenshot("receipt-" + w.lang + ".png")

	b.navigate("open login", chromedp.Navigate(base+"/login"))
	b.axe("login")
	b.navigate("open register", chromedp.Navigate(base+"/register"))
	b.axe("register")
	b.do("fill register", chromedp.SendKeys(chromedp.ID("name"), w.contact[0]), chromedp.SendKeys(chromedp.ID("email"), w.email),
		chromedp.SendKeys(chromedp.ID("password"), "a long enough password"))
	b.navigate("register", chromedp.Click(chromedp.CSS(`form[action="/register"] button[type="submit"]`)))
	b.navigate("open orders", chromedp.Navigate(base+"/orders"))
	b.axe("orders")
	b.navigate("open saved cards", chromedp.Navigate(base+"/account/cards"))
	b.axe("saved cards")
	b.do("open a missing page", chromedp.Navigate(base+"/orders/INV-NOPE"))
	b.do("wait for the error page", chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-status"]`)))
	b.axe("error page")
	if b.attr("html", "lang") != w.lang {
		t.Errorf("error page lang %q, want %s", b.attr("html", "lang"), w.lang)
	}

	// The form with mistakes answers 422 and the missing page 404, as they
	// should; anything else in the console is a problem.
	var p []string
	for _, m := range b.problems() {
		if strings.Contains(m, "status of 422") && strings.Contains(m, "/checkout)") || strings.Contains(m, "status of 404") && strings.Contains(m, "/orders/INV-NOPE)") {
			continue
		}
		p = append(p, m)
	}
	if len(p) > 0 {
		t.Errorf("browser console reported %d problem(s), want none:\n%s", len(p), strings.Join(p, "\n"))
	}
}
