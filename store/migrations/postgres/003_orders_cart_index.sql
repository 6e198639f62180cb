-- Creating an order checks the cart's other orders (one payment per cart at
-- a time) inside the write lock: without this index that is a full scan.
CREATE INDEX orders_cart ON orders(cart_id, status);
