-- A login is valid only while its row exists: logging out deletes it, so a
-- copied session cookie stops working at once.
CREATE TABLE login_sessions (
    sid         TEXT   PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX login_sessions_customer ON login_sessions(customer_id);
