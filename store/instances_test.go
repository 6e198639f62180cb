package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"doku-checkout/store/pgtest"
)

// openPair opens two Stores on one new database, as two instances do.
func openPair(t *testing.T) (*Store, *Store) {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "pair.db")
	if testDialect == "postgres" {
		dsn = pgtest.Database(t)
	}
	var out [2]*Store
	for i := range out {
		s, err := Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("Open %s: %v", testDialect, err)
		}
		t.Cleanup(func() { s.Close() })
		out[i] = s
	}
	return out[0], out[1]
}

// Partial refunds of one paid order claimed at once from two instances:
// the claims queue on the order's row, so what they reserve together never
// exceeds what was captured.
func TestConcurrentPartialRefundsAcrossInstances(t *testing.T) {
	a, b := openPair(t)
	ctx := context.Background()
	o := newOrder(t, a, "paid") // 170000
	if ok, err := a.Transition(ctx, o.ID, Step{From: []Status{StatusCreated}, To: StatusSuccess, EndChecks: true, CaptureAll: true}); !ok || err != nil {
		t.Fatalf("pay: %v %v", ok, err)
	}
	const tries, each = 24, 30000 // 24 × 30000 asked, 170000 captured: 5 fit
	var mu sync.Mutex
	granted, over := 0, 0
	var wg sync.WaitGroup
	for i := range tries {
		st := []*Store{a, b}[i%2]
		wg.Go(func() {
			_, err := st.ClaimAction(ctx, ActionClaim{
				Action:          PaymentAction{OrderID: o.ID, Kind: ActionRefund, AmountIDR: each, RequestID: fmt.Sprintf("rf-%d", i), StaffID: 1, StaffEmail: "owner@example.com"},
				From:            []Status{StatusSuccess},
				CeilingCaptured: true,
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				granted++
			case errors.Is(err, ErrActionOverLimit):
				over++
			default:
				t.Errorf("claim %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if granted != 5 || over != tries-5 {
		t.Fatalf("%d refunds of %d claimed at once: %d granted, %d over the limit; want 5 and %d", tries, each, granted, over, tries-5)
	}
	list, _ := b.OrderActions(ctx, o.ID)
	var sum int64
	for _, x := range list {
		sum += x.AmountIDR
	}
	if sum > o.AmountIDR {
		t.Fatalf("refunds reserved %d of a %d order", sum, o.AmountIDR)
	}
}

// One cart checked out from two instances at once: one order gets it.
func TestCartClaimAcrossInstances(t *testing.T) {
	a, b := openPair(t)
	newOrder(t, a, "seed")
	claim := CartClaim{Busy: append([]Status{StatusCreated}, claimTest.Busy...)}
	var mu sync.Mutex
	made, busy := 0, 0
	var wg sync.WaitGroup
	for i := range 16 {
		st := []*Store{a, b}[i%2]
		wg.Go(func() {
			_, err := cartOrder(t, st, "cart-x", fmt.Sprintf("x%d", i), claim)
			var cb *CartBusyError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				made++
			case errors.As(err, &cb):
				busy++
			default:
				t.Errorf("checkout %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if made != 1 || busy != 15 {
		t.Fatalf("16 checkouts of one cart from two instances: %d made, %d busy; want 1 and 15", made, busy)
	}
}

// One checkout form sent twice at once to two instances: one order, and
// the other submit finds it by its key (ErrDuplicate), not a busy cart.
func TestSameFormTwiceAcrossInstances(t *testing.T) {
	a, b := openPair(t)
	newOrder(t, a, "seed")
	claim := CartClaim{Busy: append([]Status{StatusCreated}, claimTest.Busy...)}
	for round := range 8 {
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, st := range []*Store{a, b} {
			wg.Go(func() {
				o := &Order{Invoice: fmt.Sprintf("INV-F%d-%d", round, i), Ref: fmt.Sprintf("ref-f%d-%d", round, i), CheckoutKey: fmt.Sprintf("form-%d", round),
					CartID: fmt.Sprintf("cart-f%d", round), Mode: ModeDirect, Status: StatusCreated, AmountIDR: 85000, Name: "Ani", Email: "ani@example.com",
					Phone: "628123", Address: "Jl. Sudirman 1", Country: "ID", Lines: []OrderLine{{ProductID: 1, Name: "Kopi", PriceIDR: 85000, Quantity: 1}}}
				errs[i] = st.CreateOrder(context.Background(), o, claim)
			})
		}
		wg.Wait()
		made, dup := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				made++
			case errors.Is(err, ErrDuplicate):
				dup++
			default:
				t.Errorf("round %d: %v, want one order and ErrDuplicate", round, err)
			}
		}
		if made != 1 || dup != 1 {
			t.Fatalf("round %d: %d made, %d duplicates; want 1 and 1", round, made, dup)
		}
	}
}
