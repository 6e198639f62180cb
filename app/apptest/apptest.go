// Package apptest starts doku-checkout for tests, the one way every test
// that needs a running app gets one: the real app (app.New, every
// middleware, a fresh database) with the embedded DOKU sandbox, or with the
// sandbox behind a proxy that records what the app sends DOKU, or with a
// fake gateway in the sandbox's place; served on a loopback port or called
// in process. A Shopper drives it like a browser: a cookie jar, the last
// page, its forms and their CSRF token.
//
// A package whose tests start the app calls Main from its TestMain: after
// the tests it scans every database, log and cookie they left for card data.
package apptest

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"doku-checkout/app"
	"doku-checkout/handlers"
	"doku-checkout/payment"
	"doku-checkout/sandbox"
)

// App is the real app started for one test, and what the test may look at.
type App struct {
	*app.App
	// URL is the app's base URL: a loopback address, or the in-process
	// app's PUBLIC_URL.
	URL  string
	Logs *LogBuffer
	// DB is the SQLite file; Dir holds it and, once the test ends, app.log.
	DB  string
	Dir string
	// DOKU records the app's calls to DOKU (Recorded only).
	DOKU *Recorder
	// Keys are the session cookie keys, to decode captured cookies.
	Keys [][]byte
	// Transport carries the test clients' requests (nil: the default).
	Transport http.RoundTripper
}

// Option changes how Start builds the app.
type Option func(*options)

type options struct {
	unscanned bool
	postgres  bool
	env       map[string]string
	record    bool
	inProcess bool
	gateway   func(*App) payment.Gateway
}

// Env sets configuration variables on top of the test defaults.
func Env(env map[string]string) Option {
	return func(o *options) {
		for k, v := range env {
			o.env[k] = v
		}
	}
}

// Recorded serves the sandbox beside the app rather than inside it, behind
// a proxy that records every call the app makes to DOKU: how many Charge
// requests arrived, with which Request-Id (App.DOKU).
func Recorded() Option { return func(o *options) { o.record = true } }

// InProcess builds the app without serving it: no listener and no
// reconciler; the test clients call its handler in process, from a
// non-loopback address. For fuzzing and benchmarks, where a socket per
// request would be the measurement.
func InProcess() Option { return func(o *options) { o.inProcess = true } }

// Unscanned keeps the app's database and log out of Main's card data
// scan (in a temp dir): for benchmarks only, whose thousands of orders fill
// a database file whose raw bytes now and then spell a test security code
// by chance. The tests' apps are all scanned.
func Unscanned() Option { return func(o *options) { o.unscanned = true } }

// Postgres runs the app on PostgreSQL: a fresh database on the test
// binary's throwaway cluster (store/pgtest), in place of the SQLite file.
// When the test ends the database is copied into a SQLite file among the
// artifacts, so that Main's card data scan reads it like any other.
// APPTEST_STORE=postgres in the environment makes it every app's default.
func Postgres() Option { return func(o *options) { o.postgres = true } }

// Gateway puts gw in the embedded sandbox's place: the payment flow calls
// it for 3-D Secure, charges and status checks. Notifications are still
// verified with the app's DOKU secret (NotificationBody and App.Notify).
func Gateway(gw payment.Gateway) Option {
	return func(o *options) { o.gateway = func(*App) payment.Gateway { return gw } }
}

// defaults are the test configuration: fast reconciler and sandbox delays,
// no rate limits, debug logs (the card data scan reads them), the demo
// catalog.
func defaults() map[string]string {
	return map[string]string{
		"SANDBOX_ADDR": "127.0.0.1:0", "PAYMENT_MODE": "direct", "RECONCILE_AFTER": "200ms", "LOG_LEVEL": "debug",
		"LOGIN_RATE": "0", "CHECKOUT_RATE": "0", "DOKU_TIMEOUT": "3s",
		// The demo products, also on a real DOKU_BASE_URL (Recorded).
		"DEMO_CATALOG":          "yes",
		"SANDBOX_PENDING_DELAY": "300ms", "SANDBOX_SLOW_DELAY": "5s", "SANDBOX_NOTIFY_RETRY_SCALE": "0.0005",
	}
}

// Start builds the app with opts on top of the test defaults and serves it
// until the test ends.
func Start(tb testing.TB, opts ...Option) *App {
	tb.Helper()
	o := options{env: defaults(), postgres: os.Getenv("APPTEST_STORE") == "postgres"}
	for _, opt := range opts {
		opt(&o)
	}
	var dir string
	if o.unscanned {
		dir = tb.TempDir()
	} else {
		dir = ArtifactDir(tb)
	}
	if o.postgres && o.env["DATABASE_URL"] == "" {
		o.env["DATABASE_URL"] = postgresDatabase(tb, filepath.Join(dir, "shop.db"), !o.unscanned)
	}
	var ln net.Listener
	base := "http://app.test"
	if !o.inProcess {
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			tb.Fatal(err)
		}
		base = "http://" + ln.Addr().String()
	}
	vars := map[string]string{"DB_PATH": filepath.Join(dir, "shop.db"), "PUBLIC_URL": base}
	for k, v := range o.env {
		vars[k] = v
	}
	if o.inProcess {
		base = vars["PUBLIC_URL"]
	}
	logs := &LogBuffer{}
	tb.Cleanup(func() { // registered first, so it runs after the app has stopped
		if artifacts != "" {
			if err := os.WriteFile(filepath.Join(dir, "app.log"), []byte(logs.String()), 0o600); err != nil {
				tb.Errorf("keep log: %v", err)
			}
		}
		if tb.Failed() {
			tb.Logf("app log (end):\n%s", logs.Tail(16<<10))
		}
	})
	var rec *Recorder
	var sb *sandbox.Server
	if o.record {
		rec = &Recorder{}
		sbURL := serveOn(tb, nil)
		target, _ := url.Parse(sbURL.url)
		pxURL := serveOn(tb, rec.proxy(target))
		vars["DOKU_BASE_URL"] = pxURL.url
		vars["DOKU_CLIENT_ID"], vars["DOKU_SECRET_KEY"] = app.SandboxClientID, app.SandboxSecretKey
		cfg, err := app.LoadConfig(func(k string) string { return vars[k] })
		if err != nil {
			tb.Fatalf("LoadConfig: %v", err)
		}
		sb = sandbox.New(app.SandboxConfig(cfg, sbURL.url, base+handlers.NotificationPath, app.NewLogger(logs, "debug").With("component", "sandbox")))
		sbURL.set(sb.Handler())
		tb.Cleanup(sb.Close)
	}
	cfg, err := app.LoadConfig(func(k string) string { return vars[k] })
	if err != nil {
		tb.Fatalf("LoadConfig: %v", err)
	}
	ta := &App{URL: base, Logs: logs, DB: vars["DB_PATH"], Dir: dir, DOKU: rec}
	var appOpts []app.Option
	if o.gateway != nil {
		appOpts = append(appOpts, app.WithGateway(o.gateway(ta)))
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, logs, appOpts...)
	if err != nil {
		cancel()
		tb.Fatalf("app.New: %v", err)
	}
	if sb != nil {
		a.Sandbox = sb
	}
	ta.App = a
	if ta.Keys, err = sessionKeys(a); err != nil {
		tb.Fatalf("session keys: %v", err)
	}
	if o.inProcess {
		ta.Transport = ViaHandler{Handler: a.Handler, Remote: "192.0.2.1:40000"}
		tb.Cleanup(func() {
			cancel()
			a.Close()
		})
		return ta
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.Serve(ctx, ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			tb.Errorf("Serve: %v", err)
		}
	}()
	// The test clients' own connection pool: closed before the app stops,
	// or a connection dialled but never used holds its shutdown for 5 s.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	ta.Transport = transport
	tb.Cleanup(func() {
		transport.CloseIdleConnections()
		cancel()
		<-done
		a.Close()
	})
	return ta
}

// sessionKeys are the app's session cookie keys: SESSION_KEYS, or the pair
// it generated and kept in its database.
func sessionKeys(a *app.App) ([][]byte, error) {
	v := a.Config.SessionKeys
	if v == "" {
		var err error
		if v, err = a.Store.Setting(context.Background(), "session_keys"); err != nil {
			return nil, err
		}
	}
	return ParseKeys(v)
}

// ParseKeys splits a SESSION_KEYS value (64-byte hex keys, comma separated)
// into the sign and encrypt keys of each pair.
func ParseKeys(v string) ([][]byte, error) {
	var out [][]byte
	for _, k := range strings.Split(v, ",") {
		raw, err := hex.DecodeString(strings.TrimSpace(k))
		if err != nil || len(raw) != 64 {
			return nil, fmt.Errorf("session key %q…: want 128 hex characters", k[:min(len(k), 8)])
		}
		out = append(out, raw[:32], raw[32:])
	}
	return out, nil
}

// KeysFromDB reads the session keys an app generated and kept in the SQLite
// file at dbPath: for an app running in another process.
func KeysFromDB(tb testing.TB, dbPath string) [][]byte {
	tb.Helper()
	db, err := OpenRO(dbPath)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow(`SELECT value FROM settings WHERE key = 'session_keys'`).Scan(&v); err != nil {
		tb.Fatalf("session keys: %v", err)
	}
	keys, err := ParseKeys(v)
	if err != nil {
		tb.Fatal(err)
	}
	return keys
}

// RoundTripper is what the app's test clients send through.
func (a *App) RoundTripper() http.RoundTripper {
	if a == nil || a.Transport == nil {
		return http.DefaultTransport
	}
	return a.Transport
}

// Client is an HTTP client for the app that records cookies for the card
// data scan and does not follow redirects, with jar (may be nil).
func (a *App) Client(jar http.CookieJar) *http.Client {
	return &http.Client{
		Jar: jar, Timeout: 30 * time.Second, Transport: CookieRecorder{Next: a.RoundTripper(), App: a},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// ViaHandler is a transport that serves requests with Handler in process,
// as if they came from Remote: the only way to be a client that is not on
// the loopback, and the fastest way to call the app.
type ViaHandler struct {
	Handler http.Handler
	Remote  string
}

// RoundTrip serves req with the handler.
func (v ViaHandler) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.RemoteAddr, r.RequestURI = v.Remote, req.URL.RequestURI()
	rec := httptest.NewRecorder()
	v.Handler.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// LogBuffer collects the app's logs so tests can scan them.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *LogBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is everything logged so far.
func (s *LogBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Tail is the last n bytes logged, for a failing test's output.
func (s *LogBuffer) Tail(n int) string {
	out := s.String()
	if len(out) > n {
		out = "…" + out[len(out)-n:]
	}
	return out
}
