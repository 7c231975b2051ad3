//! The gateway's routes: the API proxy, the live event stream and the static web.

pub mod events;
pub mod proxy;
pub mod web;
