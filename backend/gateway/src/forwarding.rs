//! Who the client is, and what the gateway tells services about it.
//!
//! The gateway is usually the public entry, so the peer of the connection is the client and
//! any `X-Forwarded-*` it sends is forged and dropped. Behind a load balancer or ingress that
//! the operator lists in `TRUSTED_PROXIES`, the client is the last address in
//! `X-Forwarded-For` that is not one of those proxies, and the scheme is what they say in
//! `X-Forwarded-Proto`. Rate limits and the services both see that one client address: the
//! services in `x-client-address`, so the walk is done here only.

use std::net::{IpAddr, Ipv4Addr};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use ipnet::IpNet;

use crate::context::Arrival;
use crate::headers::{CLIENT_ADDRESS, FORWARDED_FOR, FORWARDED_HOST, FORWARDED_PROTO, TRACEPARENT};
use crate::observe::TraceContext;
use crate::state::AppState;

/// The settings: which peers may speak for a client, and the scheme clients use otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forwarding {
    /// Proxies in front of the gateway (`TRUSTED_PROXIES`, comma-separated addresses or
    /// CIDR ranges; default none).
    pub trusted: Vec<IpNet>,
    /// The scheme clients reach the gateway by, unless a trusted proxy says
    /// (`FORWARDED_PROTO`, default `http`).
    pub proto: Scheme,
}

/// `http` or `https`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP (a local stack).
    #[default]
    Http,
    /// TLS, terminated in front of the gateway.
    Https,
}

impl Scheme {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        })
    }
}

impl std::str::FromStr for Scheme {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "http" => Ok(Scheme::Http),
            "https" => Ok(Scheme::Https),
            _ => Err("expected http or https"),
        }
    }
}

/// The client of one request, as resolved by [`resolve`]: a request extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// The client's address.
    pub address: IpAddr,
    /// The same, as the header services are sent.
    pub address_value: HeaderValue,
    /// The scheme it used.
    pub proto: HeaderValue,
    /// The `X-Forwarded-For` chain to pass on: trusted proxies' entries and the peer.
    pub chain: HeaderValue,
}

impl Forwarding {
    fn trusts(&self, address: IpAddr) -> bool {
        self.trusted.iter().any(|net| net.contains(&address))
    }

    /// The client behind a request from `peer` with these headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> Client {
        let own_proto = || self.proto.header();
        if !self.trusts(peer) {
            let address_value = ip_value(peer);
            return Client {
                address: peer,
                proto: own_proto(),
                chain: address_value.clone(),
                address_value,
            };
        }
        let said: Vec<&str> = headers
            .get_all(FORWARDED_FOR)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        let parsed: Vec<Option<IpAddr>> = said.iter().map(|a| a.parse().ok()).collect();
        // Walk back from the nearest hop: the first address no trusted proxy vouches for is
        // the client; anything left of it is whatever that client claimed.
        let mut address = peer;
        for hop in parsed.iter().rev() {
            match hop {
                Some(ip) => {
                    address = *ip;
                    if !self.trusts(*ip) {
                        break;
                    }
                }
                None => break,
            }
        }
        let proto = headers
            .get(FORWARDED_PROTO)
            .filter(|v| matches!(v.as_bytes(), b"http" | b"https"))
            .cloned()
            .unwrap_or_else(own_proto);
        let mut chain = said.join(", ");
        if !chain.is_empty() {
            chain.push_str(", ");
        }
        chain.push_str(&peer.to_string());
        Client {
            address,
            address_value: ip_value(address),
            proto,
            chain: header_value(&chain),
        }
    }
}

/// The headers the gateway sets on every request it sends a service: who the client is, the
/// host it asked for, and the trace context that makes the service's span a child of this
/// hop's. Written as lines after the request's own headers (`upstream::h1`), which never pass
/// on a client's versions of them ([`crate::headers::is_set_by_the_gateway`]): building them
/// into the request's header map took four inserts and a copy of each value, per request.
#[derive(Debug, Default)]
pub struct ProxyHeaders {
    client: Option<Client>,
    host: Option<HeaderValue>,
    traceparent: Option<Traceparent>,
}

/// The `traceparent` a service is sent.
#[derive(Debug)]
pub enum Traceparent {
    /// This hop's, written out as the request is.
    Hop(TraceContext),
    /// The current span's, when spans are exported and the request has no hop of its own.
    Exported(HeaderValue),
}

impl ProxyHeaders {
    /// The headers for a request from `client` (without one, no forwarding header is sent: a
    /// client's own claims are never passed on) that asked for `host`.
    pub fn new(client: Option<Client>, host: Option<HeaderValue>, traceparent: Option<Traceparent>) -> Self {
        Self {
            client,
            host,
            traceparent,
        }
    }

    /// Appends them to a request head, a line each.
    pub fn write(&self, out: &mut Vec<u8>) {
        if let Some(client) = &self.client {
            line(out, &CLIENT_ADDRESS, client.address_value.as_bytes());
            line(out, &FORWARDED_FOR, client.chain.as_bytes());
            line(out, &FORWARDED_PROTO, client.proto.as_bytes());
        }
        if let Some(host) = &self.host {
            line(out, &FORWARDED_HOST, host.as_bytes());
        }
        match &self.traceparent {
            Some(Traceparent::Hop(trace)) => line(out, &TRACEPARENT, &trace.traceparent_text()),
            Some(Traceparent::Exported(value)) => line(out, &TRACEPARENT, value.as_bytes()),
            None => {}
        }
    }
}

fn line(out: &mut Vec<u8>, name: &HeaderName, value: &[u8]) {
    out.extend_from_slice(name.as_str().as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static("0.0.0.0"))
}

/// `address` as header text. An IPv4 address is written digit by digit: through
/// `core::fmt` it took about 2 700 instructions, on every proxied request.
fn ip_value(address: IpAddr) -> HeaderValue {
    let IpAddr::V4(v4) = address else {
        return header_value(&address.to_string());
    };
    let mut text = [0u8; 15];
    let mut len = 0;
    for (index, octet) in v4.octets().into_iter().enumerate() {
        if index > 0 {
            text[len] = b'.';
            len += 1;
        }
        for (digit, shown) in [
            (octet / 100, octet >= 100),
            (octet / 10 % 10, octet >= 10),
            (octet % 10, true),
        ] {
            if shown {
                text[len] = b'0' + digit;
                len += 1;
            }
        }
    }
    HeaderValue::from_bytes(&text[..len]).unwrap_or(HeaderValue::from_static("0.0.0.0"))
}

/// Middleware: resolves the [`Client`] of every partner request before its limits
/// (`/api` requests get theirs from [`crate::limits::AdmitLayer`]).
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    attach(&state.forwarding, &mut request);
    next.run(request).await
}

/// Resolves the [`Client`] of `request`, records it in the request's [`Arrival`] and returns
/// its address.
pub fn attach(forwarding: &Forwarding, request: &mut Request) -> IpAddr {
    let peer = Arrival::of(request.extensions()).map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.peer.ip());
    let client = forwarding.client(peer, request.headers());
    let address = client.address;
    Arrival::of_mut(request).client = Some(client);
    address
}

#[cfg(test)]
mod tests {
    use super::*;

    fn behind(trusted: &[&str]) -> Forwarding {
        Forwarding {
            trusted: trusted.iter().map(|t| t.parse().unwrap()).collect(),
            proto: Scheme::Https,
        }
    }

    fn headers(pairs: &[(http::HeaderName, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.clone(), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn addresses_are_written_as_display_writes_them() {
        for text in [
            "0.0.0.0",
            "127.0.0.1",
            "10.20.30.40",
            "203.0.113.9",
            "255.255.255.255",
            "::1",
            "2001:db8::7",
        ] {
            assert_eq!(ip_value(ip(text)), text);
        }
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let claims = headers(&[(FORWARDED_FOR, "1.2.3.4"), (FORWARDED_PROTO, "https")]);
        let client = behind(&[]).client(ip("203.0.113.9"), &claims);
        assert_eq!(client.address, ip("203.0.113.9"));
        assert_eq!(client.chain, "203.0.113.9");
        assert_eq!(client.proto, "https", "the configured scheme, not the claim");
        let plain = Forwarding::default().client(ip("203.0.113.9"), &claims);
        assert_eq!(plain.proto, "http");
    }

    #[test]
    fn behind_trusted_proxies_the_client_is_the_nearest_untrusted_hop() {
        let fw = behind(&["10.0.0.0/8"]);
        let said = headers(&[
            (FORWARDED_FOR, "6.6.6.6, 198.51.100.7, 10.1.2.3"),
            (FORWARDED_PROTO, "http"),
        ]);
        let client = fw.client(ip("10.0.0.2"), &said);
        assert_eq!(
            client.address,
            ip("198.51.100.7"),
            "the forged left entry is ignored"
        );
        assert_eq!(client.proto, "http");
        assert_eq!(client.chain, "6.6.6.6, 198.51.100.7, 10.1.2.3, 10.0.0.2");
        let direct = fw.client(ip("10.0.0.2"), &HeaderMap::new());
        assert_eq!(direct.address, ip("10.0.0.2"));
        assert_eq!(direct.proto, "https");
        let garbage = fw.client(ip("10.0.0.2"), &headers(&[(FORWARDED_FOR, "not-an-ip")]));
        assert_eq!(garbage.address, ip("10.0.0.2"));
    }
}
