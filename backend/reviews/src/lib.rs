//! The reviews service: owns reviews, helpful votes, reports and each product's rating.
//!
//! HTTP (through the gateway at `/api/reviews`): anyone reads a product's reviews with its
//! rating (`GET /products/{id}/reviews`, newest or most helpful first, paged); a signed-in
//! user writes or rewrites their one review of a product (`PUT /products/{id}/reviews/mine`),
//! marks others' reviews helpful and reports them (hidden after
//! [`contracts::reviews::REPORTS_TO_HIDE`] users did). It asks the catalog whether a product
//! exists and orders whether the author bought it ("verified purchase"), and publishes
//! `reviews.rating-changed` through its outbox whenever a rating moves, for the catalog's copy.
//! It never renders HTML: review text is stored and served as plain text.

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod routes;
pub mod startup;
pub mod state;
pub mod store;
