package store

import (
	"context"
	"slices"
	"testing"
)

// The order list's search: an invoice (any case), an e-mail (any case),
// or part of a name; LIKE's wildcards in the query match themselves.
func TestAdminOrderSearch(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	a := newOrder(t, s, "A1")
	b := &Order{Invoice: "INV-B2", Ref: "ref-B2", CheckoutKey: "B2", Mode: ModeDirect, Status: StatusCreated, AmountIDR: 85000,
		Name: "Budi 100% Santoso", Email: "Budi@Example.com", Phone: "628123", Address: "Jl. Sudirman 2", Country: "ID",
		Lines: []OrderLine{{ProductID: 1, Name: "Kopi", PriceIDR: 85000, Quantity: 1}}}
	if err := s.CreateOrder(ctx, b, CartClaim{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"inv-a1", []string{a.Invoice}},
		{"INV-B2", []string{b.Invoice}},
		{"INV-B", nil}, // an invoice is matched whole
		{"budi@example.COM", []string{b.Invoice}},
		{"ani@example.com", []string{a.Invoice}},
		{"santo", []string{b.Invoice}},
		{"100%", []string{b.Invoice}},
		{"1_0", nil},
		{"", []string{b.Invoice, a.Invoice}},
	} {
		list, err := s.AdminOrders(ctx, OrderFilter{Q: tc.q})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range list {
			got = append(got, o.Invoice)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("search %q: %v, want %v", tc.q, got, tc.want)
		}
	}
}
