//! What the gateway learns of a request on its way in, carried as one request extension.
//!
//! The connection's peer (`front`), the client behind it (`forwarding`) and this hop's trace
//! (`observe`) were three extensions: each insert boxed its value, and the first allocated
//! the extensions' map, on every request. Now `front` inserts one [`Arrival`] and the layers
//! fill in its fields.

use std::net::{Ipv4Addr, SocketAddr};

use axum::extract::Request;
use http::Extensions;

use crate::forwarding::Client;
use crate::observe::TraceContext;

/// A request's arrival: a request extension.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// The peer of the connection it came on.
    pub peer: SocketAddr,
    /// Who the client is, once resolved (`forwarding::attach`).
    pub client: Option<Client>,
    /// This hop's place in the trace, once `observe` has seen the request.
    pub trace: Option<TraceContext>,
}

impl Arrival {
    /// A request that came from `peer`, not yet looked at.
    pub fn new(peer: SocketAddr) -> Self {
        Self {
            peer,
            client: None,
            trace: None,
        }
    }

    /// The arrival of the request with these extensions, if `front` recorded one.
    pub fn of(extensions: &Extensions) -> Option<&Arrival> {
        extensions.get::<Arrival>()
    }

    /// The same, to fill in: a request that did not come through `front` (a router driven
    /// directly) gets one from an unknown peer.
    pub fn of_mut(request: &mut Request) -> &mut Arrival {
        request
            .extensions_mut()
            .get_or_insert_with(|| Arrival::new(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0))))
    }
}
