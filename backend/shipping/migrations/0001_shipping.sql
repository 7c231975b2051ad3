-- Shipments of paid orders, their tracking history, and the event tables.

CREATE TABLE shipments (
    order_id      TEXT PRIMARY KEY,              -- one shipment per order
    user_id       TEXT NOT NULL,                 -- only the owner may see the tracking
    tracking_code TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL,
    next_step_at  INTEGER,                       -- Unix milliseconds; NULL once delivered
    address       TEXT NOT NULL                  -- JSON ShippingAddress
);
CREATE INDEX shipments_due ON shipments (next_step_at) WHERE next_step_at IS NOT NULL;

CREATE TABLE tracking_events (
    order_id TEXT NOT NULL REFERENCES shipments(order_id),
    seq      INTEGER NOT NULL,
    status   TEXT NOT NULL,
    at       TEXT NOT NULL,                      -- RFC 3339
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
