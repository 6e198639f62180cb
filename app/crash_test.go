package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"doku-checkout/app"
	"doku-checkout/app/apptest"
)

// buildBinary builds the real doku-checkout binary (with -race when this
// test binary has it, so the build cache is shared) into a temporary
// directory, outside the scanned artifacts: it embeds the test cards.
func buildBinary(t *testing.T) string {
	t.Helper()
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" {
		t.Fatalf("go env GOMOD: %q, %v", gomod, err)
	}
	bin := filepath.Join(t.TempDir(), "dc")
	args := []string{"build", "-o", bin}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				args = append(args, "-race")
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append(args, ".")...)
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	// A port below Linux's ephemeral range (32768-60999): the child process
	// binds it a moment after this check, and no outgoing connection of the
	// parallel tests can take it in between (those get ephemeral ports), as
	// one did once when this returned a port the kernel had picked.
	for range 200 {
		addr := fmt.Sprintf("127.0.0.1:%d", 20000+mathrand.IntN(12000))
		if ln, err := net.Listen("tcp", addr); err == nil {
			ln.Close()
			return addr
		}
	}
	t.Fatal("no free port between 20000 and 32000")
	return ""
}

// process is a started binary, its output going to a log file.
type process struct {
	cmd     *exec.Cmd
	done    chan error
	logPath string
}

func startProcess(t *testing.T, bin, logPath string, env map[string]string, args ...string) *process {
	t.Helper()
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "GORACE=halt_on_error=0"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, done: make(chan error, 1), logPath: logPath}
	go func() {
		p.done <- cmd.Wait()
		logFile.Close()
	}()
	t.Cleanup(func() { p.stop() })
	return p
}

// stop asks the process to end (SIGTERM), then kills it after 10 s.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		p.done <- <-p.done
	}
}

// waitUp polls url until it answers 200.
func waitUp(t *testing.T, url string, p *process) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			p.done <- err // for stop, in the cleanup
			out, _ := os.ReadFile(p.logPath)
			t.Fatalf("%s: the process exited: %v\n%s", url, err, out)
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not come up", url)
}

// sandboxCharges reads GET /_sandbox/stats of the separate sandbox.
func sandboxCharges(t *testing.T, base string) (total int, byInvoice map[string]int) {
	t.Helper()
	resp, err := http.Get(base + "/_sandbox/stats")
	if err != nil {
		t.Fatalf("sandbox stats: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		Total     int            `json:"charges_total"`
		ByInvoice map[string]int `json:"charges_by_invoice"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("sandbox stats: %v", err)
	}
	return out.Total, out.ByInvoice
}

// latestOrder reads the newest order's invoice and status from the SQLite
// file, read-only, beside the running (or dead) app.
func latestOrder(t *testing.T, dbPath string) (invoice, status string) {
	t.Helper()
	db, err := apptest.OpenRO(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT invoice, status FROM orders ORDER BY id DESC LIMIT 1`).Scan(&invoice, &status); err != nil {
		return "", ""
	}
	return invoice, status
}

// The app is killed (SIGKILL) while its Charge waits on a slow DOKU. Started
// again on the same database, its reconciler finds the order CHARGING and
// settles it from DOKU's status: SUCCESS, with the one charge DOKU made.
func TestKilledMidChargeIsRepairedOnRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary: make test runs it, make check (-short) leaves it out")
	}
	t0 := time.Now()
	bin := buildBinary(t)
	t.Logf("built in %s", time.Since(t0))
	dir := apptest.ArtifactDir(t)
	sbAddr, appAddr := freeAddr(t), freeAddr(t)
	sbURL, appURL := "http://"+sbAddr, "http://"+appAddr
	dbPath := filepath.Join(dir, "shop.db")

	sb := startProcess(t, bin, filepath.Join(dir, "sandbox.log"), map[string]string{
		"SANDBOX_ADDR": sbAddr, "SANDBOX_SLOW_DELAY": "4s", "SANDBOX_NOTIFICATION_URL": "", "LOG_LEVEL": "debug",
	}, "sandbox")
	waitUp(t, sbURL+"/_sandbox/stats", sb)
	appEnv := map[string]string{
		"ADDR": appAddr, "PUBLIC_URL": appURL, "DB_PATH": dbPath, "DOKU_BASE_URL": sbURL,
		"DOKU_CLIENT_ID": app.SandboxClientID, "DOKU_SECRET_KEY": app.SandboxSecretKey, "PAYMENT_MODE": "direct",
		"RECONCILE_AFTER": "500ms", "LOGIN_RATE": "0", "CHECKOUT_RATE": "0", "LOG_LEVEL": "debug", "DEMO_CATALOG": "yes",
	}
	first := startProcess(t, bin, filepath.Join(dir, "app-1.log"), appEnv)
	waitUp(t, appURL+"/healthz", first)

	ta := &apptest.App{URL: appURL, DB: dbPath, Dir: dir}
	ta.Keys = apptest.KeysFromDB(t, dbPath)
	s := apptest.NewShopper(t, ta)
	s.AddToCart("2", "1")
	s.Checkout(apptest.Card("4000000000000341", "737"))
	otp := s.FormRequest("form", map[string][]string{"otp": {"123456"}})
	answered := make(chan error, 1)
	go func() { // the app now charges, waiting on the slow sandbox
		resp, err := s.Client.Do(otp)
		if err == nil {
			resp.Body.Close()
			err = fmt.Errorf("answered %d", resp.StatusCode)
		}
		answered <- err
	}()

	var invoice, status string
	deadline := time.Now().Add(15 * time.Second)
	for {
		invoice, status = latestOrder(t, dbPath)
		if status == "CHARGING" {
			if _, by := sandboxCharges(t, sbURL); by[invoice] == 1 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %q is %q and never CHARGING with its charge at DOKU", invoice, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("CHARGING at %s", time.Since(t0))
	first.cmd.Process.Kill() // SIGKILL: no shutdown, no checkpoint
	if err := <-first.done; err == nil {
		t.Fatal("the app exited cleanly; want killed")
	}
	first.done <- nil
	select {
	case err := <-answered:
		if err == nil || strings.HasPrefix(err.Error(), "answered") {
			t.Fatalf("the shopper got an answer before the kill (%v): the charge was not in flight", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the shopper's request did not end with the app")
	}
	if _, st := latestOrder(t, dbPath); st != "CHARGING" {
		t.Fatalf("after the kill the order is %q, want CHARGING", st)
	}

	second := startProcess(t, bin, filepath.Join(dir, "app-2.log"), appEnv)
	waitUp(t, appURL+"/healthz", second)
	t.Logf("restarted at %s", time.Since(t0))
	deadline = time.Now().Add(20 * time.Second)
	for {
		if _, st := latestOrder(t, dbPath); st == "SUCCESS" {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("order %s is %q 20 s after the restart, want SUCCESS", invoice, st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("SUCCESS at %s", time.Since(t0))
	total, by := sandboxCharges(t, sbURL)
	if by[invoice] != 1 || total != 1 {
		t.Errorf("sandbox charges: %d for %s, %d in all; want 1 and 1", by[invoice], invoice, total)
	}
	db, err := apptest.OpenRO(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT e.to_status, e.reason FROM order_events e JOIN orders o ON o.id = e.order_id
		WHERE o.invoice = ? ORDER BY e.id`, invoice)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	var lastReason string
	for rows.Next() {
		var to string
		if err := rows.Scan(&to, &lastReason); err != nil {
			t.Fatal(err)
		}
		states = append(states, to)
	}
	rows.Close()
	db.Close()
	path := strings.Join(states, "→")
	if path != "CREATED→AWAITING_3DS→CHARGING→SUCCESS" || lastReason != "status check SUCCESS" {
		t.Errorf("order path %s (last: %q), want CREATED→AWAITING_3DS→CHARGING→SUCCESS by status check", path, lastReason)
	}
	// The shopper's session survived the restart and shows the receipt.
	s.Get("/orders/" + invoice)
	if got := s.Text("order-status"); got != "SUCCESS" {
		t.Errorf("receipt after the restart: %q, want SUCCESS", got)
	}
	second.stop()
	sb.stop()
	for _, name := range []string{"sandbox.log", "app-1.log", "app-2.log"} {
		if b, _ := os.ReadFile(filepath.Join(dir, name)); strings.Contains(string(b), "DATA RACE") {
			t.Errorf("%s reports a data race", name)
		}
	}
}
