-- The sandbox provider's own records: its Checkout Sessions as a provider keeps them, apart
-- from payments' `sessions` (which hold the store's view). Payments reaches these only over
-- the sandbox's HTTP API, as it would reach Stripe.

CREATE TABLE sandbox_sessions (
    id                  TEXT PRIMARY KEY,        -- cs_test_…
    idempotency_key     TEXT UNIQUE,             -- the creating request's Idempotency-Key
    amount_total        BIGINT NOT NULL,         -- minor units
    currency            TEXT NOT NULL,           -- lower-case ISO 4217
    product_name        TEXT NOT NULL,           -- the first line's, for the pay page
    client_reference_id TEXT,
    metadata            TEXT NOT NULL,           -- JSON object of strings
    success_url         TEXT NOT NULL,
    cancel_url          TEXT,
    status              TEXT NOT NULL CHECK (status IN ('open', 'complete', 'expired')),
    payment_status      TEXT NOT NULL CHECK (payment_status IN ('paid', 'unpaid')),
    created             BIGINT NOT NULL,         -- Unix seconds
    expires_at          BIGINT NOT NULL
);
