-- A guest's receipt link has its own key, never sent to DOKU or the issuer
-- (the 3-D Secure reference is); a customer's order has none.
ALTER TABLE orders ADD COLUMN receipt_key TEXT NOT NULL DEFAULT '';
-- When a DOKU Checkout link stops being payable (unix ms): the order closes
-- once it has passed without a payment.
ALTER TABLE orders ADD COLUMN payment_expires_at BIGINT NOT NULL DEFAULT 0;
-- The charge's Electronic Commerce Indicator: whether 3-D Secure shifted
-- the fraud liability to the issuer.
ALTER TABLE orders ADD COLUMN eci TEXT NOT NULL DEFAULT '';
