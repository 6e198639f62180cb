package app_test

// Tests for the second money review (issue 9): each fails on the code the
// review broke and passes now. The item each proves is in its comment.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"doku-checkout/app"
	"doku-checkout/app/apptest"
	"doku-checkout/i18n"

	"github.com/google/uuid"

	"doku-checkout/doku/signature"
	"doku-checkout/payment"
	"doku-checkout/route"
)

// Item 3: a post-login redirect never leaves the site, however the next
// parameter is dressed up (a tab or backslash a browser drops, an encoded
// slash, a scheme).
func TestLoginNextCannotLeaveTheSite(t *testing.T) {
	app := apptest.Start(t)
	apptest.Register(t, apptest.NewShopper(t, app), "next@example.com")
	for _, tc := range []struct{ next, want string }{
		{"/%09/evil.example/x", "/"},
		{"/\t/evil.example/x", "/"},
		{"//evil.example/x", "/"},
		{"/\\evil.example/x", "/"},
		{"/%5Cevil.example/x", "/"},
		{"/%2F/evil.example/x", "/"},
		{"https://evil.example/x", "/"},
		{"http:/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/%0d%0aSet-Cookie:x=1", "/"},
		{"/account/cards", "/account/cards"},
		{"/orders?page=2", "/orders?page=2"},
	} {
		s := apptest.NewShopper(t, app)
		s.Get("/login")
		req := s.FormRequest(`form[action="/login"]`, url.Values{
			"email": {"next@example.com"}, "password": {"correct horse battery"}, "next": {tc.next}})
		resp, _ := s.NoFollow(req)
		if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != tc.want {
			t.Errorf("login with next=%q: %d to %q, want 303 to %q", tc.next, resp.StatusCode, got, tc.want)
		}
	}
}

// Item 4: login gives the customer a new cart with the items carried over;
// whoever holds the pre-login cookie keeps an empty cart, not a share of it.
func TestLoginMovesTheCartAwayFromThePreLoginCookie(t *testing.T) {
	app := apptest.Start(t)
	apptest.Register(t, apptest.NewShopper(t, app), "cart@example.com")
	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "2")
	base, _ := url.Parse(app.URL)
	thief := apptest.NewShopper(t, app)
	thief.Client.Jar.SetCookies(base, s.Client.Jar.Cookies(base))
	thief.Get("/cart")
	if thief.Count("cart-line") != 1 {
		t.Fatalf("the copied pre-login cookie does not share the cart before login: the test proves nothing")
	}
	apptest.Login(t, s, "cart@example.com")
	s.Get("/cart")
	if s.Count("cart-line") != 1 || s.Text("cart-count") != "2" {
		t.Errorf("the customer's cart after login: %d lines, %q items; want the 2 items carried over", s.Count("cart-line"), s.Text("cart-count"))
	}
	thief.Get("/cart")
	if n := thief.Count("cart-line"); n != 0 {
		t.Errorf("the pre-login cookie still sees %d lines of the customer's cart", n)
	}
	s.AddToCart("3", "1")
	thief.Get("/cart")
	if n := thief.Count("cart-line"); n != 0 {
		t.Errorf("the pre-login cookie sees the customer's new items: %d lines", n)
	}
}

// Item 4: a checkout of a busy cart sends the shopper to the order under way
// only if they may open its receipt; otherwise the page says so, with no
// link. Here a guest starts paying on DOKU Checkout, then logs in: the
// cart (and the guest order keeping it busy) moves with the login, and the
// guest order is not the customer's to open.
func TestBusyCartNeverRedirectsToAReceiptTheShopperCannotOpen(t *testing.T) {
	app := apptest.Start(t, apptest.Env(map[string]string{"PAYMENT_MODE": "hosted"}))
	apptest.Register(t, apptest.NewShopper(t, app), "busy@example.com")
	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "1")
	s.Get("/checkout")
	resp, _ := s.NoFollow(s.FormRequest(`form[action="/checkout"]`, apptest.Contact()))
	if resp.StatusCode != http.StatusSeeOther || strings.HasPrefix(resp.Header.Get("Location"), "/") {
		t.Fatalf("hosted checkout: %d to %q, want 303 to DOKU's page", resp.StatusCode, resp.Header.Get("Location"))
	}
	guestOrders := ordersOf(t, app)
	apptest.Login(t, s, "busy@example.com")
	s.Get("/checkout")
	resp, body := s.NoFollow(s.FormRequest(`form[action="/checkout"]`, apptest.Contact()))
	if resp.StatusCode == http.StatusSeeOther {
		t.Fatalf("checkout of the busy cart redirected to %q: to an order this login cannot open", resp.Header.Get("Location"))
	}
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "already in progress") {
		t.Errorf("checkout of the busy cart: %d, want 409 saying a payment is in progress\n%s", resp.StatusCode, body)
	}
	for _, inv := range guestOrders {
		if strings.Contains(body, inv) {
			t.Errorf("the page names the guest order %s", inv)
		}
	}
	if got := ordersOf(t, app); len(got) != len(guestOrders) {
		t.Errorf("orders after the refused checkout: %v, want still %v (no second payment)", got, guestOrders)
	}
}

// Item 7: a guest's receipt link has its own key, never the reference sent
// to DOKU and the issuer; a customer's receipt opens for that customer only,
// whatever key is offered.
func TestReceiptKeysAreNotTheReferenceSentToThirdParties(t *testing.T) {
	app := apptest.Start(t)
	guest := apptest.NewShopper(t, app)
	guest.AddToCart("2", "1")
	guest.Pay(apptest.Card("4111111111111111", "737"), "123456")
	if guest.Text("order-status") != "SUCCESS" {
		t.Fatalf("guest payment: %q", guest.Text("order-status"))
	}
	o := app.Order(t, guest.Text("invoice-number"))
	if o.ReceiptKey == "" || o.ReceiptKey == o.Ref {
		t.Fatalf("guest order's receipt key %q, reference %q: want a key of its own", o.ReceiptKey, o.Ref)
	}
	link, ok := guest.Doc.Find(`[data-testid="receipt-link"]`).Attr("href")
	if !ok || link != payment.ReceiptLink(o) {
		t.Errorf("the guest's receipt shows link %q, want %q", link, payment.ReceiptLink(o))
	}
	stranger := apptest.NewShopper(t, app)
	for _, k := range []string{o.Ref, "", "x"} {
		stranger.Get(route.ReceiptPath(o.Invoice, k))
		if stranger.Resp.StatusCode != http.StatusNotFound {
			t.Errorf("guest receipt with k=%q opens for a stranger: %d", k, stranger.Resp.StatusCode)
		}
	}
	stranger.Get(link)
	if stranger.Resp.StatusCode != http.StatusOK || stranger.Text("invoice-number") != o.Invoice {
		t.Errorf("the guest's own receipt link: %d", stranger.Resp.StatusCode)
	}

	cust := apptest.NewCustomer(t, app, "owner@example.com", "4111111111111111")
	co := app.Order(t, cust.Invoices[0])
	other := apptest.NewShopper(t, app)
	apptest.Register(t, other, "other@example.com")
	for name, s := range map[string]*apptest.Shopper{"a stranger": apptest.NewShopper(t, app), "another customer": other} {
		for _, k := range []string{co.Ref, co.ReceiptKey, ""} {
			s.Get(route.ReceiptPath(co.Invoice, k))
			if s.Resp.StatusCode != http.StatusNotFound {
				t.Errorf("a customer's receipt with k=%q opens for %s: %d", k, name, s.Resp.StatusCode)
			}
		}
	}
	cust.Get(payment.ReceiptPath(co))
	if cust.Resp.StatusCode != http.StatusOK || cust.Count("receipt-link") != 0 {
		t.Errorf("the customer's own receipt: %d, %d receipt links (want 200, none: the login opens it)", cust.Resp.StatusCode, cust.Count("receipt-link"))
	}
}

// Item 8: a cookie copied while logged in reads no receipt after logout,
// neither the customer's orders nor guest orders its session once placed.
func TestCookieCopiedWhileLoggedInReadsNoReceiptAfterLogout(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "1")
	s.Pay(apptest.Card("4111111111111111", "737"), "123456") // a guest order of this session
	guestInvoice := s.Text("invoice-number")
	apptest.Register(t, s, "copied@example.com")
	s.AddToCart("3", "1")
	s.Pay(apptest.Card("4111111111111111", "737"), "123456")
	custInvoice := s.Text("invoice-number")
	base, _ := url.Parse(app.URL)
	thief := apptest.NewShopper(t, app)
	thief.Client.Jar.SetCookies(base, s.Client.Jar.Cookies(base))
	thief.Get("/orders/" + custInvoice)
	if thief.Resp.StatusCode != http.StatusOK {
		t.Fatalf("the copied cookie does not open the receipt while logged in (%d): the test proves nothing", thief.Resp.StatusCode)
	}
	s.Get("/")
	s.Post("/logout", url.Values{})
	for _, inv := range []string{custInvoice, guestInvoice} {
		thief.Get("/orders/" + inv)
		if thief.Resp.StatusCode != http.StatusNotFound {
			t.Errorf("after logout the copied cookie opens receipt %s: %d", inv, thief.Resp.StatusCode)
		}
	}
}

// Item 9: behind a reverse proxy that serves the shop under a path prefix,
// DOKU signs the notification with the path it was given (PUBLIC_URL's
// prefix included): that is the target verified.
func TestNotificationTargetFollowsPublicURLPrefix(t *testing.T) {
	app := apptest.Start(t, apptest.Env(map[string]string{"PAYMENT_MODE": "hosted"}))
	prefixed := apptest.Start(t, apptest.Env(map[string]string{"PAYMENT_MODE": "hosted", "PUBLIC_URL": "http://127.0.0.1:9/shop/"}))
	for _, tc := range []struct {
		app    *apptest.App
		target string
		want   int
	}{
		{app, "/notifications/doku", http.StatusNotFound}, // signature fine, invoice unknown
		{app, "/shop/notifications/doku", http.StatusUnauthorized},
		{prefixed, "/shop/notifications/doku", http.StatusNotFound},
		{prefixed, "/notifications/doku", http.StatusUnauthorized},
	} {
		body := apptest.NotificationBody("INV-UNKNOWN-1", 85000, "SUCCESS", "x")
		if got := notifySignedFor(t, tc.app, tc.target, body); got != tc.want {
			t.Errorf("PUBLIC_URL %s, notification signed for %s: %d, want %d", tc.app.Config.PublicURL, tc.target, got, tc.want)
		}
	}
}

// notifySignedFor posts body to the app's notification route signed over
// target as the Request-Target.
func notifySignedFor(t *testing.T, a *apptest.App, target string, body []byte) int {
	t.Helper()
	ts := time.Now().UTC().Format(signature.TimestampLayout)
	c := signature.Components{ClientID: a.Config.ClientID, RequestID: uuid.NewString(), Timestamp: ts, Target: target, Digest: signature.Digest(body)}
	req, _ := http.NewRequest(http.MethodPost, a.URL+route.Notification, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signature.HeaderClientID, c.ClientID)
	req.Header.Set(signature.HeaderRequestID, c.RequestID)
	req.Header.Set(signature.HeaderRequestTimestamp, ts)
	req.Header.Set(signature.HeaderSignature, signature.Sign(a.Config.SecretKey, c))
	resp, err := a.Client(nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// Item 10: showing the checkout and the saved cards does not ask DOKU for
// the customer's tokens on every page: once, then again after a payment
// (which may have saved a card).
func TestTokenListIsAskedOncePerChange(t *testing.T) {
	app := apptest.Start(t, apptest.Recorded(), apptest.Env(map[string]string{"PAYMENT_MODE": "direct,hosted"}))
	s := apptest.NewShopper(t, app)
	apptest.Register(t, s, "tokens@example.com")
	s.AddToCart("2", "1")
	for range 5 {
		s.Get("/checkout")
		s.Get("/account/cards")
	}
	if n := tokenCalls(app); n != 1 {
		t.Errorf("token list calls after 10 pages = %d, want 1", n)
	}
	s.Pay(apptest.Card("4111111111111111", "737"), "123456")
	if s.Text("order-status") != "SUCCESS" {
		t.Fatalf("payment: %q", s.Text("order-status"))
	}
	s.Get("/account/cards")
	s.Get("/account/cards")
	if n := tokenCalls(app); n != 2 {
		t.Errorf("token list calls after a payment and 2 more pages = %d, want 2", n)
	}
}

func tokenCalls(a *apptest.App) int {
	n := 0
	for _, c := range a.DOKU.Calls() {
		if strings.HasPrefix(c.Path, "/tokenization/") && !strings.Contains(c.Path, "delete") {
			n++
		}
	}
	return n
}

// Item 11: failed logins are limited per account, whatever address they
// come from; the answer is the login form with the email kept. Another
// account is not affected.
func TestLoginThrottledPerAccountAcrossAddresses(t *testing.T) {
	app := apptest.Start(t, apptest.Env(map[string]string{"LOGIN_RATE": "60"}))
	apptest.Register(t, apptest.NewShopper(t, app), "target@example.com")
	apptest.Register(t, apptest.NewShopper(t, app), "bystander@example.com")
	from := func(i int) *apptest.Shopper {
		s := apptest.NewShopper(t, app)
		s.Client.Transport = apptest.AcceptLanguage{Next: apptest.CookieRecorder{Next: apptest.ViaHandler{Handler: app.Handler, Remote: fmt.Sprintf("192.0.2.%d:4000", i)}, App: app}, Lang: "en"}
		return s
	}
	try := func(s *apptest.Shopper, email, password string) (int, string) {
		s.Get("/login")
		resp, body := s.NoFollow(s.FormRequest(`form[action="/login"]`, url.Values{"email": {email}, "password": {password}}))
		return resp.StatusCode, body
	}
	for i := range 5 {
		if code, _ := try(from(i+1), "target@example.com", "wrong password"); code != http.StatusUnprocessableEntity {
			t.Fatalf("failed login %d: %d, want 422", i+1, code)
		}
	}
	code, body := try(from(50), "target@example.com", "correct horse battery")
	if code != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed logins for this account") || !strings.Contains(body, `value="target@example.com"`) {
		t.Errorf("6th login to the account from a new address: %d, want 429 on the login form with the email kept\n%s", code, body)
	}
	if code, _ := try(from(51), "bystander@example.com", "correct horse battery"); code != http.StatusSeeOther {
		t.Errorf("another account's login from a new address: %d, want 303", code)
	}
}

// Item 11: registration tells a shopper their email has an account, but an
// address probing for accounts gets that answer a few times only.
func TestRegistrationProbesAreLimited(t *testing.T) {
	app := apptest.Start(t, apptest.Env(map[string]string{"LOGIN_RATE": "60"}))
	for _, e := range []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com"} {
		apptest.Register(t, apptest.NewShopper(t, app), e)
	}
	prober := apptest.NewShopper(t, app)
	prober.Client.Transport = apptest.AcceptLanguage{Next: apptest.CookieRecorder{Next: apptest.ViaHandler{Handler: app.Handler, Remote: "198.51.100.7:5000"}, App: app}, Lang: "en"}
	var codes []int
	for _, e := range []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com"} {
		prober.Get("/register")
		resp, body := prober.NoFollow(prober.FormRequest(`form[action="/register"]`, url.Values{"name": {"X"}, "email": {e}, "password": {"long enough password"}}))
		codes = append(codes, resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests && strings.Contains(body, "exists already") {
			t.Errorf("a throttled registration still says the account exists")
		}
	}
	if want := []int{422, 422, 422, 429}; fmt.Sprint(codes) != fmt.Sprint(want) {
		t.Errorf("4 registrations of existing emails from one address: %v, want %v", codes, want)
	}
}

// Item 12: a shop reachable beyond this machine (or over https) refuses to
// start on the embedded sandbox unless that is chosen explicitly; every page
// says so when it runs on the sandbox.
func TestPublicShopOnTheSandboxIsAnExplicitChoice(t *testing.T) {
	for _, tc := range []struct {
		env map[string]string
		ok  bool
	}{
		{map[string]string{}, true},
		{map[string]string{"PUBLIC_URL": "http://localhost:8080"}, true},
		{map[string]string{"PUBLIC_URL": "https://shop.example.com"}, false},
		{map[string]string{"PUBLIC_URL": "http://shop.example.com"}, false},
		{map[string]string{"PUBLIC_URL": "http://0.0.0.0:8080"}, false},
		{map[string]string{"PUBLIC_URL": "https://127.0.0.1:8443"}, false},
		{map[string]string{"PUBLIC_URL": "https://shop.example.com", "SANDBOX_ON_PUBLIC_URL": "yes"}, true},
		{map[string]string{"PUBLIC_URL": "https://shop.example.com", "DOKU_BASE_URL": "https://api-sandbox.doku.com",
			"DOKU_CLIENT_ID": "BRN-1", "DOKU_SECRET_KEY": "SK-1"}, true},
		{map[string]string{"SANDBOX_ON_PUBLIC_URL": "maybe"}, false},
	} {
		_, err := app.LoadConfig(func(k string) string { return tc.env[k] })
		if (err == nil) != tc.ok {
			t.Errorf("app.LoadConfig(%v): err = %v, want ok=%v", tc.env, err, tc.ok)
		}
	}
	sb := apptest.Start(t)
	real := apptest.Start(t, apptest.Recorded()) // DOKU_BASE_URL set: a gateway outside the app
	for _, path := range []string{"/", "/cart", "/login", "/register"} {
		if s := apptest.NewShopper(t, sb).Get(path); s.Count("sandbox-banner") != 1 {
			t.Errorf("GET %s on the embedded sandbox: no sandbox banner", path)
		}
		if s := apptest.NewShopper(t, real).Get(path); s.Count("sandbox-banner") != 0 {
			t.Errorf("GET %s with DOKU_BASE_URL set shows the sandbox banner", path)
		}
	}
}

// Item 13: the error log names the route, never the URL, which for the 3-D
// Secure return carries the order's reference.
func TestErrorLogHasNoOrderReference(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.ToChallenge(t, app, "4111111111111111", "737")
	o := app.Order(t, latestInvoice(t, app))
	unknown := strings.Repeat("ab", 16)
	for _, ref := range []string{unknown, o.Ref + "x"} {
		resp, err := app.Client(nil).Post(app.URL+route.ThreeDSReturnPath(ref, true), "application/x-www-form-urlencoded", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("3DS return for an unknown reference: %d, want 404", resp.StatusCode)
		}
	}
	s.Get("/")
	logs := app.Logs.String()
	if !strings.Contains(logs, "request refused") {
		t.Fatalf("no refusal logged: the test proves nothing\n%s", logs)
	}
	for _, ref := range []string{unknown, o.Ref} {
		if strings.Contains(logs, ref) {
			t.Errorf("the log records a 3-D Secure reference %s", ref)
		}
	}
}

// ordersOf lists every invoice in the app's database.
func ordersOf(t *testing.T, a *apptest.App) []string {
	t.Helper()
	db, err := apptest.OpenRO(a.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), `SELECT invoice FROM orders ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var inv string
		if err := rows.Scan(&inv); err != nil {
			t.Fatal(err)
		}
		out = append(out, inv)
	}
	return out
}

func latestInvoice(t *testing.T, a *apptest.App) string {
	t.Helper()
	all := ordersOf(t, a)
	if len(all) == 0 {
		t.Fatal("no order")
	}
	return all[len(all)-1]
}

// Issue 13: a slow charge does not hold the shopper on a blank page: after
// CHARGE_WAIT the receipt says the payment is being confirmed, and follows
// the one charge to SUCCESS.
func TestSlowChargeShowsConfirmingThenSettles(t *testing.T) {
	app := apptest.Start(t, apptest.Recorded(), apptest.Env(map[string]string{"CHARGE_WAIT": "500ms", "SANDBOX_SLOW_DELAY": "3s", "DOKU_TIMEOUT": "10s", "RECONCILE_AFTER": "1m"}))
	s := apptest.ToChallenge(t, app, "4000000000000341", "737")
	start := time.Now()
	s.OTP("123456")
	took := time.Since(start)
	if !strings.HasPrefix(s.Path(), "/orders/INV-") || s.Text("order-status") != "PENDING" || s.Text("status-message") != en.T(payment.TextConfirming) {
		t.Fatalf("after a slow charge's 3DS return: %s shows %q %q, want the PENDING receipt confirming", s.Path(), s.Text("order-status"), s.Text("status-message"))
	}
	if s.Count("retry") != 0 || s.Count("check-again") != 1 {
		t.Errorf("confirming receipt: %d retry links, %d check-again links; want 0 and 1", s.Count("retry"), s.Count("check-again"))
	}
	invoice := s.Text("invoice-number")
	if o := app.Order(t, invoice); o.Status != payment.StatusCharging {
		t.Fatalf("order while the charge runs = %s, want CHARGING (answered after %s)", o.Status, took)
	}
	app.WaitOrder(t, invoice, payment.StatusSuccess, 10*time.Second)
	s.Get(s.Resp.Request.URL.String())
	if s.Text("order-status") != "SUCCESS" {
		t.Errorf("receipt after the charge: %q", s.Text("order-status"))
	}
	if sends := app.DOKU.Charges(invoice); len(sends) != 1 {
		t.Errorf("Charge sent %d times, want once", len(sends))
	}
}

// Issue 13: back from DOKU Checkout without having paid, the receipt asks
// DOKU, which says the link is unpaid: then, and only then, the way back to
// pay is offered.
func TestHostedReceiptOffersToPayOnlyOnceDOKUSaysUnpaid(t *testing.T) {
	app := apptest.Start(t, apptest.Recorded(), apptest.Env(map[string]string{"PAYMENT_MODE": "hosted", "RECONCILE_AFTER": "1m"}))
	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "1")
	s.Checkout(apptest.Contact())
	invoice := s.Doc.Find(`[data-testid="invoice"]`).Text()
	o := app.Order(t, invoice)
	if o.Status != payment.StatusAwaitingPayment {
		t.Fatalf("order = %s, want AWAITING_PAYMENT", o.Status)
	}
	before := statusCalls(app, invoice)
	s.Get(payment.ReceiptLink(o))
	if statusCalls(app, invoice) != before+1 {
		t.Errorf("opening the receipt asked DOKU %d times, want once", statusCalls(app, invoice)-before)
	}
	if s.Text("order-status") != "PENDING" || s.Text("status-message") != en.T(payment.TextAwaitingPayment) {
		t.Fatalf("receipt of an unpaid link: %q %q", s.Text("order-status"), s.Text("status-message"))
	}
	if href, _ := s.Doc.Find(`[data-testid="retry"]`).Attr("href"); href != o.PaymentURL {
		t.Errorf("retry link %q, want the payment link %q", href, o.PaymentURL)
	}
	for range 5 { // polling tabs do not hammer DOKU
		s.Get(route.ReceiptStatusPath(o.Invoice, o.ReceiptKey))
	}
	if n := statusCalls(app, invoice) - before; n > 2 {
		t.Errorf("6 looks at the receipt within a second asked DOKU %d times", n)
	}
}

func statusCalls(a *apptest.App, invoice string) int {
	n := 0
	for _, c := range a.DOKU.Calls() {
		if c.Method == http.MethodGet && strings.Contains(c.Path, invoice) {
			n++
		}
	}
	return n
}

// en writes the catalog's English, the language the tests' shoppers read.
var en = i18n.For(i18n.English)
