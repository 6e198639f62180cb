package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SavedCard is a customer's card as DOKU's token plus what may be shown:
// masked number, brand and expiry. Never the number or CVV.
type SavedCard struct {
	ID         int64
	CustomerID int64
	Token      string
	Masked     string
	Brand      string
	Expiry     string // MMYY
}

// SaveCard records a token for its customer. A token seen again is left as
// it is, so a card the customer removed stays removed.
func (s *Store) SaveCard(ctx context.Context, c SavedCard) error {
	if _, err := s.exec(ctx, `
		INSERT INTO saved_cards (customer_id, token, masked, brand, expiry, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, token) DO NOTHING`,
		c.CustomerID, c.Token, c.Masked, c.Brand, c.Expiry, s.now().Unix()); err != nil {
		return fmt.Errorf("store: save card: %w", err)
	}
	return nil
}

// SavedCards lists a customer's cards, newest first.
func (s *Store) SavedCards(ctx context.Context, customerID int64) ([]SavedCard, error) {
	rows, err := s.query(ctx, `
		SELECT id, customer_id, token, masked, brand, expiry
		FROM saved_cards WHERE customer_id = ? AND deleted_at IS NULL
		ORDER BY id DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("store: saved cards: %w", err)
	}
	defer rows.Close()
	var out []SavedCard
	for rows.Next() {
		var c SavedCard
		if err := rows.Scan(&c.ID, &c.CustomerID, &c.Token, &c.Masked, &c.Brand, &c.Expiry); err != nil {
			return nil, fmt.Errorf("store: scan saved card: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SavedCard returns card id only if it belongs to customerID; ErrNotFound otherwise.
func (s *Store) SavedCard(ctx context.Context, id, customerID int64) (SavedCard, error) {
	var c SavedCard
	err := s.queryRow(ctx, `
		SELECT id, customer_id, token, masked, brand, expiry
		FROM saved_cards WHERE id = ? AND customer_id = ? AND deleted_at IS NULL`, id, customerID).
		Scan(&c.ID, &c.CustomerID, &c.Token, &c.Masked, &c.Brand, &c.Expiry)
	if errors.Is(err, sql.ErrNoRows) {
		return SavedCard{}, ErrNotFound
	}
	if err != nil {
		return SavedCard{}, fmt.Errorf("store: saved card: %w", err)
	}
	return c, nil
}

// DeleteSavedCard removes a customer's card; ErrNotFound if it is not theirs.
func (s *Store) DeleteSavedCard(ctx context.Context, id, customerID int64) error {
	res, err := s.exec(ctx, `
		UPDATE saved_cards SET deleted_at = ? WHERE id = ? AND customer_id = ? AND deleted_at IS NULL`,
		s.now().Unix(), id, customerID)
	if err != nil {
		return fmt.Errorf("store: delete saved card: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
