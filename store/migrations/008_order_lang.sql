-- The shopper's language at checkout ("id" or "en"): the order's e-mails
-- are written in it. Orders from before it read '' (their pages were in
-- English then).
ALTER TABLE orders ADD COLUMN lang TEXT NOT NULL DEFAULT '';
