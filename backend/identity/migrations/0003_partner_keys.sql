-- Partner API keys (docs/decisions/0017-partner-api.md): only the SHA-256 of each key is kept,
-- so a leak of this table yields no usable key; and each key's requests per UTC day, added to
-- in batches by every gateway replica.
-- Written in the SQL that SQLite and PostgreSQL both accept.

CREATE TABLE partner_keys (
    id         TEXT PRIMARY KEY,             -- UUID v7
    partner    TEXT NOT NULL,
    tier       TEXT NOT NULL,                -- 'free' or 'partner'
    key_hash   TEXT NOT NULL UNIQUE,         -- SHA-256 (hex) of the whole key
    hint       TEXT NOT NULL,                -- the key's first characters, for people
    created_at TEXT NOT NULL,                -- RFC 3339 UTC, whole seconds
    revoked_at TEXT                          -- set once; a revoked key never works again
);

CREATE TABLE partner_key_usage (
    key_id TEXT NOT NULL REFERENCES partner_keys(id),
    day    BIGINT NOT NULL,                  -- days since 1970-01-01, UTC
    count  BIGINT NOT NULL,
    PRIMARY KEY (key_id, day)
);
