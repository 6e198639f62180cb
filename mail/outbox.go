// Package mail owns the e-mails a shopper receives: it composes them (plain
// text and HTML, one table of texts), keeps them in the store's outbox, and
// delivers them through SMTP with backoff. A paid order's receipt is put in
// the outbox right after the payment's move, and the catch-up finds any
// whose write was lost (a crash in between), so no receipt is ever lost and
// a mail server that is down never holds up a payment.
package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"doku-checkout/merchant"
	"doku-checkout/payment"
	"doku-checkout/store"
)

// Config is what the outbox needs to compose mails.
type Config struct {
	// From is the sender, e.g. "Toko Kita <receipts@toko.example>"; empty:
	// the shop's e-mail address from Contact.
	From string
	// PublicURL is the shop's URL as shoppers reach it, for receipt links.
	PublicURL string
	// Contact gives the shop's details shown in every mail.
	Contact merchant.Source
}

// Outbox puts mails in the store's outbox. Sender delivers them.
type Outbox struct {
	store *store.Store
	comp  composer
	log   *slog.Logger
	// wake tells the sender a mail was queued (it may be asleep).
	wake chan struct{}
	// paid holds orders just paid whose receipt the sender queues next, off
	// the shopper's request. Lost in a crash, they are found by CatchUp.
	paid chan int64
	// started is when this outbox was made: the catch-up leaves payments
	// after it to the hand-over for catchUpAfter.
	started time.Time
}

// NewOutbox returns an Outbox writing to st.
func NewOutbox(st *store.Store, cfg Config, log *slog.Logger) (*Outbox, error) {
	if log == nil {
		log = slog.Default()
	}
	if cfg.Contact == nil {
		cfg.Contact = merchant.Static(merchant.Defaults)
	}
	fromText := cfg.From
	if fromText == "" {
		c := cfg.Contact.Contact(context.Background())
		fromText = (&mail.Address{Name: c.Name, Address: c.Email}).String()
	}
	from, err := mail.ParseAddress(fromText)
	if err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", fromText, err)
	}
	return &Outbox{
		store: st, log: log, wake: make(chan struct{}, 1), paid: make(chan int64, 1024), started: time.Now(),
		comp: composer{from: from, publicURL: strings.TrimRight(cfg.PublicURL, "/"), contact: cfg.Contact, now: time.Now},
	}, nil
}

// OnFinal is the payment flow's hook (payment.Config.OnFinal): when an
// order has just become SUCCESS, its id is handed to the sender, which
// queues the receipt off the shopper's request (QueuePaid). Should the hand
// over be full, the receipt is queued here and now. It never fails the
// payment: an error is logged and the catch-up tries again.
func (b *Outbox) OnFinal(ctx context.Context, o store.Order, to payment.Status) {
	if to != payment.StatusSuccess {
		return
	}
	select {
	case b.paid <- o.ID:
		b.wakeSender()
		return
	default:
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), enqueueTimeout)
	defer cancel()
	if err := b.EnqueueReceipt(ctx, o.ID); err != nil {
		b.log.Warn("mail: receipt not queued yet; the catch-up will", "invoice", o.Invoice, "err", err)
	}
}

// enqueueTimeout bounds a receipt's write on the shopper's request.
const enqueueTimeout = 5 * time.Second

// QueuePaid queues the receipts of the orders OnFinal handed over, those
// waiting together in one write (one commit for many payments).
func (b *Outbox) QueuePaid(ctx context.Context) {
	for {
		var ids []int64
	drain:
		for len(ids) < queueBatch {
			select {
			case id := <-b.paid:
				ids = append(ids, id)
			default:
				break drain
			}
		}
		if len(ids) == 0 {
			return
		}
		if err := b.enqueueReceipts(ctx, ids); err != nil && ctx.Err() == nil {
			b.log.Warn("mail: receipts not queued yet; the catch-up will", "orders", ids, "err", err)
		}
	}
}

// queueBatch bounds the receipts QueuePaid writes in one transaction.
const queueBatch = 128

// enqueueReceipts is EnqueueReceipt for several paid orders in one write.
// An order whose receipt cannot be composed is logged and left to the
// catch-up; the others are queued.
func (b *Outbox) enqueueReceipts(ctx context.Context, ids []int64) error {
	ms := make([]*store.OutboxMail, 0, len(ids))
	invoices := make([]string, 0, len(ids))
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err // shutting down: the catch-up of the next start queues them
		}
		o, err := b.store.OrderByID(ctx, id)
		if err != nil {
			b.log.Warn("mail: receipt not queued yet; the catch-up will", "order", id, "err", err)
			continue
		}
		m, err := b.receiptMail(ctx, o)
		if err != nil {
			b.log.Warn("mail: receipt not queued yet; the catch-up will", "invoice", o.Invoice, "err", err)
			continue
		}
		ms, invoices = append(ms, m), append(invoices, o.Invoice)
	}
	added, err := b.store.EnqueueMails(ctx, ms)
	if err != nil {
		return err
	}
	for i, m := range ms {
		if m.ID != 0 {
			b.log.Info("mail: queued", "kind", KindReceipt, "invoice", invoices[i], "mail", m.ID)
		}
	}
	if added > 0 {
		b.wakeSender()
	}
	return nil
}

func (b *Outbox) wakeSender() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// EnqueueReceipt puts the receipt of paid order orderID in the outbox,
// once: a second call finds it there.
func (b *Outbox) EnqueueReceipt(ctx context.Context, orderID int64) error {
	return b.enqueue(ctx, orderID, receiptKey(orderID), KindReceipt, func(o store.Order) (Message, error) {
		return b.composeReceipt(ctx, o)
	})
}

// receiptKeyPrefix + the order's id is the outbox key of its receipt.
const receiptKeyPrefix = KindReceipt + ":"

func receiptKey(orderID int64) string { return receiptKeyPrefix + strconv.FormatInt(orderID, 10) }

// composeReceipt writes the receipt of o, which must be paid.
func (b *Outbox) composeReceipt(ctx context.Context, o store.Order) (Message, error) {
	if o.Status != payment.StatusSuccess {
		return Message{}, fmt.Errorf("mail: receipt of order %s, which is %s", o.Invoice, o.Status)
	}
	return b.comp.receipt(ctx, o)
}

// receiptMail is the outbox row of paid order o's receipt.
func (b *Outbox) receiptMail(ctx context.Context, o store.Order) (*store.OutboxMail, error) {
	msg, err := b.composeReceipt(ctx, o)
	if err != nil {
		return nil, err
	}
	return outboxRow(o, receiptKey(o.ID), KindReceipt, msg), nil
}

// outboxRow is the outbox row of msg about order o.
func outboxRow(o store.Order, key, kind string, msg Message) *store.OutboxMail {
	return &store.OutboxMail{Key: key, OrderID: o.ID, Kind: kind, Recipient: msg.To.Address, Subject: msg.Subject, Message: msg.Raw}
}

// EnqueueRefund puts the notice of a refund of amountIDR on order orderID
// in the outbox, once per refundRef (the refund's own reference, so two
// partial refunds make two mails and a retried one makes one).
func (b *Outbox) EnqueueRefund(ctx context.Context, orderID int64, refundRef string, amountIDR int64) error {
	if refundRef == "" || amountIDR <= 0 {
		return errors.New("mail: a refund mail needs the refund's reference and amount")
	}
	key := KindRefund + ":" + strconv.FormatInt(orderID, 10) + ":" + refundRef
	return b.enqueue(ctx, orderID, key, KindRefund, func(o store.Order) (Message, error) {
		return b.comp.refund(ctx, o, amountIDR)
	})
}

func (b *Outbox) enqueue(ctx context.Context, orderID int64, key, kind string, compose func(store.Order) (Message, error)) error {
	o, err := b.store.OrderByID(ctx, orderID)
	if err != nil {
		return fmt.Errorf("mail: order %d: %w", orderID, err)
	}
	msg, err := compose(o)
	if err != nil {
		return err
	}
	return b.add(ctx, outboxRow(o, key, kind, msg), o.Invoice)
}

// add writes m to the outbox and wakes the sender when it is new.
func (b *Outbox) add(ctx context.Context, m *store.OutboxMail, invoice string) error {
	added, err := b.store.EnqueueMail(ctx, m)
	if err != nil {
		return err
	}
	if added {
		b.log.Info("mail: queued", "kind", m.Kind, "invoice", invoice, "mail", m.ID)
		b.wakeSender()
	}
	return nil
}

// catchUpBatch is how many order events one catch-up pass reads.
const catchUpBatch = 500

// CatchUp queues the receipt of every order paid since the last pass that
// has none yet: the hand-over (OnFinal, QueuePaid) is lost if the process
// stops right after a payment's commit. Receipts already queued are left
// as they are. It leaves the last catchUpAfter of payments to the
// hand-over, and reads each event once: under a steady stream of payments
// it returns all the same (it used to chase the newest event and starve
// the hand-over, whose receipts were then written on shoppers' requests).
func (b *Outbox) CatchUp(ctx context.Context) error {
	// A payment made before this process started has no hand-over left.
	until := b.comp.now().Add(-catchUpAfter)
	if until.Before(b.started) {
		until = b.started
	}
	for {
		cursor, err := b.store.MailCursor(ctx)
		if err != nil {
			return err
		}
		ids, last, more, err := b.store.OrdersMovedTo(ctx, payment.StatusSuccess, receiptKeyPrefix, cursor, until, catchUpBatch)
		if err != nil {
			return err
		}
		for _, id := range ids {
			err := b.EnqueueReceipt(ctx, id)
			if errors.Is(err, errBadRecipient) {
				// Nothing to write to: a person must look, the cursor moves on.
				b.log.Error("mail: no receipt for an order whose address cannot be written to", "order", id)
				continue
			}
			if err != nil {
				return err // the cursor stays: the next pass tries again
			}
		}
		if last != cursor {
			if err := b.store.SetMailCursor(ctx, last); err != nil {
				return err
			}
		}
		if !more {
			return nil
		}
	}
}

// catchUpAfter is how old a payment is before the catch-up looks at it:
// until then its receipt is the hand-over's.
const catchUpAfter = 10 * time.Second
