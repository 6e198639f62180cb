package payment

import (
	"context"
	"time"

	"doku-checkout/store"
)

// Saved cards removed by their owner: our row goes at once, DOKU's token
// is deleted with /tokenization/v2/delete-token, and a deletion DOKU did
// not confirm is retried by the reconciler until it is.

// tokenDeletionBackoff is the wait after the first failed deletion; it
// doubles up to maxTokenDeletionBackoff.
const (
	tokenDeletionBackoff    = time.Minute
	maxTokenDeletionBackoff = 6 * time.Hour
)

// RemoveSavedCard removes a customer's saved card: the card is gone from
// the shop whatever DOKU answers, and its token is deleted at DOKU now or,
// failing that, later (RetryTokenDeletions). store.ErrNotFound when the
// card is not the customer's.
func (s *Service) RemoveSavedCard(ctx context.Context, customerID, cardID int64) error {
	// The retry falls due once this first attempt has had its time.
	d, err := s.store.RemoveSavedCard(ctx, cardID, customerID, s.newID(), s.now().Add(s.cfg.CallTimeout+tokenDeletionBackoff))
	if err != nil {
		return err
	}
	// The shopper waits for this call: a short, detached one; the
	// reconciler retries whatever it does not finish.
	s.deleteToken(ctx, d)
	return nil
}

// RetryTokenDeletions retries the token deletions due now and reports how
// many it tried.
func (s *Service) RetryTokenDeletions(ctx context.Context) int {
	n := 0
	for ; n < 20 && ctx.Err() == nil; n++ { // claimed one at a time, as orders are
		now := s.now()
		due, err := s.store.ClaimDueTokenDeletions(ctx, now, now.Add(s.claimLease()), 1)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("payment: claim token deletions", "err", err)
			}
			break
		}
		if len(due) == 0 {
			break
		}
		s.deleteToken(ctx, due[0])
	}
	return n
}

// deleteToken asks DOKU to delete one token and records the result. A
// refusal is retried like no answer: the token must not outlive its card,
// and a person reads last_error if it never goes.
func (s *Service) deleteToken(ctx context.Context, d store.TokenDeletion) {
	callCtx, cancel := s.detached(ctx)
	_, err := s.gw.DeleteToken(callCtx, d.RequestID, d.Token)
	cancel()
	ctx, cancelRecord := recordContext(ctx)
	defer cancelRecord()
	if err == nil {
		if err := s.store.TokenDeleted(ctx, d.ID); err != nil {
			s.log.Error("payment: record token deleted", "err", err)
		}
		return
	}
	if apiErr, ok := definiteRefusal(err); ok && apiErr.HTTPStatus == 404 {
		// DOKU holds no such token: nothing left to delete.
		s.log.Info("payment: token already gone at DOKU", "customer", d.CustomerID)
		if err := s.store.TokenDeleted(ctx, d.ID); err != nil {
			s.log.Error("payment: record token deleted", "err", err)
		}
		return
	}
	wait := tokenDeletionBackoff << min(d.Attempts, 16)
	if wait > maxTokenDeletionBackoff || wait <= 0 {
		wait = maxTokenDeletionBackoff
	}
	s.log.Warn("payment: token deletion at DOKU failed; will retry", "customer", d.CustomerID, "attempts", d.Attempts+1, "err", err)
	if err := s.store.RetryTokenDeletion(ctx, d.ID, s.now().Add(wait), err.Error()); err != nil {
		s.log.Error("payment: schedule token deletion", "err", err)
	}
}
