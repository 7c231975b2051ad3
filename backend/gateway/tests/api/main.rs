//! Integration tests: the real gateway on port 0 in front of a real upstream HTTP server.
#![allow(clippy::unwrap_used)]

mod helpers;
mod proxy;
mod web;
