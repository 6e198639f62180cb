// Command bench measures doku-checkout on this machine against the limit of
// the machine: a bare Echo server's req/s is the yardstick for the app's
// pages, then concurrent shoppers run the whole card checkout (cart, 3-D
// Secure with the embedded sandbox, charge, receipt). Everything talks to
// 127.0.0.1 only, every loop is bounded by time, and the run stops by itself
// in about a minute. The load generator is this program: it runs on the same
// cores as the server, so every figure is a lower bound of the server alone.
//
//	go run ./bench                  the table, and bench/results.json
//	go run ./bench -profile DIR     the same against the app with pprof; CPU profiles in DIR
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"doku-checkout/app"
	"doku-checkout/route"
)

// options are the command line.
type options struct {
	conns           int
	warmup, pageDur time.Duration
	flowDur         time.Duration
	shoppers        []int
	out, profileDir string
	dbDir           string
	doku            string   // "embedded" or "external"
	appEnv          []string // KEY=VALUE for the app's process only
	startupLimit    time.Duration
}

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "serve-pprof" || os.Args[1] == "serve-baseline") { // child modes
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		serve := servePprof
		if os.Args[1] == "serve-baseline" {
			serve = func(ctx context.Context) error { return serveBaseline(ctx, os.Getenv("ADDR")) }
		}
		if err := serve(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, os.Args[1]+":", err)
			os.Exit(1)
		}
		return
	}
	var o options
	var shoppers string
	flag.IntVar(&o.conns, "conns", 64, "concurrent keep-alive connections for the page loads")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "warm-up before each measured window")
	flag.DurationVar(&o.pageDur, "pages", 5*time.Second, "measured time of each page load")
	flag.DurationVar(&o.flowDur, "flows", 40*time.Second, "measured time of each checkout-flow run (two runs of 40 s make the ~10,000 flows the memory goal is judged after)")
	flag.StringVar(&shoppers, "shoppers", "16,64", "concurrent shoppers of each checkout-flow run, comma separated")
	flag.StringVar(&o.out, "out", "", "results file (default bench/results.json in the repo; DIR/results.json with -profile)")
	flag.StringVar(&o.profileDir, "profile", "", "run the app in-process with pprof and write CPU profiles (and their -top) to this directory")
	flag.StringVar(&o.dbDir, "dbdir", "", "directory for the app's fresh database (default: a temp dir on disk; a tmpfs such as /dev/shm shows what fsync costs)")
	flag.StringVar(&o.doku, "doku", "embedded", "where DOKU runs: embedded (the app's own sandbox, the default), or external (the sandbox as its own process, as real DOKU is: the app's CPU and memory without DOKU's)")
	var appEnv string
	flag.StringVar(&appEnv, "app-env", "", "extra environment for the app's process only, KEY=VALUE,… (e.g. GOMEMLIMIT=16MiB: the bench and the sandbox keep theirs)")
	flag.Parse()
	for _, kv := range strings.Split(appEnv, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		if !strings.Contains(kv, "=") {
			fmt.Fprintf(os.Stderr, "bench: -app-env: want KEY=VALUE, got %q\n", kv)
			os.Exit(2)
		}
		o.appEnv = append(o.appEnv, kv)
	}
	if o.doku != "embedded" && o.doku != "external" {
		fmt.Fprintln(os.Stderr, "bench: -doku: embedded or external")
		os.Exit(2)
	}
	for _, f := range strings.Split(shoppers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 512 {
			fmt.Fprintf(os.Stderr, "bench: -shoppers: want numbers from 1 to 512, got %q\n", f)
			os.Exit(2)
		}
		o.shoppers = append(o.shoppers, n)
	}
	if o.conns < 1 || o.conns > 1024 || o.pageDur < time.Second || o.flowDur < time.Second || o.warmup < 0 {
		fmt.Fprintln(os.Stderr, "bench: want 1..1024 connections and durations of at least 1s")
		os.Exit(2)
	}
	o.startupLimit = 10 * time.Second
	// Everything, build included, is bounded: the run stops by itself.
	budget := 2*time.Minute + time.Duration(1+3)*(o.warmup+o.pageDur) + time.Duration(len(o.shoppers))*(o.warmup+o.flowDur+30*time.Second)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// results is everything one run measured; bench/results.json.
type results struct {
	Date     string   `json:"date"`
	Machine  machine  `json:"machine"`
	Notes    []string `json:"notes"`
	Settings struct {
		Conns        int     `json:"connections"`
		WarmupS      float64 `json:"warmup_s"`
		PageS        float64 `json:"page_s"`
		FlowS        float64 `json:"flow_s"`
		ProfiledApp  bool    `json:"profiled_app"`
		PaymentMode  string  `json:"payment_mode"`
		DBDir        string  `json:"db_dir"`
		RateLimitsOn bool    `json:"rate_limits_on"`
		Doku         string  `json:"doku"`
	} `json:"settings"`
	Baseline    loadResult   `json:"baseline"`
	Pages       []loadResult `json:"pages"`
	Flows       []flowResult `json:"flows"`
	ColdStartMs float64      `json:"cold_start_ms"`
	RSS         struct {
		PeakHWMMB    float64 `json:"peak_vmhwm_mb"`
		SampledMaxMB float64 `json:"sampled_max_vmrss_mb"`
		AtReadyMB    float64 `json:"vmrss_at_ready_mb"`
	} `json:"rss"`
	Charges struct {
		Sandbox int  `json:"sandbox_charges_total"`
		Paid    int  `json:"orders_paid"`
		Match   bool `json:"match"`
	} `json:"charges"`
	AppLogLines int      `json:"app_log_lines_warn_or_worse"`
	AppLogFirst string   `json:"app_log_first_line,omitempty"`
	AppLogMost  string   `json:"app_log_most_frequent,omitempty"`
	Targets     []target `json:"targets"`
	// MaxOthersCPU is the most CPU other processes took during a
	// measurement; above noisyCores the run is flagged as not representative.
	MaxOthersCPU float64 `json:"max_others_cpu_cores"`
}

// noisyCores is how much CPU other processes may take before a run is flagged.
const noisyCores = 0.15

// target is one goal of issue 15 and whether this run met it.
type target struct {
	Name string `json:"name"`
	Want string `json:"want"`
	Got  string `json:"got"`
	Met  bool   `json:"met"`
}

func run(ctx context.Context, o options) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "doku-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if o.out == "" {
		o.out = filepath.Join(root, "bench", "results.json")
		if o.profileDir != "" {
			o.out = filepath.Join(o.profileDir, "results.json")
		}
	}
	var res results
	res.Date = time.Now().UTC().Format(time.RFC3339)
	res.Machine = describeMachine()
	res.Settings.Conns, res.Settings.WarmupS = o.conns, o.warmup.Seconds()
	res.Settings.PageS, res.Settings.FlowS = o.pageDur.Seconds(), o.flowDur.Seconds()
	res.Settings.ProfiledApp, res.Settings.PaymentMode, res.Settings.Doku = o.profileDir != "", "direct", o.doku
	res.Notes = []string{
		fmt.Sprintf("the load generator (this program) runs on the same %d cores as the server: figures are lower bounds for the server alone", res.Machine.Cores),
		"rate limits are off for the load test (LOGIN_RATE=0 CHECKOUT_RATE=0)",
		"server CPU: the server process's user+system time per wall second (cores busy) and per request/flow; loadgen: this program; others: every other process on the machine (should be ~0)",
	}

	step("building the binary")
	bin := filepath.Join(tmp, "doku-checkout")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}

	// 1. The yardstick: a bare Echo handler with a fixed ~1 KB page.
	step("baseline: bare Echo, %d connections, %s + %s", o.conns, o.warmup, o.pageDur)
	baseAddr, err := freeAddr()
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	base, err := start(self, []string{"serve-baseline"}, map[string]string{"ADDR": baseAddr}, filepath.Join(tmp, "baseline.log"))
	if err != nil {
		return err
	}
	if _, err := base.waitReady(ctx, "http://"+baseAddr+"/", o.startupLimit); err != nil {
		base.shutdown()
		return err
	}
	res.Baseline = load(ctx, "baseline: bare Echo, 1 KB page", "http://"+baseAddr+"/", nil, o.conns, o.warmup, o.pageDur, base.cpu)
	res.Baseline.VsBaseline = 1
	if err := base.shutdown(); err != nil {
		return fmt.Errorf("baseline server: %w", err)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}

	// 2. The app, cold, on a fresh database.
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	sandboxAddr, err := freeAddr()
	if err != nil {
		return err
	}
	appURL, sandboxURL := "http://"+addr, "http://"+sandboxAddr
	dbDir := tmp
	if o.dbDir != "" {
		if dbDir, err = os.MkdirTemp(o.dbDir, "doku-bench-db-"); err != nil {
			return err
		}
		defer os.RemoveAll(dbDir)
	}
	res.Settings.DBDir = o.dbDir
	env := map[string]string{
		"ADDR": addr, "PUBLIC_URL": appURL, "DB_PATH": filepath.Join(dbDir, "shop.db"), "SANDBOX_ADDR": sandboxAddr,
		"PAYMENT_MODE": "direct", "LOGIN_RATE": "0", "CHECKOUT_RATE": "0", "LOG_LEVEL": "warn",
	}
	if o.doku == "external" {
		// DOKU in a process of its own, as in production: the app's figures
		// are then the app's alone, and DOKU's CPU is a column of its own.
		sb, err := start(bin, []string{"sandbox"}, map[string]string{
			"SANDBOX_ADDR": sandboxAddr, "SANDBOX_NOTIFICATION_URL": appURL + route.Notification, "LOG_LEVEL": "warn",
		}, filepath.Join(tmp, "sandbox.log"))
		if err != nil {
			return err
		}
		defer sb.shutdown()
		if _, err := sb.waitReady(ctx, sandboxURL+"/_sandbox/stats", o.startupLimit); err != nil {
			return fmt.Errorf("external sandbox: %w", err)
		}
		dokuCPU = sb.cpu
		delete(env, "SANDBOX_ADDR")
		env["DOKU_BASE_URL"], env["DOKU_CLIENT_ID"], env["DOKU_SECRET_KEY"] = sandboxURL, app.SandboxClientID, app.SandboxSecretKey
		env["DEMO_CATALOG"] = "yes" // the same six products as with the embedded sandbox
		res.Notes = append(res.Notes, "DOKU: the sandbox runs as its own process (-doku external); its CPU is the doku column, not the server's nor others'")
	}
	for _, kv := range o.appEnv {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
		res.Notes = append(res.Notes, "the app's process ran with "+kv)
	}
	appBin, appArgs := bin, []string(nil)
	var prof *profiler
	if o.profileDir != "" {
		if err := os.MkdirAll(o.profileDir, 0o755); err != nil {
			return err
		}
		pprofAddr, err := freeAddr()
		if err != nil {
			return err
		}
		env["PPROF_ADDR"] = pprofAddr
		appBin, appArgs = self, []string{"serve-pprof"}
		prof = &profiler{dir: o.profileDir, pprofURL: "http://" + pprofAddr, errs: make(chan error, 16)}
	}
	step("starting the app (fresh database, %s sandbox, PAYMENT_MODE=direct, rate limits off)", o.doku)
	appLog := filepath.Join(tmp, "app.log")
	ap, err := start(appBin, appArgs, env, appLog)
	if err != nil {
		return err
	}
	defer func() {
		if !ap.exited() {
			ap.shutdown()
		}
	}()
	cold, err := ap.waitReady(ctx, appURL+"/healthz", o.startupLimit)
	if err != nil {
		return err
	}
	res.ColdStartMs = ms(cold)
	if kb, err := ap.status("VmRSS"); err == nil {
		res.RSS.AtReadyMB = float64(kb) / 1024
	}

	// The pages' subjects: a 2-line cart and a paid order's receipt.
	setupTr := &http.Transport{MaxIdleConnsPerHost: 4}
	defer setupTr.CloseIdleConnections()
	cartShopper := newShopper(appURL, setupTr)
	if err := cartShopper.fillCart(ctx, [][2]string{{"2", "2"}, {"5", "1"}}); err != nil {
		return fmt.Errorf("setting up the cart: %w", err)
	}
	cartCookies := cookieHeader(cartShopper, appURL)
	payer := newShopper(appURL, setupTr)
	if err := payer.fillCart(ctx, [][2]string{{"2", "2"}, {"5", "1"}}); err != nil {
		return fmt.Errorf("setting up the receipt: %w", err)
	}
	receiptURL, err := payer.pay(ctx)
	if err != nil {
		return fmt.Errorf("setting up the receipt: %w", err)
	}
	paid := 1
	receiptCookies := cookieHeader(payer, appURL)

	// 3. Pages under load.
	for _, pg := range []struct {
		name, url string
		h         http.Header
	}{
		{"GET / (catalog, 6 products)", appURL + "/", nil},
		{"GET /cart (2 lines)", appURL + "/cart", cartCookies},
		{"GET /orders/{inv}?k= (receipt)", receiptURL, receiptCookies},
	} {
		step("%s: %d connections, %s + %s", pg.name, o.conns, o.warmup, o.pageDur)
		prof.collect(ctx, profileName(pg.name), o.warmup, o.pageDur)
		r := load(ctx, pg.name, pg.url, pg.h, o.conns, o.warmup, o.pageDur, ap.cpu)
		if res.Baseline.RPS > 0 {
			r.VsBaseline = r.RPS / res.Baseline.RPS
		}
		res.Pages = append(res.Pages, r)
		if err := prof.wait(); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}

	// 4. Whole checkouts by concurrent shoppers.
	for _, n := range o.shoppers {
		step("checkout flows: %d shoppers, %s + %s", n, o.warmup, o.flowDur)
		prof.collect(ctx, fmt.Sprintf("flows-%d", n), o.warmup, o.flowDur)
		r := flows(ctx, appURL, n, o.warmup, o.flowDur, ap.cpu)
		paid += r.Paid
		res.Flows = append(res.Flows, r)
		if err := prof.wait(); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}

	prof.collect(ctx, "heap", 0, 0)
	if err := prof.wait(); err != nil {
		return err
	}

	// 5. What the sandbox charged, and the app's memory.
	charges, err := sandboxCharges(ctx, sandboxURL)
	if err != nil {
		return err
	}
	res.Charges.Sandbox, res.Charges.Paid, res.Charges.Match = charges, paid, charges == paid
	if kb, err := ap.status("VmHWM"); err == nil {
		res.RSS.PeakHWMMB = float64(kb) / 1024
	}
	res.RSS.SampledMaxMB = float64(ap.sampledMaxRSS()) / 1024
	if err := ap.shutdown(); err != nil {
		return fmt.Errorf("app: %w (log: %s)", err, appLog)
	}
	res.AppLogLines, res.AppLogFirst, res.AppLogMost = logLines(appLog)

	res.MaxOthersCPU = res.Baseline.OtherCPU
	for _, p := range res.Pages {
		res.MaxOthersCPU = max(res.MaxOthersCPU, p.OtherCPU)
	}
	for _, f := range res.Flows {
		res.MaxOthersCPU = max(res.MaxOthersCPU, f.OtherCPU)
	}
	res.Targets = judge(res)
	printTable(os.Stdout, res)
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s\n", o.out)
	if o.profileDir != "" {
		fmt.Printf("CPU profiles (and go tool pprof -top of each) in %s\n", o.profileDir)
	}
	if !res.Charges.Match {
		return fmt.Errorf("MISMATCH: the sandbox executed %d charges for %d paid orders", charges, paid)
	}
	return nil
}

func step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// repoRoot is the module's directory.
func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run the bench inside the doku-checkout module (go run ./bench)")
	}
	return filepath.Dir(mod), nil
}

// cookieHeader is the Cookie header s's browser sends to base.
func cookieHeader(s *shopper, base string) http.Header {
	u, _ := url.Parse(base)
	var parts []string
	for _, c := range s.c.Jar.(*cookiejar.Jar).Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return http.Header{"Cookie": {strings.Join(parts, "; ")}}
}

// sandboxCharges reads charges_total from the sandbox's stats.
func sandboxCharges(ctx context.Context, sandboxURL string) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, sandboxURL+"/_sandbox/stats", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("sandbox stats: %w", err)
	}
	defer resp.Body.Close()
	var st struct {
		ChargesTotal *int `json:"charges_total"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || st.ChargesTotal == nil {
		return 0, fmt.Errorf("sandbox stats: status %d, no charges_total (%v)", resp.StatusCode, err)
	}
	return *st.ChargesTotal, nil
}

// logLines counts the app's log lines (at LOG_LEVEL=warn: warnings and
// errors) and returns the first and the most frequent message, counted.
func logLines(path string) (int, string, string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, "", ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return 0, "", ""
	}
	counts, example := map[string]int{}, map[string]string{}
	most := ""
	for _, l := range lines {
		m := logMessage(l)
		counts[m]++
		if example[m] == "" {
			example[m] = l
		}
		if counts[m] > counts[most] {
			most = m
		}
	}
	return len(lines), lines[0], fmt.Sprintf("%d× %s", counts[most], example[most])
}

// logMessage is the msg of a slog text line (the whole line when it has none).
func logMessage(line string) string {
	_, rest, ok := strings.Cut(line, " msg=")
	if !ok {
		return line
	}
	if strings.HasPrefix(rest, `"`) {
		if m, err := strconv.QuotedPrefix(rest); err == nil {
			if u, err := strconv.Unquote(m); err == nil {
				return u
			}
		}
	}
	m, _, _ := strings.Cut(rest, " ")
	return m
}

func profileName(page string) string {
	switch {
	case strings.HasPrefix(page, "GET / "):
		return "page-catalog"
	case strings.HasPrefix(page, "GET /cart"):
		return "page-cart"
	default:
		return "page-receipt"
	}
}

// judge compares the run with the goals of issue 15, each as a ratio to
// the baseline measured in the same run where the goal is a speed.
func judge(r results) []target {
	var out []target
	for _, p := range r.Pages {
		out = append(out, target{Name: p.Name, Want: ">= 0.50 of baseline req/s, p99 < 10 ms",
			Got: fmt.Sprintf("%.2f, p99 %.1f ms", p.VsBaseline, p.P99ms),
			Met: p.VsBaseline >= 0.5 && p.P99ms < 10 && p.Errors == 0})
	}
	best, errs, flows := 0.0, 0, r.Charges.Paid // paid flows of the whole run, warm-ups included
	cpuRatio := 0.0
	for _, f := range r.Flows {
		best = max(best, f.FlowsPerS)
		errs += f.Errors
		if r.Baseline.CPUPerReqUs > 0 {
			cpuRatio = max(cpuRatio, f.CPUPerFlowM*1000/r.Baseline.CPUPerReqUs)
		}
	}
	// 300 flows/s on a day the baseline does 30,000 req/s: scaled to this
	// run's baseline, so a slower machine is judged fairly.
	wantFlows := 300 * r.Baseline.RPS / 30000
	out = append(out,
		target{Name: "server CPU per flow / per baseline request", Want: "<= 60", Got: fmt.Sprintf("%.0f (%.1f ms / %.0f us)", cpuRatio, cpuPerFlow(r), r.Baseline.CPUPerReqUs),
			Met: cpuRatio > 0 && cpuRatio <= 60},
		target{Name: "checkout flows", Want: fmt.Sprintf(">= %.0f flows/s (300 at a 30,000 req/s baseline), 0 errors", wantFlows),
			Got: fmt.Sprintf("%.0f flows/s, %d errors", best, errs), Met: best >= wantFlows && errs == 0},
		target{Name: "peak RSS (VmHWM)", Want: "< 40 MB after 10,000 flows", Got: fmt.Sprintf("%.1f MB after %d flows", r.RSS.PeakHWMMB, flows),
			Met: r.RSS.PeakHWMMB > 0 && r.RSS.PeakHWMMB < 40 && flows >= 10000},
		target{Name: "cold start", Want: "< 200 ms", Got: fmt.Sprintf("%.0f ms", r.ColdStartMs), Met: r.ColdStartMs < 200},
		target{Name: "sandbox charges = orders paid", Want: "equal", Got: fmt.Sprintf("%d / %d", r.Charges.Sandbox, r.Charges.Paid), Met: r.Charges.Match},
	)
	return out
}

// cpuPerFlow is the highest server CPU per flow of the run, in ms.
func cpuPerFlow(r results) float64 {
	m := 0.0
	for _, f := range r.Flows {
		m = max(m, f.CPUPerFlowM)
	}
	return m
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}

// printTable writes the one fixed-width table.
func printTable(w io.Writer, r results) {
	fmt.Fprintf(w, "doku-checkout bench  %s  %s, %d cores  %s", r.Date, r.Machine.CPU, r.Machine.Cores, r.Machine.GoVersion)
	if r.Settings.ProfiledApp {
		fmt.Fprint(w, "  (app with pprof, CPU profiling on)")
	}
	if r.Settings.DBDir != "" {
		fmt.Fprintf(w, "  (database in %s)", r.Settings.DBDir)
	}
	fmt.Fprintln(w)
	for _, n := range r.Notes {
		fmt.Fprintln(w, "  note: "+n)
	}
	fmt.Fprintf(w, "  pages: %d keep-alive connections, closed loop, %.0fs warm-up + %.0fs measured; flows: %.0fs + %.0fs\n\n",
		r.Settings.Conns, r.Settings.WarmupS, r.Settings.PageS, r.Settings.WarmupS, r.Settings.FlowS)
	const row = "%-34s %12s %7s %7s %7s %6s %6s %13s %7s %6s\n"
	fmt.Fprintf(w, row, "row", "rate", "p50 ms", "p99 ms", "max ms", "errors", "x base", "server CPU", "loadgen", "others")
	fmt.Fprintln(w, strings.Repeat("-", 115))
	for _, p := range append([]loadResult{r.Baseline}, r.Pages...) {
		fmt.Fprintf(w, row, p.Name, fmt.Sprintf("%.0f req/s", p.RPS), f1(p.P50ms), f1(p.P99ms), f1(p.MaxMs), strconv.Itoa(p.Errors),
			fmt.Sprintf("%.2f", p.VsBaseline), fmt.Sprintf("%.2f %4.0fus/r", p.AppCPU, p.CPUPerReqUs), fmt.Sprintf("%.2f", p.LoadCPU), fmt.Sprintf("%.2f", p.OtherCPU))
	}
	for _, f := range r.Flows {
		fmt.Fprintf(w, row, f.Name, fmt.Sprintf("%.1f flow/s", f.FlowsPerS), f1(f.P50ms), f1(f.P99ms), f1(f.MaxMs), strconv.Itoa(f.Errors),
			"", fmt.Sprintf("%.2f %4.1fms/f", f.AppCPU, f.CPUPerFlowM), fmt.Sprintf("%.2f", f.LoadCPU), fmt.Sprintf("%.2f", f.OtherCPU))
	}
	fmt.Fprintln(w, strings.Repeat("-", 115))
	if r.Settings.Doku == "external" {
		for _, f := range r.Flows {
			fmt.Fprintf(w, "%-34s %12s   (%s)\n", "DOKU sandbox process CPU", fmt.Sprintf("%.2f %4.1fms/f", f.DokuCPU, f.DokuPerFlow), f.Name)
		}
	}
	fmt.Fprintf(w, "%-34s %12s\n", "cold start (exec → 200 /healthz)", fmt.Sprintf("%.0f ms", r.ColdStartMs))
	fmt.Fprintf(w, "%-34s %12s   (sampled VmRSS max %.1f MB, at ready %.1f MB)\n", "app peak RSS (VmHWM)",
		fmt.Sprintf("%.1f MB", r.RSS.PeakHWMMB), r.RSS.SampledMaxMB, r.RSS.AtReadyMB)
	flag := ""
	if !r.Charges.Match {
		flag = "   MISMATCH"
	}
	fmt.Fprintf(w, "%-34s %12s%s\n", "sandbox charges / orders paid", fmt.Sprintf("%d / %d", r.Charges.Sandbox, r.Charges.Paid), flag)
	fmt.Fprintf(w, "%-34s %12d", "app log lines (warn or worse)", r.AppLogLines)
	if r.AppLogFirst != "" {
		fmt.Fprintf(w, "   first: %.120s", r.AppLogFirst)
	}
	if r.AppLogMost != "" && r.AppLogLines > 1 {
		fmt.Fprintf(w, "\n%-34s %12s   %.300s", "", "most frequent:", r.AppLogMost)
	}
	fmt.Fprintln(w)
	for _, f := range r.Flows {
		for k, v := range f.ErrorKinds {
			fmt.Fprintf(w, "  flow error (%d shoppers) x%d: %.160s\n", f.Shoppers, v, k)
		}
	}
	if r.MaxOthersCPU > noisyCores {
		fmt.Fprintf(w, "\nWARNING: other processes took up to %.2f cores during a measurement: this run is not representative; run again on a quiet machine\n", r.MaxOthersCPU)
	}
	fmt.Fprintln(w, "\ntargets:")
	for _, t := range r.Targets {
		fmt.Fprintf(w, "  %-3s %-34s want %-40s got %s\n", yes(t.Met), t.Name, t.Want, t.Got)
	}
}

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
