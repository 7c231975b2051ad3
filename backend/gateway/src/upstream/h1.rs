//! HTTP/1.1 on one keep-alive connection to a service, spoken by the gateway itself.
//!
//! hyper's client drives each connection from a task of its own: a request went there through
//! a channel, its answer came back through another, and every body frame crossed a third with
//! a `want` signal, each a wake-up of another task. That was about 18 k of the 49 k
//! instructions a proxied request cost (decision 0020, round 4). Here the request's own task
//! writes the request head straight from its parts, parses the answer's head with `httparse`
//! (hyper's parser), and reads the body as it is framed: by length, chunked, or up to the
//! close.
//!
//! What it does not do, because the gateway never needs it from its services: pipelining,
//! upgrades (a `101` is an error), and answering before the request body is sent (the body
//! is written whole first; the gateway caps its size before it gets here).

use std::future::Future;
use std::io;
use std::mem::MaybeUninit;
use std::ops::Range;
use std::task::{Context, Poll, Waker};

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{request, response, Method, StatusCode, Version};
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use kit::http::REQUEST_ID;

use crate::forwarding::ProxyHeaders;
use crate::headers::{is_hop_by_hop, is_set_by_the_gateway, role_of, Role};
use crate::wire::{content_length, ends_chunked, has_token, take_up_to, Chunked, Malformed, PassedOn, Step};

/// Most headers an answer may carry.
const MAX_HEADERS: usize = 64;
/// Room made in an answer's header map. The gateway's server (`front`) keeps the map of the
/// answer it wrote and parses the connection's next request into it, to which the gateway
/// then adds its forwarding headers: a map with room for them does not grow (a reallocation
/// and rehash, about 1 k instructions, on every proxied request). The answer's map is the
/// request's own, emptied (one map per request, not two).
const HEADER_ROOM: usize = 24;
/// Longest answer head accepted (hyper's default buffer limit is about 400 KB; services send
/// a few hundred bytes).
const MAX_HEAD: usize = 64 * 1024;
/// How much room a read asks for: a page of the catalog fits in one.
const READ_SIZE: usize = 16 * 1024;

/// Why an exchange on a connection failed.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// The service closed (or reset) the connection before answering anything: on a reused
    /// connection this is a service that had closed it while idle, and nothing was processed.
    #[error("the service closed the connection before answering")]
    Closed,
    /// Reading or writing failed after the exchange had begun.
    #[error("connection: {0}")]
    Io(#[from] io::Error),
    /// The request's own body failed (e.g. it grew past the route's limit).
    #[error("request body: {0}")]
    Body(#[source] axum::Error),
    /// The answer is not HTTP/1.1 the gateway can pass on.
    #[error("malformed answer: {0}")]
    Malformed(&'static str),
}

impl From<Malformed> for ExchangeError {
    fn from(Malformed(what): Malformed) -> Self {
        Self::Malformed(what)
    }
}

/// The request target a service is sent (origin form): the path the service is mounted
/// under, if any, and the path and query asked for.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    prefix: &'a str,
    path: &'a str,
}

impl<'a> Target<'a> {
    /// `prefix` (empty, or a path without a trailing slash) and then `path` (a path and
    /// query starting with `/`), if both can go in a request line as they are: visible ASCII
    /// only, so no space or line break can end the line early.
    pub fn new(prefix: &'a str, path: &'a str) -> Option<Self> {
        let visible = |text: &str| text.bytes().all(|b| b.is_ascii_graphic());
        (path.starts_with('/') && visible(prefix) && visible(path)).then_some(Self { prefix, path })
    }
}

impl std::fmt::Display for Target<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.prefix, self.path)
    }
}

/// One connection to a service, and the bytes read from it but not yet used.
#[derive(Debug)]
pub struct Connection {
    stream: TcpStream,
    read: BytesMut,
    write: Vec<u8>,
    /// Room for where an answer head's headers are, while it is parsed.
    spans: Vec<Span>,
}

/// How an answer's body is delimited, and how much of it is left.
#[derive(Debug)]
pub enum Framing {
    /// No body (a `HEAD`, a 204, a 304) or none left.
    Done,
    /// `content-length`: this many bytes left.
    Length(u64),
    /// `transfer-encoding: chunked`.
    Chunked(Chunked),
    /// Neither: the body runs until the service closes the connection.
    UntilClose,
}

/// What becomes of an answer's end-to-end headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerHeaders {
    /// Parsed into the answer's header map, for the gateway to read (a page's part, a
    /// partner's answer).
    Parsed,
    /// Kept as the lines the service wrote ([`PassedOn`], in the answer's extensions), for the
    /// proxy, which passes them to its client unread.
    PassedOn,
}

/// What a request is sent with besides its own method, headers and body, and what becomes
/// of its answer.
#[derive(Clone, Copy, Debug)]
pub struct Outgoing<'a> {
    /// Its target on the service.
    pub target: Target<'a>,
    /// The headers the gateway adds.
    pub added: &'a ProxyHeaders,
    /// What becomes of the answer's headers.
    pub answer: AnswerHeaders,
}

/// An answer's head, and what the connection is good for afterwards.
pub struct Head {
    /// Status, headers (hop-by-hop ones left out, and in [`PassedOn`] lines if so asked) and
    /// version.
    pub parts: response::Parts,
    /// How its body is delimited.
    pub framing: Framing,
    /// Whether the connection may carry another request once this body is read.
    pub keep_alive: bool,
}

impl Connection {
    /// Connects to `host:port` (an IPv6 literal without brackets).
    pub async fn open(host: &str, port: u16) -> io::Result<Self> {
        let stream = TcpStream::connect((host, port)).await?;
        // No Nagle: a request head and its body must not wait for a delayed ACK.
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            read: BytesMut::new(),
            write: Vec::new(),
            spans: Vec::new(),
        })
    }

    /// Whether an idle connection still looks usable: the service has neither closed it nor
    /// sent anything unasked. Costs no system call unless the socket was flagged readable.
    pub fn looks_open(&self) -> bool {
        if !self.read.is_empty() {
            return false;
        }
        let mut cx = Context::from_waker(Waker::noop());
        match self.stream.poll_read_ready(&mut cx) {
            Poll::Pending => true,
            Poll::Ready(Err(_)) => false,
            // Readiness can outlive a read that emptied the socket; only a read tells.
            Poll::Ready(Ok(())) => matches!(
                self.stream.try_read(&mut [0u8; 1]),
                Err(err) if err.kind() == io::ErrorKind::WouldBlock
            ),
        }
    }

    /// Sends a request for `target` (the URI in `parts` is not read) with `host` as its
    /// `Host`, then reads the answer's head. `body` is `None` for a request without one.
    ///
    /// Once the answer's head is in, the request's header map is emptied and reused for the
    /// answer's headers (`answer` says which); until then (a failure to retry) `parts` is left
    /// as it was.
    pub async fn exchange(
        &mut self,
        parts: &mut request::Parts,
        outgoing: Outgoing<'_>,
        host: &HeaderValue,
        body: Option<Body>,
    ) -> Result<Head, ExchangeError> {
        let framing = RequestFraming::of(parts, body.is_some());
        self.write.clear();
        encode_head(&mut self.write, parts, outgoing, host, framing);
        self.stream.write_all(&self.write).await.map_err(closed_or_io)?;
        if let Some(body) = body {
            self.write_body(body, framing).await?;
        }
        let head_request = parts.method == Method::HEAD;
        self.read_head(head_request, parts, outgoing.answer).await
    }

    async fn write_body(&mut self, mut body: Body, framing: RequestFraming) -> Result<(), ExchangeError> {
        let chunked = framing == RequestFraming::Chunked;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(ExchangeError::Body)?;
            let Ok(data) = frame.into_data() else {
                continue; // Trailers are not passed on.
            };
            if data.is_empty() {
                continue;
            }
            if chunked {
                let size = format!("{:x}\r\n", data.len());
                self.stream.write_all(size.as_bytes()).await?;
                self.stream.write_all(&data).await?;
                self.stream.write_all(b"\r\n").await?;
            } else {
                self.stream.write_all(&data).await?;
            }
        }
        if chunked {
            self.stream.write_all(b"0\r\n\r\n").await?;
        }
        Ok(())
    }

    /// Reads the answer's head into the request's header map and extensions, which are taken
    /// (already allocated: a new map would be allocated for every answer).
    async fn read_head(
        &mut self,
        head_request: bool,
        request: &mut request::Parts,
        answer: AnswerHeaders,
    ) -> Result<Head, ExchangeError> {
        let mut answered = false;
        loop {
            if !self.read.is_empty() {
                answered = true;
                let taken = (&mut request.headers, &mut request.extensions);
                let parsed = parse_head(&mut self.read, head_request, taken, &mut self.spans, answer)?;
                if let Some(head) = parsed {
                    return Ok(head);
                }
            }
            self.read.reserve(READ_SIZE);
            match self.stream.read_buf(&mut self.read).await {
                Ok(0) if !answered => return Err(ExchangeError::Closed),
                Ok(0) => return Err(ExchangeError::Malformed("the answer's head was cut short")),
                Ok(_) => {}
                Err(err) if !answered => return Err(closed_or_io(err)),
                Err(err) => return Err(err.into()),
            }
        }
    }

    /// The next piece of the body framed by `framing`, reading from the service as needed;
    /// `None` once the body is over.
    pub fn poll_body(
        &mut self,
        framing: &mut Framing,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, ExchangeError>>> {
        loop {
            let piece = match framing {
                Framing::Done => return Poll::Ready(None),
                Framing::Length(left) => take_up_to(&mut self.read, left),
                Framing::Chunked(chunked) => match chunked.step(&mut self.read) {
                    Ok(Step::Data(data)) => Some(data),
                    Ok(Step::Finished) => {
                        *framing = Framing::Done;
                        return Poll::Ready(None);
                    }
                    Ok(Step::NeedMore) => None,
                    Err(err) => return Poll::Ready(Some(Err(err.into()))),
                },
                Framing::UntilClose => (!self.read.is_empty()).then(|| self.read.split().freeze()),
            };
            if let Some(piece) = piece {
                if matches!(framing, Framing::Length(0)) {
                    *framing = Framing::Done;
                }
                return Poll::Ready(Some(Ok(piece)));
            }
            self.read.reserve(READ_SIZE);
            let read = std::pin::pin!(self.stream.read_buf(&mut self.read));
            match read.poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(err)) => return Poll::Ready(Some(Err(err.into()))),
                Poll::Ready(Ok(0)) if matches!(framing, Framing::UntilClose) => {
                    *framing = Framing::Done;
                    return Poll::Ready(None);
                }
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Some(Err(ExchangeError::Malformed(
                        "the service closed the connection mid-answer",
                    ))))
                }
                Poll::Ready(Ok(_)) => {}
            }
        }
    }

    /// Whether nothing beyond the answer was read (a service that sends more is not reused).
    pub fn is_drained(&self) -> bool {
        self.read.is_empty()
    }
}

/// A write or read error on a connection that has not answered yet: a reset or a broken pipe
/// means the service had closed it.
fn closed_or_io(err: io::Error) -> ExchangeError {
    match err.kind() {
        io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
            ExchangeError::Closed
        }
        _ => ExchangeError::Io(err),
    }
}

/// How a request's body goes on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum RequestFraming {
    /// No body.
    Empty,
    /// The client's `content-length`, passed on.
    Length,
    /// Length unknown: chunked.
    Chunked,
}

impl RequestFraming {
    fn of(parts: &request::Parts, has_body: bool) -> Self {
        if !has_body {
            Self::Empty
        } else if parts.headers.contains_key(header::CONTENT_LENGTH) {
            Self::Length
        } else {
            Self::Chunked
        }
    }
}

/// The request line and headers. Hop-by-hop headers are left out; the framing headers are the
/// gateway's to choose, so the client's `transfer-encoding` is not copied; `host` replaces
/// the client's, and the gateway's own headers (`outgoing.added`) any the client sent.
fn encode_head(
    out: &mut Vec<u8>,
    parts: &request::Parts,
    outgoing: Outgoing<'_>,
    host: &HeaderValue,
    framing: RequestFraming,
) {
    let target = outgoing.target;
    out.extend_from_slice(parts.method.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.prefix.as_bytes());
    out.extend_from_slice(target.path.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\nhost: ");
    out.extend_from_slice(host.as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in &parts.headers {
        if *name == header::HOST
            || *name == header::TRANSFER_ENCODING
            || is_hop_by_hop(name)
            || is_set_by_the_gateway(name)
        {
            continue;
        }
        if framing == RequestFraming::Chunked && *name == header::CONTENT_LENGTH {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    outgoing.added.write(out);
    match framing {
        RequestFraming::Chunked => out.extend_from_slice(b"transfer-encoding: chunked\r\n"),
        // A body-carrying method with an empty body still says so (RFC 9110, 8.6).
        RequestFraming::Empty
            if matches!(parts.method, Method::POST | Method::PUT | Method::PATCH)
                && !parts.headers.contains_key(header::CONTENT_LENGTH) =>
        {
            out.extend_from_slice(b"content-length: 0\r\n");
        }
        _ => {}
    }
    out.extend_from_slice(b"\r\n");
}

/// Where one header sits in the head's bytes.
#[derive(Clone, Copy, Default, Debug)]
struct Span {
    name: (usize, usize),
    value: (usize, usize),
}

/// The answer's head, if `read` holds all of it (taken out of `read`); interim `1xx` answers
/// are skipped. `map` and `extensions` (the request's), emptied first, are taken for the
/// answer's headers: `answer` says whether they go into the map or, as [`PassedOn`] lines,
/// into the extensions.
fn parse_head(
    read: &mut BytesMut,
    head_request: bool,
    (map, extensions): (&mut HeaderMap, &mut http::Extensions),
    spans: &mut Vec<Span>,
    answer: AnswerHeaders,
) -> Result<Option<Head>, ExchangeError> {
    loop {
        // Uninitialised, and the spans in a vector kept by the connection: arrays of either
        // on the stack were zeroed for every answer.
        let mut headers = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; MAX_HEADERS];
        let mut parsed = httparse::Response::new(&mut []);
        let length = match httparse::ParserConfig::default().parse_response_with_uninit_headers(
            &mut parsed,
            read,
            &mut headers,
        ) {
            Ok(httparse::Status::Complete(length)) => length,
            Ok(httparse::Status::Partial) if read.len() > MAX_HEAD => {
                return Err(ExchangeError::Malformed("the answer's head is too large"))
            }
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(httparse::Error::TooManyHeaders) => {
                return Err(ExchangeError::Malformed("the answer has too many headers"))
            }
            Err(_) => return Err(ExchangeError::Malformed("the answer's head is not HTTP/1.1")),
        };
        let code = parsed.code.unwrap_or_default();
        let http11 = parsed.version == Some(1);
        let start = read.as_ptr() as usize;
        spans.clear();
        spans.extend(parsed.headers.iter().map(|h| Span {
            name: (h.name.as_ptr() as usize - start, h.name.len()),
            value: (h.value.as_ptr() as usize - start, h.value.len()),
        }));
        let head = read.split_to(length).freeze();
        match code {
            101 => return Err(ExchangeError::Malformed("upgrades are not proxied")),
            100..=199 => continue,
            _ => {}
        }
        let status = StatusCode::from_u16(code)
            .map_err(|_| ExchangeError::Malformed("the answer's status is not a status"))?;
        let mut headers = std::mem::take(map);
        headers.clear();
        let lines = Lines {
            head: &head,
            spans,
            no_body: head_request || status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED,
        };
        let mut extensions = std::mem::take(extensions);
        extensions.clear();
        let framing = match answer {
            AnswerHeaders::Parsed => {
                headers.reserve(spans.len().max(HEADER_ROOM));
                lines.into_map(&mut headers)?
            }
            AnswerHeaders::PassedOn => {
                let (passed, framing) = lines.passed_on()?;
                extensions.insert(passed);
                framing
            }
        };
        let mut parts = http::Response::new(()).into_parts().0;
        parts.status = status;
        parts.version = Version::HTTP_11;
        parts.headers = headers;
        parts.extensions = extensions;
        let keep_alive = http11 && framing.keep_alive;
        return Ok(Some(Head {
            parts,
            framing: framing.body,
            keep_alive,
        }));
    }
}

/// The header lines of an answer's head.
struct Lines<'a> {
    /// The whole head.
    head: &'a Bytes,
    /// Where each header is in it.
    spans: &'a [Span],
    /// Whether the answer has no body whatever its headers say (a `HEAD`'s, a 204, a 304).
    no_body: bool,
}

/// What an answer's headers say of its body and its connection.
struct Framed {
    /// How the body is delimited.
    body: Framing,
    /// Whether the headers let the connection be kept (`connection: close` does not, nor an
    /// answer whose end is known only by the close).
    keep_alive: bool,
}

/// What the framing headers seen so far said.
#[derive(Default)]
struct Seen {
    length: Option<u64>,
    chunked: bool,
    close: bool,
}

impl Seen {
    /// Notes a header of the framing `role`.
    fn note(&mut self, role: Role, value: &[u8]) -> Result<(), ExchangeError> {
        match role {
            Role::Connection => self.close |= has_token(value, "close"),
            Role::ContentLength => {
                let this = content_length(value)
                    .ok_or(ExchangeError::Malformed("content-length is not a number"))?;
                if self.length.is_some_and(|seen| seen != this) {
                    return Err(ExchangeError::Malformed("two different content-lengths"));
                }
                self.length = Some(this);
            }
            Role::TransferEncoding => {
                // Chunked must be the last coding, or the length is known only at the close.
                self.chunked = ends_chunked(value);
                self.close |= !self.chunked;
            }
            Role::HopByHop | Role::EndToEnd => {}
        }
        Ok(())
    }

    fn framed(self, no_body: bool) -> Framed {
        let mut keep_alive = !self.close;
        let body = if no_body {
            Framing::Done
        } else if self.chunked {
            Framing::Chunked(Chunked::default())
        } else if let Some(length) = self.length {
            if length == 0 {
                Framing::Done
            } else {
                Framing::Length(length)
            }
        } else {
            keep_alive = false;
            Framing::UntilClose
        };
        Framed { body, keep_alive }
    }
}

impl Lines<'_> {
    fn name_and_value(&self, span: &Span) -> (&[u8], &[u8]) {
        let (head, (name, name_len), (value, value_len)) = (self.head, span.name, span.value);
        (&head[name..name + name_len], &head[value..value + value_len])
    }

    /// Appends the end-to-end headers to `headers` (and a `content-length`, which the
    /// gateway's server writes only for an answer without a body); how the body is framed.
    fn into_map(self, headers: &mut HeaderMap) -> Result<Framed, ExchangeError> {
        let mut seen = Seen::default();
        for span in self.spans {
            let (name, value) = self.name_and_value(span);
            let role = role_of(name);
            seen.note(role, value)?;
            if !matches!(role, Role::EndToEnd | Role::ContentLength) {
                continue;
            }
            let name = HeaderName::from_bytes(name)
                .map_err(|_| ExchangeError::Malformed("a header name is not a token"))?;
            let value =
                HeaderValue::from_maybe_shared(self.head.slice(span.value.0..span.value.0 + span.value.1))
                    .map_err(|_| ExchangeError::Malformed("a header value is not valid"))?;
            headers.append(name, value);
        }
        if seen.chunked {
            // A length beside chunked is to be ignored (RFC 9112, 6.3); the gateway's client
            // must not see it either.
            headers.remove(header::CONTENT_LENGTH);
        }
        Ok(seen.framed(self.no_body))
    }

    /// The end-to-end header lines to pass on, and how the body is framed. A length is passed
    /// on only for an answer without a body (a `HEAD`'s says how long its `GET`'s would be);
    /// any other is the gateway's server's to write, as its framing.
    ///
    /// Lines are copied as the service wrote them, runs of neighbours at once. httparse has
    /// checked them: names are tokens, values hold what a `HeaderValue` may (no control bytes
    /// but tab), and there are no folded lines.
    fn passed_on(self) -> Result<(PassedOn, Framed), ExchangeError> {
        let mut lines = BytesMut::with_capacity(self.head.len());
        let mut seen = Seen::default();
        let mut run: Option<Range<usize>> = None;
        let mut request_id = false;
        for (at, span) in self.spans.iter().enumerate() {
            let (name, value) = self.name_and_value(span);
            let role = role_of(name);
            seen.note(role, value)?;
            // The gateway's server dates every answer itself, as nginx does: a proxy must date
            // an undated answer (RFC 9110, 6.6.1), and this way none is looked through for one.
            if role != Role::EndToEnd || name.eq_ignore_ascii_case(b"date") {
                continue;
            }
            request_id |= name.eq_ignore_ascii_case(REQUEST_ID.as_str().as_bytes());
            let line = span.name.0..self.line_end(at);
            if !self.head[line.clone()].ends_with(b"\r\n") {
                // A bare line feed: written out again as CRLF.
                self.copy(&mut lines, run.take());
                lines.extend_from_slice(name);
                lines.extend_from_slice(b": ");
                lines.extend_from_slice(value);
                lines.extend_from_slice(b"\r\n");
                continue;
            }
            run = match run {
                Some(run) if run.end == line.start => Some(run.start..line.end),
                other => {
                    self.copy(&mut lines, other);
                    Some(line)
                }
            };
        }
        self.copy(&mut lines, run);
        if let (true, false, Some(length)) = (self.no_body, seen.chunked, seen.length) {
            lines.extend_from_slice(b"content-length: ");
            lines.extend_from_slice(itoa::Buffer::new().format(length).as_bytes());
            lines.extend_from_slice(b"\r\n");
        }
        Ok((
            PassedOn::new(lines.freeze(), request_id),
            seen.framed(self.no_body),
        ))
    }

    /// Where the line of the header at `at` ends: where the next begins, or where the empty
    /// line that ends the head does.
    fn line_end(&self, at: usize) -> usize {
        match self.spans.get(at + 1) {
            Some(next) => next.name.0,
            None if self.head.ends_with(b"\r\n\r\n") => self.head.len() - 2,
            None => self.head.len() - 1,
        }
    }

    fn copy(&self, lines: &mut BytesMut, run: Option<Range<usize>>) {
        if let Some(run) = run {
            lines.extend_from_slice(&self.head[run]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_of(wire: &[u8], head_request: bool) -> Result<Option<Head>, ExchangeError> {
        read_as(wire, head_request, AnswerHeaders::Parsed)
    }

    fn read_as(
        wire: &[u8],
        head_request: bool,
        answer: AnswerHeaders,
    ) -> Result<Option<Head>, ExchangeError> {
        parse_head(
            &mut BytesMut::from(wire),
            head_request,
            (&mut HeaderMap::new(), &mut http::Extensions::new()),
            &mut Vec::new(),
            answer,
        )
    }

    /// The lines a proxied answer passes on, and its head.
    fn passed_on(wire: &[u8], head_request: bool) -> (String, Head) {
        let head = read_as(wire, head_request, AnswerHeaders::PassedOn)
            .unwrap()
            .unwrap();
        let lines = head.parts.extensions.get::<PassedOn>().expect("lines passed on");
        (String::from_utf8(lines.lines().to_vec()).unwrap(), head)
    }

    #[test]
    fn a_proxied_answer_passes_its_own_lines_on_and_no_hop_by_hop_or_framing_ones() {
        let (lines, head) = passed_on(
            b"HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nconnection: keep-alive\r\n\
              Keep-Alive: timeout=5\r\nset-cookie: a=1\r\nset-cookie: b=2\r\ncontent-length: 2\r\n\
              Date: Thu, 03 Dec 2026 16:02:08 GMT\r\nX-Request-Id: r-1\r\n\r\nok",
            false,
        );
        assert_eq!(
            lines,
            "Content-Type: text/plain\r\nset-cookie: a=1\r\nset-cookie: b=2\r\nX-Request-Id: r-1\r\n"
        );
        assert!(head.parts.extensions.get::<PassedOn>().unwrap().has_request_id());
        assert_eq!(head.parts.status, StatusCode::CREATED);
        assert!(head.parts.headers.is_empty(), "nothing parsed into the map");
        assert!(matches!(head.framing, Framing::Length(2)));
        assert!(head.keep_alive);
    }

    #[test]
    fn a_proxied_answer_without_a_body_keeps_its_length_and_a_chunked_one_loses_it() {
        let (lines, head) = passed_on(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true);
        assert_eq!(lines, "content-length: 5\r\n", "a HEAD's length is its GET's");
        assert!(matches!(head.framing, Framing::Done));
        let (lines, head) = passed_on(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 9\r\n\r\n",
            false,
        );
        assert_eq!(lines, "");
        assert!(matches!(head.framing, Framing::Chunked(_)));
        let (_, closing) = passed_on(
            b"HTTP/1.1 200 OK\r\nConnection: Close\r\ncontent-length: 2\r\n\r\n",
            false,
        );
        assert!(!closing.keep_alive);
    }

    #[test]
    fn a_proxied_answer_in_bare_line_feeds_is_passed_on_in_crlf() {
        let (lines, _) = passed_on(
            b"HTTP/1.1 200 OK\nx-a: 1\ncontent-length: 0\nx-b:2  \nx-c: 3\n\n",
            false,
        );
        assert_eq!(lines, "x-a: 1\r\nx-b: 2\r\nx-c: 3\r\n");
        let (_, head) = passed_on(b"HTTP/1.1 200 OK\r\nx-request-ids: 1\r\n\r\n", false);
        assert!(!head.parts.extensions.get::<PassedOn>().unwrap().has_request_id());
    }

    #[test]
    fn a_proxied_answer_with_a_control_byte_in_a_value_is_refused() {
        let answer = read_as(
            b"HTTP/1.1 200 OK\r\nx-a: b\x7fc\r\n\r\n",
            false,
            AnswerHeaders::PassedOn,
        );
        assert!(answer.is_err());
        let parsed = read_as(
            b"HTTP/1.1 200 OK\r\nx-a: b\x7fc\r\n\r\n",
            false,
            AnswerHeaders::Parsed,
        );
        assert!(parsed.is_err(), "as a header map refuses it");
    }

    #[test]
    fn an_answer_head_keeps_its_headers_and_drops_hop_by_hop_ones() {
        let head = head_of(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nconnection: keep-alive\r\n\
              keep-alive: timeout=5\r\nset-cookie: a=1\r\nset-cookie: b=2\r\ncontent-length: 2\r\n\r\nok",
            false,
        )
        .unwrap()
        .unwrap();
        assert_eq!(head.parts.status, StatusCode::OK);
        assert_eq!(head.parts.headers["content-type"], "text/plain");
        assert_eq!(head.parts.headers.get_all("set-cookie").iter().count(), 2);
        assert!(head.parts.headers.get("connection").is_none());
        assert!(head.parts.headers.get("keep-alive").is_none());
        assert!(matches!(head.framing, Framing::Length(2)));
        assert!(head.keep_alive);
    }

    #[test]
    fn framing_follows_the_answer() {
        let chunked = head_of(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 9\r\n\r\n",
            false,
        );
        let chunked = chunked.unwrap().unwrap();
        assert!(matches!(chunked.framing, Framing::Chunked(_)));
        assert!(chunked.parts.headers.get("content-length").is_none());
        let closing = head_of(
            b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\n",
            false,
        );
        assert!(!closing.unwrap().unwrap().keep_alive);
        let unframed = head_of(b"HTTP/1.1 200 OK\r\n\r\n", false).unwrap().unwrap();
        assert!(matches!(unframed.framing, Framing::UntilClose));
        assert!(!unframed.keep_alive);
        let head = head_of(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n", true)
            .unwrap()
            .unwrap();
        assert!(matches!(head.framing, Framing::Done));
        let interim = head_of(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
            false,
        );
        assert_eq!(interim.unwrap().unwrap().parts.status, StatusCode::NO_CONTENT);
    }

    #[test]
    fn a_partial_head_waits_and_a_bad_one_is_refused() {
        assert!(head_of(b"HTTP/1.1 200 OK\r\ncontent-le", false)
            .unwrap()
            .is_none());
        assert!(head_of(b"SMTP ready\r\n\r\n", false).is_err());
        assert!(head_of(
            b"HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n",
            false
        )
        .is_err());
        assert!(head_of(b"HTTP/1.1 101 Switching Protocols\r\n\r\n", false).is_err());
    }

    #[test]
    fn a_target_is_a_path_in_visible_ascii() {
        assert_eq!(
            Target::new("/shop", "/products?page=2").unwrap().to_string(),
            "/shop/products?page=2"
        );
        assert!(Target::new("", "/a b").is_none(), "a space ends the request line");
        assert!(Target::new("", "/a\r\nx-user-id: 1").is_none());
        assert!(Target::new("", "products").is_none(), "not a path");
    }

    #[test]
    fn a_request_head_carries_the_host_and_the_gateways_framing() {
        let request = http::Request::post("/ignored")
            .header("host", "shop.example")
            .header("transfer-encoding", "chunked")
            .header("x-request-id", "r1")
            .body(())
            .unwrap();
        let (parts, ()) = request.into_parts();
        let mut out = Vec::new();
        let host = HeaderValue::from_static("127.0.0.1:9000");
        let added = ProxyHeaders::default();
        let outgoing = Outgoing {
            target: Target::new("", "/orders?x=1").unwrap(),
            added: &added,
            answer: AnswerHeaders::PassedOn,
        };
        encode_head(
            &mut out,
            &parts,
            outgoing,
            &host,
            RequestFraming::of(&parts, true),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "POST /orders?x=1 HTTP/1.1\r\nhost: 127.0.0.1:9000\r\nx-request-id: r1\r\n\
             transfer-encoding: chunked\r\n\r\n"
        );
        let mut out = Vec::new();
        encode_head(
            &mut out,
            &parts,
            outgoing,
            &host,
            RequestFraming::of(&parts, false),
        );
        assert!(String::from_utf8(out)
            .unwrap()
            .ends_with("content-length: 0\r\n\r\n"));
    }

    #[test]
    fn a_request_carries_the_gateways_forwarding_and_trace_headers_not_the_clients() {
        let request = http::Request::get("/ignored")
            .header("x-forwarded-for", "6.6.6.6")
            .header("traceparent", "00-forged")
            .header("x-client-address", "6.6.6.6")
            .header("accept", "*/*")
            .body(())
            .unwrap();
        let (parts, ()) = request.into_parts();
        let client = crate::forwarding::Forwarding::default().client([10, 0, 0, 7].into(), &parts.headers);
        let trace = crate::observe::TraceContext::child_of(None);
        let added = ProxyHeaders::new(
            Some(client),
            Some(HeaderValue::from_static("shop.example")),
            Some(crate::forwarding::Traceparent::Hop(trace)),
        );
        let outgoing = Outgoing {
            target: Target::new("", "/products").unwrap(),
            added: &added,
            answer: AnswerHeaders::PassedOn,
        };
        let mut out = Vec::new();
        let host = HeaderValue::from_static("catalog:9002");
        encode_head(&mut out, &parts, outgoing, &host, RequestFraming::Empty);
        let head = String::from_utf8(out).unwrap();
        let traceparent = String::from_utf8(trace.traceparent_text().to_vec()).unwrap();
        assert_eq!(
            head,
            format!(
                "GET /products HTTP/1.1\r\nhost: catalog:9002\r\naccept: */*\r\n\
                 x-client-address: 10.0.0.7\r\nx-forwarded-for: 10.0.0.7\r\nx-forwarded-proto: http\r\n\
                 x-forwarded-host: shop.example\r\ntraceparent: {traceparent}\r\n\r\n"
            )
        );
    }
}
