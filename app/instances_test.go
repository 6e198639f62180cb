package app_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"doku-checkout/app"
	"doku-checkout/app/apptest"
	"doku-checkout/doku"
	"doku-checkout/payment"
	"doku-checkout/store"
	"doku-checkout/store/pgtest"
)

// Two instances on one PostgreSQL database behind a round-robin proxy:
// 32 replays of one 3-D Secure return at once, split across them, charge
// once and end in one state.
func TestInstancesReplayedThreeDSReturnChargesOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("PostgreSQL instances: make test runs them, make check (-short) leaves them out")
	}
	in := apptest.StartInstances(t, 2)
	s := apptest.ToChallenge(t, in.Front, "4111111111111111", "737")
	ret := s.PassChallenge()
	if !strings.HasPrefix(ret, in.URL) {
		t.Fatalf("3-D Secure return %s is not on the proxy's URL %s (PUBLIC_URL)", ret, in.URL)
	}
	before := in.Hits()
	const replays = 32
	codes, locs := make([]int, replays), make([]string, replays)
	c := in.Front.Client(nil)
	fire(replays, func(i int) {
		req, _ := http.NewRequest(http.MethodPost, ret, strings.NewReader("PaRes=eJzLSM3JyVcozy_KSQEAGgQEXQ"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			t.Errorf("replay %d: %v", i, err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		codes[i], locs[i] = resp.StatusCode, resp.Header.Get("Location")
	})
	after := in.Hits()
	for i, n := range after {
		if n-before[i] < replays/2-1 {
			t.Errorf("instance %d received %d of the replays, want about half", i, n-before[i])
		}
	}
	for i := range replays {
		if codes[i] != http.StatusSeeOther || locs[i] != locs[0] {
			t.Errorf("replay %d: %d to %q, want 303 to the receipt %q", i, codes[i], locs[i], locs[0])
		}
	}
	u, _ := url.Parse(locs[0])
	invoice := strings.TrimPrefix(u.Path, "/orders/")
	o := in.Front.WaitOrder(t, invoice, payment.StatusSuccess, 10*time.Second)
	if n, sent := in.Sandbox.ChargeCount(invoice), in.DOKU.Charges(invoice); n != 1 || len(sent) != 1 {
		t.Errorf("charges: sandbox %d, sent %v; want one", n, sent)
	}
	if path := in.Front.StatusPath(t, o); strings.Count(path, "CHARGING") != 1 || strings.Count(path, "SUCCESS") != 1 {
		t.Errorf("order path %s, want one CHARGING and one SUCCESS", path)
	}
	t.Logf("figures: %d replays split %d/%d across two instances → %d charge", replays, after[0]-before[0], after[1]-before[1], in.Sandbox.ChargeCount(invoice))
}

// The 3-D Secure return on one instance and DOKU's notification on the
// other, many copies of each at once: one charge, one final state.
func TestInstancesNotificationRacesReturn(t *testing.T) {
	if testing.Short() {
		t.Skip("PostgreSQL instances: make test runs them, make check (-short) leaves them out")
	}
	in := apptest.StartInstances(t, 2)
	in.Sandbox.SetNotificationURL("") // ours are the only notifications
	const rounds, copies = 3, 12
	for r := range rounds {
		s := apptest.ToChallenge(t, in.Front, "4111111111111111", "737")
		ret := strings.Replace(s.PassChallenge(), in.URL, in.Apps[0].URL, 1) // the return: instance 0
		ref := strings.Split(strings.TrimPrefix(ret, in.Apps[0].URL+"/checkout/3ds/"), "/")[0]
		o, err := in.Front.Store.OrderByRef(t.Context(), ref)
		if err != nil {
			t.Fatal(err)
		}
		c := in.Apps[0].Client(nil)
		fire(copies, func(i int) {
			resp, err := c.Post(ret, "application/x-www-form-urlencoded", nil)
			if err != nil {
				t.Errorf("return %d: %v", i, err)
				return
			}
			resp.Body.Close()
		}, func(i int) { // the notifications: instance 1
			rid := waitChargeRequestID(t, in.Apps[1], o.ID, 10*time.Second)
			body := apptest.NotificationBody(o.Invoice, o.AmountIDR, "SUCCESS", rid)
			if code, err := in.Apps[1].TryNotify(body, in.Apps[1].Config.SecretKey); err != nil || code != http.StatusOK {
				t.Errorf("notification %d: %d %v, want 200", i, code, err)
			}
		})
		final := in.Front.WaitOrder(t, o.Invoice, payment.StatusSuccess, 10*time.Second)
		if n := in.Sandbox.ChargeCount(o.Invoice); n != 1 {
			t.Errorf("round %d: sandbox charges %d, want 1", r, n)
		}
		path := in.Front.StatusPath(t, final)
		if strings.Count(path, "SUCCESS")+strings.Count(path, "FAILED") != 1 || strings.Count(path, "CHARGING") != 1 {
			t.Errorf("round %d: path %s, want one CHARGING and one final state", r, path)
		}
	}
	t.Logf("figures: %d rounds × (%d returns on instance 0 + %d notifications on instance 1) → 1 charge and 1 final state each", rounds, copies, copies)
}

// slowStatus is a DOKU whose status check takes a while and never answers
// for sure, so an open order stays open and is checked again and again:
// it notes how many checks of one order ran at the same time.
type slowStatus struct {
	payment.Gateway // nil: nothing else is called
	mu              sync.Mutex
	inFlight, most  int
	calls           int
}

func (g *slowStatus) Status(ctx context.Context, ref string) (*doku.StatusResponse, error) {
	g.mu.Lock()
	g.inFlight++
	g.calls++
	g.most = max(g.most, g.inFlight)
	g.mu.Unlock()
	time.Sleep(150 * time.Millisecond)
	g.mu.Lock()
	g.inFlight--
	g.mu.Unlock()
	return nil, errors.New("no answer")
}

// A PENDING order with both instances' reconcilers running: it is checked
// again and again, by one instance at a time.
func TestInstancesCheckAnOpenOrderOneAtATime(t *testing.T) {
	if testing.Short() {
		t.Skip("PostgreSQL instances: make test runs them, make check (-short) leaves them out")
	}
	gw := &slowStatus{}
	in := apptest.StartInstances(t, 2, apptest.Gateway(gw), apptest.Env(map[string]string{"RECONCILE_AFTER": "100ms"}))
	o := &store.Order{Invoice: "INV-PENDING-1", Ref: "ref-pending-1", Mode: store.ModeDirect, Status: payment.StatusPending,
		AmountIDR: 85000, Name: "Ani", Email: "ani@example.com", Phone: "628123", Address: "Jl. Sudirman 1", Country: "ID",
		NextCheckAt: time.Now(), Lines: []store.OrderLine{{ProductID: 2, Name: "Kopi Gayo", PriceIDR: 85000, Quantity: 1}}}
	if err := in.Apps[0].Store.CreateOrder(t.Context(), o, store.CartClaim{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		gw.mu.Lock()
		calls := gw.calls
		gw.mu.Unlock()
		if calls >= 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d checks of the PENDING order in 20 s, want 5", calls)
		}
		time.Sleep(50 * time.Millisecond)
	}
	gw.mu.Lock()
	defer gw.mu.Unlock()
	if gw.most != 1 {
		t.Errorf("%d checks of one order ran at once, want 1", gw.most)
	}
	var by []int
	for _, a := range in.Apps {
		by = append(by, strings.Count(a.Logs.String(), "status check without answer"))
	}
	t.Logf("figures: %d checks of one PENDING order (by instance: %v), at most %d at once", gw.calls, by, gw.most)
}

// An instance is killed (SIGKILL) while its charge waits on a slow DOKU;
// the other instance, running all along on the same database, finds the
// order CHARGING and settles it from DOKU's status: one charge, SUCCESS.
func TestInstancesKilledMidChargeIsReconciledByTheOther(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary: make test runs it, make check (-short) leaves it out")
	}
	bin := buildBinary(t)
	dir := apptest.ArtifactDir(t)
	dbURL := pgtest.Database(t)
	const keys = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	sbAddr, appAddr := freeAddr(t), freeAddr(t)
	sbURL, appURL := "http://"+sbAddr, "http://"+appAddr
	sb := startProcess(t, bin, filepath.Join(dir, "sandbox.log"), map[string]string{
		"SANDBOX_ADDR": sbAddr, "SANDBOX_SLOW_DELAY": "4s", "SANDBOX_NOTIFICATION_URL": "", "LOG_LEVEL": "debug",
	}, "sandbox")
	waitUp(t, sbURL+"/_sandbox/stats", sb)
	env := map[string]string{
		"DATABASE_URL": dbURL, "DOKU_BASE_URL": sbURL, "DOKU_CLIENT_ID": app.SandboxClientID, "DOKU_SECRET_KEY": app.SandboxSecretKey,
		"PAYMENT_MODE": "direct", "RECONCILE_AFTER": "500ms", "LOGIN_RATE": "0", "CHECKOUT_RATE": "0", "LOG_LEVEL": "debug", "SESSION_KEYS": keys,
	}
	first := startProcess(t, bin, filepath.Join(dir, "app-1.log"), merge(env, map[string]string{"ADDR": appAddr, "PUBLIC_URL": appURL,
		"DB_PATH": filepath.Join(dir, "unused.db")}))
	waitUp(t, appURL+"/readyz", first)
	other := apptest.Start(t, apptest.Env(env)) // the second instance, in this process

	ta := &apptest.App{URL: appURL, Dir: dir}
	ta.Keys, _ = apptest.ParseKeys(keys)
	s := apptest.NewShopper(t, ta)
	s.AddToCart("2", "1")
	s.Checkout(apptest.Card("4000000000000341", "737"))
	otp := s.FormRequest("form", map[string][]string{"otp": {"123456"}})
	go func() { // instance 1 now charges, waiting on the slow sandbox
		if resp, err := s.Client.Do(otp); err == nil {
			resp.Body.Close()
		}
	}()
	var o store.Order
	deadline := time.Now().Add(15 * time.Second)
	for {
		list, _ := other.Store.AdminOrders(t.Context(), store.OrderFilter{Limit: 1})
		if len(list) == 1 && list[0].Status == payment.StatusCharging {
			if _, by := sandboxCharges(t, sbURL); by[list[0].Invoice] == 1 {
				o = list[0]
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no order CHARGING with its charge at DOKU: %+v", list)
		}
		time.Sleep(20 * time.Millisecond)
	}
	first.cmd.Process.Kill() // SIGKILL: no shutdown
	<-first.done
	first.done <- nil
	got := other.WaitOrder(t, o.Invoice, payment.StatusSuccess, 20*time.Second)
	if total, by := sandboxCharges(t, sbURL); by[o.Invoice] != 1 || total != 1 {
		t.Errorf("sandbox charges: %d for %s, %d in all; want 1 and 1", by[o.Invoice], o.Invoice, total)
	}
	if path := other.StatusPath(t, got); path != "CREATED→AWAITING_3DS→CHARGING→SUCCESS" {
		t.Errorf("order path %s, want CREATED→AWAITING_3DS→CHARGING→SUCCESS", path)
	}
	if !strings.Contains(other.Logs.String(), o.Invoice) {
		t.Errorf("the surviving instance's log does not mention %s: who settled it?", o.Invoice)
	}
	sb.stop()
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// GET /readyz answers 200 while the database is reachable and 503 once it
// is not, on either store.
func TestReadyzReportsTheDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("PostgreSQL: make test runs it, make check (-short) leaves it out")
	}
	get := func(base string) int {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	lite := apptest.Start(t)
	if code := get(lite.URL); code != http.StatusOK {
		t.Errorf("SQLite: /readyz %d, want 200", code)
	}
	pg := apptest.Start(t, apptest.Postgres())
	if code := get(pg.URL); code != http.StatusOK {
		t.Errorf("PostgreSQL: /readyz %d, want 200", code)
	}
	pgtest.Cut(t, pg.Config.DatabaseURL)
	if code := get(pg.URL); code != http.StatusServiceUnavailable {
		t.Errorf("PostgreSQL unreachable: /readyz %d, want 503", code)
	}
}
