//! The services behind the gateway: each one's addresses, with a circuit breaker per address.
//!
//! A service may run as several replicas with their own addresses (`<NAME>_URL` lists them,
//! comma-separated). Calls go round the addresses whose breaker lets them through; when every
//! address of a service is failing fast, the caller is told how long to wait.

pub mod breaker;
pub mod deadline;
pub mod h1;
pub mod metrics;
pub mod pool;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use breaker::{Breaker, BreakerPolicy, Open, Permit};
use h1::{Outgoing, Target};
use http::uri::{Scheme, Uri};
use pool::{Pool, PooledBody, SendError};

/// One address of a service.
#[derive(Debug)]
pub struct Endpoint {
    /// Where requests go, when the configured address is a usable `http://` URL.
    base: Option<Base>,
    breaker: Breaker,
}

/// What every request sent to one address shares.
#[derive(Debug)]
struct Base {
    /// A path the service is mounted under (usually empty), without a trailing slash.
    prefix: String,
    /// The address's keep-alive connections.
    pool: Arc<Pool>,
}

impl Base {
    /// `None` unless `base` is an absolute `http://` URL (the gateway speaks plain HTTP to
    /// services; TLS between them is the platform's, e.g. a mesh).
    fn parse(base: &str) -> Option<Self> {
        let parts = base.parse::<Uri>().ok()?.into_parts();
        if parts.scheme? != Scheme::HTTP {
            return None;
        }
        let prefix = parts
            .path_and_query
            .map(|p| p.path().trim_end_matches('/').to_string())
            .unwrap_or_default();
        Some(Self {
            prefix,
            pool: Pool::new(parts.authority?),
        })
    }
}

impl Endpoint {
    /// The address `base` (an `http://` URL, a trailing slash ignored).
    fn new(base: &str, policy: BreakerPolicy) -> Self {
        Self {
            base: Base::parse(base.trim_end_matches('/')),
            breaker: Breaker::new(policy),
        }
    }

    /// The request target (`/path?query`, origin form) of `target` (a path and query
    /// starting with `/`) at this address: what a service is sent on its request line.
    pub fn target<'a>(&'a self, target: &'a str) -> Result<Target<'a>, BadAddress> {
        let base = self.base.as_ref().ok_or(BadAddress)?;
        Target::new(&base.prefix, target).ok_or(BadAddress)
    }

    /// Sends a request for `outgoing.target` (from [`Endpoint::target`]; the URI in `parts` is
    /// not read) on one of this address's connections.
    pub async fn send(
        &self,
        parts: http::request::Parts,
        body: Body,
        outgoing: Outgoing<'_>,
    ) -> Result<http::Response<PooledBody>, SendError> {
        match &self.base {
            Some(base) => base.pool.send(parts, body, outgoing).await,
            None => Err(SendError::Connect(std::io::Error::other(BadAddress))),
        }
    }
}

/// Methods the gateway sends a service twice when the first try got no answer: those RFC 9110
/// calls idempotent, where sending one twice has the effect of sending it once (TRACE aside:
/// the gateway has no use for it).
pub fn is_idempotent(method: &http::Method) -> bool {
    use http::Method;
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    )
}

/// A configured address that is not an absolute URL, or a target that is not a path.
#[derive(Debug, thiserror::Error)]
#[error("not a usable address or path")]
pub struct BadAddress;

/// One service's addresses.
#[derive(Debug)]
pub struct Upstream {
    /// The service's name (`/api/<name>`).
    pub name: &'static str,
    /// Its answer metrics, resolved once.
    pub answers: metrics::Answers,
    endpoints: Vec<Endpoint>,
    next: AtomicUsize,
}

/// An address chosen for one call, with the leave to call it.
pub struct Chosen<'a> {
    /// Its position among the service's addresses (to avoid it on a retry).
    pub index: usize,
    /// The address.
    pub endpoint: &'a Endpoint,
    /// Report the call's outcome to the address's breaker through this.
    pub permit: Permit<'a>,
}

impl Upstream {
    /// A service at `bases` (at least one).
    pub fn new(name: &'static str, bases: &[String], policy: BreakerPolicy) -> Self {
        let endpoints = bases.iter().map(|base| Endpoint::new(base, policy)).collect();
        Self {
            name,
            answers: metrics::Answers::new(name),
            endpoints,
            next: AtomicUsize::new(0),
        }
    }

    /// How many addresses the service has.
    pub fn len(&self) -> usize {
        self.endpoints.len()
    }

    /// Whether it has none (never true for a configured service).
    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
    }

    /// The next address round the ring whose breaker admits a call, skipping `avoid`; when none
    /// does, the shortest wait any of them asks for.
    pub fn choose(&self, avoid: Option<usize>) -> Result<Chosen<'_>, Open> {
        let count = self.endpoints.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let mut wait = Duration::MAX;
        for offset in 0..count {
            let index = (start + offset) % count;
            if Some(index) == avoid {
                continue;
            }
            let endpoint = &self.endpoints[index];
            match endpoint.breaker.admit() {
                Ok(permit) => {
                    return Ok(Chosen {
                        index,
                        endpoint,
                        permit,
                    })
                }
                Err(open) => wait = wait.min(open.retry_after),
            }
        }
        Err(Open {
            retry_after: if wait == Duration::MAX {
                Duration::ZERO
            } else {
                wait
            },
        })
    }
}

/// Every service, by name.
///
/// A list searched in order, not a hash map: with a dozen short names, comparing them is
/// cheaper than hashing the one asked for, on every proxied request.
#[derive(Debug, Default)]
pub struct Upstreams(Vec<Upstream>);

impl Upstreams {
    /// From `(name, addresses)` pairs.
    pub fn new<'a>(
        services: impl IntoIterator<Item = (&'static str, &'a [String])>,
        policy: BreakerPolicy,
    ) -> Self {
        Self(
            services
                .into_iter()
                .filter(|(_, bases)| !bases.is_empty())
                .map(|(name, bases)| {
                    metrics::register(name);
                    Upstream::new(name, bases, policy)
                })
                .collect(),
        )
    }

    /// The service called `name`.
    pub fn get(&self, name: &str) -> Option<&Upstream> {
        self.0.iter().find(|upstream| upstream.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_addresses() -> Upstream {
        let policy = BreakerPolicy {
            threshold: 1,
            open_for: Duration::from_secs(60),
        };
        Upstream::new("catalog", &["http://a/".into(), "http://b".into()], policy)
    }

    #[test]
    fn calls_go_round_the_addresses() {
        let up = two_addresses();
        let first = up.choose(None).unwrap();
        let index = first.index;
        first.permit.succeeded();
        let second = up.choose(None).unwrap();
        assert_ne!(second.index, index);
        assert_eq!(up.choose(Some(index)).unwrap().index, second.index);
    }

    #[test]
    fn request_lines_are_put_together_from_the_address_and_the_target() {
        let policy = BreakerPolicy::default();
        let plain = Upstream::new("catalog", &["http://a:81/".into()], policy);
        let mounted = Upstream::new("catalog", &["http://b/shop/".into()], policy);
        let relative = Upstream::new("catalog", &["/nowhere".into()], policy);
        let tls = Upstream::new("catalog", &["https://c".into()], policy);
        let uri = |up: &Upstream, target: &str| up.endpoints[0].target(target).map(|t| t.to_string());
        assert_eq!(uri(&plain, "/products?page=2").unwrap(), "/products?page=2");
        assert_eq!(uri(&mounted, "/products").unwrap(), "/shop/products");
        assert!(uri(&plain, "/a b").is_err(), "a space is not a path");
        assert!(uri(&relative, "/products").is_err());
        assert!(
            uri(&tls, "/products").is_err(),
            "services are spoken to in plain HTTP"
        );
    }

    #[test]
    fn an_open_address_is_skipped_and_all_open_asks_to_wait() {
        let up = two_addresses();
        let broken = up.choose(None).unwrap();
        let broken_index = broken.index;
        broken.permit.failed();
        for _ in 0..4 {
            let chosen = up.choose(None).unwrap();
            assert_ne!(chosen.index, broken_index);
            chosen.permit.succeeded();
        }
        up.choose(None).unwrap().permit.failed();
        let open = up.choose(None).err().expect("both open");
        assert!(open.retry_after > Duration::from_secs(59));
    }
}
