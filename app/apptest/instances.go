package apptest

import (
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"doku-checkout/app"
	"doku-checkout/handlers"
	"doku-checkout/sandbox"
)

// Instances are several apps on one PostgreSQL database, as a merchant
// deploys them: one DOKU sandbox (behind a Recorder) for all, and a
// round-robin reverse proxy in front whose URL is every app's PUBLIC_URL,
// so 3-D Secure returns and DOKU's notifications reach any instance.
type Instances struct {
	Apps []*App
	// URL is the proxy's; Front is an App view of it for Shoppers.
	URL   string
	Front *App
	// DatabaseURL is the shared PostgreSQL database.
	DatabaseURL string
	DOKU        *Recorder
	Sandbox     *sandbox.Server

	next atomic.Uint64
	mu   sync.Mutex
	down map[int]bool
	hits []atomic.Int64
}

// StartInstances starts n apps with opts on one fresh PostgreSQL database
// behind a round-robin proxy.
func StartInstances(tb testing.TB, n int, opts ...Option) *Instances {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	in := &Instances{URL: "http://" + ln.Addr().String(), down: map[int]bool{}, hits: make([]atomic.Int64, n)}
	var all options
	all.env = map[string]string{}
	for _, opt := range opts {
		opt(&all)
	}
	var dir string
	if all.unscanned {
		dir = tb.TempDir()
	} else {
		dir = ArtifactDir(tb)
	}
	in.DatabaseURL = postgresDatabase(tb, filepath.Join(dir, "shop.db"), !all.unscanned)
	logs := &LogBuffer{}
	in.DOKU = &Recorder{}
	sbURL := serveOn(tb, nil)
	target, _ := url.Parse(sbURL.url)
	pxURL := serveOn(tb, in.DOKU.proxy(target))
	env := map[string]string{
		"DATABASE_URL": in.DatabaseURL, "PUBLIC_URL": in.URL, "DOKU_BASE_URL": pxURL.url,
		"DOKU_CLIENT_ID": app.SandboxClientID, "DOKU_SECRET_KEY": app.SandboxSecretKey,
	}
	vars := defaults()
	for _, opt := range opts {
		var o options
		o.env = map[string]string{}
		opt(&o)
		for k, v := range o.env {
			vars[k] = v
		}
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := app.LoadConfig(func(k string) string { return vars[k] })
	if err != nil {
		tb.Fatalf("LoadConfig: %v", err)
	}
	in.Sandbox = sandbox.New(app.SandboxConfig(cfg, sbURL.url, in.URL+handlers.NotificationPath, app.NewLogger(logs, vars["LOG_LEVEL"]).With("component", "sandbox")))
	sbURL.set(in.Sandbox.Handler())
	tb.Cleanup(in.Sandbox.Close)
	for range n {
		a := Start(tb, append(append([]Option{}, opts...), Env(env))...)
		a.DOKU, a.Sandbox = in.DOKU, in.Sandbox
		in.Apps = append(in.Apps, a)
	}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		i := in.pick()
		in.hits[i].Add(1)
		u, _ := url.Parse(in.Apps[i].URL)
		r.SetURL(u)
		r.SetXForwarded()
		r.Out.Host = r.In.Host // the app sees the public host, as behind a real proxy
	}}
	srv := &http.Server{Handler: proxy}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	front := *in.Apps[0]
	front.URL = in.URL
	front.Transport = http.DefaultTransport.(*http.Transport).Clone()
	in.Front = &front
	return in
}

// pick is the next instance in turn that is not down.
func (in *Instances) pick() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	for range len(in.Apps) {
		i := int(in.next.Add(1) % uint64(len(in.Apps)))
		if !in.down[i] {
			return i
		}
	}
	return 0
}

// Down takes instance i out of the proxy's rotation (as a load balancer
// does when its /readyz fails).
func (in *Instances) Down(i int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.down[i] = true
}

// Hits is how many requests the proxy sent each instance.
func (in *Instances) Hits() []int64 {
	out := make([]int64, len(in.hits))
	for i := range in.hits {
		out[i] = in.hits[i].Load()
	}
	return out
}
