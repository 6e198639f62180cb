package store

import (
	"context"
	"fmt"
)

// SetSettings stores every key and value of values in one transaction:
// all or none.
func (s *Store) SetSettings(ctx context.Context, values map[string]string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: set settings: %w", err)
	}
	defer tx.Rollback()
	for k, v := range values {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
			return fmt.Errorf("store: set setting %s: %w", k, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: set settings: %w", err)
	}
	return nil
}
