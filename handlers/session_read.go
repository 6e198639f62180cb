package handlers

import (
	"slices"
	"sync"
	"time"
)

// readCookies keeps the sessions decoded from the latest cookie values: a
// shopper's pages send the same cookie again and again, and verifying and
// decrypting it was a tenth of a page's CPU. A value is only ever looked
// up exactly as it was when it verified, so nothing here is trusted that
// the keys did not check; entries live a minute, so a cookie past its
// MaxAge, or a retired key, is refused again within a minute. Logging out
// needs nothing from here: a login is checked in the database on every
// request (Handler.customer).
type readCookies struct {
	mu sync.Mutex
	m  map[string]readCookie
}

type readCookie struct {
	s  Session
	at time.Time
}

const (
	readCookiesMax = 1024
	readCookieTTL  = time.Minute
)

func (r *readCookies) get(value string) (Session, bool) {
	r.mu.Lock()
	e, ok := r.m[value]
	r.mu.Unlock()
	if !ok || time.Since(e.at) > readCookieTTL {
		return Session{}, false
	}
	e.s.Orders = slices.Clone(e.s.Orders) // the caller's own
	return e.s, true
}

func (r *readCookies) put(value string, s Session) {
	s.Orders = slices.Clone(s.Orders)
	r.mu.Lock()
	if r.m == nil || len(r.m) >= readCookiesMax {
		r.m = make(map[string]readCookie)
	}
	r.m[value] = readCookie{s: s, at: time.Now()}
	r.mu.Unlock()
}
