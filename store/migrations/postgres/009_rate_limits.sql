-- Rate limits shared by every instance (used on PostgreSQL; one SQLite
-- process keeps them in memory): one row per limited key, holding the
-- token bucket as GCRA's "theoretical arrival time" in unix ms. A key
-- whose tat has passed is a full bucket, and its row may go.
CREATE TABLE rate_limits (
    key TEXT    PRIMARY KEY,
    tat BIGINT  NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits(tat);
