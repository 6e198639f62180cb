package apptest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// Shopper is a browser stand-in: a cookie jar, the last page and its forms.
// Post and Submit carry the page's CSRF token.
type Shopper struct {
	T      testing.TB
	App    *App
	Client *http.Client
	// Resp, Body and Doc are the last page: its response (after
	// redirects), its text and its parsed HTML.
	Resp *http.Response
	Body string
	Doc  *goquery.Document
}

// NewShopper is a fresh browser on app: an empty cookie jar, following
// redirects, every Set-Cookie recorded for the card data scan. It reads
// English (Accept-Language: en), which the tests' texts are written in;
// NewShopperIn picks another language.
func NewShopper(tb testing.TB, a *App) *Shopper { return NewShopperIn(tb, a, "en") }

// NewShopperIn is NewShopper whose browser asks for lang (an
// Accept-Language value, e.g. "id"; "" sends none: the shop's default).
func NewShopperIn(tb testing.TB, a *App, lang string) *Shopper {
	jar, _ := cookiejar.New(nil)
	return &Shopper{T: tb, App: a, Client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport: AcceptLanguage{Next: CookieRecorder{Next: a.RoundTripper(), App: a}, Lang: lang}}}
}

// AcceptLanguage sends Lang as every request's Accept-Language, unless the
// request has one.
type AcceptLanguage struct {
	Next http.RoundTripper
	Lang string
}

// RoundTrip implements http.RoundTripper.
func (t AcceptLanguage) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.Lang != "" && req.Header.Get("Accept-Language") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("Accept-Language", t.Lang)
	}
	return t.Next.RoundTrip(req)
}

func (s *Shopper) abs(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return s.App.URL + path
}

// Do sends req with the shopper's cookies, follows redirects, and keeps
// the page it ends on.
func (s *Shopper) Do(req *http.Request) *Shopper {
	s.T.Helper()
	resp, err := s.Client.Do(req)
	if err != nil {
		s.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	s.Resp, s.Body = resp, string(b)
	s.Doc, _ = goquery.NewDocumentFromReader(bytes.NewReader(b))
	return s
}

// Get loads a page (a path on the app, or a full URL).
func (s *Shopper) Get(path string) *Shopper {
	s.T.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.abs(path), nil)
	return s.Do(req)
}

// Post sends a form; it adds the CSRF token of the last page.
func (s *Shopper) Post(path string, form url.Values) *Shopper {
	s.T.Helper()
	if form.Get("csrf") == "" && s.Doc != nil {
		if tok, ok := s.Doc.Find(`input[name="csrf"]`).Attr("value"); ok {
			form.Set("csrf", tok)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, s.abs(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.Do(req)
}

// Submit fills the form matched by sel on the current page as a browser
// would (hidden and filled inputs, checked boxes, selects, textareas), with
// set overriding fields, and submits it.
func (s *Shopper) Submit(sel string, set url.Values) *Shopper {
	s.T.Helper()
	req := s.FormRequest(sel, set)
	return s.Do(req)
}

// FormRequest is the request Submit would send.
func (s *Shopper) FormRequest(sel string, set url.Values) *http.Request {
	s.T.Helper()
	form := s.Doc.Find(sel).First()
	if form.Length() == 0 {
		s.T.Fatalf("no form %q on %s:\n%s", sel, s.Resp.Request.URL, s.Body)
	}
	vals := FormValues(form)
	for k, v := range set {
		vals[k] = v
	}
	action, _ := form.Attr("action")
	target, _ := s.Resp.Request.URL.Parse(action)
	req, _ := http.NewRequest(http.MethodPost, target.String(), strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// NoFollow sends req with the shopper's cookies without following a
// redirect, and returns the response with its body read. The shopper's
// last page stays as it was.
func (s *Shopper) NoFollow(req *http.Request) (*http.Response, string) {
	s.T.Helper()
	c := *s.Client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		s.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// FormValues are the fields a browser would submit with form as it stands.
func FormValues(form *goquery.Selection) url.Values {
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

// Text is the trimmed text of the first element with data-testid.
func (s *Shopper) Text(testid string) string {
	return strings.TrimSpace(s.Doc.Find(`[data-testid="` + testid + `"]`).First().Text())
}

// Count is how many elements carry data-testid.
func (s *Shopper) Count(testid string) int {
	return s.Doc.Find(`[data-testid="` + testid + `"]`).Length()
}

// Path is the path of the last page, after redirects.
func (s *Shopper) Path() string { return s.Resp.Request.URL.Path }

// CSRF is the CSRF token of the last page's forms.
func (s *Shopper) CSRF() string {
	v, _ := s.Doc.Find(`input[name="csrf"]`).Attr("value")
	return v
}

// Cookie is the value of the cookie name the shopper's jar holds for u.
func (s *Shopper) Cookie(u *url.URL, name string) string {
	for _, c := range s.Client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// Cookies are the cookies the shopper's jar sends to the app.
func (s *Shopper) Cookies() []*http.Cookie {
	u, _ := url.Parse(s.App.URL)
	return s.Client.Jar.Cookies(u)
}

// CookieNamed finds the last Set-Cookie of resp with name: the one a
// browser keeps.
func CookieNamed(resp *http.Response, name string) *http.Cookie {
	var last *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == name {
			last = c
		}
	}
	return last
}

// AddToCart puts quantity of product id in the cart from the catalog page.
func (s *Shopper) AddToCart(productID, quantity string) *Shopper {
	s.T.Helper()
	s.Get("/")
	s.Post("/cart/items", url.Values{"product_id": {productID}, "quantity": {quantity}})
	if s.Resp.StatusCode != http.StatusOK || s.Path() != "/cart" {
		s.T.Fatalf("add to cart: got %d at %s, want 200 at /cart", s.Resp.StatusCode, s.Path())
	}
	return s
}

// Contact is a valid set of checkout details.
func Contact() url.Values {
	return url.Values{
		"name": {"Siti Rahma"}, "email": {"siti@example.com"}, "phone": {"081234567890"},
		"address": {"Jl. Merdeka No. 10, Bandung"}, "country": {"ID"},
	}
}

// Card returns checkout fields for a new card.
func Card(number, cvv string) url.Values {
	v := Contact()
	v.Set("card_number", number)
	v.Set("card_expiry", "1230")
	v.Set("card_cvv", cvv)
	v.Set("saved_card", "0")
	return v
}

// Checkout opens /checkout and submits it with fields.
func (s *Shopper) Checkout(fields url.Values) *Shopper {
	s.T.Helper()
	s.Get("/checkout")
	if s.Resp.StatusCode != http.StatusOK {
		s.T.Fatalf("GET /checkout: %d\n%s", s.Resp.StatusCode, s.Body)
	}
	return s.Submit(`form[action="/checkout"]`, fields)
}

// OTP answers the sandbox's 3DS challenge page.
func (s *Shopper) OTP(code string) *Shopper {
	s.T.Helper()
	if s.Doc.Find("#otp").Length() == 0 {
		s.T.Fatalf("not on the 3DS challenge page: %d %s\n%s", s.Resp.StatusCode, s.Resp.Request.URL, s.Body)
	}
	return s.Submit("form", url.Values{"otp": {code}})
}

// Pay runs checkout → 3DS with the OTP and returns on the receipt.
func (s *Shopper) Pay(fields url.Values, code string) *Shopper {
	s.T.Helper()
	return s.Checkout(fields).OTP(code)
}

// WaitStatus reloads the receipt until it shows want or the deadline passes.
func (s *Shopper) WaitStatus(want string, within time.Duration) {
	s.T.Helper()
	receipt := s.Resp.Request.URL.String()
	deadline := time.Now().Add(within)
	for {
		if got := s.Text("order-status"); got == want {
			return
		} else if time.Now().After(deadline) {
			s.T.Fatalf("order status = %q after %s, want %q", got, within, want)
		}
		time.Sleep(100 * time.Millisecond)
		s.Get(receipt)
	}
}

// ToChallenge puts product 2 in a fresh shopper's cart and checks out with
// a new card up to DOKU's 3DS page.
func ToChallenge(tb testing.TB, a *App, pan, cvv string) *Shopper {
	tb.Helper()
	s := NewShopper(tb, a)
	s.AddToCart("2", "1") // Kopi Gayo, Rp 85.000
	s.Checkout(Card(pan, cvv))
	if s.Doc.Find("#otp").Length() == 0 {
		tb.Fatalf("checkout did not reach the 3DS page: %d %s\n%s", s.Resp.StatusCode, s.Resp.Request.URL, s.Body)
	}
	return s
}

// PassChallenge answers the 3DS page with the right OTP without following
// DOKU's redirect, and returns where DOKU sends the browser: our 3DS return.
func (s *Shopper) PassChallenge() string {
	s.T.Helper()
	resp, _ := s.NoFollow(s.FormRequest("form", url.Values{"otp": {"123456"}}))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/checkout/3ds/") {
		s.T.Fatalf("3DS answer: %d to %q, want 303 to our 3DS return", resp.StatusCode, loc)
	}
	return loc
}

// Password is the password Register and Login use.
const Password = "correct horse battery"

// Register signs s up as email (logged in afterwards).
func Register(tb testing.TB, s *Shopper, email string) {
	tb.Helper()
	s.Get("/register")
	s.Submit(`form[action="/register"]`, url.Values{"name": {"Budi Santoso"}, "email": {email}, "password": {Password}})
	if s.Resp.StatusCode != http.StatusOK || s.Path() != "/" {
		tb.Fatalf("register: %d at %s\n%s", s.Resp.StatusCode, s.Path(), s.Body)
	}
}

// Login logs s in as email.
func Login(tb testing.TB, s *Shopper, email string) {
	tb.Helper()
	s.Get("/login")
	s.Submit(`form[action="/login"]`, url.Values{"email": {email}, "password": {Password}})
	if s.Resp.StatusCode != http.StatusOK || s.Path() != "/" {
		tb.Fatalf("login: %d at %s", s.Resp.StatusCode, s.Path())
	}
}

// Customer is a registered shopper and what the tests know about them.
type Customer struct {
	*Shopper
	Email    string
	ID       int64
	Cards    []int64
	Invoices []string
}

// NewCustomer registers email and pays once with each pan, saving the card.
func NewCustomer(tb testing.TB, a *App, email string, pans ...string) *Customer {
	tb.Helper()
	s := NewShopper(tb, a)
	Register(tb, s, email)
	c := &Customer{Shopper: s, Email: email}
	cust, err := a.Store.CustomerByEmail(context.Background(), email)
	if err != nil {
		tb.Fatal(err)
	}
	c.ID = cust.ID
	for _, pan := range pans {
		s.AddToCart("3", "1")
		fields := Card(pan, "737")
		fields.Set("save_card", "1")
		s.Pay(fields, "123456")
		if got := s.Text("order-status"); got != "SUCCESS" {
			tb.Fatalf("%s pays with %s…: %q, want SUCCESS", email, pan[:6], got)
		}
		c.Invoices = append(c.Invoices, s.Text("invoice-number"))
	}
	cards, err := a.Store.SavedCards(context.Background(), c.ID)
	if err != nil || len(cards) != len(pans) {
		tb.Fatalf("%s has %d saved cards (%v), want %d", email, len(cards), err, len(pans))
	}
	for _, sc := range cards {
		c.Cards = append(c.Cards, sc.ID)
	}
	return c
}

// Between is the part of s after the first from and before the next to.
func Between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}
