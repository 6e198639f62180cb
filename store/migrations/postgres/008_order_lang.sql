-- Twin of ../008_order_lang.sql (the shopper pages' translation): the
-- language an order was placed in, for its receipt and e-mails.
ALTER TABLE orders ADD COLUMN lang TEXT NOT NULL DEFAULT 'id';
