-- Reviews, the votes and reports on them, each product's rating revision, and the event tables.

CREATE TABLE reviews (
    id         TEXT PRIMARY KEY,
    product_id INTEGER NOT NULL,
    user_id    TEXT NOT NULL,
    author     TEXT NOT NULL,                          -- display name when written
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,                          -- plain text; never rendered as HTML
    verified   INTEGER NOT NULL DEFAULT 0,             -- the author bought the product
    created_at TEXT NOT NULL,                          -- RFC 3339
    edited_at  TEXT,
    helpful    INTEGER NOT NULL DEFAULT 0,
    hidden     INTEGER NOT NULL DEFAULT 0,             -- reported by enough users
    UNIQUE (product_id, user_id)                       -- one review per user per product
);
CREATE INDEX reviews_by_product ON reviews (product_id, hidden, created_at DESC);

CREATE TABLE helpful_votes (
    review_id TEXT NOT NULL REFERENCES reviews(id),
    user_id   TEXT NOT NULL,
    PRIMARY KEY (review_id, user_id)
);

CREATE TABLE reports (
    review_id TEXT NOT NULL REFERENCES reviews(id),
    user_id   TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (review_id, user_id)
);

-- Bumped with every change of a product's rating; carried by reviews.rating-changed so the
-- catalog's copy ignores older or repeated events.
CREATE TABLE rating_revisions (
    product_id INTEGER PRIMARY KEY,
    revision   INTEGER NOT NULL
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
