package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"doku-checkout/store/pgtest"
)

// openTest opens a fresh store of the dialect under test: a SQLite file,
// or a new database on the test binary's PostgreSQL cluster.
func openTest(t testing.TB) *Store {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "test.db")
	if testDialect == "postgres" {
		dsn = pgtest.Database(t)
	}
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open %s: %v", testDialect, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("(on %s)", testDialect)
		}
		s.Close()
	})
	return s
}

func newOrder(t *testing.T, s *Store, key string) *Order {
	t.Helper()
	ctx := context.Background()
	if err := s.SeedProducts(ctx, []Product{{Name: "Kopi", Description: "beans", PriceIDR: 85000, Image: "kopi.svg"}}); err != nil {
		t.Fatal(err)
	}
	o := &Order{Invoice: "INV-" + key, Ref: "ref-" + key, CheckoutKey: key, Mode: ModeDirect, Status: StatusCreated,
		AmountIDR: 170000, Name: "Ani", Email: "ani@example.com", Phone: "628123", Address: "Jl. Sudirman 1", Country: "ID",
		Lines: []OrderLine{{ProductID: 1, Name: "Kopi", PriceIDR: 85000, Quantity: 2}}}
	if err := s.CreateOrder(ctx, o, CartClaim{}); err != nil {
		t.Fatalf("CreateOrder: %v", err)
	}
	return o
}

func TestOrderRoundTripAndDuplicateKey(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	o := newOrder(t, s, "k1")
	got, err := s.OrderByRef(ctx, "ref-k1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Invoice != o.Invoice || got.AmountIDR != 170000 || len(got.Lines) != 1 || got.Lines[0].Quantity != 2 || got.CustomerID != 0 {
		t.Fatalf("OrderByRef = %+v, want the order written", got)
	}
	dup := *o
	dup.Invoice, dup.Ref = "INV-other", "ref-other"
	if err := s.CreateOrder(ctx, &dup, CartClaim{}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second order with the same checkout key: err = %v, want ErrDuplicate", err)
	}
	if _, err := s.OrderByInvoice(ctx, "INV-other"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the refused order was half-written: err = %v, want ErrNotFound", err)
	}
}

func TestTransitionIsConditional(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	o := newOrder(t, s, "k2")
	ok, err := s.Transition(ctx, o.ID, Step{From: []Status{StatusAwaiting3DS}, To: StatusCharging, Reason: "test"})
	if err != nil || ok {
		t.Fatalf("CREATED → CHARGING allowed from AWAITING_3DS only: ok=%v err=%v", ok, err)
	}
	if ok, err := s.Transition(ctx, o.ID, Step{From: []Status{StatusCreated}, To: StatusAwaiting3DS, Reason: "3ds", Fields: Fields{AuthID: "auth1"}}); !ok || err != nil {
		t.Fatalf("CREATED → AWAITING_3DS: ok=%v err=%v", ok, err)
	}
	if ok, _ := s.Transition(ctx, o.ID, Step{From: []Status{StatusAwaiting3DS}, To: StatusSuccess, Reason: "paid", EndChecks: true}); !ok {
		t.Fatal("AWAITING_3DS → SUCCESS refused")
	}
	if ok, _ := s.Transition(ctx, o.ID, Step{From: []Status{StatusAwaiting3DS, StatusPending}, To: StatusFailed, EndChecks: true}); ok {
		t.Fatal("a final order moved backwards")
	}
	got, _ := s.OrderByID(ctx, o.ID)
	if got.Status != StatusSuccess || got.AuthID != "auth1" {
		t.Fatalf("order = %s auth %q, want SUCCESS auth1", got.Status, got.AuthID)
	}
	ev, _ := s.OrderEvents(ctx, o.ID)
	if len(ev) != 3 || ev[1].From != StatusCreated || ev[2].To != StatusSuccess {
		t.Fatalf("events = %+v, want created, →AWAITING_3DS, →SUCCESS", ev)
	}
}

// Two requests must never both start charging the same order.
func TestTransitionConcurrentOneWinner(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	o := newOrder(t, s, "k3")
	s.Transition(ctx, o.ID, Step{From: []Status{StatusCreated}, To: StatusAwaiting3DS})
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.Transition(ctx, o.ID, Step{From: []Status{StatusAwaiting3DS}, To: StatusCharging})
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d requests moved the order into CHARGING, want 1", wins.Load())
	}
}

func TestDueChecksAndFinalClearsSchedule(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	o := newOrder(t, s, "k4")
	now := time.Now()
	s.Transition(ctx, o.ID, Step{From: []Status{StatusCreated}, To: StatusPending, NextCheckAt: now.Add(-time.Second)})
	due, err := s.DueChecks(ctx, now, 10)
	if err != nil || len(due) != 1 || due[0].ID != o.ID {
		t.Fatalf("DueChecks = %v, %v; want the pending order", due, err)
	}
	s.Transition(ctx, o.ID, Step{From: []Status{StatusPending}, To: StatusSuccess, EndChecks: true})
	if due, _ := s.DueChecks(ctx, now.Add(time.Hour), 10); len(due) != 0 {
		t.Fatalf("a final order is still due for a check: %v", due)
	}
}

func TestSavedCardsBelongToTheirCustomer(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	a := &Customer{PublicID: "CUST-a", Email: "a@example.com", Name: "A", PasswordHash: "x"}
	b := &Customer{PublicID: "CUST-b", Email: "b@example.com", Name: "B", PasswordHash: "x"}
	if err := s.CreateCustomer(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateCustomer(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateCustomer(ctx, &Customer{PublicID: "CUST-c", Email: "A@example.com", Name: "A2", PasswordHash: "x"}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("same email other case: err = %v, want ErrDuplicate", err)
	}
	s.SaveCard(ctx, SavedCard{CustomerID: a.ID, Token: "tok", Masked: "411111******1111", Brand: "VISA", Expiry: "1230"})
	cards, _ := s.SavedCards(ctx, a.ID)
	if len(cards) != 1 {
		t.Fatalf("cards of a = %d, want 1", len(cards))
	}
	if _, err := s.SavedCard(ctx, cards[0].ID, b.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("b read a's card: err = %v", err)
	}
	if err := s.DeleteSavedCard(ctx, cards[0].ID, b.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("b deleted a's card: err = %v", err)
	}
	if err := s.DeleteSavedCard(ctx, cards[0].ID, a.ID); err != nil {
		t.Fatal(err)
	}
	s.SaveCard(ctx, SavedCard{CustomerID: a.ID, Token: "tok", Masked: "411111******1111", Brand: "VISA", Expiry: "1230"})
	if cards, _ := s.SavedCards(ctx, a.ID); len(cards) != 0 {
		t.Fatal("a removed card came back when its token was seen again")
	}
}

func TestCartQuantities(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	s.SeedProducts(ctx, []Product{{Name: "Kopi", Description: "beans", PriceIDR: 85000, Image: "kopi.svg"}})
	s.CreateCart(ctx, "c1")
	s.AddToCart(ctx, "c1", 1, 60)
	s.AddToCart(ctx, "c1", 1, 60)
	lines, _ := s.CartLines(ctx, "c1")
	if len(lines) != 1 || lines[0].Quantity != MaxQuantity || lines[0].PriceIDR != 85000 {
		t.Fatalf("lines = %+v, want one line capped at %d", lines, MaxQuantity)
	}
	s.SetCartQuantity(ctx, "c1", 1, 0)
	if lines, _ := s.CartLines(ctx, "c1"); len(lines) != 0 {
		t.Fatalf("quantity 0 did not remove the line: %+v", lines)
	}
}
