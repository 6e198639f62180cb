package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// Reconcilers in several instances claim due orders at once: each due
// order is claimed by exactly one of them, a claimed order is not due
// again until its lease has run out, and then it is (its claimer died).
func TestClaimDueChecksOneClaimerPerOrder(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Now()
	want := map[int64]bool{}
	for i := range 10 {
		o := newOrder(t, s, fmt.Sprintf("due%d", i))
		if ok, err := s.Transition(ctx, o.ID, Step{From: []Status{StatusCreated}, To: StatusPending, NextCheckAt: now.Add(-time.Duration(i+1) * time.Second)}); !ok || err != nil {
			t.Fatalf("to PENDING: %v %v", ok, err)
		}
		want[o.ID] = true
	}
	lease := now.Add(time.Minute)
	var mu sync.Mutex
	claimed := map[int64]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				due, err := s.ClaimDueChecks(ctx, now, lease, 1)
				if err != nil {
					t.Error(err)
					return
				}
				if len(due) == 0 {
					return
				}
				mu.Lock()
				claimed[due[0].ID]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != len(want) {
		t.Fatalf("claimed %d orders, want all %d due", len(claimed), len(want))
	}
	for id, n := range claimed {
		if n != 1 || !want[id] {
			t.Errorf("order %d claimed %d times, want once", id, n)
		}
	}
	if due, _ := s.ClaimDueChecks(ctx, now.Add(30*time.Second), lease, 50); len(due) != 0 {
		t.Errorf("%d orders claimed again within their lease, want none", len(due))
	}
	if due, _ := s.ClaimDueChecks(ctx, lease, lease.Add(time.Minute), 50); len(due) != len(want) {
		t.Errorf("after the lease ran out %d orders were claimable, want %d", len(due), len(want))
	}
}

// A claimed order goes to the back of the queue: claiming one at a time
// reaches every due order, the one claimed first last again.
func TestClaimDueChecksStarvesNoOrder(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Now()
	var ids []int64
	for i := range 3 {
		o := newOrder(t, s, fmt.Sprintf("q%d", i))
		s.Transition(ctx, o.ID, Step{From: []Status{StatusCreated}, To: StatusPending, NextCheckAt: now.Add(-time.Minute + time.Duration(i)*time.Second)})
		ids = append(ids, o.ID)
	}
	var got []int64
	for i := range 6 {
		at := now.Add(time.Duration(i) * time.Second)
		due, err := s.ClaimDueChecks(ctx, at, at.Add(-30*time.Second), 1) // a lease already past: due again at once
		if err != nil || len(due) != 1 {
			t.Fatalf("claim %d: %v %v", i, due, err)
		}
		got = append(got, due[0].ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(append(ids, ids...)) {
		t.Fatalf("claim order %v, want round robin %v", got, append(ids, ids...))
	}
}
