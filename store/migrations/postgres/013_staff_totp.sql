-- An owner's optional TOTP second factor. totp_secret (010) holds the
-- secret once enabled; totp_pending the one shown while it is being set up
-- (it takes effect only when a current code confirms it); totp_last_step the
-- last time step a code was accepted for, so a code is not accepted twice.
ALTER TABLE staff ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- A login whose password was right and whose code is still to come: the
-- cookie carries a random token, only its SHA-256 is kept. It opens nothing
-- but the code form, and only for a few minutes.
CREATE TABLE staff_login_challenges (
    token_hash TEXT   PRIMARY KEY,
    staff_id   BIGINT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
