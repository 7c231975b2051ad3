-- Carts of users and of anonymous visitors. (The inbox of events this service has handled is
-- kit's own table.) Written in the SQL that SQLite and PostgreSQL both accept.

CREATE TABLE carts (
    id         TEXT PRIMARY KEY,          -- UUID; a visitor's cart id travels in an HttpOnly cookie
    user_id    TEXT UNIQUE,               -- NULL while the cart belongs to a visitor
    created_at BIGINT NOT NULL,           -- Unix milliseconds
    updated_at BIGINT NOT NULL
);

CREATE TABLE cart_lines (
    cart_id           TEXT NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
    product_id        BIGINT NOT NULL,
    quantity          BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 10),
    added_price_cents BIGINT NOT NULL,    -- the price when added, to tell the shopper it moved
    added_at          BIGINT NOT NULL,
    PRIMARY KEY (cart_id, product_id)
);
