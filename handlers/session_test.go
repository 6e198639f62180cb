package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"doku-checkout/app/apptest"
)

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
			app := apptest.Start(t, apptest.Env(env))
			// Through the handler itself: a cookie jar would not send Secure
			// cookies back over the loopback's plain HTTP.
			get := httptest.NewRecorder()
			app.Handler.ServeHTTP(get, httptest.NewRequest(http.MethodGet, "/", nil))
			csrf := apptest.CookieNamed(&http.Response{Header: get.Header()}, "dc_csrf")
			if csrf == nil {
				t.Fatal("GET / set no CSRF cookie")
			}
			tok := strings.TrimSpace(apptest.Between(get.Body.String(), `name="csrf" value="`, `"`))
			post := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/cart/items", strings.NewReader(url.Values{"csrf": {tok}, "product_id": {"1"}, "quantity": {"1"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: csrf.Name, Value: csrf.Value})
			app.Handler.ServeHTTP(post, req)
			if post.Code != http.StatusSeeOther {
				t.Fatalf("POST /cart/items: %d, want 303", post.Code)
			}
			session := apptest.CookieNamed(&http.Response{Header: post.Header()}, "dc_session")
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

// Logging in starts a new session: a new cookie, a new CSRF token, nothing
// carried over from the guest's session but the cart, and the old cookie
// does not log anyone in.
func TestLoginRenewsTheSession(t *testing.T) {
	app := apptest.Start(t)
	reg := apptest.NewShopper(t, app)
	apptest.Register(t, reg, "putu@example.com")

	s := apptest.NewShopper(t, app)
	s.AddToCart("2", "1")
	s.Checkout(apptest.Card("4111111111111111", "737")) // a guest order, remembered by the session
	var invoice string
	db, err := apptest.OpenRO(app.DB)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT invoice FROM orders ORDER BY id DESC LIMIT 1`).Scan(&invoice); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s.Get("/orders/" + invoice)
	if s.Resp.StatusCode != http.StatusOK {
		t.Fatalf("the guest cannot open its own receipt: %d", s.Resp.StatusCode)
	}
	u, _ := url.Parse(app.URL)
	oldSession := s.Cookie(u, "dc_session")
	s.Get("/login")
	oldToken, _ := s.Doc.Find(`input[name="csrf"]`).Attr("value")
	resp, _ := s.NoFollow(s.FormRequest(`form[action="/login"]`, url.Values{"email": {"putu@example.com"}, "password": {"correct horse battery"}}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d, want 303", resp.StatusCode)
	}
	if c := apptest.CookieNamed(resp, "dc_csrf"); c == nil || c.MaxAge >= 0 {
		t.Errorf("login does not drop the CSRF cookie: %+v", c)
	}
	newSession := s.Cookie(u, "dc_session")
	if newSession == "" || newSession == oldSession {
		t.Fatalf("the session cookie did not change at login")
	}
	s.Get("/")
	if tok, _ := s.Doc.Find(`input[name="csrf"]`).Attr("value"); tok == "" || tok == oldToken {
		t.Errorf("CSRF token after login = %q, before %q; want a new one", tok, oldToken)
	}
	if s.Text("cart-count") != "1" {
		t.Errorf("the cart did not survive the login: %q items", s.Text("cart-count"))
	}
	s.Get("/orders/" + invoice)
	if s.Resp.StatusCode != http.StatusNotFound {
		t.Errorf("after login the guest-session receipt opens without its link: %d, want 404", s.Resp.StatusCode)
	}

	// The pre-login cookie, replayed by whoever captured it, is a guest.
	thief := apptest.NewShopper(t, app)
	thief.Client.Jar.SetCookies(u, []*http.Cookie{{Name: "dc_session", Value: oldSession}})
	thief.Get("/orders")
	if thief.Path() != "/login" {
		t.Errorf("the pre-login session cookie opens /orders (landed on %s)", thief.Path())
	}
}

// Logging out ends the login on the server: a session cookie copied before
// (another device, a stolen cookie) no longer opens the account.
func TestLogoutInvalidatesCopiedCookie(t *testing.T) {
	app := apptest.Start(t)
	s := apptest.NewShopper(t, app)
	apptest.Register(t, s, "copy@example.com")
	base, _ := url.Parse(app.URL)
	copied := s.Client.Jar.Cookies(base)
	thief := apptest.NewShopper(t, app)
	thief.Client.Jar.SetCookies(base, copied)
	thief.Get("/orders")
	if thief.Path() != "/orders" {
		t.Fatalf("the copied cookie did not work before logout (landed on %s): the test proves nothing", thief.Path())
	}
	s.Get("/")
	s.Post("/logout", url.Values{})
	thief.Get("/orders")
	if thief.Path() == "/orders" {
		t.Fatal("a session cookie copied before logout still opens the account")
	}
	// And logging in again works.
	apptest.Login(t, s, "copy@example.com")
	s.Get("/orders")
	if s.Path() != "/orders" {
		t.Fatalf("login after logout: landed on %s", s.Path())
	}
}
