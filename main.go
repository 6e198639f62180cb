// Command doku-checkout is a self-hosted checkout for merchants taking card
// payments through DOKU: one binary, one SQLite file. With no DOKU_BASE_URL it
// runs against an embedded DOKU sandbox, so the whole flow works offline.
//
//	doku-checkout            serve the shop (and the embedded sandbox)
//	doku-checkout sandbox    serve only the DOKU sandbox, for another merchant's code
//	doku-checkout admin create --email E   add a back-office owner (password from the terminal or stdin)
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"doku-checkout/app"
	"doku-checkout/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "doku-checkout:", err)
		os.Exit(1)
	}
}

// run is the whole program, parameterised for tests.
func run(ctx context.Context, args []string, getenv func(string) string, logOut io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "sandbox":
			return runSandbox(ctx, getenv, logOut)
		case "admin":
			return app.AdminCommand(ctx, args[1:], getenv, os.Stdin, os.Stdout)
		default:
			return fmt.Errorf("unknown command %q (commands: sandbox, admin)", args[0])
		}
	}
	cfg, err := app.LoadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	a, err := app.New(ctx, cfg, logOut)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	return a.Serve(ctx, ln)
}

// runSandbox serves only the DOKU sandbox on SANDBOX_ADDR, for testing any
// merchant's integration (SANDBOX_NOTIFICATION_URL receives notifications).
func runSandbox(ctx context.Context, getenv func(string) string, logOut io.Writer) error {
	cfg, err := app.LoadConfig(func(k string) string {
		if k == "DOKU_BASE_URL" {
			return "" // here the sandbox is DOKU
		}
		return getenv(k)
	})
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	log := app.NewLogger(logOut, cfg.LogLevel)
	public := getenv("SANDBOX_PUBLIC_URL")
	if public == "" {
		public = "http://" + cfg.SandboxAddr
	}
	notify := getenv("SANDBOX_NOTIFICATION_URL")
	log.Info("DOKU sandbox listening", "url", public, "client_id", cfg.ClientID, "notification_url", notify)
	return sandbox.ListenAndServe(ctx, cfg.SandboxAddr, app.SandboxConfig(cfg, public, notify, log))
}
