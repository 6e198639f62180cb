package app

import (
	"context"
	"path/filepath"

	"doku-checkout/handlers"
	"doku-checkout/route"
	"doku-checkout/staff"
)

// mountAdmin builds the back office and, while the shop has no owner,
// logs a one-time setup link (a new one at each start) and the command
// that creates an owner instead. There is no default password.
func (a *App) mountAdmin(ctx context.Context, h *handlers.Handler) error {
	cfg := a.Config
	h.MountAdmin(handlers.NewAdmin(a.Store, a.Pay, handlers.AdminConfig{
		SecureCookies: cfg.Secure(),
		ImageDir:      filepath.Join(filepath.Dir(cfg.DBPath), "images"),
		Shop:          a.Shop,
	}, a.Log.With("component", "admin")))
	tok, err := staff.IssueSetupToken(ctx, a.Store)
	if err != nil {
		return err
	}
	if tok != "" {
		a.Log.Warn("no back-office owner yet: open the setup link once, or run `doku-checkout admin create --email you@example.com`",
			"setup_url", cfg.PublicURL+route.AdminSetup+"?token="+tok)
	}
	return nil
}
