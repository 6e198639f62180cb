package views

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"doku-checkout/i18n"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

const testCSRF = "tok-123"

func page(user string) Page {
	return Page{Title: "Test", CSRF: testCSRF, UserEmail: user, CartCount: 2, StaticPrefix: "/static/abc123/"}
}

var sampleLines = []Line{
	{ProductID: 1, Name: "Batik shirt", Quantity: 1, UnitText: "Rp 100.000", LineTotalText: "Rp 100.000"},
	{ProductID: 2, Name: "Kopi Gayo", Quantity: 2, UnitText: "Rp 25.000", LineTotalText: "Rp 50.000"},
}

// render renders c in English (the texts these tests look for), checks the
// rules every page keeps, and returns the document.
func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	return renderIn(t, c, i18n.English)
}

// renderIn is render in language lang.
func renderIn(t *testing.T, c templ.Component, lang string) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(i18n.WithLocalizer(context.Background(), i18n.For(lang)), &buf); err != nil {
		t.Fatalf("Render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	checkPageRules(t, doc)
	return doc
}

func checkPageRules(t *testing.T, doc *goquery.Document) {
	t.Helper()
	// CSP forbids inline code: a <script> may only load a same-origin file.
	if n := doc.Find("style, script:not([src])").Length(); n != 0 {
		t.Errorf("got %d inline <script>/<style> elements, want 0 (CSP forbids inline)", n)
	}
	doc.Find("script[src]").Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Text()) != "" {
			t.Errorf("<script src=%q> has inline code too", s.AttrOr("src", ""))
		}
	})
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			name := strings.ToLower(a.Key)
			if name == "style" || strings.HasPrefix(name, "on") {
				t.Errorf("<%s> has inline %s=%q, want none", goquery.NodeName(s), a.Key, a.Val)
			}
			if name == "href" || name == "src" || name == "action" {
				v := strings.ToLower(a.Val)
				if strings.HasPrefix(v, "http:") || strings.HasPrefix(v, "https:") || strings.HasPrefix(v, "//") {
					t.Errorf("<%s %s=%q> loads an external resource, want same-origin", goquery.NodeName(s), a.Key, a.Val)
				}
			}
		}
	})
	doc.Find("form").Each(func(i int, f *goquery.Selection) {
		if !strings.EqualFold(f.AttrOr("method", ""), "post") {
			return
		}
		got := f.Find(`input[type="hidden"][name="csrf"]`)
		if got.Length() != 1 || got.AttrOr("value", "") != testCSRF {
			t.Errorf("form %d (action %q): got %d csrf inputs (value %q), want 1 with %q",
				i, f.AttrOr("action", ""), got.Length(), got.AttrOr("value", ""), testCSRF)
		}
	})
	// Every aria-describedby must point at an element that exists.
	doc.Find("[aria-describedby]").Each(func(_ int, s *goquery.Selection) {
		for _, id := range strings.Fields(s.AttrOr("aria-describedby", "")) {
			if doc.Find("#"+id).Length() != 1 {
				t.Errorf("aria-describedby %q on %s: got %d targets, want 1", id, s.AttrOr("name", "?"), doc.Find("#"+id).Length())
			}
		}
	})
}

func text(doc *goquery.Document, sel string) string {
	return strings.TrimSpace(doc.Find(sel).First().Text())
}

func count(t *testing.T, doc *goquery.Document, sel string, want int) {
	t.Helper()
	if got := doc.Find(sel).Length(); got != want {
		t.Errorf("%s: got %d, want %d", sel, got, want)
	}
}

func TestLayout(t *testing.T) {
	t.Run("guest", func(t *testing.T) {
		p := page("")
		p.Sandbox = true
		doc := render(t, ErrorPage(ErrorView{Page: p, Status: 404, Message: "Not found."}))
		count(t, doc, `[data-testid="sandbox-banner"]`, 1)
		if got, want := doc.Find("title").Text(), "Test · Toko Kita"; got != want {
			t.Errorf("title: got %q, want %q", got, want)
		}
		if got, want := doc.Find(`link[rel="stylesheet"]`).AttrOr("href", ""), "/static/abc123/app.css"; got != want {
			t.Errorf("stylesheet href: got %q, want %q", got, want)
		}
		count(t, doc, `a[href="/login"]`, 1)
		count(t, doc, `a[href="/register"]`, 1)
		count(t, doc, `form[action="/logout"]`, 0)
		count(t, doc, `a[href="/orders"]`, 0)
		count(t, doc, `[data-testid="flash"]`, 0)
		count(t, doc, `meta[http-equiv="refresh"]`, 0)
		if got := text(doc, `[data-testid="cart-count"]`); got != "2" {
			t.Errorf("cart count: got %q, want %q", got, "2")
		}
		if got := text(doc, "footer"); got != "Payments by DOKU · sandbox" {
			t.Errorf("footer: got %q", got)
		}
		if got := text(doc, `[data-testid="error-status"]`); got != "404" {
			t.Errorf("error status: got %q, want 404", got)
		}
	})
	t.Run("signed in", func(t *testing.T) {
		p := page("ani@example.com")
		p.Flash = "Card removed."
		doc := render(t, ErrorPage(ErrorView{Page: p, Status: 500, Message: "Something went wrong."}))
		count(t, doc, `a[href="/login"]`, 0)
		count(t, doc, `a[href="/orders"]`, 1)
		count(t, doc, `a[href="/account/cards"]`, 1)
		count(t, doc, `form[method="post"][action="/logout"] button`, 1)
		if got := text(doc, `[data-testid="flash"]`); got != "Card removed." {
			t.Errorf("flash: got %q, want %q", got, "Card removed.")
		}
		// A shop on real DOKU: no sandbox banner, and the footer says so.
		count(t, doc, `[data-testid="sandbox-banner"]`, 0)
		if got := text(doc, "footer"); got != "Payments by DOKU" {
			t.Errorf("footer: got %q", got)
		}
	})
}

func TestCatalogPage(t *testing.T) {
	v := CatalogView{Page: page(""), Error: "That product does not exist.", Products: []ProductCard{
		{ID: 1, Name: "Batik shirt", Description: "Hand-stamped", PriceText: "Rp 100.000", ImageURL: "/static/x/img/batik-shirt.svg"},
		{ID: 2, Name: "Kopi Gayo", Description: "Arabica", PriceText: "Rp 25.000", ImageURL: "/static/x/img/kopi-gayo.svg"},
	}}
	doc := render(t, CatalogPage(v))
	count(t, doc, `[data-testid="product"]`, 2)
	count(t, doc, `form[action="/cart/items"]`, 2)
	count(t, doc, `input[name="product_id"][value="2"]`, 1)
	q := doc.Find(`input[name="quantity"]`).First()
	for attr, want := range map[string]string{"type": "number", "min": "1", "max": "99", "value": "1"} {
		if got := q.AttrOr(attr, ""); got != want {
			t.Errorf("quantity %s: got %q, want %q", attr, got, want)
		}
	}
	if got := doc.Find(`img`).First().AttrOr("src", ""); got != v.Products[0].ImageURL {
		t.Errorf("img src: got %q, want %q", got, v.Products[0].ImageURL)
	}
	if got := text(doc, `[role="alert"]`); got != v.Error {
		t.Errorf("error: got %q, want %q", got, v.Error)
	}
}

func TestCartPage(t *testing.T) {
	t.Run("lines", func(t *testing.T) {
		v := CartView{Page: page(""), Lines: sampleLines, TotalText: "Rp 150.000", Errors: FieldErrors{"quantity": "Quantity must be 0 to 99."}}
		doc := render(t, CartPage(v))
		count(t, doc, `[data-testid="cart-line"]`, 2)
		count(t, doc, `[data-testid="field-error"]`, 1)
		count(t, doc, `form[action="/cart/items/2"]`, 2)
		count(t, doc, `form[action="/cart/items/2"] input[name="quantity"][value="2"]`, 1)
		count(t, doc, `form[action="/cart/items/2"] input[type="hidden"][name="quantity"][value="0"]`, 1)
		count(t, doc, `a[href="/checkout"]`, 1)
		if got := text(doc, `[data-testid="order-total"]`); got != "Rp 150.000" {
			t.Errorf("total: got %q, want %q", got, "Rp 150.000")
		}
	})
	t.Run("empty", func(t *testing.T) {
		doc := render(t, CartPage(CartView{Page: page("")}))
		count(t, doc, `[data-testid="empty"] a[href="/"]`, 1)
		count(t, doc, `a[href="/checkout"]`, 0)
		count(t, doc, `[data-testid="field-error"]`, 0)
	})
}

func checkoutView() CheckoutView {
	return CheckoutView{
		Page:          page("ani@example.com"),
		Lines:         sampleLines,
		TotalText:     "Rp 150.000",
		LoggedIn:      true,
		DirectEnabled: true,
		HostedEnabled: true,
		Countries:     []Country{{"ID", "Indonesia"}, {"SG", "Singapore"}},
		Form: CheckoutForm{
			Name: "Ani", Email: "ani@example.com", Phone: "6281234567890",
			Address: "Jl. Merdeka 1", Country: "SG", CardExpiry: "1230",
		},
	}
}

func TestCheckoutPage(t *testing.T) {
	t.Run("fresh", func(t *testing.T) {
		v := checkoutView()
		v.SavedCards = []SavedCardOption{{ID: 7, Brand: "VISA", Masked: "411111******1111", Expiry: "12/30"}, {ID: 9, Brand: "MASTERCARD", Masked: "521111******1117", Expiry: "01/29"}}
		doc := render(t, CheckoutPage(v))
		count(t, doc, `form[method="post"][action="/checkout"]`, 1)
		count(t, doc, `[data-testid="field-error"]`, 0)
		count(t, doc, `[aria-invalid]`, 0)
		count(t, doc, `[role="alert"]`, 0)
		count(t, doc, `[data-testid="saved-card"]`, 2)
		count(t, doc, `[data-testid="saved-card"] input[type="radio"][name="saved_card"][value="7"]`, 1)
		count(t, doc, `input[name="saved_card"][value="0"][checked]`, 1)
		count(t, doc, `input[name="saved_card"][checked]`, 1)
		count(t, doc, `input[type="radio"][name="mode"]`, 2)
		count(t, doc, `input[name="mode"][value="direct"][checked]`, 1)
		count(t, doc, `input[type="checkbox"][name="save_card"][value="1"]`, 1)
		count(t, doc, `select#country option[value="SG"][selected]`, 1)
		count(t, doc, `select#country option[selected]`, 1)
		for _, id := range []string{"name", "email", "phone", "address", "country", "card_number", "card_expiry", "card_cvv"} {
			if f := doc.Find("#" + id); f.Length() != 1 || f.AttrOr("name", "") != id {
				t.Errorf("#%s: got %d elements named %q, want 1 named %q", id, f.Length(), f.AttrOr("name", ""), id)
			}
		}
		for id, want := range map[string]string{"name": "Ani", "email": "ani@example.com", "phone": "6281234567890", "card_expiry": "1230"} {
			if got := doc.Find("#"+id).AttrOr("value", ""); got != want {
				t.Errorf("#%s value: got %q, want %q", id, got, want)
			}
		}
		if got := text(doc, "#address"); got != "Jl. Merdeka 1" {
			t.Errorf("address: got %q", got)
		}
		if got := text(doc, "#pay"); got != "Pay Rp 150.000" {
			t.Errorf("pay button: got %q, want %q", got, "Pay Rp 150.000")
		}
		count(t, doc, `[data-testid="order-total"]`, 1)
		for attr, want := range map[string]string{"inputmode": "numeric", "autocomplete": "cc-number"} {
			if got := doc.Find("#card_number").AttrOr(attr, ""); got != want {
				t.Errorf("card_number %s: got %q, want %q", attr, got, want)
			}
		}
		if got := doc.Find("#card_cvv").AttrOr("autocomplete", ""); got != "cc-csc" {
			t.Errorf("card_cvv autocomplete: got %q, want cc-csc", got)
		}
	})

	t.Run("errors", func(t *testing.T) {
		v := checkoutView()
		v.SavedCards = []SavedCardOption{{ID: 7, Brand: "VISA", Masked: "411111******1111", Expiry: "12/30"}}
		v.Form.SavedCard = 7
		v.Form.SaveCard = true
		v.Form.Mode = "hosted"
		v.FormError = "The card was declined."
		v.Errors = FieldErrors{"name": "Enter your name.", "phone": "Use digits.", "address": "Enter an address.",
			"card_number": "Check the card number.", "card_expiry": "Use MMYY.", "card_cvv": "3 or 4 digits.",
			"saved_card": "Pick a card.", "mode": "Pick a way to pay."}
		doc := render(t, CheckoutPage(v))
		count(t, doc, `[data-testid="field-error"]`, len(v.Errors))
		for field, msg := range v.Errors {
			e := doc.Find("#" + field + "-error")
			if e.Length() != 1 || strings.TrimSpace(e.Text()) != msg {
				t.Errorf("%s: got %d messages %q, want 1 %q", field, e.Length(), e.Text(), msg)
			}
			in := doc.Find(`[name="` + field + `"][aria-invalid="true"]`)
			if in.Length() == 0 {
				t.Errorf("%s: no input with aria-invalid", field)
			}
			in.Each(func(_ int, s *goquery.Selection) {
				if !strings.Contains(s.AttrOr("aria-describedby", ""), field+"-error") {
					t.Errorf("%s: aria-describedby %q does not name %s-error", field, s.AttrOr("aria-describedby", ""), field)
				}
			})
		}
		count(t, doc, `#email[aria-invalid]`, 0)
		if got := text(doc, `form [role="alert"]`); got != v.FormError {
			t.Errorf("form error: got %q, want %q", got, v.FormError)
		}
		count(t, doc, `input[name="saved_card"][value="7"][checked]`, 1)
		count(t, doc, `input[name="saved_card"][value="0"][checked]`, 0)
		count(t, doc, `input[name="mode"][value="hosted"][checked]`, 1)
		count(t, doc, `input[name="mode"][checked]`, 1)
		count(t, doc, `#save_card[checked]`, 1)
	})

	t.Run("card number and cvv never carry a value", func(t *testing.T) {
		for _, v := range []CheckoutView{checkoutView(), func() CheckoutView {
			v := checkoutView()
			v.Errors = FieldErrors{"card_number": "x", "card_cvv": "y"}
			return v
		}()} {
			doc := render(t, CheckoutPage(v))
			doc.Find(`[name="card_number"], [name="card_cvv"], #card_number, #card_cvv`).Each(func(_ int, s *goquery.Selection) {
				if val, ok := s.Attr("value"); ok {
					t.Errorf("%s has value=%q, want no value attribute", s.AttrOr("name", ""), val)
				}
			})
		}
	})

	t.Run("one mode", func(t *testing.T) {
		for _, tc := range []struct {
			direct, hosted bool
			want           string
		}{{true, false, "direct"}, {false, true, "hosted"}} {
			v := checkoutView()
			v.DirectEnabled, v.HostedEnabled = tc.direct, tc.hosted
			doc := render(t, CheckoutPage(v))
			count(t, doc, `input[type="radio"][name="mode"]`, 0)
			if got := doc.Find(`input[type="hidden"][name="mode"]`).AttrOr("value", ""); got != tc.want {
				t.Errorf("hidden mode: got %q, want %q", got, tc.want)
			}
			wantCard := 0
			if tc.direct {
				wantCard = 1
			}
			count(t, doc, `#card_number`, wantCard)
		}
	})

	t.Run("guest", func(t *testing.T) {
		v := checkoutView()
		v.Page = page("")
		v.LoggedIn = false
		doc := render(t, CheckoutPage(v))
		count(t, doc, `[name="save_card"]`, 0)
		count(t, doc, `[data-testid="saved-card"]`, 0)
		count(t, doc, `input[name="saved_card"]`, 0)
	})
}

func TestReceiptPage(t *testing.T) {
	base := ReceiptView{
		Page: page(""), Invoice: "INV-20250101-0001", DateText: "1 Jan 2025 10:00", Lines: sampleLines,
		TotalText: "Rp 150.000", StatusMessage: "Paid.", Masked: "411111******1111", Brand: "VISA",
		ApprovalCode: "123456", CustomerName: "Ani", Email: "ani@example.com",
	}
	for _, status := range []string{"SUCCESS", "FAILED", "PENDING"} {
		t.Run(status, func(t *testing.T) {
			v := base
			v.Status = status
			switch status {
			case "PENDING":
				v.RefreshSeconds = 5
				v.StatusURL, v.CheckAgainURL = "/orders/INV-20250101-0001/status?k=abc", "/orders/INV-20250101-0001?k=abc"
			case "FAILED":
				v.RetryURL = "/checkout"
				v.ResponseText = "Do not honour (05)"
			}
			doc := render(t, ReceiptPage(v))
			s := doc.Find(`[data-testid="order-status"]`)
			if s.Length() != 1 || s.Text() != status || s.AttrOr("data-status", "") != status {
				t.Errorf("order-status: got %d with text %q, data-status %q; want 1 with %q", s.Length(), s.Text(), s.AttrOr("data-status", ""), status)
			}
			for sel, want := range map[string]string{
				`[data-testid="invoice-number"]`: v.Invoice,
				`[data-testid="order-total"]`:    v.TotalText,
				`[data-testid="masked-card"]`:    v.Masked,
				`[data-testid="status-message"]`: v.StatusMessage,
			} {
				if got := text(doc, sel); got != want {
					t.Errorf("%s: got %q, want %q", sel, got, want)
				}
			}
			count(t, doc, `[data-testid="line"]`, 2)
			// No meta refresh (screen readers flag it): a polite live region
			// the page's own script updates, and a link that works without it.
			count(t, doc, `meta[http-equiv="refresh"]`, 0)
			live := doc.Find(`[aria-live="polite"] [data-testid="status-message"]`)
			script := doc.Find(`script[src$="receipt.js"]`)
			if status == "PENDING" {
				if live.Length() != 1 || script.Length() != 1 || doc.Find(`[data-status-url="`+v.StatusURL+`"]`).Length() != 1 {
					t.Errorf("pending receipt: live region %d, script %d, status URL %q; want each once", live.Length(), script.Length(), v.StatusURL)
				}
				if href, _ := doc.Find(`[data-testid="check-again"]`).Attr("href"); href != v.CheckAgainURL {
					t.Errorf("check again link: %q, want %q", href, v.CheckAgainURL)
				}
			} else if script.Length() != 0 || doc.Find(`[data-testid="check-again"]`).Length() != 0 {
				t.Errorf("a %s receipt polls for its status", status)
			}
			wantRetry := 0
			if v.RetryURL != "" {
				wantRetry = 1
				if got := text(doc, `[data-testid="response-text"]`); got != v.ResponseText {
					t.Errorf("response text: got %q, want %q", got, v.ResponseText)
				}
			}
			count(t, doc, `a[href="/checkout"]:contains("Try again")`, wantRetry)
			if !strings.Contains(doc.Text(), "Use your browser's Print to keep a copy") {
				t.Error("print hint missing")
			}
		})
	}
}

func TestOrdersPage(t *testing.T) {
	v := OrdersView{Page: page("ani@example.com"), Orders: []OrderRow{
		{Invoice: "INV-1", URL: "/orders/INV-1", DateText: "1 Jan 2025", TotalText: "Rp 150.000", Status: "SUCCESS"},
		{Invoice: "INV-2", URL: "/orders/INV-2", DateText: "2 Jan 2025", TotalText: "Rp 25.000", Status: "PENDING"},
	}}
	doc := render(t, OrdersPage(v))
	count(t, doc, `[data-testid="order-row"]`, 2)
	count(t, doc, `a[href="/orders/INV-2"]`, 1)
	doc.Find(`[data-testid="order-status"]`).Each(func(i int, s *goquery.Selection) {
		if s.Text() != v.Orders[i].Status {
			t.Errorf("row %d status: got %q, want %q", i, s.Text(), v.Orders[i].Status)
		}
	})
	empty := render(t, OrdersPage(OrdersView{Page: page("ani@example.com")}))
	count(t, empty, `[data-testid="empty"]`, 1)
	count(t, empty, `table`, 0)
}

func TestCardsPage(t *testing.T) {
	v := CardsView{Page: page("ani@example.com"), Cards: []SavedCardRow{
		{ID: 7, Brand: "VISA", Masked: "411111******1111", Expiry: "12/30"},
		{ID: 9, Brand: "MASTERCARD", Masked: "521111******1117", Expiry: "01/29"},
	}}
	doc := render(t, CardsPage(v))
	count(t, doc, `[data-testid="saved-card"]`, len(v.Cards))
	for _, c := range v.Cards {
		action := "/account/cards/" + strconv.FormatInt(c.ID, 10) + "/delete"
		count(t, doc, `[data-testid="saved-card"] form[method="post"][action="`+action+`"] button`, 1)
		if !strings.Contains(doc.Text(), c.Masked) || !strings.Contains(doc.Text(), c.Expiry) {
			t.Errorf("card %d: masked or expiry missing", c.ID)
		}
	}
	empty := render(t, CardsPage(CardsView{Page: page("ani@example.com")}))
	count(t, empty, `[data-testid="saved-card"]`, 0)
	count(t, empty, `[data-testid="empty"]`, 1)
}

func TestAuthPages(t *testing.T) {
	errs := FieldErrors{"email": "Enter an email.", "password": "Too short."}
	login := render(t, LoginPage(AuthView{Page: page(""), Email: "ani@example.com", Errors: errs, FormError: "Wrong email or password.", Next: "/checkout"}))
	count(t, login, `form[action="/login"]`, 1)
	count(t, login, `[data-testid="field-error"]`, 2)
	count(t, login, `input[type="hidden"][name="next"][value="/checkout"]`, 1)
	count(t, login, `#email[value="ani@example.com"][aria-invalid="true"]`, 1)
	count(t, login, `input[name="password"][value]`, 0)
	count(t, login, `main a[href="/register"]`, 1)
	if got := text(login, `[role="alert"]`); got != "Wrong email or password." {
		t.Errorf("form error: got %q", got)
	}

	reg := render(t, RegisterPage(AuthView{Page: page(""), Name: "Ani", Errors: FieldErrors{"name": "Enter your name."}}))
	count(t, reg, `form[action="/register"]`, 1)
	count(t, reg, `[data-testid="field-error"]`, 1)
	count(t, reg, `#name[value="Ani"][aria-invalid="true"]`, 1)
	count(t, reg, `input[name="next"]`, 0)
	count(t, reg, `[role="alert"]`, 0)
	count(t, reg, `main a[href="/login"]`, 1)
}
