-- Orders with their lines and history, and the event tables.

CREATE TABLE orders (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL,
    status           TEXT NOT NULL,
    total_cents      INTEGER NOT NULL,
    address          TEXT NOT NULL,          -- JSON ShippingAddress
    checkout_url     TEXT,
    tracking_code    TEXT,
    idempotency_key  TEXT,                   -- the client's key: the same key never places twice
    placed_at        TEXT NOT NULL,          -- RFC 3339
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX orders_by_user ON orders (user_id, placed_at);

CREATE TABLE order_lines (
    order_id         TEXT NOT NULL REFERENCES orders(id),
    product_id       INTEGER NOT NULL,
    name             TEXT NOT NULL,
    quantity         INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

CREATE TABLE order_history (
    order_id TEXT NOT NULL REFERENCES orders(id),
    seq      INTEGER NOT NULL,
    status   TEXT NOT NULL,
    at       TEXT NOT NULL,
    reason   TEXT,
    PRIMARY KEY (order_id, seq)
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
