package handlers

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// throttle is a token bucket per key (a client address, an account): a
// burst forgives a typo or two, then attempts come at the refill rate. A nil
// throttle allows everything (the limit is off).
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
	if perMinute <= 0 {
		return nil
	}
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

// allow spends one attempt for key, reporting whether one was left.
func (t *throttle) allow(key string) bool {
	if t == nil {
		return true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.bucket(key).Allow()
}

// spent reports whether key has no attempt left, without spending one.
func (t *throttle) spent(key string) bool {
	if t == nil {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.bucket(key).Tokens() < 1
}
