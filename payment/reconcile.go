package payment

import (
	"context"
	"errors"
	"time"

	"doku-checkout/doku"
	"doku-checkout/store"
)

// Reconcile runs until ctx ends, checking open orders with DOKU's status API
// when they fall due. Its first pass runs at once, so orders a killed process
// left CHARGING or PENDING are repaired at start-up.
func (s *Service) Reconcile(ctx context.Context) {
	tick := s.cfg.ReconcileAfter / 10
	tick = max(50*time.Millisecond, min(tick, 5*time.Second))
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		s.ReconcileOnce(ctx)
		s.RetryTokenDeletions(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ReconcileOnce checks the orders due now (up to 50) and reports how many
// it checked. Every instance runs it: each order is claimed before its
// check (store.ClaimDueChecks), one at a time, so two instances never
// check the same order at once and a claim's lease covers one check.
func (s *Service) ReconcileOnce(ctx context.Context) int {
	n := 0
	for ; n < 50 && ctx.Err() == nil; n++ {
		now := s.now()
		due, err := s.store.ClaimDueChecks(ctx, now, now.Add(s.claimLease()), 1)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("payment: claim due checks", "err", err)
			}
			break
		}
		if len(due) == 0 {
			break
		}
		s.check(ctx, due[0])
	}
	return n + s.ReconcileActions(ctx)
}

// claimLease is how long a claimed check or action is this instance's:
// one call to DOKU and its record, with room to spare. An instance that
// dies holding one leaves it to another once the lease has run out.
func (s *Service) claimLease() time.Duration {
	return 2*s.cfg.CallTimeout + 10*time.Second
}

// check asks DOKU for one order's status and settles it or schedules the next
// check with exponential backoff.
func (s *Service) check(ctx context.Context, o store.Order) {
	if o.Mode == ModeDirect && (o.Status == StatusCreated || o.Status == StatusAwaiting3DS) {
		s.abandon(ctx, o)
		return
	}
	st, err := s.askStatus(ctx, o, s.cfg.CallTimeout)
	if err == nil {
		if cur, err := s.store.OrderByID(ctx, o.ID); err == nil && Final(cur.Status) {
			return
		}
	}
	now := s.now()
	switch {
	case o.Mode == ModeHosted && s.linkExpired(o, now):
		// The link can no longer be paid, and DOKU says it was not: close
		// the order, which frees its cart. A PENDING payment or no answer
		// keeps it open.
		if unpaid(st, err) {
			s.move(ctx, o, MoveExpired, record{Reason: "payment link expired unpaid", Fields: store.Fields{ResponseMessage: TextNotCompleted}})
			return
		}
	case noCharge(st, err) && now.Sub(o.UpdatedAt) > s.cfg.GiveUpAfter:
		// DOKU has no charge on file long after the last change (for
		// CHARGING: when the charge was sent): the shopper never paid.
		m := MoveNeverCharged
		if o.Mode == ModeHosted {
			m = MoveExpired
		}
		s.move(ctx, o, m, record{Reason: "never charged", Fields: store.Fields{ResponseMessage: TextNotCompleted}})
		return
	}
	wait := s.cfg.ReconcileAfter << min(o.CheckAttempts, 16)
	if wait > s.cfg.MaxBackoff || wait <= 0 {
		wait = s.cfg.MaxBackoff
	}
	next := now.Add(wait)
	if close := o.PaymentExpiresAt.Add(hostedExpiryGrace); o.Mode == ModeHosted && !o.PaymentExpiresAt.IsZero() && now.Before(close) && next.After(close) {
		next = close // check again as soon as the link can be closed
	}
	if err := s.store.ScheduleCheck(ctx, o.ID, o.Status, next, o.CheckAttempts+1); err != nil && ctx.Err() == nil {
		s.log.Error("payment: schedule check", "invoice", o.Invoice, "err", err)
	}
}

// askStatus asks DOKU for o's status within timeout and settles o from a
// signed answer. The error is the call's, errBodyNotSigned for an answer
// whose body its signature does not cover (unproven, as if none had come),
// or the settle's refusal (an answer not about this order tells nothing).
// The reconciler and the shopper's receipt (Confirm) both ask this way.
func (s *Service) askStatus(ctx context.Context, o store.Order, timeout time.Duration) (*doku.StatusResponse, error) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	st, err := s.gw.Status(cctx, o.Invoice)
	cancel()
	switch {
	case err != nil:
		s.log.Info("payment: status check without answer", "invoice", o.Invoice, "err", err)
		return st, err
	case st.BodyNotSigned:
		s.log.Warn("payment: status answer's body not covered by its signature: ignored", "invoice", o.Invoice)
		return st, errBodyNotSigned
	}
	if err := s.settle(ctx, o, st, sourceStatusCheck); err != nil {
		s.log.Warn("payment: status check refused", "invoice", o.Invoice, "err", err)
		return st, err
	}
	return st, nil
}

// errBodyNotSigned: a status answer whose body its signature does not cover.
var errBodyNotSigned = errors.New("payment: status answer body not covered by its signature")

// linkExpired reports whether a hosted order's payment link expired longer
// ago than the grace period.
func (s *Service) linkExpired(o store.Order, now time.Time) bool {
	return !o.PaymentExpiresAt.IsZero() && now.After(o.PaymentExpiresAt.Add(hostedExpiryGrace))
}

// unpaid reports whether a signed status answer (or a definite 404) says
// DOKU holds no payment, nor one on its way, for the order.
func unpaid(st *doku.StatusResponse, err error) bool {
	if err != nil {
		apiErr, ok := definiteRefusal(err)
		return ok && apiErr.HTTPStatus == 404
	}
	switch st.Transaction.Status {
	case doku.StatusSuccess, doku.StatusPending:
		return false
	}
	return true
}

// noCharge reports whether DOKU says it has no charge for the order: a
// 3-D Secure authentication never charged (REDIRECT), or no transaction.
func noCharge(st *doku.StatusResponse, err error) bool {
	if err != nil {
		apiErr, ok := definiteRefusal(err)
		return ok && apiErr.HTTPStatus == 404
	}
	return st.Transaction.Status == doku.StatusRedirect
}

// abandon closes a direct order that never reached its charge once
// AbandonAfter has passed since its last change; until then it waits. DOKU
// need not be asked: without our Charge no money moved.
func (s *Service) abandon(ctx context.Context, o store.Order) {
	due := o.UpdatedAt.Add(s.cfg.AbandonAfter)
	if s.now().Before(due) {
		if err := s.store.ScheduleCheck(ctx, o.ID, o.Status, due, o.CheckAttempts); err != nil && ctx.Err() == nil {
			s.log.Error("payment: schedule abandonment", "invoice", o.Invoice, "err", err)
		}
		return
	}
	if _, err := s.move(ctx, o, MoveAbandoned, record{
		Reason: "abandoned before the charge", Fields: store.Fields{ResponseMessage: TextThreeDSNotCompleted},
	}); err != nil && ctx.Err() == nil {
		s.log.Error("payment: abandon order", "invoice", o.Invoice, "err", err)
	}
}
