package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Rate limits shared by every instance (009_rate_limits.sql): a token
// bucket per key, kept as GCRA's theoretical arrival time (tat), so one
// conditional upsert both checks and spends an attempt, atomically, however
// many instances ask at once. An attempt at now is allowed when
// max(tat, now) + every <= now + burst·every, and moves tat to the left side.

// TakeToken spends one attempt of key's bucket (burst attempts, one more
// every every) and reports whether one was left.
func (s *Store) TakeToken(ctx context.Context, key string, now time.Time, every time.Duration, burst int) (bool, error) {
	greatest := "MAX"
	if s.pg {
		greatest = "GREATEST"
	}
	t, e := now.UnixMilli(), every.Milliseconds()
	var tat int64
	err := s.w.QueryRowContext(ctx, `INSERT INTO rate_limits (key, tat) VALUES (?, CAST(? AS BIGINT))
		ON CONFLICT (key) DO UPDATE SET tat = `+greatest+`(rate_limits.tat, CAST(? AS BIGINT)) + CAST(? AS BIGINT)
		WHERE `+greatest+`(rate_limits.tat, CAST(? AS BIGINT)) + CAST(? AS BIGINT) <= CAST(? AS BIGINT)
		RETURNING tat`, key, t+e, t, e, t, e, t+int64(burst)*e).Scan(&tat)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // the condition refused the update: no attempt left
	}
	if err != nil {
		return false, fmt.Errorf("store: rate limit %s: %w", key, err)
	}
	return true, nil
}

// TokensSpent reports whether key's bucket has no attempt left at now,
// spending none.
func (s *Store) TokensSpent(ctx context.Context, key string, now time.Time, every time.Duration, burst int) (bool, error) {
	var tat int64
	err := s.queryRow(ctx, `SELECT tat FROM rate_limits WHERE key = ?`, key).Scan(&tat)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: rate limit %s: %w", key, err)
	}
	t, e := now.UnixMilli(), every.Milliseconds()
	return max(tat, t)+e > t+int64(burst)*e, nil
}

// PruneRateLimits deletes the buckets that are full again at now (their
// key has been quiet): they hold nothing a fresh bucket would not.
func (s *Store) PruneRateLimits(ctx context.Context, now time.Time) error {
	if _, err := s.exec(ctx, `DELETE FROM rate_limits WHERE tat < ?`, now.UnixMilli()); err != nil {
		return fmt.Errorf("store: prune rate limits: %w", err)
	}
	return nil
}
