package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"
)

// customer is a registered shopper and what the tests know about them.
type customer struct {
	*shopper
	email    string
	id       int64
	cards    []int64
	invoices []string
}

// newCustomer registers email and pays once with each pan, saving the card.
func newCustomer(t *testing.T, app *testApp, email string, pans ...string) *customer {
	t.Helper()
	s := newShopper(t, app)
	register(t, s, email)
	c := &customer{shopper: s, email: email}
	cust, err := app.Store.CustomerByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	c.id = cust.ID
	for _, pan := range pans {
		s.addToCart("3", "1")
		fields := card(pan, "737")
		fields.Set("save_card", "1")
		s.pay(fields, "123456")
		if got := s.text("order-status"); got != "SUCCESS" {
			t.Fatalf("%s pays with %s…: %q, want SUCCESS", email, pan[:6], got)
		}
		c.invoices = append(c.invoices, s.text("invoice-number"))
	}
	cards, err := app.Store.SavedCards(context.Background(), c.id)
	if err != nil || len(cards) != len(pans) {
		t.Fatalf("%s has %d saved cards (%v), want %d", email, len(cards), err, len(pans))
	}
	for _, sc := range cards {
		c.cards = append(c.cards, sc.ID)
	}
	return c
}

// stateOf is what a forged POST must not change: every cart line, order,
// customer and saved card, as counted in the database.
func stateOf(t *testing.T, app *testApp) string {
	t.Helper()
	db, err := openRO(app.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var parts []string
	for _, q := range []string{
		`SELECT COUNT(*) || '/' || COALESCE(SUM(quantity), 0) FROM cart_items`,
		`SELECT COUNT(*) || '/' || COALESCE(GROUP_CONCAT(status), '') FROM orders`,
		`SELECT COUNT(*) FROM customers`,
		`SELECT COUNT(*) FROM saved_cards WHERE deleted_at IS NULL`,
	} {
		var v string
		if err := db.QueryRow(q).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, " ")
}

// Every POST route refuses a request without its CSRF token (or with a
// forged one, or from another site) with 403, and changes nothing.
func TestEveryPostRouteNeedsCSRF(t *testing.T) {
	app := startApp(t, nil)
	c := newCustomer(t, app, "dewi@example.com", "4111111111111111")
	c.addToCart("1", "1")
	c.get("/checkout")
	key, _ := c.doc.Find(`input[name="checkout_key"]`).Attr("value")
	checkout := card("5573381011111101", "737")
	checkout.Set("checkout_key", key)

	forms := map[string]url.Values{
		"/cart/items":   {"product_id": {"4"}, "quantity": {"2"}},
		"/cart/items/1": {"quantity": {"7"}},
		"/checkout":     checkout,
		"/account/cards/" + strconv.FormatInt(c.cards[0], 10) + "/delete": {},
		"/register": {"name": {"Eve"}, "email": {"eve@example.com"}, "password": {"correct horse battery"}},
		"/login":    {"email": {"dewi@example.com"}, "password": {"correct horse battery"}},
		"/logout":   {},
		// The back office (handlers/admin*.go): refused before any login check.
		"/admin/login":                {"email": {"owner@example.com"}, "password": {"correct horse battery"}},
		"/admin/logout":               {},
		"/admin/setup":                {"token": {"x"}, "email": {"owner@example.com"}, "password": {"correct horse battery"}},
		"/admin/staff":                {"email": {"eve@example.com"}, "password": {"correct horse battery"}, "role": {"owner"}},
		"/admin/staff/1":              {"disabled": {"1"}},
		"/admin/settings":             {"store_name": {"Eve's"}},
		"/admin/products/new":         {"name": {"x"}, "price": {"1"}},
		"/admin/products/1":           {"name": {"x"}, "price": {"1"}},
		"/admin/orders/INV-X/capture": {},
		"/admin/orders/INV-X/void":    {},
		"/admin/orders/INV-X/refund":  {"amount": {"1000"}},
		"/admin/orders/INV-X/check":   {},
	}
	// The table covers every POST route but the two doors outsiders call.
	for _, r := range app.Handler.(*echo.Echo).Routes() {
		if r.Method != http.MethodPost || strings.HasPrefix(r.Path, "/checkout/3ds/") || r.Path == "/notifications/doku" {
			continue
		}
		found := false
		for p := range forms {
			found = found || routeMatches(r.Path, p)
		}
		if !found {
			t.Errorf("POST %s is not covered by this test", r.Path)
		}
	}

	for path, form := range forms {
		for _, attack := range []string{"no token", "forged token", "cross-site"} {
			before := stateOf(t, app)
			vals := url.Values{}
			for k, v := range form {
				vals[k] = v
			}
			if attack == "forged token" {
				vals.Set("csrf", "forged-0123456789abcdef0123456789")
			}
			req, _ := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(vals.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if attack == "cross-site" {
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				req.Header.Set("Origin", "https://evil.example")
			}
			resp, body := c.noFollow(req)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s with %s: %d, want 403", path, attack, resp.StatusCode)
			}
			if attack != "cross-site" && !strings.Contains(body, "This form has expired") {
				t.Errorf("POST %s with %s: the page does not say why", path, attack)
			}
			if after := stateOf(t, app); after != before {
				t.Errorf("POST %s with %s changed the state: %s → %s", path, attack, before, after)
			}
		}
	}
	// Still logged in as dewi (the forged logout did nothing), and the
	// forged login did not log a guest in.
	c.get("/orders")
	if c.path() != "/orders" {
		t.Errorf("after a forged logout the customer lands on %s, want /orders", c.path())
	}
	guest := newShopper(t, app)
	guest.get("/")
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/login", strings.NewReader(forms["/login"].Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	guest.noFollow(req)
	guest.get("/orders")
	if guest.path() != "/login" {
		t.Errorf("a login without a token logged the guest in (landed on %s)", guest.path())
	}
}

// routeMatches reports whether path fits the echo route pattern.
func routeMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], ":") && ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// cookieNamed finds the last Set-Cookie of resp with name: the one a
// browser keeps.
func cookieNamed(resp *http.Response, name string) *http.Cookie {
	var last *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == name {
			last = c
		}
	}
	return last
}

// The session and CSRF cookies are HttpOnly and SameSite=Lax, and Secure
// when the shop is served over HTTPS.
func TestCookieFlags(t *testing.T) {
	for _, public := range []string{"", "https://shop.example.test"} {
		name := map[string]string{"": "http", "https://shop.example.test": "https"}[public]
		t.Run(name, func(t *testing.T) {
			env := map[string]string{}
			if public != "" {
				// A public URL on the embedded sandbox is a deliberate demo.
				env["PUBLIC_URL"], env["SANDBOX_ON_PUBLIC_URL"] = public, "yes"
			}
			app := startApp(t, env)
			// Through the handler itself: a cookie jar would not send Secure
			// cookies back over the loopback's plain HTTP.
			get := httptest.NewRecorder()
			app.Handler.ServeHTTP(get, httptest.NewRequest(http.MethodGet, "/", nil))
			csrf := cookieNamed(&http.Response{Header: get.Header()}, "dc_csrf")
			if csrf == nil {
				t.Fatal("GET / set no CSRF cookie")
			}
			tok := strings.TrimSpace(between(get.Body.String(), `name="csrf" value="`, `"`))
			post := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/cart/items", strings.NewReader(url.Values{"csrf": {tok}, "product_id": {"1"}, "quantity": {"1"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: csrf.Name, Value: csrf.Value})
			app.Handler.ServeHTTP(post, req)
			if post.Code != http.StatusSeeOther {
				t.Fatalf("POST /cart/items: %d, want 303", post.Code)
			}
			session := cookieNamed(&http.Response{Header: post.Header()}, "dc_session")
			if session == nil {
				t.Fatal("adding to the cart set no session cookie")
			}
			secure := public != ""
			for _, c := range []*http.Cookie{csrf, session} {
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != secure || c.Path != "/" {
					t.Errorf("%s: HttpOnly=%v SameSite=%v Secure=%v Path=%q; want HttpOnly, Lax, Secure=%v, /", c.Name, c.HttpOnly, c.SameSite, c.Secure, c.Path, secure)
				}
			}
			if hsts := get.Header().Get("Strict-Transport-Security"); (hsts != "") != secure {
				t.Errorf("Strict-Transport-Security = %q over %s", hsts, name)
			}
		})
	}
}

func between(s, from, to string) string {
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

// Logging in starts a new session: a new cookie, a new CSRF token, nothing
// carried over from the guest's session but the cart, and the old cookie
// does not log anyone in.
func TestLoginRenewsTheSession(t *testing.T) {
	app := startApp(t, nil)
	reg := newShopper(t, app)
	register(t, reg, "putu@example.com")

	s := newShopper(t, app)
	s.addToCart("2", "1")
	s.checkout(card("4111111111111111", "737")) // a guest order, remembered by the session
	var invoice string
	db, err := openRO(app.DB)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT invoice FROM orders ORDER BY id DESC LIMIT 1`).Scan(&invoice); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s.get("/orders/" + invoice)
	if s.resp.StatusCode != http.StatusOK {
		t.Fatalf("the guest cannot open its own receipt: %d", s.resp.StatusCode)
	}
	u, _ := url.Parse(app.URL)
	oldSession := jarCookie(s, u, "dc_session")
	s.get("/login")
	oldToken, _ := s.doc.Find(`input[name="csrf"]`).Attr("value")
	resp, _ := s.noFollow(s.formRequest(`form[action="/login"]`, url.Values{"email": {"putu@example.com"}, "password": {"correct horse battery"}}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d, want 303", resp.StatusCode)
	}
	if c := cookieNamed(resp, "dc_csrf"); c == nil || c.MaxAge >= 0 {
		t.Errorf("login does not drop the CSRF cookie: %+v", c)
	}
	newSession := jarCookie(s, u, "dc_session")
	if newSession == "" || newSession == oldSession {
		t.Fatalf("the session cookie did not change at login")
	}
	s.get("/")
	if tok, _ := s.doc.Find(`input[name="csrf"]`).Attr("value"); tok == "" || tok == oldToken {
		t.Errorf("CSRF token after login = %q, before %q; want a new one", tok, oldToken)
	}
	if s.text("cart-count") != "1" {
		t.Errorf("the cart did not survive the login: %q items", s.text("cart-count"))
	}
	s.get("/orders/" + invoice)
	if s.resp.StatusCode != http.StatusNotFound {
		t.Errorf("after login the guest-session receipt opens without its link: %d, want 404", s.resp.StatusCode)
	}

	// The pre-login cookie, replayed by whoever captured it, is a guest.
	thief := newShopper(t, app)
	thief.c.Jar.SetCookies(u, []*http.Cookie{{Name: "dc_session", Value: oldSession}})
	thief.get("/orders")
	if thief.path() != "/login" {
		t.Errorf("the pre-login session cookie opens /orders (landed on %s)", thief.path())
	}
}

func jarCookie(s *shopper, u *url.URL, name string) string {
	for _, c := range s.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// Every page carries the security headers; the card page the strictest.
func TestSecurityHeaders(t *testing.T) {
	app := startApp(t, nil)
	c := newCustomer(t, app, "made@example.com", "4111111111111111")
	c.addToCart("1", "1")
	pages := []string{"/", "/cart", "/checkout", "/login", "/register", "/orders", "/account/cards",
		"/orders/" + c.invoices[0], "/orders/INV-00000000-0000000000", "/no-such-page"}
	for _, p := range pages {
		c.get(p)
		h := c.resp.Header
		csp := h.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q; want one with frame-ancestors 'none' and no unsafe-*", p, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: nosniff=%q Referrer-Policy=%q X-Frame-Options=%q", p, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"), h.Get("X-Frame-Options"))
		}
	}
	// The card page, as rendered and as re-rendered with errors.
	c.get("/checkout")
	strict := func(what string) {
		h := c.resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.HasPrefix(csp, "default-src 'none'") || strings.Contains(csp, "script-src") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q; want default-src 'none', no scripts, frame-ancestors 'none'", what, csp)
		}
		if !strings.Contains(h.Get("Cache-Control"), "no-store") || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: Cache-Control %q, Referrer-Policy %q; want no-store, no-referrer", what, h.Get("Cache-Control"), h.Get("Referrer-Policy"))
		}
	}
	strict("GET /checkout")
	c.submit(`form[action="/checkout"]`, card("4111111111111112", "737"))
	if c.resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid card: %d, want 422", c.resp.StatusCode)
	}
	strict("POST /checkout re-rendered")
}

// Another customer's cards and orders do not exist for you: every one of
// their ids is tried.
func TestOtherCustomersDataIsNotFound(t *testing.T) {
	app := startRecordedApp(t, nil)
	victim := newCustomer(t, app, "victim@example.com", "4111111111111111", "5573381011111101")
	me := newCustomer(t, app, "me@example.com", "3530111333300000")
	ctx := context.Background()

	for _, id := range victim.cards {
		idText := strconv.FormatInt(id, 10)
		orders, charges := app.countOrders(t), app.DOKU.chargeTotal()
		me.addToCart("1", "1")
		me.get("/checkout")
		fields := contact()
		fields.Set("saved_card", idText)
		me.submit(`form[action="/checkout"]`, fields)
		if me.resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(me.text("field-error"), "saved cards") {
			t.Errorf("checkout with the victim's card %d: %d, field error %q; want 422 and a field error", id, me.resp.StatusCode, me.text("field-error"))
		}
		if app.countOrders(t) != orders || app.DOKU.chargeTotal() != charges {
			t.Errorf("checkout with the victim's card %d made an order or a charge", id)
		}
		me.get("/account/cards") // for my CSRF token
		req, _ := http.NewRequest(http.MethodPost, app.URL+"/account/cards/"+idText+"/delete",
			strings.NewReader(url.Values{"csrf": {csrfOf(me.shopper)}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ := me.noFollow(req)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("deleting the victim's card %d: %d, want 404", id, resp.StatusCode)
		}
		if _, err := app.Store.SavedCard(ctx, id, victim.id); err != nil {
			t.Errorf("the victim's card %d is gone: %v", id, err)
		}
	}
	for _, inv := range victim.invoices {
		for _, q := range []string{"", "?k=", "?k=0000000000000000000000000000000", "?k=" + app.order(t, me.invoices[0]).Ref} {
			me.get("/orders/" + inv + q)
			if me.resp.StatusCode != http.StatusNotFound || strings.Contains(me.body, inv) {
				t.Errorf("GET /orders/%s%s as another customer: %d, want 404 without the invoice", inv, q, me.resp.StatusCode)
			}
		}
	}
	me.get("/orders")
	var listed []string
	me.doc.Find(`[data-testid="order-row"] [data-testid="invoice-number"]`).Each(func(_ int, s *goquery.Selection) {
		listed = append(listed, strings.TrimSpace(s.Text()))
	})
	if !slices.Equal(listed, me.invoices) {
		t.Errorf("/orders lists %v, want only mine %v", listed, me.invoices)
	}
	me.get("/account/cards")
	if n := me.count("saved-card"); n != 1 || !strings.Contains(me.text("saved-card"), "JCB") {
		t.Errorf("/account/cards lists %d cards (%q), want only my JCB", n, me.text("saved-card"))
	}
	for _, id := range victim.cards {
		if me.doc.Find(fmt.Sprintf(`form[action="/account/cards/%d/delete"]`, id)).Length() != 0 {
			t.Errorf("/account/cards offers to remove the victim's card %d", id)
		}
	}
}

func csrfOf(s *shopper) string {
	v, _ := s.doc.Find(`input[name="csrf"]`).Attr("value")
	return v
}

// Prices and totals posted with the form are ignored: the order, the 3DS
// page and the charge carry the server's cart total.
func TestAmountTamperingIsIgnored(t *testing.T) {
	app := startApp(t, nil)
	s := newShopper(t, app)
	s.addToCart("2", "2") // Rp 85.000 × 2
	s.get("/")
	s.post("/cart/items", url.Values{"product_id": {"5"}, "quantity": {"1"}, "price": {"1"}, "price_idr": {"1"}, "amount": {"1"}})
	s.get("/checkout")
	fields := card("4111111111111111", "737")
	for _, k := range []string{"amount", "price", "total", "amount_idr", "order.amount", "order[amount]", "line_items[0][price]"} {
		fields.Set(k, "1")
	}
	s.submit(`form[action="/checkout"]`, fields)
	if got := s.text("amount"); got != "Rp 200.000" {
		t.Errorf("3DS page amount = %q, want Rp 200.000\n%s", got, s.body)
	}
	s.otp("123456")
	if got := s.text("order-status"); got != "SUCCESS" {
		t.Fatalf("order status = %q, want SUCCESS", got)
	}
	o := app.order(t, s.text("invoice-number"))
	if o.AmountIDR != 200000 || s.text("order-total") != "Rp 200.000" {
		t.Errorf("order amount %d, receipt total %q; want 200000, Rp 200.000", o.AmountIDR, s.text("order-total"))
	}
	var sum int64
	for _, l := range o.Lines {
		sum += l.PriceIDR * int64(l.Quantity)
	}
	if sum != 200000 || len(o.Lines) != 2 {
		t.Errorf("order lines %+v sum to %d, want catalog prices summing to 200000", o.Lines, sum)
	}
}

// Bad quantities and product ids are refused with 422 and a message, and
// the cart stays as it was.
func TestCartInputIsValidated(t *testing.T) {
	app := startApp(t, nil)
	s := newShopper(t, app)
	s.addToCart("2", "3")
	cart := func() string {
		s.get("/cart")
		return fmt.Sprintf("%d lines, %s, total %s", s.count("cart-line"), s.doc.Find(`input[name="quantity"][type="number"]`).AttrOr("value", "?"), s.text("order-total"))
	}
	want := cart()
	bad := []string{"-1", "100", "99999999999999999999", "abc", "1.5", "1e2", "0x10", "½", "3; DROP TABLE cart_items"}
	for _, q := range bad {
		for _, tc := range []struct{ path, field, id, msg string }{
			{"/cart/items", "quantity", "2", "Choose a quantity from 1 to 99."},
			{"/cart/items/2", "quantity", "", "Choose a quantity from 0 to 99"},
		} {
			s.get("/")
			form := url.Values{tc.field: {q}}
			if tc.id != "" {
				form.Set("product_id", tc.id)
			}
			s.post(tc.path, form)
			if s.resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(s.body, tc.msg) {
				t.Errorf("POST %s quantity=%q: %d; want 422 saying %q", tc.path, q, s.resp.StatusCode, tc.msg)
			}
			if got := cart(); got != want {
				t.Errorf("POST %s quantity=%q changed the cart: %s → %s", tc.path, q, want, got)
			}
		}
	}
	s.get("/")
	s.post("/cart/items", url.Values{"quantity": {"0"}, "product_id": {"2"}})
	if s.resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("adding quantity 0: %d, want 422", s.resp.StatusCode)
	}
	for _, id := range []string{"999", "0", "-1", "abc", "", "1.0", "9223372036854775808"} {
		s.get("/")
		s.post("/cart/items", url.Values{"product_id": {id}, "quantity": {"1"}})
		if s.resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(s.body, "That product does not exist.") {
			t.Errorf("adding product %q: %d; want 422 'That product does not exist.'", id, s.resp.StatusCode)
		}
	}
	for _, id := range []string{"999", "0", "4"} { // unknown, or not in this cart
		s.get("/cart")
		s.post("/cart/items/"+id, url.Values{"quantity": {"5"}})
		if s.resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(s.body, "That item is not in your cart.") {
			t.Errorf("updating product %s: %d; want 422 'That item is not in your cart.'", id, s.resp.StatusCode)
		}
	}
	if got := cart(); got != want {
		t.Errorf("bad product ids changed the cart: %s → %s", want, got)
	}
}

// viaHandler is a transport that serves requests with the app's handler
// in-process, as if they came from remote: the only way to be a client
// that is not on the loopback.
type viaHandler struct {
	h      http.Handler
	remote string
}

func (v viaHandler) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.RemoteAddr, r.RequestURI = v.remote, req.URL.RequestURI()
	rec := httptest.NewRecorder()
	v.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// Logins and card submissions are rate limited per client address. A
// client's own X-Forwarded-For or X-Real-IP buys no more attempts; a proxy
// in front of the shop (on a private address) still tells its clients apart.
func TestRateLimits(t *testing.T) {
	app := startApp(t, map[string]string{"LOGIN_RATE": "6", "CHECKOUT_RATE": "6"})
	attempt := func(s *shopper, path string, forwardedFor string) (*http.Response, string) {
		s.get(path)
		form := url.Values{"email": {"nobody@example.com"}, "password": {"wrong password"}}
		if path == "/checkout" {
			form = card("4111111111111112", "737") // refused by validation: no order
		}
		form.Set("csrf", csrfOf(s))
		req, _ := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if forwardedFor != "" {
			req.Header.Set("X-Forwarded-For", forwardedFor)
			req.Header.Set("X-Real-IP", forwardedFor)
		}
		return s.noFollow(req)
	}
	client := func(remote string) *shopper {
		s := newShopper(t, app)
		s.c.Transport = cookieRecorder{next: viaHandler{h: app.Handler, remote: remote}, app: app}
		s.addToCart("1", "1")
		return s
	}
	for _, tc := range []struct{ path, msg string }{
		{"/login", "Too many login attempts"},
		{"/checkout", "Too many payment attempts"},
	} {
		attacker := client("192.0.2.10:40000")
		var codes []int
		for i := range 4 {
			resp, body := attempt(attacker, tc.path, fmt.Sprintf("203.0.113.%d", i+1))
			codes = append(codes, resp.StatusCode)
			if resp.StatusCode == http.StatusTooManyRequests && (!strings.Contains(body, tc.msg) || resp.Header.Get("Retry-After") == "") {
				t.Errorf("%s: 429 without a clear message or Retry-After:\n%s", tc.path, body)
			}
		}
		if codes[0] != http.StatusUnprocessableEntity || slices.Contains(codes[1:], http.StatusUnprocessableEntity) {
			t.Errorf("%s attempts from one client with forged forwarding headers: %v; want 422, then 429 once the burst is spent", tc.path, codes)
		}
		// Behind the merchant's proxy, shoppers are told apart by the
		// address the proxy adds.
		proxy := client("10.0.0.2:50000")
		for i := range 3 {
			if resp, _ := attempt(proxy, tc.path, fmt.Sprintf("198.51.100.%d", i+1)); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: shopper %d behind the proxy got %d, want 422 (their own first attempt)", tc.path, i+1, resp.StatusCode)
			}
		}
	}
}

// A body over the limit is refused with 413 before anything reads it.
func TestBodyLimit(t *testing.T) {
	app := startApp(t, nil)
	s := newShopper(t, app)
	s.addToCart("1", "1")
	s.get("/checkout")
	before := stateOf(t, app)
	big := strings.Repeat("A", 100<<10)
	for _, path := range []string{"/checkout", "/cart/items", "/login", "/notifications/doku"} {
		form := card("4111111111111111", "737")
		form.Set("csrf", csrfOf(s))
		form.Set("address", big)
		req, _ := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ := s.noFollow(req)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s with %d KiB: %d, want 413", path, len(big)>>10, resp.StatusCode)
		}
	}
	if after := stateOf(t, app); after != before {
		t.Errorf("oversized posts changed the state: %s → %s", before, after)
	}
}
