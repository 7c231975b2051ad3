-- Sign-in attempts not (yet) shown to be the account owner's, and registrations, counted in
-- sliding windows per account and per client address (docs/decisions/0013). In the database
-- every replica shares, so the limits hold however many replicas run.
-- Written in the SQL that SQLite and PostgreSQL both accept.

CREATE TABLE credential_attempts (
    id      TEXT PRIMARY KEY,        -- UUID v7
    kind    TEXT NOT NULL,           -- 'sign-in' or 'register'
    account TEXT NOT NULL,           -- SHA-256 (hex) of the normalised email: no address of a
                                     -- stranger who mistyped theirs is kept here
    address TEXT NOT NULL,           -- client address: IPv4, or an IPv6 /64
    at      BIGINT NOT NULL          -- Unix milliseconds
);
CREATE INDEX credential_attempts_by_account ON credential_attempts (account, kind, at);
CREATE INDEX credential_attempts_by_address ON credential_attempts (address, kind, at);
-- For the sweep that forgets attempts older than every window.
CREATE INDEX credential_attempts_by_time ON credential_attempts (at);
