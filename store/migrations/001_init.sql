-- Settings the app generates once and keeps (session keys).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    price_idr   INTEGER NOT NULL CHECK (price_idr > 0),
    image       TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE customers (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT    NOT NULL UNIQUE, -- customer.id sent to DOKU
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE carts (
    id         TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
);

CREATE TABLE cart_items (
    cart_id    TEXT    NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    PRIMARY KEY (cart_id, product_id)
);

-- An order is written before any call to DOKU and moves through explicit
-- states by conditional updates (see order.go). It never holds a PAN or CVV.
CREATE TABLE orders (
    id                  INTEGER PRIMARY KEY,
    invoice             TEXT    NOT NULL UNIQUE,
    ref                 TEXT    NOT NULL UNIQUE, -- unguessable, in the 3DS callback URLs
    checkout_key        TEXT    UNIQUE,          -- one order per rendered checkout form
    customer_id         INTEGER REFERENCES customers(id),
    cart_id             TEXT    NOT NULL DEFAULT '',
    mode                TEXT    NOT NULL,        -- direct | hosted
    status              TEXT    NOT NULL,
    amount_idr          INTEGER NOT NULL CHECK (amount_idr > 0),
    name                TEXT    NOT NULL,
    email               TEXT    NOT NULL,
    phone               TEXT    NOT NULL,
    address             TEXT    NOT NULL,
    country             TEXT    NOT NULL,
    card_masked         TEXT    NOT NULL DEFAULT '',
    card_brand          TEXT    NOT NULL DEFAULT '',
    card_expiry         TEXT    NOT NULL DEFAULT '',
    card_token          TEXT    NOT NULL DEFAULT '', -- DOKU token of the saved card used
    save_card           INTEGER NOT NULL DEFAULT 0,
    threeds_request_id  TEXT    NOT NULL DEFAULT '',
    auth_id             TEXT    NOT NULL DEFAULT '',
    auth_url            TEXT    NOT NULL DEFAULT '',
    charge_request_id   TEXT    NOT NULL DEFAULT '',
    payment_url         TEXT    NOT NULL DEFAULT '',
    approval_code       TEXT    NOT NULL DEFAULT '',
    response_code       TEXT    NOT NULL DEFAULT '',
    response_message    TEXT    NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    next_check_at       INTEGER,              -- unix ms; set while the outcome is open
    check_attempts      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orders_customer ON orders(customer_id, created_at);
CREATE INDEX orders_next_check ON orders(next_check_at) WHERE next_check_at IS NOT NULL;

CREATE TABLE order_lines (
    order_id   INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    price_idr  INTEGER NOT NULL,
    quantity   INTEGER NOT NULL
);
CREATE INDEX order_lines_order ON order_lines(order_id);

-- Every state change, for the merchant and for an audit.
CREATE TABLE order_events (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX order_events_order ON order_events(order_id);

CREATE TABLE saved_cards (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    token       TEXT    NOT NULL,
    masked      TEXT    NOT NULL,
    brand       TEXT    NOT NULL,
    expiry      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    deleted_at  INTEGER, -- kept so a token sync does not bring a removed card back
    UNIQUE (customer_id, token)
);
