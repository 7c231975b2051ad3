-- kit's own tables, in every service's database (kit::db::connect runs this before the
-- service's migrations). Versions from 1000000001 up are kit's; a service numbers from 1.

-- The transactional outbox (kit::outbox): an event written with the change it announces.
CREATE TABLE IF NOT EXISTS outbox (
    id           TEXT PRIMARY KEY,   -- the envelope id = Nats-Msg-Id
    subject      TEXT NOT NULL,
    payload      BYTEA NOT NULL,     -- the JSON envelope
    created_at   BIGINT NOT NULL,    -- Unix milliseconds, publication order
    published_at BIGINT
);
CREATE INDEX IF NOT EXISTS outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL;

-- Idempotent consumers (kit::inbox): the ids of events a consumer has handled.
CREATE TABLE IF NOT EXISTS inbox (
    consumer   TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    handled_at BIGINT NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
