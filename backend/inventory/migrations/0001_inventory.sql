-- Stock per product and the reservations the checkout saga holds. The outbox and inbox are
-- kit's own tables (backend/kit/migrations). Written in the SQL SQLite and PostgreSQL share:
-- BIGINT for every integer.

CREATE TABLE stock (
    product_id BIGINT PRIMARY KEY,
    on_hand    BIGINT NOT NULL CHECK (on_hand >= 0),
    reserved   BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand)
);

-- One row per order line; state moves HELD → COMMITTED (paid) or RELEASED (cancelled).
CREATE TABLE reservations (
    order_id   TEXT NOT NULL,
    product_id BIGINT NOT NULL,
    quantity   BIGINT NOT NULL CHECK (quantity > 0),
    state      TEXT NOT NULL CHECK (state IN ('HELD', 'COMMITTED', 'RELEASED')),
    PRIMARY KEY (order_id, product_id)
);
