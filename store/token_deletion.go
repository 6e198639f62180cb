package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TokenDeletion is a removed card's token still to be deleted at DOKU.
type TokenDeletion struct {
	ID            int64
	CustomerID    int64
	Token         string
	RequestID     string // sent on every attempt, so a resend is recognised
	Attempts      int
	NextAttemptAt time.Time
}

// RemoveSavedCard marks a customer's card deleted and, in the same
// transaction, records its token for deletion at DOKU under requestID. It
// returns the pending deletion; ErrNotFound if the card is not theirs or
// already removed. The deletion falls due for a retry at retryAt: until
// then the caller's own first attempt owns it, so a reconciler does not
// send it a second time meanwhile.
func (s *Store) RemoveSavedCard(ctx context.Context, id, customerID int64, requestID string, retryAt time.Time) (TokenDeletion, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return TokenDeletion{}, fmt.Errorf("store: remove saved card: %w", err)
	}
	defer tx.Rollback()
	now := s.now()
	var token string
	err = s.txQueryRow(ctx, tx, `
		SELECT token FROM saved_cards WHERE id = ? AND customer_id = ? AND deleted_at IS NULL`+s.forUpdate(), id, customerID).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return TokenDeletion{}, ErrNotFound
	}
	if err != nil {
		return TokenDeletion{}, fmt.Errorf("store: remove saved card: %w", err)
	}
	if _, err := s.txExec(ctx, tx, `UPDATE saved_cards SET deleted_at = ? WHERE id = ?`, now.Unix(), id); err != nil {
		return TokenDeletion{}, fmt.Errorf("store: remove saved card: %w", err)
	}
	// The same token saved twice (two customers cannot share one) needs
	// one deletion: keep the first request id.
	if _, err := s.txExec(ctx, tx, `
		INSERT INTO token_deletions (customer_id, token, request_id, created_at, next_attempt_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (token) DO NOTHING`,
		customerID, token, requestID, now.Unix(), retryAt.UnixMilli()); err != nil {
		return TokenDeletion{}, fmt.Errorf("store: record token deletion: %w", err)
	}
	var d TokenDeletion
	var next int64
	if err := s.txQueryRow(ctx, tx, `
		SELECT id, customer_id, token, request_id, attempts, next_attempt_at FROM token_deletions WHERE token = ?`, token).
		Scan(&d.ID, &d.CustomerID, &d.Token, &d.RequestID, &d.Attempts, &next); err != nil {
		return TokenDeletion{}, fmt.Errorf("store: record token deletion: %w", err)
	}
	d.NextAttemptAt = time.UnixMilli(next)
	if err := tx.Commit(); err != nil {
		return TokenDeletion{}, fmt.Errorf("store: remove saved card: %w", err)
	}
	return d, nil
}

// DueTokenDeletions lists up to limit deletions due at now, oldest first.
func (s *Store) DueTokenDeletions(ctx context.Context, now time.Time, limit int) ([]TokenDeletion, error) {
	rows, err := s.query(ctx, `
		SELECT id, customer_id, token, request_id, attempts, next_attempt_at
		FROM token_deletions WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`, now.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due token deletions: %w", err)
	}
	defer rows.Close()
	var out []TokenDeletion
	for rows.Next() {
		var d TokenDeletion
		var next int64
		if err := rows.Scan(&d.ID, &d.CustomerID, &d.Token, &d.RequestID, &d.Attempts, &next); err != nil {
			return nil, fmt.Errorf("store: scan token deletion: %w", err)
		}
		d.NextAttemptAt = time.UnixMilli(next)
		out = append(out, d)
	}
	return out, rows.Err()
}

// TokenDeleted forgets a deletion DOKU confirmed.
func (s *Store) TokenDeleted(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, `DELETE FROM token_deletions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: token deleted: %w", err)
	}
	return nil
}

// RetryTokenDeletion records a failed attempt and when to try again.
func (s *Store) RetryTokenDeletion(ctx context.Context, id int64, next time.Time, lastErr string) error {
	if _, err := s.exec(ctx, `
		UPDATE token_deletions SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?`,
		next.UnixMilli(), lastErr, id); err != nil {
		return fmt.Errorf("store: retry token deletion: %w", err)
	}
	return nil
}
