-- Optional stock: NULL is not counted. An open order holds its lines'
-- stock (taken when the order is written) and gives it back when it fails.
ALTER TABLE products ADD COLUMN stock BIGINT CHECK (stock IS NULL OR stock >= 0);
ALTER TABLE products ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
