-- The back office's people: staff accounts apart from shoppers, their
-- server-side sessions (a session is valid only while its row exists and
-- it was used recently), and the audit record of every change they make.
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT    NOT NULL CHECK (role IN ('owner', 'staff')),
    password_hash TEXT    NOT NULL,
    totp_secret   TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER
);

-- The cookie carries a random token; only its SHA-256 is kept, so a copy
-- of the database opens no session.
CREATE TABLE staff_sessions (
    token_hash   TEXT    PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions(staff_id);

-- Who changed what, when, and the value before and after (JSON).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    staff_id    INTEGER NOT NULL,
    staff_email TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    before      TEXT    NOT NULL DEFAULT '',
    after       TEXT    NOT NULL DEFAULT '',
    at          INTEGER NOT NULL
);
CREATE INDEX audit_log_target ON audit_log(target, id);
