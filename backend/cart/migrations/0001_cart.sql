-- Carts of users and of anonymous visitors, and the events this service has handled.

CREATE TABLE carts (
    id         TEXT PRIMARY KEY,          -- UUID; a visitor's cart id travels in an HttpOnly cookie
    user_id    TEXT UNIQUE,               -- NULL while the cart belongs to a visitor
    created_at INTEGER NOT NULL,          -- Unix milliseconds
    updated_at INTEGER NOT NULL
);

CREATE TABLE cart_lines (
    cart_id           TEXT NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
    product_id        INTEGER NOT NULL,
    quantity          INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10),
    added_price_cents INTEGER NOT NULL,   -- the price when added, to tell the shopper it moved
    added_at          INTEGER NOT NULL,
    PRIMARY KEY (cart_id, product_id)
);

CREATE TABLE inbox (
    consumer   TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    handled_at INTEGER NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
