package store

// The statements the writer runs inside transactions. (A number compared
// with 0 is CAST to BIGINT: PostgreSQL would otherwise type the parameter
// from the literal as a 32-bit integer, too small for unix ms.) They are prepared on
// the writer connection when the Store opens: preparing one later, inside a
// transaction, would wait for the very connection the transaction holds.
const (
	sqlCheckoutKeyUsed = `SELECT COUNT(*) FROM orders WHERE checkout_key = ?`
	sqlCartOrders      = `SELECT id, invoice, ref, status, cart_id FROM orders WHERE cart_id = ? ORDER BY id DESC`
	sqlCreateCart      = `INSERT INTO carts (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`
	sqlAddCartItem     = `INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (?, ?, MIN(?, ?))
ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = MIN(quantity + excluded.quantity, ?)`
	// PostgreSQL's two-argument minimum is LEAST.
	sqlAddCartItemPG = `INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (?, ?, LEAST(CAST(? AS INTEGER), CAST(? AS INTEGER)))
ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = LEAST(cart_items.quantity + excluded.quantity, CAST(? AS INTEGER))`
	sqlInsertOrder = `INSERT INTO orders (invoice, ref, receipt_key, checkout_key, customer_id, cart_id, mode, status, amount_idr,
name, email, phone, address, country, card_masked, card_brand, card_expiry, card_token, save_card,
threeds_request_id, charge_request_id, created_at, updated_at, next_check_at, lang)
VALUES (?, ?, ?, NULLIF(?, ''), NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)`
	sqlInsertOrderLine    = `INSERT INTO order_lines (order_id, product_id, name, price_idr, quantity) VALUES (?, ?, ?, ?, ?)`
	sqlInsertCreatedEvent = `INSERT INTO order_events (order_id, from_status, to_status, reason, at) VALUES (?, '', ?, 'created', ?)`
	sqlOrderStatus        = `SELECT status, cart_id FROM orders WHERE id = ?`
	sqlUpdateOrderState   = `UPDATE orders SET
status             = ?,
last_move          = ?,
threeds_request_id = COALESCE(NULLIF(?, ''), threeds_request_id),
auth_id            = COALESCE(NULLIF(?, ''), auth_id),
auth_url           = COALESCE(NULLIF(?, ''), auth_url),
charge_request_id  = COALESCE(NULLIF(?, ''), charge_request_id),
payment_url        = COALESCE(NULLIF(?, ''), payment_url),
payment_expires_at = COALESCE(NULLIF(CAST(? AS BIGINT), 0), payment_expires_at),
card_masked        = COALESCE(NULLIF(?, ''), card_masked),
card_brand         = COALESCE(NULLIF(?, ''), card_brand),
approval_code      = COALESCE(NULLIF(?, ''), approval_code),
eci                = COALESCE(NULLIF(?, ''), eci),
response_code      = COALESCE(NULLIF(?, ''), response_code),
response_message   = COALESCE(NULLIF(?, ''), response_message),
next_check_at      = CASE WHEN ? THEN NULL ELSE COALESCE(?, next_check_at) END,
updated_at         = ?
WHERE id = ? AND status = ?`
	sqlInsertEvent = `INSERT INTO order_events (order_id, from_status, to_status, reason, at) VALUES (?, ?, ?, ?, ?)`
	sqlEmptyCart   = `DELETE FROM cart_items WHERE cart_id = ?`

	sqlMoveCartItems  = `INSERT INTO cart_items (cart_id, product_id, quantity) SELECT ?, product_id, quantity FROM cart_items WHERE cart_id = ?`
	sqlMoveCartOrders = `UPDATE orders SET cart_id = ? WHERE cart_id = ?`

	// Stock held by an order in the transaction that creates it.
	sqlHoldStock    = `UPDATE products SET stock = stock - ? WHERE id = ? AND stock IS NOT NULL AND stock >= ?`
	sqlStockCounted = `SELECT stock IS NOT NULL FROM products WHERE id = ?`
)

var txQueries = []string{
	sqlCheckoutKeyUsed,
	sqlCartOrders,
	sqlCreateCart,
	sqlAddCartItem,
	sqlInsertOrder,
	sqlInsertOrderLine,
	sqlInsertCreatedEvent,
	sqlOrderStatus,
	sqlUpdateOrderState,
	sqlInsertEvent,
	sqlEmptyCart,
	sqlMoveCartItems,
	sqlMoveCartOrders,
	sqlHoldStock,
	sqlStockCounted,
}
