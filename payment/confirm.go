package payment

import (
	"context"
	"sync"
	"time"

	"doku-checkout/doku"
	"doku-checkout/store"
)

// How often a shopper's receipt may ask DOKU about one order, and how long
// DOKU's "still unpaid" is believed. A receipt polls every few seconds; DOKU
// is asked at most this often per order, whatever the number of tabs.
const (
	confirmEvery  = 5 * time.Second
	unpaidTrusted = 2 * time.Minute
	askLogMax     = 10000
)

// askLog remembers, per order, when DOKU was last asked on a shopper's
// behalf and when it last said the payment link was unpaid.
type askLog struct {
	mu     sync.Mutex
	asked  map[int64]time.Time
	unpaid map[int64]time.Time
}

// claim reports whether DOKU may be asked about order id now, and notes it.
func (a *askLog) claim(id int64, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.asked == nil || len(a.asked) >= askLogMax {
		a.asked, a.unpaid = map[int64]time.Time{}, map[int64]time.Time{}
	}
	if at, ok := a.asked[id]; ok && now.Sub(at) < confirmEvery {
		return false
	}
	a.asked[id] = now
	return true
}

func (a *askLog) sawUnpaid(id int64, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.unpaid != nil {
		a.unpaid[id] = now
	}
}

func (a *askLog) unpaidRecently(id int64, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	at, ok := a.unpaid[id]
	return ok && now.Sub(at) < unpaidTrusted
}

// Confirm is what the receipt shows when its shopper opens it. A hosted
// order still waiting for its payment is the shopper back from DOKU
// Checkout, often right after paying, before DOKU's notification: DOKU is
// asked now (at most every confirmEvery per order). Its signed answer
// settles the order as a status check would; "still unpaid" brings back
// the way to pay; no answer keeps "confirming". Other orders show what
// they hold.
func (s *Service) Confirm(ctx context.Context, o store.Order) (store.Order, Receipt) {
	if o.Status != StatusAwaitingPayment || o.LastMove == string(MoveAttemptDeclined) {
		return o, ReceiptFor(o)
	}
	now := s.now()
	if s.asks.claim(o.ID, now) {
		st, err := s.askStatus(ctx, o, min(s.cfg.CallTimeout, 3*time.Second))
		if (err == nil && linkUnpaid(st)) || (err != nil && unpaid(nil, err)) {
			s.asks.sawUnpaid(o.ID, now)
		}
		if cur, err := s.store.OrderByID(ctx, o.ID); err == nil {
			o = cur
		}
	}
	return o, receiptFor(o, s.asks.unpaidRecently(o.ID, now))
}

// linkUnpaid reports whether a signed status answer says a hosted order's
// payment link holds no payment and none under way: nothing paid, or a
// link still open (PENDING) on which no card has been tried.
func linkUnpaid(st *doku.StatusResponse) bool {
	if unpaid(st, nil) {
		return true
	}
	untried := st.CardPayment == nil || (st.CardPayment.Masked == "" && st.CardPayment.ApprovalCode == "")
	return (st.Transaction.Status == doku.StatusPending || st.Transaction.Status == "") && untried
}
