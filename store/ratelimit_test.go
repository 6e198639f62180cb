package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Attempts arriving at once (from several instances) spend one shared
// bucket: exactly burst of them pass, and one more once a refill is due.
func TestTakeTokenSharedBucket(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Now()
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			ok, err := s.TakeToken(ctx, "login:203.0.113.9", now, time.Minute, 5)
			if err != nil {
				t.Error(err)
			}
			if ok {
				allowed.Add(1)
			}
		})
	}
	wg.Wait()
	if allowed.Load() != 5 {
		t.Fatalf("%d of 20 simultaneous attempts allowed, want the burst, 5", allowed.Load())
	}
	if spent, _ := s.TokensSpent(ctx, "login:203.0.113.9", now, time.Minute, 5); !spent {
		t.Error("the bucket is not reported spent after its burst")
	}
	if ok, _ := s.TakeToken(ctx, "login:198.51.100.1", now, time.Minute, 5); !ok {
		t.Error("another key was refused: buckets are per key")
	}
	later := now.Add(time.Minute)
	if ok, _ := s.TakeToken(ctx, "login:203.0.113.9", later, time.Minute, 5); !ok {
		t.Error("no attempt allowed a refill later")
	}
	if ok, _ := s.TakeToken(ctx, "login:203.0.113.9", later, time.Minute, 5); ok {
		t.Error("two attempts allowed for one refill")
	}
	if err := s.PruneRateLimits(ctx, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if spent, _ := s.TokensSpent(ctx, "login:203.0.113.9", now.Add(time.Hour), time.Minute, 5); spent {
		t.Error("a pruned (full) bucket is reported spent")
	}
}
