package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// The states of an outbox mail.
const (
	MailPending = "pending" // waiting for its (next) attempt
	MailSent    = "sent"    // the SMTP server accepted it
	MailFailed  = "failed"  // given up: refused for good, or too many attempts
)

// OutboxMail is one e-mail in the outbox. Package mail composes it and
// decides when to try again; the store keeps it.
type OutboxMail struct {
	ID            int64
	Key           string // unique: one mail per order and kind, e.g. "receipt:42"
	OrderID       int64
	Kind          string
	Recipient     string
	Subject       string
	Message       []byte // the RFC 5322 message as it is sent
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time // zero until sent
}

// EnqueueMail writes m as pending, due now, unless a mail with its key is
// there already; it reports whether m was written (and sets m.ID).
func (s *Store) EnqueueMail(ctx context.Context, m *OutboxMail) (bool, error) {
	n, err := s.EnqueueMails(ctx, []*OutboxMail{m})
	return n == 1, err
}

// EnqueueMails writes each of ms as EnqueueMail does, in one transaction:
// the receipts of payments made together cost one commit. It returns how
// many were written; those set their ID (the others keep ID 0).
func (s *Store) EnqueueMails(ctx context.Context, ms []*OutboxMail) (int, error) {
	if len(ms) == 0 {
		return 0, nil
	}
	now := s.now()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: enqueue mails: %w", err)
	}
	defer tx.Rollback()
	ids := make([]int64, len(ms))
	for i, m := range ms {
		var orderID any
		if m.OrderID != 0 {
			orderID = m.OrderID
		}
		id, err := s.insertID(ctx, tx, `INSERT INTO outbox (key, order_id, kind, recipient, subject, message, next_attempt_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
			m.Key, orderID, m.Kind, m.Recipient, m.Subject, m.Message, now.UnixMilli(), now.UnixMilli())
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("store: enqueue mail %s: %w", m.Key, err)
		}
		ids[i] = id
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: enqueue mails: commit: %w", err)
	}
	added := 0
	for i, m := range ms {
		if ids[i] != 0 {
			m.ID = ids[i]
			m.Status, m.NextAttemptAt, m.CreatedAt = MailPending, now, now
			added++
		}
	}
	return added, nil
}

// DueMails returns pending mails whose attempt time has come, oldest first.
func (s *Store) DueMails(ctx context.Context, now time.Time, limit int) ([]OutboxMail, error) {
	return s.mails(ctx, `WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`, now.UnixMilli(), limit)
}

// NextMailAttempt returns when the earliest pending mail is due, or the zero
// time when none is pending.
func (s *Store) NextMailAttempt(ctx context.Context) (time.Time, error) {
	var at sql.NullInt64
	if err := s.queryRow(ctx, `SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'`).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("store: next mail attempt: %w", err)
	}
	if !at.Valid {
		return time.Time{}, nil
	}
	return time.UnixMilli(at.Int64), nil
}

// MailSent records that mail id was accepted by the SMTP server.
func (s *Store) MailSent(ctx context.Context, id int64, attempts int) error {
	if _, err := s.exec(ctx, `UPDATE outbox SET status = 'sent', attempts = ?, sent_at = ?, last_error = '' WHERE id = ? AND status = 'pending'`,
		attempts, s.now().UnixMilli(), id); err != nil {
		return fmt.Errorf("store: mail %d sent: %w", id, err)
	}
	return nil
}

// MailAttemptFailed records a failed attempt of mail id: it is tried again
// at next, or, when giveUp, no more.
func (s *Store) MailAttemptFailed(ctx context.Context, id int64, attempts int, next time.Time, lastErr string, giveUp bool) error {
	status := MailPending
	if giveUp {
		status = MailFailed
	}
	if _, err := s.exec(ctx, `UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'`,
		status, attempts, next.UnixMilli(), lastErr, id); err != nil {
		return fmt.Errorf("store: mail %d attempt: %w", id, err)
	}
	return nil
}

// Mails lists the outbox, newest first.
func (s *Store) Mails(ctx context.Context, limit int) ([]OutboxMail, error) {
	return s.mails(ctx, `ORDER BY id DESC LIMIT ?`, limit)
}

// MailByID returns one mail of the outbox, or ErrNotFound.
func (s *Store) MailByID(ctx context.Context, id int64) (OutboxMail, error) {
	list, err := s.mails(ctx, `WHERE id = ?`, id)
	if err != nil {
		return OutboxMail{}, err
	}
	if len(list) == 0 {
		return OutboxMail{}, ErrNotFound
	}
	return list[0], nil
}

// MailsOfOrder lists the mails of one order, oldest first.
func (s *Store) MailsOfOrder(ctx context.Context, orderID int64) ([]OutboxMail, error) {
	return s.mails(ctx, `WHERE order_id = ? ORDER BY id`, orderID)
}

func (s *Store) mails(ctx context.Context, where string, args ...any) ([]OutboxMail, error) {
	rows, err := s.query(ctx, `SELECT id, key, COALESCE(order_id, 0), kind, recipient, subject, message, status, attempts,
		next_attempt_at, last_error, created_at, sent_at FROM outbox `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxMail
	for rows.Next() {
		var m OutboxMail
		var next, created, sent int64
		if err := rows.Scan(&m.ID, &m.Key, &m.OrderID, &m.Kind, &m.Recipient, &m.Subject, &m.Message, &m.Status,
			&m.Attempts, &next, &m.LastError, &created, &sent); err != nil {
			return nil, fmt.Errorf("store: scan mail: %w", err)
		}
		m.NextAttemptAt, m.CreatedAt = time.UnixMilli(next), time.UnixMilli(created)
		if sent != 0 {
			m.SentAt = time.UnixMilli(sent)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// mailCursorKey is the setting that holds the last order event the mail
// catch-up has read (see 007_outbox.sql).
const mailCursorKey = "mail_event_cursor"

// MailCursor returns the id of the last order event the mail catch-up read.
func (s *Store) MailCursor(ctx context.Context) (int64, error) {
	v, err := s.Setting(ctx, mailCursorKey)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("store: mail cursor %q: %w", v, err)
	}
	return n, nil
}

// SetMailCursor moves the mail catch-up's cursor forward to id (never back).
func (s *Store) SetMailCursor(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE CAST(settings.value AS BIGINT) < CAST(excluded.value AS BIGINT)`,
		mailCursorKey, strconv.FormatInt(id, 10)); err != nil {
		return fmt.Errorf("store: set mail cursor: %w", err)
	}
	return nil
}

// OrdersMovedTo reads the order events after afterID, oldest first, up to
// limit of them and stopping before the first made after until. It returns
// the orders among them that moved to status and have no mail keyed mailKey
// + their id in the outbox, the id of the last event read (afterID when
// none), and whether more events may follow (limit were read). Events are
// written by one writer at a time, so ids are committed in order and a
// cursor misses none.
func (s *Store) OrdersMovedTo(ctx context.Context, status Status, mailKey string, afterID int64, until time.Time, limit int) ([]int64, int64, bool, error) {
	rows, err := s.query(ctx, `SELECT e.id, e.at, e.order_id,
		CASE WHEN e.to_status = ? AND NOT EXISTS (SELECT 1 FROM outbox WHERE key = ? || CAST(e.order_id AS TEXT)) THEN 1 ELSE 0 END
		FROM order_events e WHERE e.id > ? ORDER BY e.id LIMIT ?`, status, mailKey, afterID, limit)
	if err != nil {
		return nil, afterID, false, fmt.Errorf("store: events to %s: %w", status, err)
	}
	defer rows.Close()
	var ids []int64
	last, n := afterID, 0
	for rows.Next() {
		var id, at, orderID, want int64
		if err := rows.Scan(&id, &at, &orderID, &want); err != nil {
			return nil, afterID, false, fmt.Errorf("store: scan event: %w", err)
		}
		if at > until.UnixMilli() {
			return ids, last, false, rows.Close()
		}
		if want == 1 {
			ids = append(ids, orderID)
		}
		last, n = id, n+1
	}
	if err := rows.Err(); err != nil {
		return nil, afterID, false, fmt.Errorf("store: events to %s: %w", status, err)
	}
	return ids, last, n == limit, nil
}
