-- Catalog: categories, products and a full-text index over them.
CREATE TABLE categories (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents > 0),
    -- Storefront order when no sort is chosen ("Featured"): set by merchandising, seeded to mix categories.
    featured_rank INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX products_by_category ON products(category_id, id);
CREATE INDEX products_by_price ON products(price_cents, id);
CREATE INDEX products_by_name ON products(name COLLATE NOCASE, id);
CREATE INDEX products_by_feature ON products(featured_rank, id);

-- External-content FTS5 index kept in sync by triggers; prefix indexes make "kett*" cheap.
CREATE VIRTUAL TABLE products_fts USING fts5(
    name, description, content='products', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='2 3 4'
);
CREATE TRIGGER products_ai AFTER INSERT ON products BEGIN
    INSERT INTO products_fts(rowid, name, description) VALUES (new.id, new.name, new.description);
END;
CREATE TRIGGER products_ad AFTER DELETE ON products BEGIN
    INSERT INTO products_fts(products_fts, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
END;
CREATE TRIGGER products_au AFTER UPDATE ON products BEGIN
    INSERT INTO products_fts(products_fts, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
    INSERT INTO products_fts(rowid, name, description) VALUES (new.id, new.name, new.description);
END;
