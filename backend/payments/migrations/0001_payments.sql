-- Payment sessions, the provider events already handled, and the event tables.

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,              -- the provider's session id
    order_id     TEXT NOT NULL UNIQUE,          -- one session per order
    amount_cents INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('OPEN', 'PAID', 'FAILED', 'EXPIRED')),
    created_at   INTEGER NOT NULL,              -- Unix seconds
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_open ON sessions (expires_at) WHERE status = 'OPEN';

-- Provider webhook events by id: a replayed or re-sent event is recognised and ignored.
CREATE TABLE webhook_events (
    event_id    TEXT PRIMARY KEY,
    received_at INTEGER NOT NULL
);

CREATE TABLE outbox (
    id           TEXT PRIMARY KEY,
    subject      TEXT NOT NULL,
    payload      BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    published_at INTEGER
);
CREATE INDEX outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL;

CREATE TABLE inbox (
    consumer   TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    handled_at INTEGER NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
