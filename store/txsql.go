package store

// The statements the writer runs inside transactions. They are prepared on
// the writer connection when the Store opens: preparing one later, inside a
// transaction, would wait for the very connection the transaction holds.
const (
	sqlCheckoutKeyUsed = `SELECT COUNT(*) FROM orders WHERE checkout_key = ?`
	sqlCartBusyOrder   = `SELECT id, invoice, ref, status FROM orders
WHERE cart_id = ? AND status IN ('CREATED', 'CHARGING', 'PENDING', 'AWAITING_PAYMENT')
ORDER BY id DESC LIMIT 1`
	sqlSupersedeEvents = `INSERT INTO order_events (order_id, from_status, to_status, reason, at)
SELECT id, status, 'FAILED', 'superseded by a new checkout of the cart', ? FROM orders
WHERE cart_id = ? AND status = 'AWAITING_3DS'`
	sqlSupersede3DS = `UPDATE orders SET status = 'FAILED', response_message = '3-D Secure was not completed',
next_check_at = NULL, updated_at = ?
WHERE cart_id = ? AND status = 'AWAITING_3DS'`
	sqlCreateCart  = `INSERT INTO carts (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`
	sqlAddCartItem = `INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (?, ?, MIN(?, ?))
ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = MIN(quantity + excluded.quantity, ?)`
	sqlInsertOrder = `INSERT INTO orders (invoice, ref, checkout_key, customer_id, cart_id, mode, status, amount_idr,
name, email, phone, address, country, card_masked, card_brand, card_expiry, card_token, save_card,
threeds_request_id, charge_request_id, created_at, updated_at, next_check_at)
VALUES (?, ?, NULLIF(?, ''), NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0))`
	sqlInsertOrderLine    = `INSERT INTO order_lines (order_id, product_id, name, price_idr, quantity) VALUES (?, ?, ?, ?, ?)`
	sqlInsertCreatedEvent = `INSERT INTO order_events (order_id, from_status, to_status, reason, at) VALUES (?, '', ?, 'created', ?)`
	sqlOrderStatus        = `SELECT status, cart_id FROM orders WHERE id = ?`
	sqlUpdateOrderState   = `UPDATE orders SET
status             = ?,
threeds_request_id = COALESCE(NULLIF(?, ''), threeds_request_id),
auth_id            = COALESCE(NULLIF(?, ''), auth_id),
auth_url           = COALESCE(NULLIF(?, ''), auth_url),
charge_request_id  = COALESCE(NULLIF(?, ''), charge_request_id),
payment_url        = COALESCE(NULLIF(?, ''), payment_url),
card_masked        = COALESCE(NULLIF(?, ''), card_masked),
card_brand         = COALESCE(NULLIF(?, ''), card_brand),
approval_code      = COALESCE(NULLIF(?, ''), approval_code),
response_code      = COALESCE(NULLIF(?, ''), response_code),
response_message   = COALESCE(NULLIF(?, ''), response_message),
next_check_at      = CASE WHEN ? THEN NULL ELSE COALESCE(?, next_check_at) END,
updated_at         = ?
WHERE id = ? AND status = ?`
	sqlInsertEvent = `INSERT INTO order_events (order_id, from_status, to_status, reason, at) VALUES (?, ?, ?, ?, ?)`
	sqlEmptyCart   = `DELETE FROM cart_items WHERE cart_id = ?`
)

var txQueries = []string{
	sqlCheckoutKeyUsed,
	sqlCartBusyOrder,
	sqlSupersedeEvents,
	sqlSupersede3DS,
	sqlCreateCart,
	sqlAddCartItem,
	sqlInsertOrder,
	sqlInsertOrderLine,
	sqlInsertCreatedEvent,
	sqlOrderStatus,
	sqlUpdateOrderState,
	sqlInsertEvent,
	sqlEmptyCart,
}
