package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// boolInt is a flag as the INTEGER column that holds it in both dialects
// (PostgreSQL does not turn a bool parameter into an integer).
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// AdminProduct is a product as the back office edits it.
type AdminProduct struct {
	Product
	Stock    *int64 // nil: not counted
	Archived bool
}

// SoldOutError: an order asks for more of a product than is in stock.
type SoldOutError struct {
	ProductID int64
	Name      string
}

func (e *SoldOutError) Error() string { return "store: sold out: " + e.Name }

const adminProductColumns = `id, name, description, price_idr, image, stock, active = 0`

func scanAdminProduct(row interface{ Scan(...any) error }) (AdminProduct, error) {
	var p AdminProduct
	var stock sql.NullInt64
	err := row.Scan(&p.ID, &p.Name, &p.Description, &p.PriceIDR, &p.Image, &stock, &p.Archived)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("store: scan product: %w", err)
	}
	if stock.Valid {
		p.Stock = &stock.Int64
	}
	return p, nil
}

// AdminProducts lists every product, archived ones last.
func (s *Store) AdminProducts(ctx context.Context) ([]AdminProduct, error) {
	rows, err := s.query(ctx, `SELECT `+adminProductColumns+` FROM products ORDER BY active DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("store: products: %w", err)
	}
	defer rows.Close()
	var out []AdminProduct
	for rows.Next() {
		p, err := scanAdminProduct(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AdminProduct returns one product, archived or not.
func (s *Store) AdminProduct(ctx context.Context, id int64) (AdminProduct, error) {
	return scanAdminProduct(s.queryRow(ctx, `SELECT `+adminProductColumns+` FROM products WHERE id = ?`, id))
}

// CreateProduct inserts p and sets its id.
func (s *Store) CreateProduct(ctx context.Context, p *AdminProduct) error {
	defer s.catalogChanged()
	id, err := s.insertID(ctx, s.w, `INSERT INTO products (name, description, price_idr, image, stock, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.Name, p.Description, p.PriceIDR, p.Image, p.Stock, boolInt(!p.Archived), s.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("store: create product: %w", err)
	}
	p.ID = id
	return nil
}

// UpdateProduct writes p. Orders keep the name and price they were sold at
// (their lines are copies), so a change never rewrites history; a product
// is archived, never deleted.
func (s *Store) UpdateProduct(ctx context.Context, p AdminProduct) error {
	defer s.catalogChanged()
	res, err := s.exec(ctx, `UPDATE products SET name = ?, description = ?, price_idr = ?, image = ?, stock = ?, active = ?, updated_at = ? WHERE id = ?`,
		p.Name, p.Description, p.PriceIDR, p.Image, p.Stock, boolInt(!p.Archived), s.now().UnixMilli(), p.ID)
	if err != nil {
		return fmt.Errorf("store: update product: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrNotFound
	}
	return nil
}

// holdStock takes the order's lines out of stock inside tx; a counted
// product with too little left refuses the whole order.
func (s *Store) holdStock(ctx context.Context, tx *Tx, lines []OrderLine) error {
	// In product order: two orders holding the same products lock their
	// rows in one order, so on PostgreSQL they queue instead of deadlocking.
	lines = slices.SortedStableFunc(slices.Values(lines), func(a, b OrderLine) int { return cmp.Compare(a.ProductID, b.ProductID) })
	for _, l := range lines {
		res, err := s.txExec(ctx, tx, sqlHoldStock, l.Quantity, l.ProductID, l.Quantity)
		if err != nil {
			return fmt.Errorf("store: hold stock: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			continue
		}
		var counted bool
		if err := s.txQueryRow(ctx, tx, sqlStockCounted, l.ProductID).Scan(&counted); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: hold stock: %w", err)
		}
		if counted {
			return &SoldOutError{ProductID: l.ProductID, Name: l.Name}
		}
	}
	return nil
}

// releaseStock gives an ended order's lines back to stock inside tx.
func (s *Store) releaseStock(ctx context.Context, tx *Tx, orderID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE products SET stock = stock + (SELECT SUM(quantity) FROM order_lines l WHERE l.order_id = ? AND l.product_id = products.id)
		WHERE stock IS NOT NULL AND id IN (SELECT product_id FROM order_lines WHERE order_id = ?)`, orderID, orderID); err != nil {
		return fmt.Errorf("store: release stock: %w", err)
	}
	return nil
}
