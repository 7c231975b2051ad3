//! The header names the gateway reads or writes on every proxied request, as [`HeaderName`]
//! constants.
//!
//! `contracts` and `kit` spell them as `&str` (their users are not all `http` code). A
//! `&str` passed to a header map is parsed into a name and checked on every call; on the proxy
//! that parsing was about a tenth of its instructions, so the names are made once here.

use contracts::identity::{CLIENT_ADDRESS_HEADER, USER_ID_HEADER};
use http::header::{self, HeaderName};

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
/// Whether `name` describes one connection rather than the message: such a header is never
/// forwarded, either way (RFC 9110, 7.6.1). A match, not a list: it is asked of every header.
pub fn is_hop_by_hop(name: &HeaderName) -> bool {
    *name == header::CONNECTION
        || *name == header::PROXY_AUTHENTICATE
        || *name == header::PROXY_AUTHORIZATION
        || *name == header::TE
        || *name == header::TRAILER
        || *name == header::UPGRADE
        || name.as_str() == "keep-alive"
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
    fn the_identity_headers_are_the_contracts_ones() {
        let identity = IDENTITY;
        let names: Vec<&str> = identity.iter().map(HeaderName::as_str).collect();
        assert_eq!(names, contracts::identity::IDENTITY_HEADERS);
    }
}
