-- Orders with their lines and history. Portable SQL: SQLite and PostgreSQL run this file as
-- it is (kit::db). The outbox and inbox are kit's own tables.

CREATE TABLE orders (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL,
    status           TEXT NOT NULL,
    total_cents      BIGINT NOT NULL,
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
    product_id       BIGINT NOT NULL,
    name             TEXT NOT NULL,
    quantity         BIGINT NOT NULL,
    unit_price_cents BIGINT NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

CREATE TABLE order_history (
    order_id TEXT NOT NULL REFERENCES orders(id),
    seq      BIGINT NOT NULL,
    status   TEXT NOT NULL,
    at       TEXT NOT NULL,
    reason   TEXT,
    PRIMARY KEY (order_id, seq)
);
