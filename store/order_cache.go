package store

import (
	"slices"
	"sync"
)

// maxCachedOrders bounds orderCache; a full cache starts afresh.
const maxCachedOrders = 512

// orderCache keeps orders read by invoice until the next write. A receipt,
// and the status its page polls while a payment is confirming, read the
// same order again and again; pure-Go SQLite spends 20–30 µs a query.
//
// Only on SQLite, where this process is the file's one writer: the writer
// pool calls forget after every statement and every transaction (db.wrote),
// so no write, of this order or any other, leaves a stale entry. Readers
// are query_only. On PostgreSQL other instances write too, and nothing is
// kept.
type orderCache struct {
	mu  sync.Mutex
	on  bool
	gen uint64 // bumped by every write, so a read that raced one is not kept
	m   map[string]Order
}

// get returns the order of invoice, from the cache or from read.
func (c *orderCache) get(invoice string, read func() (Order, error)) (Order, error) {
	c.mu.Lock()
	if o, ok := c.m[invoice]; ok {
		c.mu.Unlock()
		return o.clone(), nil
	}
	on, gen := c.on, c.gen
	c.mu.Unlock()
	o, err := read()
	if err != nil || !on {
		return o, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if c.m == nil || len(c.m) >= maxCachedOrders {
			c.m = make(map[string]Order)
		}
		c.m[invoice] = o.clone()
	}
	c.mu.Unlock()
	return o, nil
}

// forget drops every kept order: something was written.
func (c *orderCache) forget() {
	c.mu.Lock()
	c.gen++
	clear(c.m)
	c.mu.Unlock()
}

// clone is o with a slice of lines of its own: callers may change theirs.
func (o Order) clone() Order {
	o.Lines = slices.Clone(o.Lines)
	return o
}
