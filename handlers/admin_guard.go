package handlers

import (
	"strings"
	"sync"
	"time"
)

// loginGuard counts failed logins per key (an account, an address) within
// a window, so guessing is slow whoever spreads it across addresses or
// accounts. It lives in memory: one process serves the shop.
type loginGuard struct {
	mu       sync.Mutex
	failures map[string][]time.Time
}

func newLoginGuard() *loginGuard { return &loginGuard{failures: map[string][]time.Time{}} }

// blocked reports whether key has had limit failures within window.
func (g *loginGuard) blocked(key string, limit int, window time.Duration, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.recent(key, window, now)) >= limit
}

// fail records a failure for each key.
func (g *loginGuard) fail(now time.Time, window time.Duration, keys ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range keys {
		g.failures[k] = append(g.recent(k, window, now), now)
	}
	if len(g.failures) > 100_000 { // bound memory under a spray of addresses
		for k := range g.failures {
			if len(g.recent(k, window, now)) == 0 {
				delete(g.failures, k)
			}
		}
	}
}

// reset forgets key's failures (after a successful login).
func (g *loginGuard) reset(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.failures, key)
}

// recent drops key's failures older than window; the caller holds mu.
func (g *loginGuard) recent(key string, window time.Duration, now time.Time) []time.Time {
	list := g.failures[key]
	i := 0
	for i < len(list) && now.Sub(list[i]) > window {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(g.failures, key)
		return nil
	}
	g.failures[key] = list
	return list
}

func accountKey(email string) string { return "acct:" + strings.ToLower(strings.TrimSpace(email)) }
func addressKey(ip string) string    { return "addr:" + ip }
