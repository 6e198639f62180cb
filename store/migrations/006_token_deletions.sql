-- Tokens a customer removed whose deletion at DOKU
-- (/tokenization/v2/delete-token) has not been confirmed yet. The card row
-- is marked deleted at once, in the same transaction that adds this row;
-- the row goes when DOKU confirms, and is retried until then.
CREATE TABLE token_deletions (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers(id),
    token           TEXT    NOT NULL,
    request_id      TEXT    NOT NULL, -- the same Request-Id on every retry
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    UNIQUE (token)
);
CREATE INDEX token_deletions_due ON token_deletions (next_attempt_at);
