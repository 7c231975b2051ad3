-- Accounts, sign-in sessions and the keys that sign access tokens.
-- Written in the SQL that SQLite and PostgreSQL both accept.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,              -- UUID v7
    email         TEXT NOT NULL UNIQUE,          -- lower-cased
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,                 -- argon2id PHC string
    created_at    TEXT NOT NULL                  -- RFC 3339 UTC, whole seconds (set by the service)
);

-- One family per sign-in: every refresh token descending from that sign-in belongs to it,
-- so reuse of any old token revokes them all at once.
CREATE TABLE session_families (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id),
    created_at     BIGINT NOT NULL,              -- Unix seconds
    revoked_at     BIGINT,
    revoked_reason TEXT
);

-- Refresh tokens are stored only as SHA-256 hashes: a database leak yields no usable token.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL REFERENCES session_families(id),
    expires_at BIGINT NOT NULL,
    used_at    BIGINT                            -- set when rotated; any later use is reuse
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);

-- Ed25519 keys, newest first by created_at; the newest signs, older ones still verify.
CREATE TABLE signing_keys (
    kid           TEXT PRIMARY KEY,
    private_pkcs8 BYTEA NOT NULL,
    public_key    BYTEA NOT NULL,
    created_at    BIGINT NOT NULL                -- Unix seconds
);
