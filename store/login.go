package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// CreateLogin records that session sid is logged in as customerID.
func (s *Store) CreateLogin(ctx context.Context, sid string, customerID int64) error {
	if _, err := s.exec(ctx, `INSERT INTO login_sessions (sid, customer_id, created_at) VALUES (?, ?, ?)`,
		sid, customerID, s.now().Unix()); err != nil {
		return fmt.Errorf("store: create login: %w", err)
	}
	return nil
}

// LoginCustomer returns the customer session sid is logged in as, or
// ErrNotFound once it logged out (or never logged in).
func (s *Store) LoginCustomer(ctx context.Context, sid string) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT customer_id FROM login_sessions WHERE sid = ?`, sid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: login: %w", err)
	}
	return id, nil
}

// DeleteLogin ends session sid's login.
func (s *Store) DeleteLogin(ctx context.Context, sid string) error {
	if _, err := s.exec(ctx, `DELETE FROM login_sessions WHERE sid = ?`, sid); err != nil {
		return fmt.Errorf("store: delete login: %w", err)
	}
	return nil
}
