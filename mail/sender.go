package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"doku-checkout/store"
)

// SenderConfig tunes delivery.
type SenderConfig struct {
	// SMTP is the server; nil sends nothing (the embedded sandbox's demo:
	// the outbox page shows the mails instead).
	SMTP *SMTP
	// RetryAfter is the wait after a first failed attempt; each further
	// failure doubles it, up to MaxBackoff.
	RetryAfter time.Duration
	MaxBackoff time.Duration
	// MaxAttempts: after this many failed attempts the mail is given up
	// (marked failed, logged at Error for a person).
	MaxAttempts int
	// Poll is how often the sender looks for work when nothing wakes it
	// (the catch-up of receipts whose write a crash lost).
	Poll time.Duration
}

// Sender delivers the outbox.
type Sender struct {
	outbox *Outbox
	cfg    SenderConfig
	log    *slog.Logger
	now    func() time.Time
}

// NewSender returns a Sender of b's mails, with defaults applied to cfg.
func NewSender(b *Outbox, cfg SenderConfig, log *slog.Logger) *Sender {
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = 30 * time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = time.Hour
	}
	if cfg.MaxBackoff < cfg.RetryAfter {
		cfg.MaxBackoff = cfg.RetryAfter
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 40 // at an hour apart once backed off: about two days
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Minute
	}
	if log == nil {
		log = slog.Default()
	}
	return &Sender{outbox: b, cfg: cfg, log: log, now: time.Now}
}

// Run catches up and delivers until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	for {
		s.outbox.QueuePaid(ctx)
		if err := s.outbox.CatchUp(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("mail: catch-up", "err", err)
		}
		if s.cfg.SMTP != nil {
			s.deliverDue(ctx)
		}
		wait := s.cfg.Poll
		if s.cfg.SMTP != nil {
			if next, err := s.outbox.store.NextMailAttempt(ctx); err == nil && !next.IsZero() {
				wait = min(wait, max(next.Sub(s.now()), 0))
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-s.outbox.wake:
			t.Stop()
		}
	}
}

// mailLease is how long a claimed mail is this instance's to send: an SMTP
// conversation, with room to spare.
const mailLease = 2 * time.Minute

// deliverDue tries every mail whose time has come once.
func (s *Sender) deliverDue(ctx context.Context) {
	seen := map[int64]bool{}
	for ctx.Err() == nil {
		// Claimed, one at a time, for a lease: every instance runs a
		// sender, and each mail goes out from one of them.
		now := s.now()
		due, err := s.outbox.store.ClaimDueMails(ctx, now, now.Add(mailLease), 1)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("mail: read the outbox", "err", err)
			}
			return
		}
		progress := false
		for _, m := range due {
			if seen[m.ID] {
				continue // its record did not stick: not again in this pass
			}
			seen[m.ID], progress = true, true
			s.deliver(ctx, m)
		}
		if !progress {
			return
		}
	}
}

// deliver makes one attempt at m and records it.
func (s *Sender) deliver(ctx context.Context, m store.OutboxMail) {
	attempt := m.Attempts + 1
	err := s.cfg.SMTP.Send(ctx, s.outbox.comp.from.Address, m.Recipient, m.Message)
	if ctx.Err() != nil {
		return // shutting down: this attempt does not count
	}
	if err == nil {
		if err := s.outbox.store.MailSent(ctx, m.ID, attempt); err != nil {
			s.log.Error("mail: sent but not recorded; it may go out twice", "mail", m.ID, "err", err)
			return
		}
		s.log.Info("mail: sent", "kind", m.Kind, "mail", m.ID, "attempt", attempt)
		return
	}
	var perm *permanentError
	giveUp := errors.As(err, &perm) || attempt >= s.cfg.MaxAttempts
	next := s.now().Add(s.backoff(attempt))
	if rerr := s.outbox.store.MailAttemptFailed(ctx, m.ID, attempt, next, errText(err), giveUp); rerr != nil {
		s.log.Error("mail: record failed attempt", "mail", m.ID, "err", rerr)
		return
	}
	if giveUp {
		s.log.Error("mail: given up", "kind", m.Kind, "mail", m.ID, "attempts", attempt, "err", err)
		return
	}
	s.log.Warn("mail: not sent, will retry", "kind", m.Kind, "mail", m.ID, "attempt", attempt, "next", next, "err", err)
}

// backoff is the wait after the attempt-th failure: RetryAfter, doubling,
// at most MaxBackoff.
func (s *Sender) backoff(attempt int) time.Duration {
	d := s.cfg.RetryAfter
	for i := 1; i < attempt && d < s.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.cfg.MaxBackoff)
}
