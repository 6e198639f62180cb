package payment

import (
	"sync"
	"time"
)

// How long a customer's token list from DOKU is trusted before the next page
// asks again, and how long a failed ask waits before the next try. The
// list changes only when the customer pays on DOKU Checkout (a notification
// or a settled order forgets the entry) or removes a card (deleted here).
const (
	tokenListFresh = 10 * time.Minute
	tokenListRetry = time.Minute
	tokenListMax   = 10000 // entries kept; beyond it the oldest half goes
)

// tokenCache remembers when each customer's token list was last read, so
// that showing the checkout or the saved cards does not call DOKU on every
// page view.
type tokenCache struct {
	mu   sync.Mutex
	next map[int64]time.Time // customer → when to ask DOKU again
}

// due reports whether the customer's list should be read from DOKU now.
func (c *tokenCache) due(customerID int64, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.next[customerID]
	return !ok || !now.Before(at)
}

// done records a read (ok) or a failed one, which is retried sooner.
func (c *tokenCache) done(customerID int64, now time.Time, ok bool) {
	wait := tokenListFresh
	if !ok {
		wait = tokenListRetry
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.next == nil {
		c.next = map[int64]time.Time{}
	}
	if len(c.next) >= tokenListMax {
		for id, at := range c.next {
			if at.Before(now) || len(c.next) > tokenListMax/2 {
				delete(c.next, id)
			}
		}
	}
	c.next[customerID] = now.Add(wait)
}

// forget makes the next page read the customer's list again.
func (c *tokenCache) forget(customerID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.next, customerID)
}
