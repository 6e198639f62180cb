package store

import (
	"context"
	"testing"
	"time"
)

// The catalog is read once and reused, a product write through the store
// shows at once, and a write the store did not see (another instance)
// shows once catalogFresh has passed.
func TestCatalogCacheFollowsProductWrites(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	if err := s.SeedProducts(ctx, []Product{{Name: "Kopi", PriceIDR: 85000}, {Name: "Teh", PriceIDR: 40000}}); err != nil {
		t.Fatal(err)
	}
	first, err := s.Catalog(ctx)
	if err != nil || len(first) != 2 {
		t.Fatalf("Catalog = %v, %v", first, err)
	}
	// Another instance renames a product behind this store's back.
	if _, err := s.w.ExecContext(ctx, `UPDATE products SET name = 'Kopi Gayo' WHERE id = ?`, first[0].ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Catalog(ctx); got[0].Name != "Kopi" {
		t.Errorf("within catalogFresh the catalog is read again (%q): no cache", got[0].Name)
	}
	now = now.Add(catalogFresh)
	if got, _ := s.Catalog(ctx); got[0].Name != "Kopi Gayo" {
		t.Errorf("after catalogFresh the catalog still says %q", got[0].Name)
	}
	// This store's own write shows at once.
	p, err := s.AdminProduct(ctx, first[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	p.Archived = true
	if err := s.UpdateProduct(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Catalog(ctx); len(got) != 1 {
		t.Errorf("an archived product still listed: %d products", len(got))
	}
}
