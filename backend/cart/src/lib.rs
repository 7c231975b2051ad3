//! The cart service: owns carts — a signed-in user's, and anonymous visitors' (identified by
//! an HttpOnly cookie) — and merges a visitor's cart into the user's at sign-in.
//!
//! HTTP (through the gateway at `/api/cart`): `GET /` (the cart, priced now), `POST /items`,
//! `PUT /items/{productId}`, `DELETE /items/{productId}`, `GET /openapi.json`, plus health.
//! NATS: asks `catalog.prices` for current prices and names; answers `cart.snapshot` for
//! orders; consumes `orders.paid` (bought items leave the cart). It stores quantities and the
//! price at the time of adding, never a price to charge: orders re-checks prices itself.
//! It must not know about stock, payments or orders' states.

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod routes;
pub mod startup;
pub mod state;
pub mod store;
