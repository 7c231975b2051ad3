-- Payment sessions and the provider events already handled. The outbox and inbox are kit's
-- own tables (backend/kit/migrations). Written in the SQL SQLite and PostgreSQL share:
-- BIGINT for every integer.

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,              -- the provider's session id
    order_id     TEXT NOT NULL UNIQUE,          -- one session per order
    amount_cents BIGINT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('OPEN', 'PAID', 'FAILED', 'EXPIRED')),
    created_at   BIGINT NOT NULL,               -- Unix seconds
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_open ON sessions (expires_at) WHERE status = 'OPEN';

-- Provider webhook events by id: a replayed or re-sent event is recognised and ignored.
CREATE TABLE webhook_events (
    event_id    TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL
);
