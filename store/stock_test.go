package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"doku-checkout/store"
)

// Two checkouts of the last item at once: the order is the hold, written in
// the same write transaction as the stock check, so one gets it and the
// other is told it sold out. A failed order gives its stock back.
func TestConcurrentOrdersNeverOversell(t *testing.T) {
	ctx := context.Background()
	st := store.OpenTest(t)
	one := int64(1)
	p := store.AdminProduct{Product: store.Product{Name: "Last batik", Description: "x", PriceIDR: 250000, Image: "batik.svg"}, Stock: &one}
	if err := st.CreateProduct(ctx, &p); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	orders := make([]store.Order, 8)
	for i := range 8 {
		wg.Go(func() {
			orders[i] = store.Order{Invoice: fmt.Sprintf("INV-S-%d", i), Ref: fmt.Sprintf("ref-%d", i), Mode: store.ModeDirect, Status: "CREATED",
				AmountIDR: 250000, Name: "A", Email: "a@example.com", Phone: "1", Address: "x", Country: "ID",
				Lines: []store.OrderLine{{ProductID: p.ID, Name: p.Name, PriceIDR: p.PriceIDR, Quantity: 1}}}
			errs[i] = st.CreateOrder(ctx, &orders[i], store.CartClaim{})
		})
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		var sold *store.SoldOutError
		switch {
		case err == nil && won < 0:
			won = i
		case errors.As(err, &sold) && sold.ProductID == p.ID:
		default:
			t.Errorf("order %d: %v, want one success and SoldOutError for the rest", i, err)
		}
	}
	if won < 0 {
		t.Fatal("no order got the last item")
	}
	got, _ := st.AdminProduct(ctx, p.ID)
	if got.Stock == nil || *got.Stock != 0 {
		t.Fatalf("stock after the sale = %v, want 0", got.Stock)
	}
	// The order fails: its item goes back on the shelf.
	if moved, err := st.Transition(ctx, orders[won].ID, store.Step{From: []store.Status{"CREATED"}, To: "FAILED", Move: "refused", ReleaseStock: true}); err != nil || !moved {
		t.Fatalf("fail the order: %v %v", moved, err)
	}
	if got, _ := st.AdminProduct(ctx, p.ID); got.Stock == nil || *got.Stock != 1 {
		t.Errorf("stock after the order failed = %v, want 1", got.Stock)
	}
}
