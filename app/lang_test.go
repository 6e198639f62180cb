package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"doku-checkout/app/apptest"
	"doku-checkout/i18n"
)

// englishSentences are the English catalog's texts that read differently
// in Bahasa Indonesia and are sentences or phrases (a space, no verb), so
// finding one on an Indonesian page means a text escaped translation.
func englishSentences() []string {
	var out []string
	for _, k := range i18n.Keys(i18n.English) {
		en, id := i18n.Raw(i18n.English, k), i18n.Raw(i18n.Indonesian, k)
		if en != id && strings.Contains(en, " ") && !strings.Contains(en, "%") && len(en) >= 8 {
			out = append(out, en)
		}
	}
	return out
}

// inIndonesian checks the shopper's current page reads Bahasa Indonesia:
// <html lang="id"> and no untranslated English text of the catalog.
func inIndonesian(t *testing.T, s *apptest.Shopper, page string) {
	t.Helper()
	if n := len(englishSentences()); n < 100 {
		t.Fatalf("only %d English sentences to look for: the check is broken", n)
	}
	if got := s.Doc.Find("html").AttrOr("lang", ""); got != "id" {
		t.Errorf("%s: <html lang=%q>, want id", page, got)
	}
	text := strings.Join(strings.Fields(s.Doc.Find("body").Text()), " ")
	for _, en := range englishSentences() {
		if strings.Contains(text, en) {
			t.Errorf("%s (%s) shows English %q", page, s.Path(), en)
		}
	}
	s.Doc.Find("[aria-label], [title], [placeholder]").Each(func(_ int, n *goquery.Selection) {
		for _, attr := range []string{"aria-label", "title", "placeholder"} {
			v := n.AttrOr(attr, "")
			for _, en := range englishSentences() {
				if v != "" && strings.Contains(v, en) {
					t.Errorf("%s: %s=%q is English", page, attr, v)
				}
			}
		}
	})
}

// A shopper whose browser asks for Bahasa Indonesia (or nothing) walks the
// whole shop in it: every page, the forms' errors, the bank's answer, the
// badges, money and dates, and the order keeps the language for its mail.
func TestShopperPagesInBahasaIndonesia(t *testing.T) {
	a := apptest.Start(t)
	s := apptest.NewShopperIn(t, a, "") // no Accept-Language: the default
	s.Get("/")
	inIndonesian(t, s, "catalog")
	if !strings.Contains(s.Body, "Rp 85.000") || !strings.Contains(s.Body, "Tambah ke keranjang") {
		t.Errorf("catalog: no Rp 85.000 or Tambah ke keranjang")
	}
	s.Submit(`form.add-form:has(input[name="product_id"][value="2"])`, url.Values{"quantity": {"2"}})
	if s.Path() != "/" || s.Text("flash") != "Kopi Gayo 250 g sudah masuk ke keranjang Anda." || s.Text("cart-count") != "2" {
		t.Errorf("add from the catalog: at %s, flash %q, count %q; want the catalog, its flash, 2", s.Path(), s.Text("flash"), s.Text("cart-count"))
	}
	s.Get("/cart")
	inIndonesian(t, s, "cart")
	if s.Text("order-total") != "Rp 170.000" {
		t.Errorf("cart total %q, want Rp 170.000", s.Text("order-total"))
	}
	s.Get("/checkout")
	inIndonesian(t, s, "checkout")
	bad := apptest.Card("4111 1111 1111 1112", "12")
	bad.Set("email", "siti@")
	s.Submit(`form[action="/checkout"]`, bad)
	inIndonesian(t, s, "checkout with errors")
	for _, want := range []string{"Mohon perbaiki isian yang ditandai di bawah.", "Nomor kartu ini tidak valid. Periksa angkanya.",
		"Masukkan alamat email seperti nama@contoh.com.", "Kode keamanan terdiri dari 3 angka."} {
		if !strings.Contains(s.Body, want) {
			t.Errorf("checkout errors lack %q", want)
		}
	}

	s.Pay(apptest.Card("4000000000000002", "123"), "123456")
	inIndonesian(t, s, "failed receipt")
	if s.Text("order-status") != "GAGAL" || s.Doc.Find(`[data-testid="order-status"]`).AttrOr("data-status", "") != "FAILED" {
		t.Errorf("declined: badge %q, want GAGAL with data-status FAILED", s.Text("order-status"))
	}
	if got := s.Text("response-text"); got != "Kartu ditolak oleh bank (05)" {
		t.Errorf("bank's answer %q, want Kartu ditolak oleh bank (05)", got)
	}
	if !regexp.MustCompile(`^\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4}, \d{2}\.\d{2} WIB$`).MatchString(s.Text("order-date")) {
		t.Errorf("date %q, want like 2 Des 2026, 09.22 WIB", s.Text("order-date"))
	}
	s.Get(s.Doc.Find(`[data-testid="retry"]`).AttrOr("href", ""))
	s.Submit(`form[action="/checkout"]`, url.Values{"card_number": {"4111111111111111"}, "card_expiry": {"12/2030"}, "card_cvv": {"123"}})
	s.OTP("123456")
	inIndonesian(t, s, "receipt")
	if s.Text("order-status") != "BERHASIL" || s.Text("order-total") != "Rp 170.000" {
		t.Errorf("paid: badge %q total %q, want BERHASIL Rp 170.000", s.Text("order-status"), s.Text("order-total"))
	}
	o, err := a.Store.OrderByInvoice(context.Background(), s.Text("invoice-number"))
	if err != nil || o.Lang != "id" {
		t.Errorf("order's language %q (%v), want id: its mails follow it", o.Lang, err)
	}

	apptest.Register(t, s, "dewi@example.com")
	s.Get("/orders")
	inIndonesian(t, s, "orders")
	s.Get("/account/cards")
	inIndonesian(t, s, "saved cards")
	s.Get("/orders/INV-NOPE")
	inIndonesian(t, s, "error page")
	if s.Resp.StatusCode != http.StatusNotFound || s.Text("error-message") != "Kami tidak menemukan halaman itu." {
		t.Errorf("404: %d %q", s.Resp.StatusCode, s.Text("error-message"))
	}
	guest := apptest.NewShopperIn(t, a, "id-ID,id;q=0.9")
	guest.Get("/login")
	inIndonesian(t, guest, "login")
	guest.Submit(`form[action="/login"]`, url.Values{"email": {"nobody@example.com"}, "password": {"wrong password"}})
	inIndonesian(t, guest, "login with an error")
	if guest.Text("form-error") != "Email atau kata sandi tidak benar." || guest.Doc.Find("#email").AttrOr("value", "") != "nobody@example.com" {
		t.Errorf("login mistake: %q, email %q", guest.Text("form-error"), guest.Doc.Find("#email").AttrOr("value", ""))
	}
	guest.Get("/register")
	inIndonesian(t, guest, "register")
}

// The switch sets the language for the next pages (dc_lang, SameSite
// Lax), whatever the browser asks for, and comes back to the same page,
// its query kept; Accept-Language chooses until then.
func TestLanguageSwitchIsRemembered(t *testing.T) {
	a := apptest.Start(t)
	s := apptest.NewShopperIn(t, a, "en-US,en;q=0.9")
	s.Get("/cart")
	if s.Doc.Find("html").AttrOr("lang", "") != "en" || !strings.Contains(s.Body, "Your cart") {
		t.Fatalf("Accept-Language en: lang %q", s.Doc.Find("html").AttrOr("lang", ""))
	}
	link := s.Doc.Find(`[data-testid="lang-switch"] a[data-lang="id"]`).AttrOr("href", "")
	if link != "/cart?lang=id" {
		t.Fatalf("switch link %q, want /cart?lang=id", link)
	}
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/orders/INV-X?k=abc&lang=id", nil)
	resp, _ := s.NoFollow(req)
	ck := apptest.CookieNamed(resp, "dc_lang")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/orders/INV-X?k=abc" || ck == nil || ck.Value != "id" || ck.SameSite != http.SameSiteLaxMode {
		t.Fatalf("?lang=id: %d to %q, cookie %+v; want 303 back without lang, dc_lang=id Lax", resp.StatusCode, resp.Header.Get("Location"), ck)
	}
	s.Get(link)
	if s.Path() != "/cart" || s.Doc.Find("html").AttrOr("lang", "") != "id" || !strings.Contains(s.Body, "Keranjang Anda") {
		t.Fatalf("after the switch: %s lang %q", s.Path(), s.Doc.Find("html").AttrOr("lang", ""))
	}
	s.Get("/")
	if s.Doc.Find("html").AttrOr("lang", "") != "id" {
		t.Error("the choice is not remembered")
	}
	if cur := s.Doc.Find(`[data-testid="lang-switch"] a[aria-current]`).AttrOr("data-lang", ""); cur != "id" {
		t.Errorf("switch marks %q as current, want id", cur)
	}
	s.Get("/?lang=xx")
	if s.Path() != "/" || s.Doc.Find("html").AttrOr("lang", "") != "id" {
		t.Error("an unknown language must change nothing")
	}
}

// Adding from the catalog keeps the shopper browsing: the catalog again,
// a flash naming the product, the header's count updated.
func TestAddToCartFromTheCatalogStaysThere(t *testing.T) {
	a := apptest.Start(t)
	s := apptest.NewShopper(t, a)
	s.Get("/")
	s.Submit(`form.add-form:has(input[name="product_id"][value="5"])`, url.Values{"quantity": {"3"}})
	if s.Path() != "/" || s.Text("flash") != "Added Teh Melati to your cart." || s.Text("cart-count") != "3" {
		t.Fatalf("at %s, flash %q, count %q; want /, Added Teh Melati to your cart., 3", s.Path(), s.Text("flash"), s.Text("cart-count"))
	}
	s.AddToCart("5", "1") // a POST without the catalog's field still shows the cart
	if s.Count("cart-line") != 1 || s.Text("cart-count") != "4" {
		t.Errorf("cart: %d lines, count %q; want 1 line of 4", s.Count("cart-line"), s.Text("cart-count"))
	}
}
