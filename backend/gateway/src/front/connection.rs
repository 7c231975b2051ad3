//! One client connection: read a request, let the service answer it, write the answer, and
//! again while the client keeps the connection.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use bytes::BytesMut;
use contracts::problem::Problem;
use futures::FutureExt;
use http::header::HeaderMap;
use http::{Method, Version};
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch, Notify};
use tokio::time::{Instant, Sleep};
use tower::{Service, ServiceExt};

use super::request::{self, BodyError, BodyFraming, Head, Incoming, Piece, Refusal};
use super::response::{chunk_size, encode_head, Framing};
use super::READ_TIMEOUT;
use crate::context::Arrival;
use crate::wire::{take_up_to, Step};

/// How much room a read asks for.
const READ_SIZE: usize = 8 * 1024;
/// How much of an answer is gathered before it is written out (a page of the catalog, the
/// head with it, goes in one write).
const WRITE_SIZE: usize = 64 * 1024;
/// How much of a request body nobody read is still read and thrown away before closing, so
/// that the client gets to read the answer (closing with unread bytes resets the connection,
/// and a reset can discard an answer the client has not read yet); and for how long.
const LINGER_BYTES: usize = 256 * 1024;
const LINGER_TIME: Duration = Duration::from_secs(2);

/// A client's connection and what it serves with.
pub struct Connection<App> {
    stream: TcpStream,
    peer: SocketAddr,
    app: App,
    /// Bytes read from the client and not yet used.
    read: BytesMut,
    /// An answer being gathered for one write.
    write: Vec<u8>,
    /// The map of the last answer, emptied, which the next request's headers are parsed into.
    headers: HeaderMap,
    /// Room for where a head's headers are, while it is parsed.
    spans: Vec<request::Span>,
    /// When the client must have sent the request head being waited for.
    deadline: Pin<Box<Sleep>>,
    /// Turns true when the gateway stops: idle connections close, busy ones after answering.
    stopping: watch::Receiver<bool>,
}

/// How one request ended, for the connection.
enum Served {
    /// Answered; the connection can carry another request.
    KeepOpen,
    /// Answered (or not answerable); the connection is to be closed, after reading and
    /// dropping what is left of the request body if `linger`.
    Close { linger: bool },
}

impl<App> Connection<App>
where
    App: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
    App::Future: Send,
{
    /// A connection from `peer` served by `app` until the client closes it or `stopping`.
    pub fn new(stream: TcpStream, peer: SocketAddr, app: App, stopping: watch::Receiver<bool>) -> Self {
        Self {
            stream,
            peer,
            app,
            read: BytesMut::new(),
            write: Vec::new(),
            headers: HeaderMap::new(),
            spans: Vec::new(),
            deadline: Box::pin(tokio::time::sleep(READ_TIMEOUT)),
            stopping,
        }
    }

    /// Serves requests until the client closes, the connection breaks, or the gateway stops.
    pub async fn run(mut self) {
        loop {
            let served = match self.read_head().await {
                Ok(Some(head)) => self.serve(head).await,
                Ok(None) => return,
                Err(refusal) => self.refuse(refusal).await,
            };
            match served {
                Ok(Served::KeepOpen) if !*self.stopping.borrow() => {}
                Ok(Served::Close { linger: true }) => return self.linger().await,
                Ok(_) | Err(_) => return,
            }
        }
    }

    /// The next request head; `None` when the client closed the connection, or left it idle
    /// past the timeout, or the gateway stops while it is idle.
    async fn read_head(&mut self) -> Result<Option<Head>, Refusal> {
        if let Some(head) = request::parse(&mut self.read, &mut self.headers, &mut self.spans)? {
            return Ok(Some(head)); // Pipelined: already read.
        }
        self.deadline.as_mut().reset(Instant::now() + READ_TIMEOUT);
        loop {
            let idle = self.read.is_empty();
            self.read.reserve(READ_SIZE);
            let read = tokio::select! {
                biased;
                read = self.stream.read_buf(&mut self.read) => read,
                () = &mut self.deadline => return if idle { Ok(None) } else { Err(timed_out()) },
                _ = self.stopping.changed(), if idle => return Ok(None),
            };
            match read {
                Ok(0) | Err(_) => return Ok(None),
                Ok(_) => {}
            }
            if let Some(head) = request::parse(&mut self.read, &mut self.headers, &mut self.spans)? {
                return Ok(Some(head));
            }
        }
    }

    /// Answers one request.
    async fn serve(&mut self, head: Head) -> io::Result<Served> {
        let Head {
            request,
            body,
            keep_alive,
            expects_continue,
        } = head;
        let head_request = request.method() == Method::HEAD;
        let version = request.version();
        let mut request = request.map(|()| Body::empty());
        request.extensions_mut().insert(Arrival::new(self.peer));
        let (response, body_read) = match body {
            BodyFraming::Empty => (self.call(request).await, true),
            framing => self.call_with_body(request, framing, expects_continue).await,
        };
        let keep_alive = keep_alive && body_read;
        let kept = self.respond(response, head_request, version, keep_alive).await?;
        Ok(match kept {
            true => Served::KeepOpen,
            false => Served::Close { linger: !body_read },
        })
    }

    async fn call(&mut self, request: Request) -> Response {
        infallible(self.start(request).await.await)
    }

    /// Hands `request` to the service once it is ready; its answer to come.
    async fn start(&mut self, request: Request) -> App::Future {
        match self.app.ready().await {
            Ok(app) => app.call(request),
            Err(never) => match never {},
        }
    }

    /// Answers a request with a body, read from the socket for the service as it asks for
    /// it (after `100 Continue` if the client `expects_continue`); the answer, and whether
    /// the body was read to its end.
    async fn call_with_body(
        &mut self,
        mut request: Request,
        framing: BodyFraming,
        expects_continue: bool,
    ) -> (Response, bool) {
        let length = match framing {
            BodyFraming::Length(length) => Some(length),
            _ => None,
        };
        let (pieces, incoming) = mpsc::channel(1);
        let wanted = expects_continue.then(|| Arc::new(Notify::new()));
        *request.body_mut() = Body::new(Incoming::new(incoming, length, wanted.clone()));
        let mut answer = std::pin::pin!(self.start(request).await);
        let pumped = tokio::select! {
            biased;
            response = &mut answer => return (infallible(response), false),
            pumped = async {
                if let Some(wanted) = wanted {
                    wanted.notified().await;
                    if self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await.is_err() {
                        return false;
                    }
                }
                pump(&mut self.stream, &mut self.read, framing, pieces).await
            } => pumped,
        };
        (infallible(answer.await), pumped)
    }

    /// Writes `response`; whether the connection can carry another request.
    async fn respond(
        &mut self,
        response: Response,
        head_request: bool,
        version: Version,
        keep_alive: bool,
    ) -> io::Result<bool> {
        let (mut parts, mut body) = response.into_parts();
        let framing = Framing::of(&parts, &body, head_request, version);
        let mut keep_alive = keep_alive && framing != Framing::UntilClose && !*self.stopping.borrow();
        self.write.clear();
        encode_head(&mut self.write, &parts, framing, keep_alive, version);
        // Kept for the next request's headers, emptied now: its values may hold on to the
        // buffer of the service's connection, which could otherwise not be read into again.
        self.headers = std::mem::take(&mut parts.headers);
        self.headers.clear();
        drop(parts);
        if framing != Framing::None {
            keep_alive &= self.write_body(&mut body, framing).await?;
        }
        if !self.write.is_empty() {
            self.stream.write_all(&self.write).await?;
        }
        Ok(keep_alive)
    }

    /// Writes `body` (after the head already in `self.write`), gathering what is ready into
    /// one write and writing out whenever the body must be waited for. Whether the body came
    /// whole and as framed: if not, the client cannot tell where it ends but by the close.
    async fn write_body(&mut self, body: &mut Body, framing: Framing) -> io::Result<bool> {
        let mut left = match framing {
            Framing::Length(length) => length,
            _ => u64::MAX,
        };
        loop {
            let frame = match body.frame().now_or_never() {
                Some(frame) => frame,
                None => {
                    self.flush().await?;
                    match self.next_frame(body).await? {
                        Some(frame) => frame,
                        None => return Ok(false), // The client left.
                    }
                }
            };
            let data = match frame {
                None => break,
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => data,
                    Err(_) => continue, // Trailers are not passed on.
                },
                Some(Err(err)) => {
                    tracing::warn!(error = %err, "an answer's body failed mid-way; closing the connection");
                    return Ok(false);
                }
            };
            if data.is_empty() {
                continue;
            }
            if framing == Framing::Chunked {
                chunk_size(&mut self.write, data.len());
                self.write.extend_from_slice(&data);
                self.write.extend_from_slice(b"\r\n");
            } else {
                let room = usize::try_from(left).unwrap_or(usize::MAX);
                if data.len() > room {
                    tracing::warn!(
                        "an answer's body is longer than its content-length; closing the connection"
                    );
                    self.write.extend_from_slice(&data[..room]);
                    return Ok(false);
                }
                left -= data.len() as u64;
                self.write.extend_from_slice(&data);
            }
            if self.write.len() >= WRITE_SIZE {
                self.flush().await?;
            }
        }
        match framing {
            Framing::Chunked => self.write.extend_from_slice(b"0\r\n\r\n"),
            Framing::Length(_) if left != 0 => {
                tracing::warn!("an answer's body is shorter than its content-length; closing the connection");
                return Ok(false);
            }
            _ => {}
        }
        Ok(true)
    }

    /// The body's next frame, or `None` if the client closes the connection first (a stream
    /// of order updates would otherwise hold it until its next keep-alive comment).
    async fn next_frame(
        &mut self,
        body: &mut Body,
    ) -> io::Result<Option<Option<Result<http_body::Frame<bytes::Bytes>, axum::Error>>>> {
        loop {
            self.read.reserve(READ_SIZE);
            tokio::select! {
                biased;
                frame = body.frame() => return Ok(Some(frame)),
                read = self.stream.read_buf(&mut self.read) => match read {
                    // Bytes of a pipelined request are kept for after this answer.
                    Ok(n) if n > 0 && self.read.len() <= request::MAX_HEAD => {}
                    _ => return Ok(None),
                },
            }
        }
    }

    async fn flush(&mut self) -> io::Result<()> {
        self.stream.write_all(&self.write).await?;
        self.write.clear();
        Ok(())
    }

    /// Answers a head that cannot be served with its problem, and closes.
    async fn refuse(&mut self, refusal: Refusal) -> io::Result<Served> {
        let problem = Problem::new("invalid-request", "Invalid request", refusal.status.as_u16())
            .with_detail(refusal.detail);
        let response = kit::problem::ProblemResponse(problem).into_response();
        self.respond(response, false, Version::HTTP_11, false).await?;
        Ok(Served::Close { linger: true })
    }

    /// Closes after an answer that left request bytes unread: stops writing, then reads and
    /// drops what the client still sends, for a while, so that the close does not reset the
    /// connection under an answer the client has yet to read.
    async fn linger(mut self) {
        if self.stream.shutdown().await.is_err() {
            return;
        }
        let mut thrown = 0;
        let mut sink = vec![0u8; READ_SIZE];
        let until = Instant::now() + LINGER_TIME;
        while thrown < LINGER_BYTES {
            match tokio::time::timeout_at(until, self.stream.read(&mut sink)).await {
                Ok(Ok(n)) if n > 0 => thrown += n,
                _ => return,
            }
        }
    }
}

fn infallible(response: Result<Response, Infallible>) -> Response {
    match response {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

fn timed_out() -> Refusal {
    Refusal {
        status: http::StatusCode::REQUEST_TIMEOUT,
        detail: "the request head did not arrive in time",
    }
}

/// Reads a request body framed by `framing` from the socket and hands it to the service in
/// pieces, as fast as the service takes them. Whether the body was read to its end (not if
/// the client broke it off, or the service stopped reading).
async fn pump(
    stream: &mut TcpStream,
    read: &mut BytesMut,
    mut framing: BodyFraming,
    pieces: mpsc::Sender<Piece>,
) -> bool {
    loop {
        let piece = match &mut framing {
            BodyFraming::Empty => Some(Piece::End),
            BodyFraming::Length(left) => match take_up_to(read, left) {
                Some(data) => Some(Piece::Data(data)),
                None if *left == 0 => Some(Piece::End),
                None => None,
            },
            BodyFraming::Chunked(chunked) => match chunked.step(read) {
                Ok(Step::Data(data)) => Some(Piece::Data(data)),
                Ok(Step::Finished) => Some(Piece::End),
                Ok(Step::NeedMore) => None,
                Err(malformed) => Some(Piece::Broken(BodyError::Malformed(malformed))),
            },
        };
        match piece {
            Some(Piece::Data(data)) => {
                if pieces.send(Piece::Data(data)).await.is_err() {
                    return false; // The service dropped the body.
                }
                if let BodyFraming::Length(0) = framing {
                    // All read. Not waiting to hand over the end as well: a reader may stop
                    // once the length is reached, and the body knows its end by its length.
                    return true;
                }
            }
            Some(last) => {
                let whole = matches!(last, Piece::End);
                // The service may have dropped the body already; it is read either way.
                let _ = pieces.send(last).await;
                return whole;
            }
            None => {
                read.reserve(READ_SIZE);
                match tokio::time::timeout(READ_TIMEOUT, stream.read_buf(read)).await {
                    Ok(Ok(n)) if n > 0 => {}
                    _ => {
                        let _ = pieces.send(Piece::Broken(BodyError::CutShort)).await;
                        return false;
                    }
                }
            }
        }
    }
}
