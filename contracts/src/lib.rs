//! Mercado's contracts: every fact that crosses a process or module boundary, defined once.
//!
//! The browser (shell and micro-frontends) and the services all depend on this crate, so a
//! DTO, an event name or a NATS subject can never drift between a producer and its consumers.
//! It holds serde types and constants only — no I/O, no business rules — and compiles for
//! both `wasm32-unknown-unknown` and native targets.
//!
//! Changes are additive: a new optional field is fine; a breaking change is a new type.
//!
//! - [`cart`]: the cart service's DTOs and limits.
//! - [`catalog`]: the catalog service's HTTP DTOs and its `catalog.prices` request-reply.
//! - [`identity`]: sign-up/sign-in DTOs, access-token claims, the JWKS and the auth headers.
//! - [`events`]: the `storefront:*` custom events MFEs and the shell exchange on `window`.
//! - [`inventory`]: the inventory service's stock level and its saga events (stock reserved or
//!   rejected).
//! - [`messaging`]: the domain-event envelope, the trait tying events to subjects, the streams.
//! - [`mount`]: the MFE mount ABI: export names and the context the shell passes to `mount`.
//! - [`manifest`]: `/mfe/manifest.json`, which tells the shell what to load for which route.
//! - [`orders`]: the orders service's DTOs and events, and the checkout saga as a whole.
//! - [`partner`]: partner API keys and tiers, their NATS lookup, the stable `/partner/v1` DTOs.
//! - [`pages`]: pages the gateway assembles from several services in one answer, and how such
//!   an answer names the parts it lacks.
//! - [`payments`]: the payments service's saga events (session opened, paid, failed).
//! - [`problem`]: the RFC 9457 problem body every service answers errors with.
//! - [`reviews`]: reviews and ratings: DTOs, limits, the rating event and the purchase check.
//! - [`services`]: service names, their default ports and their gateway prefixes.
//! - [`shipping`]: the shipping service's shipment DTOs and its events.
//! - [`subjects`]: NATS subjects for request-reply between services.
//!
//! The browser-side helpers over these types (emit and listen to the events, calls through
//! `authFetch`, the MFE's `mount` export) are in `web_kit` (`frontends/kit`).

pub mod cart;
pub mod catalog;
pub mod events;
pub mod identity;
pub mod inventory;
pub mod manifest;
pub mod messaging;
pub mod mount;
pub mod orders;
pub mod pages;
pub mod partner;
pub mod payments;
pub mod problem;
pub mod reviews;
pub mod services;
pub mod shipping;
pub mod subjects;
