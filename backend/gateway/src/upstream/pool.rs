//! Keep-alive HTTP/1.1 connections to one address, kept by the gateway itself.
//!
//! hyper-util's pooled client keys its pool by scheme and authority: every checkout and every
//! return hashed that key with SipHash and took the pool's one lock, and every answer spawned a
//! task to wait for its connection to become free again: about 6 k instructions per proxied
//! request (decision 0020). Here each address has its own list of idle connections, so a
//! checkout is a pop and a return is a push. A connection goes back when its answer's body has
//! been read to the end ([`PooledBody`]); an answer dropped half-read closes its connection.
//! The exchange itself is [`super::h1`]'s, in the request's own task.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http::uri::Authority;
use http::{request, HeaderValue, Response};
use http_body::{Frame, SizeHint};
use tokio::time::Instant;

use super::h1::{Connection, ExchangeError, Framing, Outgoing};

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
    connection: Connection,
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
    Exchange(#[from] ExchangeError),
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

    /// Sends the request for `target` on an idle connection, or on a new one. The answer
    /// comes without hop-by-hop headers. An idempotent, bodiless request that a reused
    /// connection failed before any answer (the service had just closed it) goes again on a
    /// fresh connection.
    pub async fn send(
        self: &Arc<Self>,
        mut parts: request::Parts,
        body: Body,
        outgoing: Outgoing<'_>,
    ) -> Result<Response<PooledBody>, SendError> {
        let mut body = (!http_body::Body::is_end_stream(&body)).then_some(body);
        loop {
            let (mut connection, reused) = match self.take_idle() {
                Some(connection) => (connection, true),
                None => (self.connect().await?, false),
            };
            // The service may have acted on a request it read before the connection broke: only
            // one that is safe to repeat (idempotent, no body) is sent again.
            let replayable = body.is_none() && super::is_idempotent(&parts.method);
            match connection
                .exchange(&mut parts, outgoing, &self.host, body.take())
                .await
            {
                Ok(head) => {
                    let lease = head.keep_alive.then(|| Arc::clone(self));
                    let body = PooledBody::new(connection, head.framing, lease);
                    return Ok(Response::from_parts(head.parts, body));
                }
                Err(ExchangeError::Closed) if reused && replayable => continue,
                Err(err) => return Err(err.into()),
            }
        }
    }

    /// The most recently used idle connection that is still open; stale ones are closed.
    fn take_idle(&self) -> Option<Connection> {
        let now = Instant::now();
        loop {
            let idle = self.lock().pop()?;
            if now - idle.since <= IDLE_FOR && idle.connection.looks_open() {
                return Some(idle.connection);
            }
        }
    }

    async fn connect(&self) -> Result<Connection, SendError> {
        let port = self.authority.port_u16().unwrap_or(80);
        // An IPv6 literal comes bracketed in a URL, not in a socket address.
        let host = self
            .authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']');
        Connection::open(host, port).await.map_err(SendError::Connect)
    }

    /// Takes a connection back once its answer has been read.
    fn give_back(&self, connection: Connection) {
        if !connection.is_drained() {
            return;
        }
        let now = Instant::now();
        let mut idle = self.lock();
        // The oldest is first: closing it when it is stale keeps the list fresh at O(1) a call.
        if idle.first().is_some_and(|oldest| now - oldest.since > IDLE_FOR) {
            idle.remove(0);
        }
        if idle.len() < MAX_IDLE {
            idle.push(Idle {
                connection,
                since: now,
            });
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Idle>> {
        // The list stays consistent whatever panicked while holding it.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// An answer's body, read from its connection, which goes back to the pool (when `pool` is
/// set: the connection may be kept) once the body has been read to the end.
pub struct PooledBody {
    connection: Option<Connection>,
    framing: Framing,
    pool: Option<Arc<Pool>>,
}

impl PooledBody {
    fn new(connection: Connection, framing: Framing, pool: Option<Arc<Pool>>) -> Self {
        let mut body = Self {
            connection: Some(connection),
            framing,
            pool,
        };
        // A server never polls a body that is already over (a `HEAD`, a 204, a 304).
        body.give_back_if_over();
        body
    }

    fn give_back_if_over(&mut self) {
        if !matches!(self.framing, Framing::Done) {
            return;
        }
        if let (Some(connection), Some(pool)) = (self.connection.take(), self.pool.take()) {
            pool.give_back(connection);
        }
    }
}

impl http_body::Body for PooledBody {
    type Data = Bytes;
    type Error = ExchangeError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        let Some(connection) = this.connection.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = connection.poll_body(&mut this.framing, cx);
        match &polled {
            // A broken exchange leaves the connection in no state to be reused.
            Poll::Ready(Some(Err(_))) => this.connection = None,
            // The last piece: a server stops polling once the body says it is over.
            Poll::Ready(_) => this.give_back_if_over(),
            Poll::Pending => {}
        }
        polled.map(|piece| piece.map(|piece| piece.map(Frame::data)))
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.framing, Framing::Done) || self.connection.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        match self.framing {
            Framing::Done => SizeHint::with_exact(0),
            Framing::Length(left) => SizeHint::with_exact(left),
            _ => SizeHint::default(),
        }
    }
}
