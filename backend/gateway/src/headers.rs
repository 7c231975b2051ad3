//! The header names the gateway reads or writes on every proxied request, as [`HeaderName`]
//! constants.
//!
//! `contracts` and `kit` spell them as `&str` (their users are not all `http` code). A
//! `&str` passed to a header map is parsed into a name and checked on every call; on the proxy
//! that parsing was about a tenth of its instructions, so the names are made once here.

use contracts::identity::{CLIENT_ADDRESS_HEADER, USER_ID_HEADER};
use http::header::HeaderName;

/// W3C trace context (`kit::telemetry::TRACEPARENT`).
pub const TRACEPARENT: HeaderName = HeaderName::from_static(kit::telemetry::TRACEPARENT);
/// The verified user, for the services (`contracts::identity::USER_ID_HEADER`).
pub const USER_ID: HeaderName = HeaderName::from_static(USER_ID_HEADER);
/// The resolved client address, for the services.
pub const CLIENT_ADDRESS: HeaderName = HeaderName::from_static(CLIENT_ADDRESS_HEADER);
/// What a client must never set itself (`contracts::identity::IDENTITY_HEADERS`).
pub const IDENTITY: [HeaderName; 3] = [
    USER_ID,
    HeaderName::from_static(contracts::identity::IDENTITY_HEADERS[1]),
    CLIENT_ADDRESS,
];
/// The chain of addresses a request came through.
pub const FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
/// The scheme the client used.
pub const FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
/// The host the client asked for.
pub const FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
/// Whether the gateway sets `name` itself on every request to a service
/// ([`crate::forwarding::ProxyHeaders`]), so that a client's own is never passed on.
pub fn is_set_by_the_gateway(name: &HeaderName) -> bool {
    // By length first: it is asked of every header of every proxied request.
    match name.as_str().len() {
        11 => *name == TRACEPARENT,
        15 => *name == FORWARDED_FOR,
        16 => *name == FORWARDED_HOST || *name == CLIENT_ADDRESS,
        17 => *name == FORWARDED_PROTO,
        _ => false,
    }
}

/// Whether `name` describes one connection rather than the message: such a header is never
/// forwarded, either way (RFC 9110, 7.6.1).
pub fn is_hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        role_of(name.as_str().as_bytes()),
        Role::Connection | Role::HopByHop
    )
}

/// What a header is to one HTTP/1.1 hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `connection`: hop-by-hop, and says whether the connection is kept.
    Connection,
    /// `content-length`: frames the body on this hop.
    ContentLength,
    /// `transfer-encoding`: frames the body on this hop.
    TransferEncoding,
    /// Any other hop-by-hop header (`keep-alive`, `te`, `trailer`, `upgrade`, `proxy-*`).
    HopByHop,
    /// Everything else: the message's own, passed on.
    EndToEnd,
}

/// The role of a header named `name`, in any case. By length first, then by bytes: it is
/// asked of every header of every proxied answer, before (or instead of) making a
/// [`HeaderName`] of it.
pub fn role_of(name: &[u8]) -> Role {
    let is = |known: &str| name.eq_ignore_ascii_case(known.as_bytes());
    match name.len() {
        2 if is("te") => Role::HopByHop,
        7 if is("trailer") || is("upgrade") => Role::HopByHop,
        10 if is("connection") => Role::Connection,
        10 if is("keep-alive") => Role::HopByHop,
        14 if is("content-length") => Role::ContentLength,
        17 if is("transfer-encoding") => Role::TransferEncoding,
        18 if is("proxy-authenticate") => Role::HopByHop,
        19 if is("proxy-authorization") => Role::HopByHop,
        _ => Role::EndToEnd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_names_are_told_from_the_rest() {
        for name in [
            "connection",
            "keep-alive",
            "proxy-authorization",
            "te",
            "trailer",
            "upgrade",
        ] {
            assert!(is_hop_by_hop(&HeaderName::from_static(name)), "{name}");
        }
        for name in ["content-type", "authorization", "x-request-id", "trailers-x"] {
            assert!(!is_hop_by_hop(&HeaderName::from_static(name)), "{name}");
        }
    }

    #[test]
    fn the_forwarding_and_trace_headers_are_the_gateways_own() {
        for name in [
            TRACEPARENT,
            FORWARDED_FOR,
            FORWARDED_HOST,
            FORWARDED_PROTO,
            CLIENT_ADDRESS,
        ] {
            assert!(is_set_by_the_gateway(&name), "{name}");
        }
        for name in ["x-forwarded-port", "tracestate", "x-request-id", "authorization"] {
            assert!(!is_set_by_the_gateway(&HeaderName::from_static(name)), "{name}");
        }
    }

    #[test]
    fn roles_are_read_in_any_case() {
        assert_eq!(role_of(b"Content-Length"), Role::ContentLength);
        assert_eq!(role_of(b"TRANSFER-ENCODING"), Role::TransferEncoding);
        assert_eq!(role_of(b"Connection"), Role::Connection);
        assert_eq!(role_of(b"Keep-Alive"), Role::HopByHop);
        assert_eq!(role_of(b"content-lengths"), Role::EndToEnd);
        assert_eq!(role_of(b"x-request-id"), Role::EndToEnd);
    }

    #[test]
    fn the_identity_headers_are_the_contracts_ones() {
        let identity = IDENTITY;
        let names: Vec<&str> = identity.iter().map(HeaderName::as_str).collect();
        assert_eq!(names, contracts::identity::IDENTITY_HEADERS);
    }
}
