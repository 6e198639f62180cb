package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Product is an item of the catalog. Prices are whole rupiah.
type Product struct {
	ID          int64
	Name        string
	Description string
	PriceIDR    int64
	Image       string
}

// Products lists the active catalog.
func (s *Store) Products(ctx context.Context) ([]Product, error) {
	rows, err := s.query(ctx, `
		SELECT id, name, description, price_idr, image
		FROM products WHERE active = 1 ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: products: %w", err)
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		var p Product
		if err := rows.Scan(&p.ID, &p.Name, &p.Description, &p.PriceIDR, &p.Image); err != nil {
			return nil, fmt.Errorf("store: scan product: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Product returns one active product or ErrNotFound.
func (s *Store) Product(ctx context.Context, id int64) (Product, error) {
	var p Product
	err := s.queryRow(ctx, `
		SELECT id, name, description, price_idr, image
		FROM products WHERE id = ? AND active = 1`, id).
		Scan(&p.ID, &p.Name, &p.Description, &p.PriceIDR, &p.Image)
	if errors.Is(err, sql.ErrNoRows) {
		return Product{}, ErrNotFound
	}
	if err != nil {
		return Product{}, fmt.Errorf("store: product %d: %w", id, err)
	}
	return p, nil
}

// SeedProducts inserts the given products when the catalog is empty.
func (s *Store) SeedProducts(ctx context.Context, products []Product) error {
	defer s.catalogChanged()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: seed: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := s.lockTable(ctx, tx, "products"); err != nil { // two instances starting together seed once
		return fmt.Errorf("store: seed: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM products`).Scan(&n); err != nil {
		return fmt.Errorf("store: seed count: %w", err)
	}
	if n > 0 {
		return nil
	}
	for _, p := range products {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO products (name, description, price_idr, image) VALUES (?, ?, ?, ?)`,
			p.Name, p.Description, p.PriceIDR, p.Image); err != nil {
			return fmt.Errorf("store: seed %s: %w", p.Name, err)
		}
	}
	return tx.Commit()
}
