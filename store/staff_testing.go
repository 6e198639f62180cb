package store

import (
	"context"
	"fmt"
)

// AgeStaffSessionForTest moves a session's last use ms into the past.
// Tests only: it is how the idle timeout is exercised without waiting.
func (s *Store) AgeStaffSessionForTest(ctx context.Context, token string, ms int64) error {
	if _, err := s.exec(ctx, `UPDATE staff_sessions SET last_seen_at = last_seen_at - ?, created_at = created_at - ? WHERE token_hash = ?`, ms, ms, TokenHash(token)); err != nil {
		return fmt.Errorf("store: age staff session: %w", err)
	}
	return nil
}

// AgeStaffChallengesForTest moves every login challenge's start ms into
// the past. Tests only: it is how the code step's expiry is exercised
// without waiting.
func (s *Store) AgeStaffChallengesForTest(ctx context.Context, ms int64) error {
	if _, err := s.exec(ctx, `UPDATE staff_login_challenges SET created_at = created_at - ?`, ms); err != nil {
		return fmt.Errorf("store: age staff challenges: %w", err)
	}
	return nil
}
