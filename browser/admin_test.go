package browser

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"doku-checkout/app"
	"doku-checkout/app/apptest"
	"doku-checkout/i18n"
)

// The merchant's walk: the owner is created from the command line, logs
// in, adds a product with an image; a shopper buys it; the owner refunds
// half; the shopper's receipt shows the partial refund, and the CSV export
// has the order's row.
func TestOwnerWalkInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a real Chromium: make test runs it, make check (-short) leaves it out")
	}
	chromium := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	a := apptest.Start(t)
	base := a.URL

	// `doku-checkout admin create --email owner@example.com`, password on stdin.
	env := map[string]string{"DB_PATH": a.DB, "PUBLIC_URL": base}
	var out bytes.Buffer
	if err := app.AdminCommand(ctx, []string{"create", "--email", "owner@example.com"}, func(k string) string { return env[k] },
		strings.NewReader(apptest.Password+"\n"), &out); err != nil {
		t.Fatalf("admin create: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Created owner account owner@example.com") {
		t.Fatalf("admin create said %q, want the owner created", out.String())
	}

	b := newBrowser(t, ctx, chromium)
	b.navigate("open the back office's login", chromedp.Navigate(base+"/admin/login"))
	b.do("type the owner's login",
		chromedp.SendKeys(chromedp.ID("email"), "owner@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), apptest.Password),
	)
	if u := b.navigate("log in", chromedp.Click(chromedp.CSS(`main form[action="/admin/login"] button[type="submit"]`))); u.Path != "/admin/" {
		t.Fatalf("after login: at %s, want /admin/", u)
	}

	// A product with an image.
	img, err := filepath.Abs(filepath.Join("testdata", "tenun.png"))
	if err != nil {
		t.Fatal(err)
	}
	b.navigate("open the new product form", chromedp.Navigate(base+"/admin/products/new"))
	b.do("fill the product",
		chromedp.SendKeys(chromedp.ID("name"), "Tenun Ikat Sumba"),
		chromedp.SendKeys(chromedp.ID("description"), "Hand-woven ikat from East Sumba."),
		chromedp.SendKeys(chromedp.ID("price"), "250000"),
		chromedp.SendKeys(chromedp.ID("stock"), "3"),
		chromedp.SetUploadFiles(chromedp.ID("image"), []string{img}),
	)
	if u := b.navigate("save the product", chromedp.Click(chromedp.CSS(`main form[enctype="multipart/form-data"] button[type="submit"]`))); u.Path != "/admin/products" {
		t.Fatalf("after saving the product: at %s, want /admin/products\n%s", u, b.html())
	}
	if rows := b.text(`main`); !strings.Contains(rows, "Tenun Ikat Sumba") {
		t.Fatalf("the products list lacks the new product:\n%s", rows)
	}
	list, err := a.Store.AdminProducts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	var image string
	for _, p := range list {
		if p.Name == "Tenun Ikat Sumba" {
			id, image = p.ID, p.Image
		}
	}
	if id == 0 || !strings.HasPrefix(image, "upload/") {
		t.Fatalf("product in the store: id %d, image %q; want an uploaded image", id, image)
	}

	// A shopper buys it; its image is served as a PNG.
	b.navigate("open the catalog", chromedp.Navigate(base+"/"))
	hasID := `:has(input[name="product_id"][value="` + strconv.FormatInt(id, 10) + `"])`
	form := `form.add-form` + hasID
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(async () => {
		const img = document.querySelector('[data-testid="product"]`+hasID+` img');
		const r = await fetch(img.src);
		const bmp = await createImageBitmap(await r.blob());
		return r.status + " " + r.headers.get("Content-Type") + " " + bmp.width + "x" + bmp.height;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || got != "200 image/png 16x12" {
		t.Fatalf("the product's image in the catalog: %q (%v), want 200 image/png 16x12", got, err)
	}
	// Add to cart keeps the shopper on the catalog; the header's cart link
	// leads on.
	if u := b.navigate(`click "Add to cart"`, chromedp.Click(chromedp.CSS(form+` button[type="submit"]`))); u.Path != "/" || b.text(`[data-testid="cart-count"]`) != "1" {
		t.Fatalf("after Add to cart: at %s with %q items, want the catalog with 1", u, b.text(`[data-testid="cart-count"]`))
	}
	if u := b.navigate("open the cart", chromedp.Click(chromedp.CSS(`.site-nav a[href="/cart"]`))); u.Path != "/cart" {
		t.Fatalf("the header's cart link: at %s, want /cart", u)
	}
	b.navigate("click Checkout", chromedp.Click(chromedp.CSS(`[data-testid="checkout-link"]`)))
	b.do("fill the checkout",
		chromedp.SendKeys(chromedp.ID("name"), "Siti Rahma"),
		chromedp.SendKeys(chromedp.ID("email"), "siti@example.com"),
		chromedp.SendKeys(chromedp.ID("phone"), "081234567890"),
		chromedp.SendKeys(chromedp.ID("address"), "Jl. Merdeka No. 10, Bandung"),
		chromedp.SendKeys(chromedp.ID("card_number"), testCard),
		chromedp.SendKeys(chromedp.ID("card_expiry"), "1230"),
		chromedp.SendKeys(chromedp.ID("card_cvv"), "123"),
	)
	b.navigate("click Pay", chromedp.Click(chromedp.ID("pay")))
	b.do("type the OTP", chromedp.SendKeys(chromedp.ID("otp"), "123456"))
	receipt := b.navigate("submit the OTP", chromedp.Click(chromedp.ID("otp-submit")))
	b.do("wait for the receipt", chromedp.WaitVisible(chromedp.CSS(`[data-testid="order-status"]`)))
	if got := b.text(`[data-testid="order-status"]`); got != "SUCCESS" {
		t.Fatalf("order-status = %q, want SUCCESS", got)
	}
	invoice := b.text(`[data-testid="invoice-number"]`)
	const price, half = 250000, 125000

	// The owner refunds half.
	b.navigate("open the order in the back office", chromedp.Navigate(base+"/admin/orders/"+invoice))
	b.do("type half the amount", chromedp.SetValue(chromedp.ID("refund-amount"), strconv.Itoa(half)))
	b.navigate("refund", chromedp.Click(chromedp.CSS(`form[data-testid="refund-form"] button[type="submit"]`)))
	if got := b.text(`[data-testid="order-status"]`); got != "PARTIALLY_REFUNDED" {
		t.Fatalf("after the refund: %q, want PARTIALLY_REFUNDED\n%s", got, b.html())
	}

	// The shopper's receipt shows the partial refund.
	b.navigate("open the receipt again", chromedp.Navigate(receipt.String()))
	status, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(`[data-testid="order-status"]`), "data-status"))
	if err != nil || status.Value != "PARTIALLY_REFUNDED" {
		t.Errorf("receipt's data-status = %q (%v), want PARTIALLY_REFUNDED", status.Value, err)
	}
	en := i18n.For(i18n.English) // this browser reads the shop in English
	if got := b.text(`[data-testid="refunded-total"]`); got != en.Money(half) {
		t.Errorf("refunded-total = %q, want %s", got, en.Money(half))
	}
	if got := b.text(`[data-testid="captured-total"]`); got != en.Money(price) {
		t.Errorf("captured-total = %q, want %s", got, en.Money(price))
	}

	// The CSV export has the row (fetched as the logged-in owner).
	b.navigate("open the orders list", chromedp.Navigate(base+"/admin/orders?q="+invoice))
	body, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch("/admin/orders.csv?q=`+invoice+`").then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch the CSV: %v", err)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != invoice || rows[1][2] != "PARTIALLY_REFUNDED" ||
		rows[1][6] != strconv.Itoa(price) || rows[1][8] != strconv.Itoa(half) {
		t.Errorf("CSV = %q (%v), want the header and %s PARTIALLY_REFUNDED %d refunded %d", rows, err, invoice, price, half)
	}

	if p := b.problems(); len(p) > 0 {
		t.Errorf("browser console reported %d problem(s), want none:\n%s", len(p), strings.Join(p, "\n"))
	}
}
