package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Background work (the reconciler's order checks and money actions, token
// deletions, mail) runs in every instance. Each due row is claimed before
// it is worked on: in one transaction the rows are picked (on PostgreSQL
// with FOR UPDATE SKIP LOCKED, so instances claiming at once take
// different rows and never wait on each other) and their due time is moved
// to the lease's end. Only the claimer works on a row; if it dies the lease
// runs out and another instance takes the row. A claimed row goes to the
// back of the queue, so no row is starved.

// skipLocked is the row-lock clause of a claim's SELECT: PostgreSQL only
// (SQLite's one writer claims alone).
func (s *Store) skipLocked() string {
	if s.pg {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// claim picks up to limit ids of table whose column is due at now and
// moves it to lease, in one write transaction.
func (s *Store) claim(ctx context.Context, table, column, where string, now, lease time.Time, limit int) ([]int64, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id FROM `+table+` WHERE `+column+` IS NOT NULL AND `+column+` <= ?`+where+`
		ORDER BY `+column+`, id LIMIT ?`+s.skipLocked(), now.UnixMilli(), limit)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	ph, args := inList(ids)
	if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+column+` = ? WHERE id IN (`+ph+`)`, append([]any{lease.UnixMilli()}, args...)...); err != nil {
		return nil, err
	}
	return ids, tx.Commit()
}

func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// ClaimDueChecks claims up to limit orders whose check is due at now until
// lease (see above) and returns them, oldest due first.
func (s *Store) ClaimDueChecks(ctx context.Context, now, lease time.Time, limit int) ([]Order, error) {
	ids, err := s.claim(ctx, "orders", "next_check_at", "", now, lease, limit)
	if err != nil || len(ids) == 0 {
		return nil, wrap("store: claim due checks", err)
	}
	ph, args := inList(ids)
	return s.orders(ctx, `WHERE id IN (`+ph+`) ORDER BY id`, args...)
}

// ClaimDueActions claims the PENDING money actions due at now until lease.
func (s *Store) ClaimDueActions(ctx context.Context, now, lease time.Time, limit int) ([]PaymentAction, error) {
	ids, err := s.claim(ctx, "payment_actions", "next_check_at", " AND status = 'PENDING'", now, lease, limit)
	if err != nil || len(ids) == 0 {
		return nil, wrap("store: claim due actions", err)
	}
	ph, args := inList(ids)
	return s.actions(ctx, `WHERE id IN (`+ph+`) ORDER BY id`, args...)
}

// ClaimDueTokenDeletions claims the token deletions due at now until lease.
func (s *Store) ClaimDueTokenDeletions(ctx context.Context, now, lease time.Time, limit int) ([]TokenDeletion, error) {
	ids, err := s.claim(ctx, "token_deletions", "next_attempt_at", "", now, lease, limit)
	if err != nil || len(ids) == 0 {
		return nil, wrap("store: claim token deletions", err)
	}
	out := make([]TokenDeletion, 0, len(ids))
	for _, id := range ids {
		var d TokenDeletion
		var next int64
		err := s.queryRow(ctx, `SELECT id, customer_id, token, request_id, attempts, next_attempt_at FROM token_deletions WHERE id = ?`, id).
			Scan(&d.ID, &d.CustomerID, &d.Token, &d.RequestID, &d.Attempts, &next)
		if err != nil {
			continue // deleted meanwhile: DOKU confirmed it
		}
		d.NextAttemptAt = time.UnixMilli(next)
		out = append(out, d)
	}
	return out, nil
}

// ClaimDueMails claims the pending mails due at now until lease, so that
// one instance sends each.
func (s *Store) ClaimDueMails(ctx context.Context, now, lease time.Time, limit int) ([]OutboxMail, error) {
	ids, err := s.claim(ctx, "outbox", "next_attempt_at", " AND status = 'pending'", now, lease, limit)
	if err != nil || len(ids) == 0 {
		return nil, wrap("store: claim due mails", err)
	}
	ph, args := inList(ids)
	return s.mails(ctx, `WHERE id IN (`+ph+`) ORDER BY next_attempt_at, id`, args...)
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
