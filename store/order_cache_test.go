package store

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// A receipt reads its order by invoice again and again; whatever is kept
// in between, the next read after any write shows that write.
func TestOrderByInvoiceFollowsEveryWrite(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	o := newOrder(t, s, "c1")
	read := func() Order {
		t.Helper()
		got, err := s.OrderByInvoice(ctx, o.Invoice)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	first := read()
	first.Lines[0].Quantity = 99 // a caller's change stays its own
	if got := read(); got.Lines[0].Quantity != 2 || got.Status != StatusCreated {
		t.Fatalf("second read: %+v", got)
	}
	toAwaiting(t, s, o.ID)
	if got := read(); got.Status != StatusAwaiting3DS || got.AuthID != "auth-c" {
		t.Fatalf("after a transition: %s, auth %q", got.Status, got.AuthID)
	}
	// A write outside a transaction, through a prepared statement.
	if err := s.ScheduleCheck(ctx, o.ID, StatusAwaiting3DS, time.UnixMilli(1_900_000_000_000), 3); err != nil {
		t.Fatal(err)
	}
	if got := read(); got.CheckAttempts != 3 {
		t.Fatalf("after scheduling a check: attempts %d, want 3", got.CheckAttempts)
	}
	if ok, err := s.Transition(ctx, o.ID, Step{From: []Status{StatusAwaiting3DS}, To: StatusSuccess, Move: "paid", Reason: "test",
		EndChecks: true, CaptureAll: true, Fields: Fields{ApprovalCode: "123456"}}); !ok || err != nil {
		t.Fatalf("transition: %v %v", ok, err)
	}
	if got := read(); got.Status != StatusSuccess || got.ApprovalCode != "123456" || got.CapturedIDR != o.AmountIDR {
		t.Fatalf("after the payment: %s, approval %q, captured %d", got.Status, got.ApprovalCode, got.CapturedIDR)
	}
}

// toAwaiting moves order id to AWAITING_3DS with a check scheduled.
func toAwaiting(t *testing.T, s *Store, id int64) {
	t.Helper()
	if ok, err := s.Transition(context.Background(), id, Step{From: []Status{StatusCreated}, To: StatusAwaiting3DS, Reason: "3ds",
		Fields: Fields{AuthID: "auth-c"}, NextCheckAt: time.UnixMilli(1_800_000_000_000)}); !ok || err != nil {
		t.Fatalf("transition: %v %v", ok, err)
	}
}

// Readers and a writer at once: once the writer is done, every read shows
// its last write (a read that raced a write is never kept).
func TestOrderByInvoiceRacingWrites(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	o := newOrder(t, s, "c2")
	toAwaiting(t, s, o.ID)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.OrderByInvoice(ctx, o.Invoice); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := 1; i <= 30; i++ {
		if err := s.ScheduleCheck(ctx, o.ID, StatusAwaiting3DS, time.UnixMilli(1_900_000_000_000), i); err != nil {
			t.Fatal(err)
		}
		got, err := s.OrderByInvoice(ctx, o.Invoice)
		if err != nil || got.CheckAttempts != i {
			t.Fatalf("write %d: read %d attempts (%v)", i, got.CheckAttempts, err)
		}
	}
	close(stop)
	wg.Wait()
}

// The readers of a SQLite store cannot write: the writer sees every write,
// which is what lets it keep orders between writes.
func TestSQLiteReadersCannotWrite(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "readers.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.r.ExecContext(context.Background(), `UPDATE orders SET status = 'SUCCESS'`); err == nil {
		t.Fatal("a reader connection wrote")
	}
}

// A cart's lines shown on every page are kept until the next write; any
// write (to the cart, or a product's price) shows on the next read, and
// what an order is priced from is always read from the database.
func TestCartLinesFollowEveryWrite(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.SeedProducts(ctx, []Product{{Name: "Kopi", Description: "beans", PriceIDR: 85000, Image: "kopi.svg"}}); err != nil {
		t.Fatal(err)
	}
	lines := func() []CartLine {
		t.Helper()
		got, err := s.CartLines(ctx, "cart-1")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := lines(); len(got) != 0 {
		t.Fatalf("a new cart has %d lines", len(got))
	}
	if err := s.AddToCart(ctx, "cart-1", 1, 2); err != nil {
		t.Fatal(err)
	}
	first := lines()
	if len(first) != 1 || first[0].Quantity != 2 {
		t.Fatalf("after adding 2: %+v", first)
	}
	first[0].PriceIDR = 1 // a caller's change stays its own
	if got := lines(); got[0].PriceIDR != 85000 {
		t.Fatalf("kept lines changed by a caller: %+v", got)
	}
	p, err := s.AdminProduct(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	p.PriceIDR = 90000
	if err := s.UpdateProduct(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := lines(); got[0].PriceIDR != 90000 {
		t.Fatalf("after a price change: %+v", got)
	}
	if err := s.SetCartQuantity(ctx, "cart-1", 1, 5); err != nil {
		t.Fatal(err)
	}
	if got := lines(); got[0].Quantity != 5 {
		t.Fatalf("after setting 5: %+v", got)
	}
	if got, err := s.CartLinesToOrder(ctx, "cart-1"); err != nil || len(got) != 1 || got[0].Quantity != 5 || got[0].PriceIDR != 90000 {
		t.Fatalf("CartLinesToOrder = %+v, %v", got, err)
	}
}
