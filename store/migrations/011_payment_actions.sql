-- Money actions on a paid or authorised order (capture, void, refund). Each
-- is written, with its own Request-Id, before DOKU is called: a lost answer
-- leaves it PENDING for the reconciler, which asks again under the same
-- Request-Id, never a new one. form_key makes a form sent twice one action.
CREATE TABLE payment_actions (
    id             INTEGER PRIMARY KEY,
    order_id       INTEGER NOT NULL REFERENCES orders(id),
    kind           TEXT    NOT NULL CHECK (kind IN ('capture', 'void', 'refund')),
    amount_idr     INTEGER NOT NULL CHECK (amount_idr > 0),
    request_id     TEXT    NOT NULL UNIQUE,
    form_key       TEXT    UNIQUE,
    status         TEXT    NOT NULL CHECK (status IN ('PENDING', 'SUCCESS', 'FAILED')),
    staff_id       INTEGER NOT NULL,
    staff_email    TEXT    NOT NULL,
    response_code  TEXT    NOT NULL DEFAULT '',
    reason         TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    next_check_at  INTEGER,
    check_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX payment_actions_order ON payment_actions(order_id, id);
CREATE INDEX payment_actions_next_check ON payment_actions(next_check_at) WHERE next_check_at IS NOT NULL;

-- An AUTHORIZE charge's authorize_id (for its capture), and the running
-- totals the money actions keep: captured (a sale captures its amount when
-- paid) and refunded.
ALTER TABLE orders ADD COLUMN authorize_id TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN captured_idr INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN refunded_idr INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET captured_idr = amount_idr WHERE status = 'SUCCESS';

-- The back office's order list: newest first by status, and by date.
CREATE INDEX orders_status_id ON orders(status, id);
CREATE INDEX orders_created ON orders(created_at);
CREATE INDEX orders_email ON orders(email COLLATE NOCASE);
