package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// claimTest is a claim as package payment hands it: a cart is busy while
// one of its orders is being charged or settled, and a new order
// supersedes those still waiting for 3-D Secure.
var claimTest = CartClaim{
	Busy:      []Status{StatusCharging, StatusPending},
	Supersede: Step{From: []Status{StatusCreated, StatusAwaiting3DS}, To: StatusFailed, Reason: "superseded", EndChecks: true},
}

func cartOrder(t *testing.T, s *Store, cart, key string, claim CartClaim) (*Order, error) {
	t.Helper()
	o := &Order{Invoice: "INV-" + key, Ref: "ref-" + key, CheckoutKey: key, CartID: cart, Mode: ModeDirect, Status: StatusCreated,
		AmountIDR: 85000, Name: "Ani", Email: "ani@example.com", Phone: "628123", Address: "Jl. Sudirman 1", Country: "ID",
		Lines: []OrderLine{{ProductID: 1, Name: "Kopi", PriceIDR: 85000, Quantity: 1}}}
	return o, s.CreateOrder(context.Background(), o, claim)
}

// One payment per cart: a new order of a cart supersedes its orders still
// waiting for 3-D Secure, and is refused, whole, while another is being
// paid; other carts are not touched.
func TestCartClaimOnePaymentPerCart(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	newOrder(t, s, "seed") // seeds the product
	first, err := cartOrder(t, s, "cart-1", "a", claimTest)
	if err != nil {
		t.Fatal(err)
	}
	s.Transition(ctx, first.ID, Step{From: []Status{StatusCreated}, To: StatusAwaiting3DS})
	other, err := cartOrder(t, s, "cart-2", "x", claimTest)
	if err != nil {
		t.Fatal(err)
	}

	second, err := cartOrder(t, s, "cart-1", "b", claimTest)
	if err != nil {
		t.Fatalf("a new checkout of a cart waiting for 3-D Secure: %v, want the new order", err)
	}
	if got, _ := s.OrderByID(ctx, first.ID); got.Status != StatusFailed {
		t.Errorf("the older order waiting for 3-D Secure is %s, want FAILED (superseded)", got.Status)
	}
	if ev, _ := s.OrderEvents(ctx, first.ID); len(ev) != 3 || ev[2].Reason != "superseded" {
		t.Errorf("the superseded order's events = %+v, want its supersede recorded", ev)
	}
	if got, _ := s.OrderByID(ctx, other.ID); got.Status != StatusCreated {
		t.Errorf("another cart's order is %s, want CREATED (untouched)", got.Status)
	}

	s.Transition(ctx, second.ID, Step{From: []Status{StatusCreated}, To: StatusPending})
	_, err = cartOrder(t, s, "cart-1", "c", claimTest)
	var busy *CartBusyError
	if !errors.As(err, &busy) || busy.Order.Invoice != second.Invoice {
		t.Fatalf("a checkout while the cart's payment is PENDING: err = %v, want a CartBusyError naming %s", err, second.Invoice)
	}
	if _, err := s.OrderByInvoice(ctx, "INV-c"); !errors.Is(err, ErrNotFound) {
		t.Errorf("the refused order was written: err = %v, want ErrNotFound", err)
	}
	if got, _ := s.OrderByID(ctx, second.ID); got.Status != StatusPending {
		t.Errorf("the order being paid is %s, want PENDING", got.Status)
	}
}

// Checkouts of one cart at once, while the first is being paid: the claim
// and the insert are one transaction, so exactly one order gets the cart.
func TestCartClaimConcurrentOneOrder(t *testing.T) {
	s := openTest(t)
	newOrder(t, s, "seed")
	// Busy from CREATED on: the first order made holds the cart.
	claim := CartClaim{Busy: append([]Status{StatusCreated}, claimTest.Busy...)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	made, busy := 0, 0
	for i := range 16 {
		wg.Go(func() {
			_, err := cartOrder(t, s, "cart-1", fmt.Sprintf("k%d", i), claim)
			var b *CartBusyError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				made++
			case errors.As(err, &b):
				busy++
			default:
				t.Errorf("checkout %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if made != 1 || busy != 15 {
		t.Fatalf("16 checkouts of one cart at once: %d orders made, %d refused as busy; want 1 and 15", made, busy)
	}
}
