-- E-mails waiting to be sent (or sent): a receipt is written here when its
-- order is paid, and a sender loop delivers it through SMTP with backoff, so
-- a mail server that is down delays nothing and loses nothing. key makes an
-- enqueue idempotent: one mail per order and kind (receipt:42).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    key             TEXT    NOT NULL UNIQUE,
    order_id        INTEGER REFERENCES orders(id),
    kind            TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    message         BLOB    NOT NULL, -- the RFC 5322 message, as sent
    status          TEXT    NOT NULL DEFAULT 'pending', -- pending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL, -- unix ms
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_created ON outbox(created_at);
-- The sender's catch-up reads order events past this id (an order paid in
-- the instant before a crash still gets its receipt). It starts at the
-- events already there: orders paid before the outbox existed get none.
INSERT INTO settings (key, value) SELECT 'mail_event_cursor', CAST(COALESCE(MAX(id), 0) AS TEXT) FROM order_events;
