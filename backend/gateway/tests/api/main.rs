//! Integration tests: the real gateway on port 0 in front of a real upstream HTTP server.
// Test helpers (not only #[test] fns) may unwrap: a panic here is a failed test.
#![allow(clippy::unwrap_used)]

mod auth;
mod clients;
mod connections;
mod events;
mod helpers;
mod pages;
mod partner;
mod proxy;
mod resilience;
mod web;
