package sandbox

import (
	"slices"
	"time"
)

// The sandbox runs inside the app's process, so what it remembers counts
// against the app's memory (issue 15). Records (transactions, 3-D Secure
// authentications, Checkout links) go through three stages, oldest first:
//
//   - full: the latest FullRecordsKeep, everything kept;
//   - compact: older and settled, cut down to what the status check,
//     refund, capture and the duplicate-invoice refusal read, up to
//     RecordsKeep in all (a used authentication, whose charge now speaks
//     for it, and a hosted Checkout's authentication are forgotten here);
//   - forgotten: beyond RecordsKeep. A status check then answers 404 as for
//     an id DOKU never saw.
//
// A record not settled (a PENDING transaction, an authentication still in
// progress, a Checkout link still payable) is never compacted or forgotten:
// it waits in held, full, until it settles.

// Defaults of Config.FullRecordsKeep and Config.RecordsKeep.
const (
	defaultFullRecordsKeep = 1_000
	defaultRecordsKeep     = 10_000
	defaultRecordsMinAge   = 2 * time.Minute
	// minHeldSweep is how many unsettled records wait before held is
	// first checked again; then each sweep waits for twice as many, so a
	// sweep costs O(1) per record however many never settle.
	minHeldSweep = 64
)

// record is a transaction, an authentication or a Checkout link.
type record interface {
	// settled reports whether only a refund or capture can still change it.
	settled(now time.Time) bool
	// compact drops what only a recent record needs; false means nothing
	// worth keeping is left and the record is to be forgotten now.
	compact(st *state) bool
	// forget removes it from every index.
	forget(st *state)
	// made is when the record was made.
	made() time.Time
}

// journal holds the records in the order they were made.
type journal struct {
	full      []record // newest last
	held      []record // left full while unsettled
	compacted []record // newest last
	sweepAt   int      // len(held) that triggers its next check
}

// keep bounds what st remembers: callers hold s.mu.
type keep struct {
	full, all int
	minAge    time.Duration // nothing younger is forgotten
}

// addRecord journals r, then compacts and forgets the oldest beyond k.
func (st *state) addRecord(r record, k keep, now time.Time) {
	j := &st.journal
	j.full = append(j.full, r)
	n := 0
	for ; len(j.full)-n > k.full; n++ {
		old := j.full[n]
		if old.settled(now) {
			st.retire(old)
		} else {
			j.held = append(j.held, old)
		}
	}
	j.full = trimFront(j.full, n)
	if len(j.held) >= max(j.sweepAt, minHeldSweep) {
		st.sweepHeld(now)
	}
	n = 0
	for ; len(j.compacted)-n > max(k.all-k.full, 0) && now.Sub(j.compacted[n].made()) >= k.minAge; n++ {
		j.compacted[n].forget(st)
	}
	j.compacted = trimFront(j.compacted, n)
}

// retire compacts a settled record that left the full window, or forgets it.
func (st *state) retire(r record) {
	if r.compact(st) {
		st.journal.compacted = append(st.journal.compacted, r)
	} else {
		r.forget(st)
	}
}

// sweepHeld retires the held records that have settled since.
func (st *state) sweepHeld(now time.Time) {
	j := &st.journal
	still := j.held[:0]
	for _, r := range j.held {
		if r.settled(now) {
			st.retire(r)
		} else {
			still = append(still, r)
		}
	}
	clear(j.held[len(still):])
	j.held = still
	j.sweepAt = 2 * len(still)
}

// trimFront drops the first n records, copying the rest to a fresh slice
// now and then so the dropped ones' memory is freed.
func trimFront(rs []record, n int) []record {
	clear(rs[:n])
	rs = rs[n:]
	if cap(rs) > 2*len(rs)+1024 {
		rs = append([]record(nil), rs...)
	}
	return rs
}

// invoiceRecords is what the sandbox remembers under one invoice number,
// each oldest first: the duplicate-invoice refusal and the status check by
// invoice read these instead of every record.
type invoiceRecords struct {
	txs       []*transaction
	auths     []*authentication // card API authentications (not Checkout's)
	checkouts []*checkoutSession
}

// byInvoice is invoice's records, created when create is set.
func (st *state) byInvoice(invoice string, create bool) *invoiceRecords {
	ir := st.invoices[invoice]
	if ir == nil && create {
		ir = &invoiceRecords{}
		st.invoices[invoice] = ir
	}
	return ir
}

// chargeCount is how many remembered charges invoice has.
func (st *state) chargeCount(invoice string) int {
	if ir := st.byInvoice(invoice, false); ir != nil {
		return len(ir.txs)
	}
	return 0
}

// dropInvoiceEntry forgets invoice once nothing is remembered under it.
func (st *state) dropInvoiceEntry(invoice string, ir *invoiceRecords) {
	if len(ir.txs) == 0 && len(ir.auths) == 0 && len(ir.checkouts) == 0 {
		delete(st.invoices, invoice)
	}
}

// remove deletes v from s, keeping the order.
func remove[T comparable](s []T, v T) []T {
	if i := slices.Index(s, v); i >= 0 {
		s = slices.Delete(s, i, i+1)
	}
	if len(s) == 0 {
		return nil
	}
	return s
}

func (tx *transaction) made() time.Time     { return tx.created }
func (a *authentication) made() time.Time   { return a.created }
func (cs *checkoutSession) made() time.Time { return cs.created }

// A transaction is settled once it is no longer PENDING.
func (tx *transaction) settled(time.Time) bool { return tx.status != statusPending }

// compact keeps what Check Status, refund, capture, the duplicate-invoice
// refusal and the dashboard read; its notifications' log and the
// authentication id go.
func (tx *transaction) compact(*state) bool {
	tx.more = nil
	return true
}

func (tx *transaction) forget(st *state) {
	if st.txByRequestID[tx.requestID] == tx {
		delete(st.txByRequestID, tx.requestID)
	}
	if tx.authorizeID != "" && st.txByAuthorizeID[tx.authorizeID] == tx {
		delete(st.txByAuthorizeID, tx.authorizeID)
	}
	if ir := st.byInvoice(tx.invoice, false); ir != nil {
		ir.txs = remove(ir.txs, tx)
		st.dropInvoiceEntry(tx.invoice, ir)
	}
}

// An authentication is settled once charged or failed.
func (a *authentication) settled(time.Time) bool { return a.used || a.state == authFailed }

// compact keeps a failed card API authentication for the status check
// (FAILED, with the masked card); a used one is spoken for by its charge,
// and a Checkout's is never reported on its own.
func (a *authentication) compact(*state) bool {
	if a.used || a.checkout != nil {
		return false
	}
	a.card = a.card.withoutNumber()
	a.token, a.tokenCustomer, a.successURL, a.failedURL = "", "", "", ""
	return true
}

func (a *authentication) forget(st *state) {
	delete(st.auths, a.id)
	if a.checkout != nil || a.invoice == "" {
		return
	}
	if ir := st.byInvoice(a.invoice, false); ir != nil {
		ir.auths = remove(ir.auths, a)
		st.dropInvoiceEntry(a.invoice, ir)
	}
}

// A Checkout link is settled once paid (and no longer PENDING) or expired
// without a charge still PENDING.
func (cs *checkoutSession) settled(now time.Time) bool {
	if cs.tx != nil && cs.tx.status == statusPending {
		return false
	}
	return cs.paid() || now.After(cs.expires)
}

// compact keeps what the status check and the paid or expired page
// (with its way back to the merchant) read.
func (cs *checkoutSession) compact(*state) bool {
	cs.lineItems, cs.flash = nil, ""
	return true
}

func (cs *checkoutSession) forget(st *state) {
	delete(st.checkouts, cs.tokenID)
	if st.checkoutByReqID[cs.requestID] == cs {
		delete(st.checkoutByReqID, cs.requestID)
	}
	if ir := st.byInvoice(cs.invoice, false); ir != nil {
		ir.checkouts = remove(ir.checkouts, cs)
		st.dropInvoiceEntry(cs.invoice, ir)
	}
}

// keep is the bound of cfg, defaults filled in.
func (s *Server) keep() keep {
	k := keep{full: defaultFullRecordsKeep, all: defaultRecordsKeep, minAge: defaultRecordsMinAge}
	if s.cfg.RecordsMinAge != 0 {
		k.minAge = max(s.cfg.RecordsMinAge, 0)
	}
	if s.cfg.FullRecordsKeep > 0 {
		k.full = s.cfg.FullRecordsKeep
	}
	if s.cfg.RecordsKeep > 0 {
		k.all = s.cfg.RecordsKeep
	}
	return k
}
