-- Shipments of paid orders and their tracking history. The outbox and inbox are kit's own
-- tables (backend/kit/migrations). Written in the SQL SQLite and PostgreSQL share: BIGINT for
-- every integer.

CREATE TABLE shipments (
    order_id      TEXT PRIMARY KEY,              -- one shipment per order
    user_id       TEXT NOT NULL,                 -- only the owner may see the tracking
    tracking_code TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL,
    next_step_at  BIGINT,                        -- Unix milliseconds; NULL once delivered
    address       TEXT NOT NULL                  -- JSON ShippingAddress
);
CREATE INDEX shipments_due ON shipments (next_step_at) WHERE next_step_at IS NOT NULL;

CREATE TABLE tracking_events (
    order_id TEXT NOT NULL REFERENCES shipments(order_id),
    seq      BIGINT NOT NULL,
    status   TEXT NOT NULL,
    at       TEXT NOT NULL,                      -- RFC 3339
    PRIMARY KEY (order_id, seq)
);
