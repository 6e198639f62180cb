package store

import (
	"context"
	"sync"
	"time"
)

// catalogFresh bounds how long a catalog read is reused. This process's own
// product writes clear it at once; the bound covers another instance's
// writes (several instances share one database). Prices charged never come
// from here: an order is priced from the cart's lines read in its own
// transaction.
const catalogFresh = 2 * time.Second

// catalogCache keeps the active catalog between product changes: every
// shop page reads it, and it changes when the merchant edits it.
type catalogCache struct {
	mu   sync.Mutex
	list []Product
	at   time.Time
	gen  uint64 // bumped by every product write, so a read that raced a write is not kept
}

// Catalog is Products, reused for up to catalogFresh. The slice is shared:
// callers must not change it.
func (s *Store) Catalog(ctx context.Context) ([]Product, error) {
	c := &s.catalog
	now := s.now()
	c.mu.Lock()
	if c.list != nil && now.Sub(c.at) < catalogFresh && !now.Before(c.at) {
		list := c.list
		c.mu.Unlock()
		return list, nil
	}
	gen := c.gen
	c.mu.Unlock()
	list, err := s.Products(ctx)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []Product{}
	}
	c.mu.Lock()
	if c.gen == gen {
		c.list, c.at = list, now
	}
	c.mu.Unlock()
	return list, nil
}

// catalogChanged forgets the cached catalog; every product write calls it.
func (s *Store) catalogChanged() {
	s.catalog.mu.Lock()
	s.catalog.list = nil
	s.catalog.gen++
	s.catalog.mu.Unlock()
}
