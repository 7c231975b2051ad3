//! Which client a credential request comes from, for the throttle.
//!
//! Identity is reached only through the gateway (compose exposes it to the gateway alone,
//! Kubernetes' NetworkPolicy admits only gateway pods). The gateway resolves the client — its
//! peer, or behind its `TRUSTED_PROXIES` the nearest untrusted hop — and sends it in
//! `x-client-address`, having removed any copy a client sent. Without the header (a test, or
//! a developer's harness calling identity directly) the peer itself is the client.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use contracts::identity::CLIENT_ADDRESS_HEADER;

use crate::domain::address::ClientAddress;
use crate::state::AppState;

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let resolved = parts
            .headers
            .get(CLIENT_ADDRESS_HEADER)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| text.trim().parse::<IpAddr>().ok());
        let address = resolved.unwrap_or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
        });
        Ok(ClientAddress::of(address))
    }
}
