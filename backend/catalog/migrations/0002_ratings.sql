-- The catalog's copy of each product's rating, kept from reviews.rating-changed events.
-- No foreign key to products: an event may name a product this copy does not list (yet).
CREATE TABLE product_ratings (
    product_id INTEGER PRIMARY KEY,
    average    REAL    NOT NULL CHECK (average >= 0 AND average <= 5),
    count      INTEGER NOT NULL CHECK (count >= 0),
    -- The reviews service's per-product change number: only a newer one replaces a row.
    revision   INTEGER NOT NULL CHECK (revision >= 1)
);
CREATE INDEX product_ratings_best ON product_ratings(average DESC, count DESC, product_id);

-- Which copy of the rating projection this database holds. Its JetStream consumer is named
-- after it, so a lost database comes back with a new id and replays the REVIEWS stream.
CREATE TABLE projection_copy (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    copy_id  TEXT NOT NULL
);
