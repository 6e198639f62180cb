package store

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
)

// openBench opens a fresh database in a temp file (WAL, synchronous=FULL as
// in production, so every commit waits for one fsync) with two products.
func openBench(b *testing.B) *Store {
	b.Helper()
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.SeedProducts(context.Background(), []Product{
		{Name: "Kopi Gayo", Description: "beans", PriceIDR: 85000, Image: "kopi.svg"},
		{Name: "Teh Melati", Description: "tea", PriceIDR: 30000, Image: "teh.svg"},
	}); err != nil {
		b.Fatalf("SeedProducts: %v", err)
	}
	return s
}

// benchOrder is a realistic guest order with two lines; n makes it unique.
func benchOrder(n int, status Status) *Order {
	k := strconv.Itoa(n)
	return &Order{Invoice: "INV-BENCH-" + k, Ref: "ref-bench-" + k, CheckoutKey: "key-bench-" + k, CartID: "cart-" + k,
		Mode: ModeDirect, Status: status, AmountIDR: 200000,
		Name: "Siti Rahma", Email: "siti@example.com", Phone: "6281234567890", Address: "Jl. Merdeka No. 10, Bandung", Country: "ID",
		CardMasked: "411111******1111", CardBrand: "VISA", CardExpiry: "1230", ThreeDSRequestID: "req-3ds-" + k,
		Lines: []OrderLine{{ProductID: 1, Name: "Kopi Gayo", PriceIDR: 85000, Quantity: 2}, {ProductID: 2, Name: "Teh Melati", PriceIDR: 30000, Quantity: 1}}}
}

// BenchmarkCreateOrder writes an order, its two lines and its first event
// in one transaction (one fsync).
func BenchmarkCreateOrder(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		o := benchOrder(i, StatusCreated)
		if err := s.CreateOrder(ctx, o, CartClaim{}); err != nil {
			b.Fatalf("CreateOrder: %v", err)
		}
		if o.ID == 0 {
			b.Fatal("CreateOrder left ID 0")
		}
	}
}

// BenchmarkTransition moves fresh orders AWAITING_3DS → CHARGING: the
// conditional state change every charge goes through (one fsync each).
func BenchmarkTransition(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	ids := make([]int64, b.N)
	for i := range b.N {
		o := benchOrder(i, StatusAwaiting3DS)
		if err := s.CreateOrder(ctx, o, CartClaim{}); err != nil {
			b.Fatalf("CreateOrder: %v", err)
		}
		ids[i] = o.ID
	}
	from := []Status{StatusAwaiting3DS}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		ok, err := s.Transition(ctx, ids[i], Step{From: from, To: StatusCharging, Reason: "3ds passed", Fields: Fields{AuthID: "auth-" + strconv.Itoa(i)}})
		if err != nil || !ok {
			b.Fatalf("Transition AWAITING_3DS → CHARGING: ok=%v err=%v, want true, nil", ok, err)
		}
	}
	b.StopTimer()
	if o, err := s.OrderByID(ctx, ids[len(ids)-1]); err != nil || o.Status != StatusCharging {
		b.Fatalf("last order = %s, %v; want CHARGING", o.Status, err)
	}
}
