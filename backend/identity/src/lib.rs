//! The identity service: owns accounts, password hashes, sign-in sessions and signing keys.
//!
//! HTTP (through the gateway at `/api/identity`): `POST /users` (register and sign in),
//! `POST /sessions` (sign in), `POST /sessions/refresh` (rotate the refresh token),
//! `DELETE /sessions/current` (sign out), `GET /me`, `GET /.well-known/jwks.json`,
//! `GET /openapi.json`, plus health and metrics.
//! NATS: answers `identity.jwks` so services verify access tokens without a shared secret.
//! Partner API keys (docs/decisions/0017): issued, listed and revoked at `/admin/partner-keys`
//! with `ADMIN_TOKEN`, stored as SHA-256 hashes, looked up by the gateway on
//! `identity.partner-key` (which also adds the gateway's batch of counted requests).
//!
//! Access tokens are short-lived Ed25519 JWTs; refresh tokens are random, stored hashed, rotate
//! on every use, and a reused one revokes its whole session family. Failed sign-ins are
//! counted per account and per client address, registrations per address, in its database
//! (shared by replicas), and over a limit answered 429 (docs/decisions/0013). It must never log a
//! password or a token, and knows nothing of carts, orders or the catalog.

pub mod attempts;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod partner_keys;
pub mod routes;
pub mod signing;
pub mod startup;
pub mod state;
pub mod store;
pub mod throttle;
