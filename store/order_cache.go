package store

import (
	"slices"
	"sync"
)

// keptReads keeps what the pages read again and again (an order by its
// invoice, a cart's lines) until the next write. Pure-Go SQLite spends
// 20–30 µs a query, and a receipt, the status its page polls while a
// payment is confirming, and every page's cart count read the same rows.
//
// Only on SQLite, where this process is the file's one writer: the writer
// pool calls forget after every statement and every transaction (db.wrote),
// so no write leaves a stale entry, whatever it changed. Readers are
// query_only. On PostgreSQL other instances write too, and nothing is kept.
type keptReads[V any] struct {
	mu    sync.Mutex
	on    bool
	gen   uint64 // bumped by every write, so a read that raced one is not kept
	m     map[string]V
	clone func(V) V // a copy of its own for each caller
}

// maxKept bounds each keptReads; a full one starts afresh.
const maxKept = 512

// get returns the value of key, kept or from read.
func (c *keptReads[V]) get(key string, read func() (V, error)) (V, error) {
	c.mu.Lock()
	if v, ok := c.m[key]; ok {
		c.mu.Unlock()
		return c.clone(v), nil
	}
	on, gen := c.on, c.gen
	c.mu.Unlock()
	v, err := read()
	if err != nil || !on {
		return v, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if c.m == nil || len(c.m) >= maxKept {
			c.m = make(map[string]V)
		}
		c.m[key] = c.clone(v)
	}
	c.mu.Unlock()
	return v, nil
}

// forget drops everything kept: something was written.
func (c *keptReads[V]) forget() {
	c.mu.Lock()
	c.gen++
	clear(c.m)
	c.mu.Unlock()
}

func cloneOrder(o Order) Order {
	o.Lines = slices.Clone(o.Lines)
	return o
}

// keep turns on the kept reads of a SQLite store and hooks them to its writer.
func (s *Store) keep() {
	s.orderCache = keptReads[Order]{on: true, clone: cloneOrder}
	s.cartCache = keptReads[[]CartLine]{on: true, clone: slices.Clone[[]CartLine]}
	s.w.wrote = func() {
		s.orderCache.forget()
		s.cartCache.forget()
	}
}
