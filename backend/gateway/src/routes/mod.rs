//! The gateway's routes: the API proxy and the static web.

pub mod proxy;
pub mod web;
