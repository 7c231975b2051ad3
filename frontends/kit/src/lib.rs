//! What the shell and every micro-frontend share in the browser, so each of them is only its
//! pages: the counterpart of `backend/kit` for the wasm side.
//!
//! - [`mount`]: the MFE's API handle ([`mount::MountedApi`], aborted on unmount), panic
//!   reporting, and [`export_mount!`], the one definition of an MFE's `mount` / `unmount`.
//! - [`fetch`]: calls through the shell's `authFetch` with an abort signal, decoding the
//!   contract's JSON or its problem body into a [`fetch::FetchError`].
//! - [`events`]: emit and listen to the typed `storefront:*` events, and keep a listener only
//!   as long as the view that made it.
//! - [`location`]: the page's path and query, following them as they change, and the sign-in
//!   guard that brings the shopper back.
//! - [`decode`]: reading parsed JSON field by field, smaller than serde's derived decoding
//!   for the answers an MFE reads most.
//! - [`encode`]: the same by hand the other way: request bodies and events as JS objects.
//! - [`json`]: JSON text through the browser's own parser and serializer, and JS error texts.
//! - [`timer`]: a sleep for polling.
//! - [`style`]: [`scoped_css!`], an MFE's stylesheet confined to the MFE's own elements.
//!
//! It must not define DTOs or event names of its own (those live once, in `contracts`), nor
//! UI components (each MFE owns its look). Only wasm code depends on it — the shell, MFEs and
//! their dev harnesses; services never compile it.

pub mod decode;
pub mod encode;
pub mod events;
pub mod fetch;
pub mod json;
pub mod location;
pub mod mount;
pub mod style;
pub mod timer;
