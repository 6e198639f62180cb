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
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ReconcileOnce checks every order due now and reports how many it checked.
func (s *Service) ReconcileOnce(ctx context.Context) int {
	due, err := s.store.DueChecks(ctx, s.now(), 50)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("payment: list due checks", "err", err)
		}
		return 0
	}
	for _, o := range due {
		s.check(ctx, o)
	}
	return len(due)
}

// check asks DOKU for one order's status and settles it or schedules the next
// check with exponential backoff.
func (s *Service) check(ctx context.Context, o store.Order) {
	if o.Mode == ModeDirect && (o.Status == StatusCreated || o.Status == StatusAwaiting3DS) {
		s.abandon(ctx, o)
		return
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
	st, err := s.gw.Status(cctx, o.Invoice)
	cancel()
	if err == nil {
		if err := s.settle(ctx, o, st, sourceStatusCheck); err != nil {
			s.log.Warn("payment: status check refused", "invoice", o.Invoice, "err", err)
		} else if cur, err := s.store.OrderByID(ctx, o.ID); err == nil && Final(cur.Status) {
			return
		}
	} else {
		s.log.Info("payment: status check without answer", "invoice", o.Invoice, "err", err)
	}
	// DOKU has no charge on file long after the order: the shopper never paid.
	var apiErr *doku.APIError
	noCharge := (err == nil && (st.Transaction.Status == doku.StatusRedirect)) || (errors.As(err, &apiErr) && apiErr.HTTPStatus == 404)
	// Counted from the last state change (for CHARGING: when the charge was sent).
	if noCharge && s.now().Sub(o.UpdatedAt) > s.cfg.GiveUpAfter {
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
	if err := s.store.ScheduleCheck(ctx, o.ID, o.Status, s.now().Add(wait), o.CheckAttempts+1); err != nil && ctx.Err() == nil {
		s.log.Error("payment: schedule check", "invoice", o.Invoice, "err", err)
	}
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
