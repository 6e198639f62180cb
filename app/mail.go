package app

import (
	"context"
	"fmt"
	"net/mail"
	"net/url"
	"time"

	mailer "doku-checkout/mail"
	"doku-checkout/store"
)

// validateMail reports what is wrong with the mail settings.
func (c Config) validateMail() error {
	if c.SMTPURL != "" {
		if _, err := mailer.ParseSMTPURL(c.SMTPURL); err != nil {
			return err
		}
	}
	if c.MailFrom != "" {
		if _, err := mail.ParseAddress(c.MailFrom); err != nil {
			return fmt.Errorf("MAIL_FROM: want an address like \"Toko Kita <receipts@toko.example>\", got %q", c.MailFrom)
		}
	}
	if c.MailFrom == "" {
		if _, err := mail.ParseAddress(c.Merchant.Email); err != nil {
			return fmt.Errorf("STORE_EMAIL: want an e-mail address, got %q", c.Merchant.Email)
		}
	}
	return nil
}

// startMail builds the outbox the payment flow queues receipts in and the
// sender that delivers them (through SMTP_URL, or nowhere: then they wait
// in the outbox, which the embedded sandbox's page shows).
func (a *App) startMail() error {
	cfg := a.Config
	from := cfg.MailFrom
	if shop := a.Shop.Contact(context.Background()); from == "" && !validAddress(shop.Email) {
		// The owner left the store's e-mail empty: mails still need a
		// sender, STORE_EMAIL's (checked at start).
		from = (&mail.Address{Name: shop.Name, Address: cfg.Merchant.Email}).String()
	}
	box, err := mailer.NewOutbox(a.Store, mailer.Config{From: from, PublicURL: cfg.PublicURL, Contact: a.Shop}, a.Log.With("component", "mail"))
	if err != nil {
		return err
	}
	var smtp *mailer.SMTP
	if cfg.SMTPURL != "" {
		if smtp, err = mailer.ParseSMTPURL(cfg.SMTPURL); err != nil {
			return err
		}
		if u, err := url.Parse(cfg.PublicURL); err == nil {
			smtp.HeloName = u.Hostname()
		}
		a.Log.Info("mail: receipts go out through SMTP", "server", smtp.String())
	} else {
		a.Log.Warn("mail: SMTP_URL unset: receipts are kept in the outbox, not sent")
	}
	a.Outbox = box
	a.Mailer = mailer.NewSender(box, mailer.SenderConfig{SMTP: smtp, RetryAfter: cfg.MailRetryAfter}, a.Log.With("component", "mail"))
	return nil
}

// runMail runs the sender until ctx ends and closes done.
func (a *App) runMail(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	a.Mailer.Run(ctx)
}

// validAddress reports whether s is a bare e-mail address.
func validAddress(s string) bool {
	m, err := mail.ParseAddress(s)
	return err == nil && m.Address == s
}

// queueRefundMail is the payment flow's hook for a confirmed refund: the
// shopper's refund notice goes in the outbox, once per refund. It never
// fails the refund, which is recorded already; an error is logged.
func (a *App) queueRefundMail(ctx context.Context, o store.Order, refundRef string, amountIDR int64) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := a.Outbox.EnqueueRefund(ctx, o.ID, refundRef, amountIDR); err != nil {
		a.Log.Error("mail: queue refund notice", "invoice", o.Invoice, "refund", refundRef, "err", err)
	}
}
