-- Reviews, the votes and reports on them, and each product's rating revision. (The outbox and
-- inbox are kit's own tables.) Written in the SQL that SQLite and PostgreSQL both accept; flags
-- are BIGINT 0/1, which both read back the same way.

CREATE TABLE reviews (
    id         TEXT PRIMARY KEY,
    product_id BIGINT NOT NULL,
    user_id    TEXT NOT NULL,
    author     TEXT NOT NULL,                          -- display name when written
    rating     BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,                          -- plain text; never rendered as HTML
    verified   BIGINT NOT NULL DEFAULT 0,              -- 1: the author bought the product
    created_at TEXT NOT NULL,                          -- RFC 3339
    edited_at  TEXT,
    helpful    BIGINT NOT NULL DEFAULT 0,
    hidden     BIGINT NOT NULL DEFAULT 0,              -- 1: reported by enough users
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
    product_id BIGINT PRIMARY KEY,
    revision   BIGINT NOT NULL
);
