//! A client's request head, parsed, and its body as the gateway's service reads it.

use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, StatusCode, Uri, Version};
use http_body::{Frame, SizeHint};
use std::sync::Arc;

use tokio::sync::{mpsc, Notify};

use crate::wire::{content_length, ends_chunked, has_token, Chunked, Malformed};

/// Most headers a request may carry (hyper's server allows 100; browsers send about 15).
const MAX_HEADERS: usize = 100;
/// Longest request head accepted: what nginx allows by default (four 8 KB buffers) and hyper
/// about as much.
pub const MAX_HEAD: usize = 32 * 1024;
/// Room made in a request's header map for what the gateway adds before passing it on
/// (forwarding headers, request id, trace context): a map that must grow while the request
/// is on its way costs a reallocation and a rehash.
const HEADER_ROOM: usize = 24;

/// A request head that cannot be served, and the status that says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct Refusal {
    /// 400, 408, 431, 501 or 505.
    pub status: StatusCode,
    /// What was wrong, for the problem body.
    pub detail: &'static str,
}

impl Refusal {
    fn bad(detail: &'static str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            detail,
        }
    }
}

/// How a request's body is delimited.
#[derive(Debug)]
pub enum BodyFraming {
    /// No body.
    Empty,
    /// `content-length`: this many bytes left.
    Length(u64),
    /// `transfer-encoding: chunked`.
    Chunked(Chunked),
}

/// A request head: the request without its body, how the body is framed, and what the client
/// asked of the connection.
#[derive(Debug)]
pub struct Head {
    /// Method, target, version and headers.
    pub request: Request<()>,
    /// How its body is delimited.
    pub body: BodyFraming,
    /// Whether the client will send another request on this connection.
    pub keep_alive: bool,
    /// Whether the client waits for `100 Continue` before sending its body.
    pub expects_continue: bool,
}

/// Where one header sits in the head's bytes.
#[derive(Clone, Copy, Default, Debug)]
pub struct Span {
    name: (usize, usize),
    value: (usize, usize),
}

fn span_of(field: &[u8], start: usize) -> (usize, usize) {
    (field.as_ptr() as usize - start, field.len())
}

/// The request head at the front of `read`, if all of it is there (then taken out of
/// `read`). Its headers go into `map`, emptied first, which is taken. `spans` is room to
/// note where the headers are, kept from request to request (an array of them on the stack
/// had to be zeroed for every parse).
pub fn parse(
    read: &mut BytesMut,
    map: &mut HeaderMap,
    spans: &mut Vec<Span>,
) -> Result<Option<Head>, Refusal> {
    if read.is_empty() {
        return Ok(None);
    }
    let mut headers = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut []);
    let length = match parsed.parse_with_uninit_headers(read, &mut headers) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) if read.len() > MAX_HEAD => return Err(too_large()),
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(too_large()),
        Err(httparse::Error::Version) => {
            return Err(Refusal {
                status: StatusCode::HTTP_VERSION_NOT_SUPPORTED,
                detail: "the gateway speaks HTTP/1.1 and HTTP/1.0",
            })
        }
        Err(_) => return Err(Refusal::bad("the request head is not HTTP/1.1")),
    };
    if length > MAX_HEAD {
        return Err(too_large());
    }
    let method = Method::from_bytes(parsed.method.unwrap_or_default().as_bytes())
        .map_err(|_| Refusal::bad("the method is not a token"))?;
    let version = match parsed.version {
        Some(0) => Version::HTTP_10,
        _ => Version::HTTP_11,
    };
    let start = read.as_ptr() as usize;
    let target = span_of(parsed.path.unwrap_or_default().as_bytes(), start);
    spans.clear();
    spans.extend(parsed.headers.iter().map(|h| Span {
        name: span_of(h.name.as_bytes(), start),
        value: span_of(h.value, start),
    }));
    let head = read.split_to(length).freeze();
    let uri = Uri::from_maybe_shared(head.slice(target.0..target.0 + target.1))
        .map_err(|_| Refusal::bad("the request target is not a URI"))?;
    let mut headers = std::mem::take(map);
    headers.clear();
    headers.reserve(spans.len() + HEADER_ROOM);
    let mut request = Request::new(());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.version_mut() = version;
    read_headers(request, headers, &head, spans).map(Some)
}

fn too_large() -> Refusal {
    Refusal {
        status: StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        detail: "the request head is too large",
    }
}

/// Puts the parsed headers into `request` and reads its framing from them.
fn read_headers(
    mut request: Request<()>,
    mut headers: HeaderMap,
    head: &Bytes,
    spans: &[Span],
) -> Result<Head, Refusal> {
    let http11 = request.version() == Version::HTTP_11;
    let (mut close, mut keep_alive_asked, mut expects_continue) = (false, false, false);
    let (mut length, mut chunked, mut coded) = (None::<u64>, false, false);
    for span in spans {
        let name = HeaderName::from_bytes(&head[span.name.0..span.name.0 + span.name.1])
            .map_err(|_| Refusal::bad("a header name is not a token"))?;
        let value = HeaderValue::from_maybe_shared(head.slice(span.value.0..span.value.0 + span.value.1))
            .map_err(|_| Refusal::bad("a header value is not valid"))?;
        if name == header::CONNECTION {
            close |= has_token(value.as_bytes(), "close");
            keep_alive_asked |= has_token(value.as_bytes(), "keep-alive");
        } else if name == header::CONTENT_LENGTH {
            let this =
                content_length(value.as_bytes()).ok_or(Refusal::bad("content-length is not a number"))?;
            if length.is_some_and(|seen| seen != this) {
                return Err(Refusal::bad("two different content-lengths"));
            }
            length = Some(this);
        } else if name == header::TRANSFER_ENCODING {
            coded = true;
            chunked = ends_chunked(value.as_bytes());
        } else if name == header::EXPECT {
            expects_continue = value.as_bytes().eq_ignore_ascii_case(b"100-continue");
        }
        headers.append(name, value);
    }
    let body = match (coded, length) {
        // Either could be believed, and a proxy that believes the other one is how requests
        // are smuggled (RFC 9112, 6.1): refused rather than guessed.
        (true, Some(_)) => return Err(Refusal::bad("both transfer-encoding and content-length")),
        (true, None) if !chunked || !http11 => {
            return Err(Refusal {
                status: StatusCode::NOT_IMPLEMENTED,
                detail: "a request body's transfer-encoding must end in chunked, over HTTP/1.1",
            })
        }
        (true, None) => BodyFraming::Chunked(Chunked::default()),
        (false, Some(0) | None) => BodyFraming::Empty,
        (false, Some(length)) => BodyFraming::Length(length),
    };
    *request.headers_mut() = headers;
    Ok(Head {
        request,
        keep_alive: if http11 {
            !close
        } else {
            keep_alive_asked && !close
        },
        expects_continue: expects_continue && http11 && !matches!(body, BodyFraming::Empty),
        body,
    })
}

/// What the connection's task hands a request's body: a piece of it, its end, or why it broke.
#[derive(Debug)]
pub enum Piece {
    /// The next bytes.
    Data(Bytes),
    /// The body is complete.
    End,
    /// The body cannot be read to its end.
    Broken(BodyError),
}

/// Why a request's body could not be read whole.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BodyError {
    /// The body's framing is broken (a bad chunk).
    #[error("request body: {0}")]
    Malformed(#[from] Malformed),
    /// The client closed the connection, or stopped sending, before the body's end.
    #[error("request body cut short")]
    CutShort,
}

/// A request's body as the service reads it: pieces read for it by the connection's task,
/// which owns the socket (and must keep it for the next request once this one is answered).
#[derive(Debug)]
pub struct Incoming {
    pieces: mpsc::Receiver<Piece>,
    /// Bytes still to come, when the client said how many.
    left: Option<u64>,
    ended: bool,
    /// Told when the body is first read: a client that expects `100 Continue` is sent it
    /// only then, so a request refused before its body is wanted is refused without it.
    wanted: Option<Arc<Notify>>,
}

impl Incoming {
    /// The body whose pieces arrive on `pieces`; `length` when the client sent one; `wanted`
    /// is told when the service first reads it.
    pub fn new(pieces: mpsc::Receiver<Piece>, length: Option<u64>, wanted: Option<Arc<Notify>>) -> Self {
        Self {
            pieces,
            left: length,
            ended: false,
            wanted,
        }
    }
}

impl http_body::Body for Incoming {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        if self.ended {
            return Poll::Ready(None);
        }
        if let Some(wanted) = self.wanted.take() {
            wanted.notify_one();
        }
        let piece = std::task::ready!(self.pieces.poll_recv(cx));
        Poll::Ready(match piece {
            Some(Piece::Data(data)) => {
                if let Some(left) = &mut self.left {
                    *left = left.saturating_sub(data.len() as u64);
                }
                Some(Ok(Frame::data(data)))
            }
            Some(Piece::End) => {
                self.ended = true;
                None
            }
            Some(Piece::Broken(err)) => {
                self.ended = true;
                Some(Err(err))
            }
            // All the bytes the client announced came: that is the end.
            None if self.left == Some(0) => {
                self.ended = true;
                None
            }
            // The connection's task stopped reading without saying the body was whole.
            None => {
                self.ended = true;
                Some(Err(BodyError::CutShort))
            }
        })
    }

    fn is_end_stream(&self) -> bool {
        self.ended || self.left == Some(0)
    }

    fn size_hint(&self) -> SizeHint {
        self.left.map(SizeHint::with_exact).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_of(wire: &[u8]) -> Result<Option<Head>, Refusal> {
        parse(&mut BytesMut::from(wire), &mut HeaderMap::new(), &mut Vec::new())
    }

    #[test]
    fn a_request_head_becomes_a_request() {
        let mut read = BytesMut::from(
            &b"GET /api/catalog/products?page=2 HTTP/1.1\r\nhost: shop\r\ncookie: a=1\r\n\
               cookie: b=2\r\n\r\nGET /next HTTP/1.1\r\n"[..],
        );
        let head = parse(&mut read, &mut HeaderMap::new(), &mut Vec::new())
            .unwrap()
            .unwrap();
        assert_eq!(head.request.method(), Method::GET);
        assert_eq!(head.request.uri().path(), "/api/catalog/products");
        assert_eq!(head.request.uri().query(), Some("page=2"));
        assert_eq!(head.request.headers()["host"], "shop");
        assert_eq!(head.request.headers().get_all("cookie").iter().count(), 2);
        assert!(head.keep_alive);
        assert!(matches!(head.body, BodyFraming::Empty));
        assert_eq!(&read[..], b"GET /next HTTP/1.1\r\n", "the next request is left");
    }

    #[test]
    fn keep_alive_follows_the_version_and_the_connection_header() {
        let close = head_of(b"GET / HTTP/1.1\r\nconnection: close\r\n\r\n");
        assert!(!close.unwrap().unwrap().keep_alive);
        let old = head_of(b"GET / HTTP/1.0\r\n\r\n").unwrap().unwrap();
        assert!(!old.keep_alive);
        let old_kept = head_of(b"GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n");
        assert!(old_kept.unwrap().unwrap().keep_alive);
    }

    #[test]
    fn the_body_framing_is_read_strictly() {
        let sized = head_of(b"POST /x HTTP/1.1\r\ncontent-length: 5\r\nexpect: 100-continue\r\n\r\n");
        let sized = sized.unwrap().unwrap();
        assert!(matches!(sized.body, BodyFraming::Length(5)));
        assert!(sized.expects_continue);
        let chunked = head_of(b"POST /x HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n");
        assert!(matches!(chunked.unwrap().unwrap().body, BodyFraming::Chunked(_)));
        let smuggled =
            head_of(b"POST /x HTTP/1.1\r\ntransfer-encoding: chunked\r\ncontent-length: 5\r\n\r\n");
        assert_eq!(smuggled.unwrap_err().status, StatusCode::BAD_REQUEST);
        let two = head_of(b"POST /x HTTP/1.1\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\n");
        assert_eq!(two.unwrap_err().status, StatusCode::BAD_REQUEST);
        let gzip_only = head_of(b"POST /x HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\n");
        assert_eq!(gzip_only.unwrap_err().status, StatusCode::NOT_IMPLEMENTED);
    }

    #[test]
    fn a_partial_head_waits_and_a_bad_one_is_refused() {
        assert!(head_of(b"GET /api/catalog HTTP/1.1\r\nhost: sh")
            .unwrap()
            .is_none());
        assert_eq!(
            head_of(b"GE(T / HTTP/1.1\r\n\r\n").unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            head_of(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").unwrap_err().status,
            StatusCode::HTTP_VERSION_NOT_SUPPORTED
        );
        let mut huge = b"GET / HTTP/1.1\r\nx-filler: ".to_vec();
        huge.resize(MAX_HEAD + 10, b'a');
        assert_eq!(
            head_of(&huge).unwrap_err().status,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
        );
    }
}
