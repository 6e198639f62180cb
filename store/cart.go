package store

import (
	"context"
	"fmt"
)

// MaxQuantity is the most of one product a cart line holds.
const MaxQuantity = 99

// CartLine is a cart item priced from the catalog at read time.
type CartLine struct {
	ProductID int64
	Name      string
	PriceIDR  int64
	Quantity  int
}

// CreateCart stores a new empty cart under id.
func (s *Store) CreateCart(ctx context.Context, id string) error {
	if _, err := s.exec(ctx, `INSERT INTO carts (id, created_at) VALUES (?, ?)`, id, s.now().Unix()); err != nil {
		return fmt.Errorf("store: create cart: %w", err)
	}
	return nil
}

// CartLines returns the lines of a cart with current catalog prices, for
// showing: kept between writes (keptReads).
func (s *Store) CartLines(ctx context.Context, cartID string) ([]CartLine, error) {
	return s.cartCache.get(cartID, func() ([]CartLine, error) { return s.CartLinesToOrder(ctx, cartID) })
}

// CartLinesToOrder is CartLines read from the database: what an order is
// priced from never comes from a cache.
func (s *Store) CartLinesToOrder(ctx context.Context, cartID string) ([]CartLine, error) {
	rows, err := s.query(ctx, `
		SELECT p.id, p.name, p.price_idr, ci.quantity
		FROM cart_items ci JOIN products p ON p.id = ci.product_id
		WHERE ci.cart_id = ? AND p.active = 1
		ORDER BY p.id`, cartID)
	if err != nil {
		return nil, fmt.Errorf("store: cart lines: %w", err)
	}
	defer rows.Close()
	var out []CartLine
	for rows.Next() {
		var l CartLine
		if err := rows.Scan(&l.ProductID, &l.Name, &l.PriceIDR, &l.Quantity); err != nil {
			return nil, fmt.Errorf("store: scan cart line: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// AddToCart adds quantity of a product, capping the line at MaxQuantity.
// A cart seen for the first time is created in the same transaction: one
// commit (one fsync) instead of two.
func (s *Store) AddToCart(ctx context.Context, cartID string, productID int64, quantity int) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: add to cart: %w", err)
	}
	defer tx.Rollback()
	if _, err := s.txExec(ctx, tx, sqlCreateCart,
		cartID, s.now().Unix()); err != nil {
		return fmt.Errorf("store: add to cart: create cart: %w", err)
	}
	add := sqlAddCartItem
	if s.pg {
		add = sqlAddCartItemPG
	}
	if _, err := s.txExec(ctx, tx, add,
		cartID, productID, quantity, MaxQuantity, MaxQuantity); err != nil {
		return fmt.Errorf("store: add to cart: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: add to cart: commit: %w", err)
	}
	return nil
}

// SetCartQuantity sets a line's quantity; 0 removes it.
func (s *Store) SetCartQuantity(ctx context.Context, cartID string, productID int64, quantity int) error {
	var err error
	if quantity == 0 {
		_, err = s.exec(ctx, `DELETE FROM cart_items WHERE cart_id = ? AND product_id = ?`, cartID, productID)
	} else {
		_, err = s.exec(ctx, `
			INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (?, ?, ?)
			ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity`,
			cartID, productID, quantity)
	}
	if err != nil {
		return fmt.Errorf("store: set cart quantity: %w", err)
	}
	return nil
}

// ClearCart empties a cart.
func (s *Store) ClearCart(ctx context.Context, cartID string) error {
	if _, err := s.exec(ctx, `DELETE FROM cart_items WHERE cart_id = ?`, cartID); err != nil {
		return fmt.Errorf("store: clear cart: %w", err)
	}
	return nil
}

// MoveCart gives everything of cart from to a new cart id to, in one write
// transaction: its items and its orders. Login calls it, so that a copy of
// the pre-login cookie no longer shares the customer's cart, while an order
// already under way for those items keeps the new cart busy (one payment per
// cart) and still empties it when it succeeds.
func (s *Store) MoveCart(ctx context.Context, from, to string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: move cart: %w", err)
	}
	defer tx.Rollback()
	for _, id := range []string{min(from, to), max(from, to)} { // one order: no deadlock
		if err := s.lockCart(ctx, tx, id); err != nil {
			return fmt.Errorf("store: move cart: %w", err)
		}
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{sqlCreateCart, []any{to, s.now().Unix()}},
		{sqlMoveCartItems, []any{to, from}},
		{sqlEmptyCart, []any{from}},
		{sqlMoveCartOrders, []any{to, from}},
	} {
		if _, err := s.txExec(ctx, tx, q.sql, q.args...); err != nil {
			return fmt.Errorf("store: move cart: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: move cart: commit: %w", err)
	}
	return nil
}
