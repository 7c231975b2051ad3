//! The gateway's routes: the API proxy, pages assembled from several services, the live
//! event stream and the static web.

pub mod events;
pub mod pages;
pub mod proxy;
pub mod web;
