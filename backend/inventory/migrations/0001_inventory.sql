-- Stock per product, the reservations the checkout saga holds, and the event tables.

CREATE TABLE stock (
    product_id INTEGER PRIMARY KEY,
    on_hand    INTEGER NOT NULL CHECK (on_hand >= 0),
    reserved   INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand)
);

-- One row per order line; state moves HELD → COMMITTED (paid) or RELEASED (cancelled).
CREATE TABLE reservations (
    order_id   TEXT NOT NULL,
    product_id INTEGER NOT NULL,
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    state      TEXT NOT NULL CHECK (state IN ('HELD', 'COMMITTED', 'RELEASED')),
    PRIMARY KEY (order_id, product_id)
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
