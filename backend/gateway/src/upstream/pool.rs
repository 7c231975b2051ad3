//! Keep-alive HTTP/1.1 connections to one address, kept by the gateway itself.
//!
//! hyper-util's pooled client keys its pool by scheme and authority: every checkout and every
//! return hashed that key with SipHash and took the pool's one lock, and every answer spawned a
//! task to wait for its connection to become free again: about 6 k instructions per proxied
//! request (decision 0020). Here each address has its own list of idle connections, so a
//! checkout is a pop and a return is a push. A connection goes back when its answer's body has
//! been read to the end ([`PooledBody`]); an answer dropped half-read closes its connection,
//! as hyper must.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http::uri::Authority;
use http::{HeaderValue, Request, Response};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::time::Instant;

/// How many idle connections one address keeps at most (hyper-util's setting before).
const MAX_IDLE: usize = 256;

/// How long a connection may stay idle before it is closed rather than reused: well under the
/// idle timeouts of the proxies and load balancers that may sit between the gateway and a
/// service.
const IDLE_FOR: Duration = Duration::from_secs(60);

/// The idle connections to one address, and how to open another.
#[derive(Debug)]
pub struct Pool {
    /// `host:port` to connect to.
    authority: Authority,
    /// The `Host` header every request to this address carries (HTTP/1.1 requires one).
    host: HeaderValue,
    /// Idle connections, the most recently used last.
    idle: Mutex<Vec<Idle>>,
}

#[derive(Debug)]
struct Idle {
    sender: SendRequest<Body>,
    since: Instant,
}

/// Why a request got no answer.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// No connection could be opened: nothing was sent, so another address may be tried.
    #[error("cannot connect: {0}")]
    Connect(#[source] std::io::Error),
    /// The exchange failed on an open connection.
    #[error(transparent)]
    Http(#[from] hyper::Error),
}

impl Pool {
    /// A pool for the address `authority`.
    pub fn new(authority: Authority) -> Arc<Self> {
        let host = HeaderValue::from_str(authority.as_str())
            .unwrap_or_else(|_| HeaderValue::from_static("localhost"));
        Arc::new(Self {
            authority,
            host,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Sends `request` (its URI in origin form, `/path?query`) on an idle connection, or on a
    /// new one. A request that an idle connection turned down unsent (the service had just
    /// closed it) goes again on a fresh connection, as hyper-util's client did.
    pub async fn send(
        self: &Arc<Self>,
        mut request: Request<Body>,
    ) -> Result<Response<PooledBody>, SendError> {
        request
            .headers_mut()
            .insert(http::header::HOST, self.host.clone());
        let mut reused = true;
        loop {
            let mut sender = match self.take_ready().await {
                Some(sender) => sender,
                None => {
                    reused = false;
                    self.connect().await?
                }
            };
            match sender.try_send_request(request).await {
                Ok(response) => {
                    let lease = Lease {
                        sender,
                        pool: Arc::clone(self),
                    };
                    return Ok(response.map(|body| PooledBody::new(body, lease)));
                }
                Err(mut err) => match err.take_message() {
                    Some(unsent) if reused => request = unsent,
                    _ => return Err(SendError::Http(err.into_error())),
                },
            }
        }
    }

    /// The most recently used idle connection that is still open and free.
    async fn take_ready(&self) -> Option<SendRequest<Body>> {
        loop {
            let mut sender = self.lock().pop()?.sender;
            if sender.is_closed() {
                continue;
            }
            // Free at once, unless its last answer has only just been read.
            if sender.ready().await.is_ok() {
                return Some(sender);
            }
        }
    }

    /// Opens a connection and hands it to a task of its own, which drives it until the
    /// service or the gateway closes it.
    async fn connect(&self) -> Result<SendRequest<Body>, SendError> {
        let port = self.authority.port_u16().unwrap_or(80);
        // An IPv6 literal comes bracketed in a URL, not in a socket address.
        let host = self
            .authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']');
        let stream = TcpStream::connect((host, port))
            .await
            .map_err(SendError::Connect)?;
        // No Nagle: a request head and its body must not wait for a delayed ACK.
        stream.set_nodelay(true).map_err(SendError::Connect)?;
        let (sender, connection) = http1::Builder::new().handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "upstream connection closed");
            }
        });
        Ok(sender)
    }

    /// Takes a connection back once its answer has been read.
    fn give_back(&self, sender: SendRequest<Body>) {
        if sender.is_closed() {
            return;
        }
        let now = Instant::now();
        let mut idle = self.lock();
        // The oldest is first: closing it when it is stale keeps the list fresh at O(1) a call.
        if idle.first().is_some_and(|oldest| now - oldest.since > IDLE_FOR) {
            idle.remove(0);
        }
        if idle.len() < MAX_IDLE {
            idle.push(Idle { sender, since: now });
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Idle>> {
        // The list stays consistent whatever panicked while holding it.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A connection out of its pool for one exchange.
struct Lease {
    sender: SendRequest<Body>,
    pool: Arc<Pool>,
}

pin_project_lite::pin_project! {
    /// An answer's body that gives its connection back to the pool once read to the end.
    pub struct PooledBody {
        #[pin]
        inner: Incoming,
        lease: Option<Lease>,
    }
}

impl PooledBody {
    fn new(inner: Incoming, lease: Lease) -> Self {
        let mut body = Self {
            inner,
            lease: Some(lease),
        };
        // A server never polls a body that is already over (a `HEAD`, a 204, a 304).
        if http_body::Body::is_end_stream(&body.inner) {
            give_back(&mut body.lease);
        }
        body
    }
}

fn give_back(lease: &mut Option<Lease>) {
    if let Some(lease) = lease.take() {
        lease.pool.give_back(lease.sender);
    }
}

impl http_body::Body for PooledBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let mut this = self.project();
        let polled = this.inner.as_mut().poll_frame(cx);
        let over = match &polled {
            Poll::Ready(None) => true,
            // The last frame: a server stops polling once the body says it is over.
            Poll::Ready(Some(Ok(_))) => this.inner.is_end_stream(),
            // A broken exchange leaves the connection in no state to be reused.
            Poll::Ready(Some(Err(_))) => {
                this.lease.take();
                false
            }
            Poll::Pending => false,
        };
        if over {
            give_back(this.lease);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
