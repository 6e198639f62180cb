package handlers

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"doku-checkout/store"
)

// Throttle is a rate limit per key (a client address, an account): a
// token bucket of burst attempts, refilled at its rate: a burst forgives a
// typo or two, then attempts come at the refill rate.
type Throttle interface {
	// Allow spends one attempt for key, reporting whether one was left.
	Allow(ctx context.Context, key string) (bool, error)
	// Spent reports whether key has no attempt left, without spending one.
	Spent(ctx context.Context, key string) (bool, error)
}

// Throttles makes the app's throttles, each named (its keys' namespace).
// One process keeps them in memory (MemoryThrottles); several instances
// share them through the database (StoreThrottles), or each instance would
// grant its own attempts.
type Throttles func(name string, perMinute float64, burst int) Throttle

// MemoryThrottles keeps every bucket in this process.
func MemoryThrottles(_ string, perMinute float64, burst int) Throttle {
	return newThrottle(perMinute, burst)
}

// StoreThrottles keeps the buckets in st (store/ratelimit.go), shared by
// every instance on its database.
func StoreThrottles(st *store.Store) Throttles {
	var lastPrune atomic.Int64
	return func(name string, perMinute float64, burst int) Throttle {
		return &storeThrottle{st: st, name: name, every: time.Duration(float64(time.Minute) / perMinute), burst: max(1, burst), lastPrune: &lastPrune}
	}
}

type storeThrottle struct {
	st        *store.Store
	name      string
	every     time.Duration
	burst     int
	lastPrune *atomic.Int64
}

func (t *storeThrottle) Allow(ctx context.Context, key string) (bool, error) {
	now := time.Now()
	if last := t.lastPrune.Load(); now.UnixMilli()-last > time.Hour.Milliseconds() && t.lastPrune.CompareAndSwap(last, now.UnixMilli()) {
		if err := t.st.PruneRateLimits(ctx, now); err != nil {
			return false, err
		}
	}
	return t.st.TakeToken(ctx, t.name+":"+key, now, t.every, t.burst)
}

func (t *storeThrottle) Spent(ctx context.Context, key string) (bool, error) {
	return t.st.TokensSpent(ctx, t.name+":"+key, time.Now(), t.every, t.burst)
}

// limiter is a throttle as the handlers use it: nil allows everything (the
// limit is off); a throttle that cannot answer (its database is down)
// refuses, so a limit never lapses silently.
type limiter struct {
	t   Throttle
	log *slog.Logger
}

func (l limiter) allow(ctx context.Context, key string) bool {
	if l.t == nil {
		return true
	}
	ok, err := l.t.Allow(ctx, key)
	if err != nil {
		l.log.Error("rate limit unavailable: attempt refused", "err", err)
		return false
	}
	return ok
}

func (l limiter) spent(ctx context.Context, key string) bool {
	if l.t == nil {
		return false
	}
	spent, err := l.t.Spent(ctx, key)
	if err != nil {
		l.log.Error("rate limit unavailable: attempt refused", "err", err)
		return true
	}
	return spent
}

// throttle is the in-memory Throttle: a rate.Limiter per key.
type throttle struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	buckets map[string]*rate.Limiter
}

// maxThrottleKeys bounds memory: beyond it, buckets that have refilled
// (their key has been quiet) are dropped.
const maxThrottleKeys = 10000

func newThrottle(perMinute float64, burst int) *throttle {
	return &throttle{every: rate.Limit(perMinute / 60), burst: max(1, burst), buckets: map[string]*rate.Limiter{}}
}

func (t *throttle) bucket(key string) *rate.Limiter {
	b, ok := t.buckets[key]
	if !ok {
		if len(t.buckets) >= maxThrottleKeys {
			now := time.Now()
			for k, old := range t.buckets {
				if old.TokensAt(now) >= float64(t.burst) {
					delete(t.buckets, k)
				}
			}
		}
		b = rate.NewLimiter(t.every, t.burst)
		t.buckets[key] = b
	}
	return b
}

func (t *throttle) Allow(_ context.Context, key string) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.bucket(key).Allow(), nil
}

func (t *throttle) Spent(_ context.Context, key string) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.bucket(key).Tokens() < 1, nil
}
