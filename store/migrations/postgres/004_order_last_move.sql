-- The lifecycle move (payment/lifecycle.go) that set an order's status: the
-- receipt tells a declined attempt on DOKU Checkout from a link not yet
-- used by it, not by parsing texts.
ALTER TABLE orders ADD COLUMN last_move TEXT NOT NULL DEFAULT '';
