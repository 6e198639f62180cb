package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"doku-checkout/app/apptest"

	"doku-checkout/payment"
	"doku-checkout/store"
)

// A checkout form submitted twice — one after the other, or at once — makes
// one order, and both answers send the browser to the same 3DS page.
func TestDoubleSubmittedCheckoutMakesOneOrder(t *testing.T) {
	app := apptest.Start(t, apptest.Recorded())
	for _, concurrent := range []bool{false, true} {
		name := map[bool]string{false: "one after the other", true: "at once"}[concurrent]
		t.Run(name, func(t *testing.T) {
			before := app.CountOrders(t)
			s := apptest.NewShopper(t, app)
			s.AddToCart("2", "1")
			s.Get("/checkout")
			const submits = 2
			locs := make([]string, submits)
			codes := make([]int, submits)
			reqs := make([]*http.Request, submits)
			for i := range reqs {
				reqs[i] = s.FormRequest(`form[action="/checkout"]`, apptest.Card("4111111111111111", "737"))
			}
			if concurrent {
				var wg sync.WaitGroup
				c := app.Client(s.Client.Jar)
				for i := range reqs {
					wg.Go(func() {
						resp, err := c.Do(reqs[i])
						if err != nil {
							t.Errorf("submit %d: %v", i, err)
							return
						}
						resp.Body.Close()
						codes[i], locs[i] = resp.StatusCode, resp.Header.Get("Location")
					})
				}
				wg.Wait()
			} else {
				for i := range reqs {
					resp, _ := s.NoFollow(reqs[i])
					codes[i], locs[i] = resp.StatusCode, resp.Header.Get("Location")
				}
			}
			for i := range locs {
				if codes[i] != http.StatusSeeOther || !strings.Contains(locs[i], "/3ds/challenge") {
					t.Errorf("submit %d: %d to %q, want 303 to the 3DS page", i, codes[i], locs[i])
				}
				if locs[i] != locs[0] {
					t.Errorf("submit %d went to %q, submit 0 to %q", i, locs[i], locs[0])
				}
			}
			if n := app.CountOrders(t) - before; n != 1 {
				t.Errorf("orders made = %d, want 1", n)
			}
		})
	}
}

// The 3DS return replayed — reloaded after the receipt, or posted 32 times
// at once by an issuer's page without cookies — charges once and always
// lands on the same receipt.
func TestReplayedThreeDSReturnChargesOnce(t *testing.T) {
	app := apptest.Start(t, apptest.Recorded())

	t.Run("reload after the receipt", func(t *testing.T) {
		s := apptest.ToChallenge(t, app, "4111111111111111", "737")
		s.OTP("123456")
		if got := s.Text("order-status"); got != "SUCCESS" {
			t.Fatalf("first return: %q, want SUCCESS", got)
		}
		invoice := s.Text("invoice-number")
		receipt := s.Resp.Request.URL.RequestURI()
		o := app.Order(t, invoice)
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodGet} {
			req, _ := http.NewRequest(method, app.URL+"/checkout/3ds/"+o.Ref+"/success", nil)
			resp, _ := s.NoFollow(req)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != receipt {
				t.Errorf("%s replay: %d to %q, want 303 to %s", method, resp.StatusCode, resp.Header.Get("Location"), receipt)
			}
		}
		// The failed-3DS return of a paid order changes nothing either.
		req, _ := http.NewRequest(http.MethodPost, app.URL+"/checkout/3ds/"+o.Ref+"/failed", nil)
		s.NoFollow(req)
		if got := app.Order(t, invoice).Status; got != payment.StatusSuccess {
			t.Errorf("after the replays the order is %s, want SUCCESS", got)
		}
		if n, m := app.Sandbox.ChargeCount(invoice), len(app.DOKU.Charges(invoice)); n != 1 || m != 1 {
			t.Errorf("charges: sandbox %d, sent %d; want 1 and 1", n, m)
		}
	})

	t.Run("32 cross-site posts at once", func(t *testing.T) {
		s := apptest.ToChallenge(t, app, "4111111111111111", "737")
		ret := s.PassChallenge()
		const replays = 32
		codes := make([]int, replays)
		locs := make([]string, replays)
		c := app.Client(nil) // no cookies, as from the issuer's page
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range replays {
			wg.Go(func() {
				<-start
				req, _ := http.NewRequest(http.MethodPost, ret, strings.NewReader("PaRes=eJzLSM3JyVcozy_KSQEAGgQEXQ"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", "https://acs.issuer.example")
				resp, err := c.Do(req)
				if err != nil {
					t.Errorf("replay %d: %v", i, err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				codes[i], locs[i] = resp.StatusCode, resp.Header.Get("Location")
			})
		}
		close(start)
		wg.Wait()
		for i := range replays {
			if codes[i] != http.StatusSeeOther || !strings.HasPrefix(locs[i], "/orders/INV-") || locs[i] != locs[0] {
				t.Errorf("replay %d: %d to %q, want 303 to the receipt %q", i, codes[i], locs[i], locs[0])
			}
		}
		u, _ := url.Parse(locs[0])
		invoice := strings.TrimPrefix(u.Path, "/orders/")
		o := app.WaitOrder(t, invoice, payment.StatusSuccess, 10*time.Second)
		if n := app.Sandbox.ChargeCount(invoice); n != 1 {
			t.Errorf("sandbox charges = %d, want 1", n)
		}
		if sent := app.DOKU.Charges(invoice); len(sent) != 1 || sent[0] != o.ChargeRequestID {
			t.Errorf("Charge requests sent = %v, want exactly one, the order's %q", sent, o.ChargeRequestID)
		}
		if got := strings.Count(app.StatusPath(t, o), "CHARGING"); got != 1 {
			t.Errorf("order path %s enters CHARGING %d times, want once", app.StatusPath(t, o), got)
		}
		t.Logf("figures: %d replays, %d charge(s) seen", replays, app.Sandbox.ChargeCount(invoice))
	})
}

// The back button after paying (or after a decline), then the same
// checkout form sent again, charges nothing more: the form's key finds the
// order it already made.
func TestBackButtonResubmitDoesNotChargeAgain(t *testing.T) {
	app := apptest.Start(t, apptest.Recorded())
	for _, tc := range []struct{ pan, status string }{
		{"5573381011111101", "SUCCESS"},
		{"4000000000000002", "FAILED"},
	} {
		t.Run(tc.status, func(t *testing.T) {
			s := apptest.NewShopper(t, app)
			s.AddToCart("1", "1")
			s.Get("/checkout")
			first := s.FormRequest(`form[action="/checkout"]`, apptest.Card(tc.pan, "737"))
			body, _ := io.ReadAll(first.Body)
			resend := func() *http.Request {
				req, _ := http.NewRequest(http.MethodPost, app.URL+"/checkout", strings.NewReader(string(body)))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				return req
			}
			s.Do(resend()).OTP("123456")
			if got := s.Text("order-status"); got != tc.status {
				t.Fatalf("payment = %q, want %s", got, tc.status)
			}
			invoice := s.Text("invoice-number")
			orders, charges := app.CountOrders(t), app.DOKU.ChargeTotal()

			for range 2 { // back, resubmit; back again, resubmit again
				resp, _ := s.NoFollow(resend())
				loc := resp.Header.Get("Location")
				if resp.StatusCode != http.StatusSeeOther || !(loc == "/orders/"+invoice || strings.HasPrefix(loc, "/orders/"+invoice+"?") || loc == "/cart") {
					t.Errorf("resubmit: %d to %q, want 303 to the receipt of %s (or the emptied cart)", resp.StatusCode, loc, invoice)
				}
			}
			if n := app.CountOrders(t); n != orders {
				t.Errorf("orders after resubmitting: %d, want %d", n, orders)
			}
			if n := app.DOKU.ChargeTotal(); n != charges {
				t.Errorf("Charge requests after resubmitting: %d, want %d", n, charges)
			}
			if n := app.Sandbox.ChargeCount(invoice); n != 1 {
				t.Errorf("sandbox charges for %s = %d, want 1", invoice, n)
			}
		})
	}
}

// pendingOrder pays with the PENDING card while DOKU's own notifications are
// off, so the order stays PENDING until a test's notification moves it.
func pendingOrder(t *testing.T, app *apptest.App) store.Order {
	t.Helper()
	s := apptest.ToChallenge(t, app, "4000000000000259", "737")
	s.OTP("123456")
	return app.WaitOrder(t, s.Text("invoice-number"), payment.StatusPending, 5*time.Second)
}

// unchanged fails t if the order moved or gained an event since before.
func unchanged(t *testing.T, app *apptest.App, before store.Order, what string) {
	t.Helper()
	after := app.Order(t, before.Invoice)
	if after.Status != before.Status || app.StatusPath(t, after) != app.StatusPath(t, before) || after.UpdatedAt != before.UpdatedAt {
		t.Errorf("%s changed the order: %s (%s) → %s (%s)", what, before.Status, app.StatusPath(t, before), after.Status, app.StatusPath(t, after))
	}
}

// DOKU notifications: only a correctly signed one for the order's amount
// moves it, once; duplicates and late contradictions are acknowledged and
// change nothing.
func TestNotifications(t *testing.T) {
	app := apptest.Start(t, apptest.Recorded(), apptest.Env(map[string]string{"RECONCILE_AFTER": "1m"}))
	app.Sandbox.SetNotificationURL("")
	secret := app.Config.SecretKey
	o := pendingOrder(t, app)
	success := apptest.NotificationBody(o.Invoice, o.AmountIDR, "SUCCESS", o.ChargeRequestID)

	for _, tc := range []struct {
		name   string
		body   []byte
		secret string
		want   int
	}{
		{"wrong key", success, "SK-not-the-merchant-secret", http.StatusUnauthorized},
		{"unknown invoice", apptest.NotificationBody("INV-20990101-FFFFFFFFFF", o.AmountIDR, "SUCCESS", ""), secret, http.StatusNotFound},
		{"amount mismatch", apptest.NotificationBody(o.Invoice, o.AmountIDR-1, "SUCCESS", o.ChargeRequestID), secret, http.StatusBadRequest},
		{"other charge's Request-Id", apptest.NotificationBody(o.Invoice, o.AmountIDR, "SUCCESS", "4b1f7a52-0000-4000-8000-000000000000"), secret, http.StatusBadRequest},
		{"still pending", apptest.NotificationBody(o.Invoice, o.AmountIDR, "PENDING", o.ChargeRequestID), secret, http.StatusOK},
	} {
		if got := app.Notify(t, tc.body, tc.secret); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
		unchanged(t, app, o, tc.name)
	}
	// Signed over another body than the one sent.
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/notifications/doku", strings.NewReader(string(success)))
	req.Header.Set("Signature", "HMACSHA256=AAAA")
	if resp, err := app.Client(nil).Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned notification: %v %v, want 401", resp.StatusCode, err)
	}
	unchanged(t, app, o, "an unsigned notification")

	if got := app.Notify(t, success, secret); got != http.StatusOK {
		t.Fatalf("genuine SUCCESS: status %d, want 200", got)
	}
	paid := app.Order(t, o.Invoice)
	if paid.Status != payment.StatusSuccess {
		t.Fatalf("after SUCCESS the order is %s", paid.Status)
	}
	for _, tc := range []struct{ name, status string }{
		{"duplicate SUCCESS", "SUCCESS"},
		{"FAILED after SUCCESS", "FAILED"},
		{"EXPIRED after SUCCESS", "EXPIRED"},
	} {
		if got := app.Notify(t, apptest.NotificationBody(o.Invoice, o.AmountIDR, tc.status, o.ChargeRequestID), secret); got != http.StatusOK {
			t.Errorf("%s: status %d, want 200 (so DOKU stops retrying)", tc.name, got)
		}
		unchanged(t, app, paid, tc.name)
	}
	if want := "CREATED→AWAITING_3DS→CHARGING→PENDING→SUCCESS"; app.StatusPath(t, paid) != want {
		t.Errorf("order path = %s, want %s", app.StatusPath(t, paid), want)
	}

	// 32 identical notifications at once: one transition.
	o2 := pendingOrder(t, app)
	body := apptest.NotificationBody(o2.Invoice, o2.AmountIDR, "SUCCESS", o2.ChargeRequestID)
	const copies = 32
	codes := make([]int, copies)
	fire(copies, func(i int) {
		code, err := app.TryNotify(body, secret)
		if err != nil {
			t.Errorf("notification %d: %v", i, err)
		}
		codes[i] = code
	})
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("notification %d: status %d, want 200", i, c)
		}
	}
	ev := app.Events(t, app.Order(t, o2.Invoice))
	finals := 0
	for _, e := range ev {
		if payment.Final(e.To) {
			finals++
		}
	}
	if finals != 1 || ev[len(ev)-1].To != payment.StatusSuccess {
		t.Errorf("after %d identical notifications: %d final transitions, path %s; want exactly one, to SUCCESS", copies, finals, app.StatusPath(t, o2))
	}
	if n := app.Sandbox.TotalCharges(); n != 2 {
		t.Errorf("sandbox charges = %d, want 2 (one per order)", n)
	}
}

// The 3DS return and DOKU's SUCCESS notification for the same order, both
// sent many times at once: one order, one charge, one final state.
func TestThreeDSReturnRacesNotification(t *testing.T) {
	app := apptest.Start(t, apptest.Recorded())
	app.Sandbox.SetNotificationURL("") // ours are the only notifications
	const rounds, copies = 4, 12
	for r := range rounds {
		orders := app.CountOrders(t)
		s := apptest.ToChallenge(t, app, "4111111111111111", "737")
		ret := s.PassChallenge()
		ref := strings.Split(strings.TrimPrefix(ret, app.URL+"/checkout/3ds/"), "/")[0]
		o, err := app.Store.OrderByRef(t.Context(), ref)
		if err != nil {
			t.Fatal(err)
		}
		c := app.Client(nil)
		fire(copies, func(i int) {
			resp, err := c.Post(ret, "application/x-www-form-urlencoded", nil)
			if err != nil {
				t.Errorf("return %d: %v", i, err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("return %d: status %d, want 303", i, resp.StatusCode)
			}
		}, func(i int) {
			// DOKU notifies only about a charge it received, so a real
			// notification names our charge's Request-Id: it exists from the
			// moment the order is CHARGING, and races the charge's answer.
			rid := waitChargeRequestID(t, app, o.ID, 10*time.Second)
			body := apptest.NotificationBody(o.Invoice, o.AmountIDR, "SUCCESS", rid)
			if code, err := app.TryNotify(body, app.Config.SecretKey); err != nil || code != http.StatusOK {
				t.Errorf("notification %d: %d %v, want 200", i, code, err)
			}
		})
		final := app.WaitOrder(t, o.Invoice, payment.StatusSuccess, 10*time.Second)
		if n := app.CountOrders(t); n != orders+1 {
			t.Errorf("round %d: orders %d, want %d", r, n, orders+1)
		}
		if n := app.Sandbox.ChargeCount(o.Invoice); n != 1 {
			t.Errorf("round %d: sandbox charges %d, want 1", r, n)
		}
		if sent := apptest.Distinct(app.DOKU.Charges(o.Invoice)); len(sent) != 1 {
			t.Errorf("round %d: Charge Request-Ids %v, want one", r, sent)
		}
		path := app.StatusPath(t, final)
		if strings.Count(path, "SUCCESS")+strings.Count(path, "FAILED") != 1 || strings.Count(path, "CHARGING") != 1 {
			t.Errorf("round %d: path %s, want one CHARGING and one final state", r, path)
		}
	}
}

// fire runs n copies of each func at once and waits for them all.
func fire(n int, fns ...func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		for _, fn := range fns {
			wg.Go(func() {
				<-start
				fn(i)
			})
		}
	}
	close(start)
	wg.Wait()
}

// waitChargeRequestID polls until the order has its charge Request-Id.
func waitChargeRequestID(t *testing.T, a *apptest.App, id int64, within time.Duration) string {
	deadline := time.Now().Add(within)
	for {
		o, err := a.Store.OrderByID(context.Background(), id)
		if err == nil && o.ChargeRequestID != "" {
			return o.ChargeRequestID
		}
		if time.Now().After(deadline) {
			t.Errorf("order %d got no charge Request-Id within %s", id, within)
			return ""
		}
		time.Sleep(2 * time.Millisecond)
	}
}
