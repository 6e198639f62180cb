package handlers

import (
	"context"
	"strings"
	"time"
)

// adminLimits count failed back-office logins (a wrong password, later a
// wrong code) per account and per address, so guessing is slow whoever
// spreads it across addresses or accounts. They are Throttles like the
// shopper's login: in memory for one SQLite process, in the database when
// instances share PostgreSQL, so a limit holds whichever instance a guess
// reaches. A bucket holds the failures allowed per window and refills over
// the window; a successful login leaves it as it is.
type adminLimits struct {
	account, address limiter
	window           time.Duration
}

func newAdminLimits(make Throttles, cfg AdminConfig, a *Admin) adminLimits {
	per := func(n int) float64 { return float64(n) / cfg.FailureWindow.Minutes() }
	return adminLimits{
		account: limiter{make("admin-login-account", per(cfg.AccountFailures), cfg.AccountFailures), a.log},
		address: limiter{make("admin-login-address", per(cfg.AddressFailures), cfg.AddressFailures), a.log},
		window:  cfg.FailureWindow,
	}
}

// blocked reports whether email's account or ip's address has no failure
// left: past it even the right password (or code) is refused.
func (l adminLimits) blocked(ctx context.Context, email, ip string) bool {
	return l.account.spent(ctx, accountKey(email)) || l.address.spent(ctx, addressKey(ip))
}

// fail spends one failure of each bucket.
func (l adminLimits) fail(ctx context.Context, email, ip string) {
	l.account.allow(ctx, accountKey(email))
	l.address.allow(ctx, addressKey(ip))
}

func accountKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
func addressKey(ip string) string    { return ip }
