//! An answer's head on the wire, and how its body is framed there.

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

use http::header::{self, HeaderMap};
use http::{response, StatusCode, Version};
use http_body::Body as _;

use kit::http::REQUEST_ID;

use crate::headers::is_hop_by_hop;
use crate::wire::{content_length, PassedOn};

/// How an answer's body goes on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// No body: a `HEAD`, a 1xx, 204 or 304 (their headers are written as the service set them).
    None,
    /// This many bytes, announced by `content-length`.
    Length(u64),
    /// `transfer-encoding: chunked`.
    Chunked,
    /// Up to the close, for an HTTP/1.0 client when the length is not known.
    UntilClose,
}

impl Framing {
    /// The framing of an answer with `parts` and `body` to a request made with `version`
    /// (`head_request` for a `HEAD`). A length the body knows is used; then one the service
    /// set in its headers (a proxied answer's); else chunked, or the close for HTTP/1.0.
    pub fn of(
        parts: &response::Parts,
        body: &axum::body::Body,
        head_request: bool,
        version: Version,
    ) -> Self {
        let status = parts.status;
        if head_request
            || status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED
        {
            return Self::None;
        }
        if let Some(length) = body.size_hint().exact() {
            return Self::Length(length);
        }
        if let Some(length) = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| content_length(v.as_bytes()))
        {
            return Self::Length(length);
        }
        if version == Version::HTTP_11 {
            Self::Chunked
        } else {
            Self::UntilClose
        }
    }
}

/// Writes the status line and headers of an answer framed by `framing` to `out`: its map's,
/// then the lines a proxied answer passes on ([`PassedOn`]). The framing and connection
/// headers are the gateway's to write: the service's `content-length` is written only as the
/// framing's, and hop-by-hop headers not at all. A `date` is added if
/// the answer has none (RFC 9110, 6.6.1). A service's own `x-request-id` wins over one a
/// layer put in the map (`tower_http`'s, when spans are exported), so there is one.
pub fn encode_head(
    out: &mut Vec<u8>,
    parts: &response::Parts,
    framing: Framing,
    keep_alive: bool,
    version: Version,
) {
    out.extend_from_slice(b"HTTP/1.1 ");
    out.extend_from_slice(parts.status.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(parts.status.canonical_reason().unwrap_or("").as_bytes());
    out.extend_from_slice(b"\r\n");
    let passed = parts.extensions.get::<PassedOn>();
    let ids_passed_on = passed.is_some_and(PassedOn::has_request_id);
    write_headers(out, &parts.headers, framing, ids_passed_on);
    if let Some(passed) = passed {
        out.extend_from_slice(passed.lines());
    }
    match framing {
        Framing::Length(length) => {
            out.extend_from_slice(b"content-length: ");
            out.extend_from_slice(itoa::Buffer::new().format(length).as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        Framing::Chunked => out.extend_from_slice(b"transfer-encoding: chunked\r\n"),
        Framing::None | Framing::UntilClose => {}
    }
    if !keep_alive {
        out.extend_from_slice(b"connection: close\r\n");
    } else if version == Version::HTTP_10 {
        out.extend_from_slice(b"connection: keep-alive\r\n");
    }
    // Lines passed on carry no `date`: the gateway writes its own.
    if !parts.headers.contains_key(header::DATE) {
        out.extend_from_slice(b"date: ");
        with_date(|date| out.extend_from_slice(date));
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

fn write_headers(out: &mut Vec<u8>, headers: &HeaderMap, framing: Framing, ids_passed_on: bool) {
    for (name, value) in headers {
        let framing_header = *name == header::CONTENT_LENGTH && framing != Framing::None;
        let passed_on = ids_passed_on && *name == REQUEST_ID;
        if framing_header || passed_on || *name == header::TRANSFER_ENCODING || is_hop_by_hop(name) {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
}

/// Writes a chunk's size line for `len` bytes of data.
pub fn chunk_size(out: &mut Vec<u8>, len: usize) {
    let mut digits = [0u8; 16];
    let mut at = digits.len();
    let mut left = len;
    loop {
        at -= 1;
        digits[at] = b"0123456789abcdef"[left & 0xf];
        left >>= 4;
        if left == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
    out.extend_from_slice(b"\r\n");
}

thread_local! {
    /// The `date` of answers, formatted once per second per thread (`httpdate` allocates).
    static DATE: RefCell<(u64, String)> = const { RefCell::new((0, String::new())) };
}

/// Calls `f` with the current time as an HTTP date.
fn with_date(f: impl FnOnce(&[u8])) {
    let now = SystemTime::now();
    let second = now.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    DATE.with_borrow_mut(|(at, text)| {
        if *at != second || text.is_empty() {
            *at = second;
            *text = httpdate::fmt_http_date(now);
        }
        f(text.as_bytes());
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn parts(status: StatusCode, headers: &[(&'static str, &'static str)]) -> response::Parts {
        let mut response = http::Response::new(());
        *response.status_mut() = status;
        for (name, value) in headers {
            response.headers_mut().append(*name, value.parse().unwrap());
        }
        response.into_parts().0
    }

    fn head(parts: &response::Parts, framing: Framing, keep_alive: bool, version: Version) -> String {
        let mut out = Vec::new();
        encode_head(&mut out, parts, framing, keep_alive, version);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_body_of_known_length_is_announced_by_it() {
        let answer = parts(
            StatusCode::OK,
            &[("content-type", "text/plain"), ("content-length", "99")],
        );
        let framing = Framing::of(&answer, &Body::from("hello"), false, Version::HTTP_11);
        assert_eq!(framing, Framing::Length(5), "the body's own length wins");
        let text = head(&answer, framing, true, Version::HTTP_11);
        assert!(
            text.starts_with("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\ndate: "),
            "{text}"
        );
        assert!(text.ends_with(" GMT\r\n\r\n"), "{text}");
        assert!(!text.contains("99"));
    }

    #[test]
    fn a_proxied_length_is_kept_and_an_unknown_one_is_chunked() {
        let stream = || Body::from_stream(futures::stream::empty::<Result<bytes::Bytes, std::io::Error>>());
        let proxied = parts(StatusCode::OK, &[("content-length", "42"), ("date", "then")]);
        assert_eq!(
            Framing::of(&proxied, &stream(), false, Version::HTTP_11),
            Framing::Length(42)
        );
        let unknown = parts(
            StatusCode::OK,
            &[("transfer-encoding", "chunked"), ("connection", "keep-alive")],
        );
        assert_eq!(
            Framing::of(&unknown, &stream(), false, Version::HTTP_11),
            Framing::Chunked
        );
        assert_eq!(
            Framing::of(&unknown, &stream(), false, Version::HTTP_10),
            Framing::UntilClose
        );
        let text = head(&unknown, Framing::Chunked, false, Version::HTTP_11);
        assert_eq!(text.matches("transfer-encoding").count(), 1, "{text}");
        assert!(!text.contains("keep-alive"), "{text}");
        assert!(text.contains("connection: close\r\n"), "{text}");
        let old_client = head(&proxied, Framing::Length(42), true, Version::HTTP_10);
        assert!(old_client.contains("connection: keep-alive\r\n"), "{old_client}");
        assert_eq!(
            old_client.matches("date: ").count(),
            1,
            "the service's date is kept: {old_client}"
        );
    }

    #[test]
    fn answers_without_a_body_keep_their_headers() {
        let answer = parts(StatusCode::OK, &[("content-length", "1234")]);
        assert_eq!(
            Framing::of(&answer, &Body::empty(), true, Version::HTTP_11),
            Framing::None
        );
        assert!(head(&answer, Framing::None, true, Version::HTTP_11).contains("content-length: 1234\r\n"));
        let none = parts(StatusCode::NOT_MODIFIED, &[]);
        assert_eq!(
            Framing::of(&none, &Body::from("x"), false, Version::HTTP_11),
            Framing::None
        );
    }

    #[test]
    fn chunk_sizes_are_hexadecimal() {
        for (len, text) in [(0, "0\r\n"), (10, "a\r\n"), (4096, "1000\r\n")] {
            let mut out = Vec::new();
            chunk_size(&mut out, len);
            assert_eq!(out, text.as_bytes());
        }
    }

    #[test]
    fn a_request_id_passed_on_by_the_service_is_written_once() {
        let mut answer = parts(StatusCode::BAD_REQUEST, &[("x-request-id", "r-1")]);
        let lines =
            bytes::Bytes::from_static(b"content-type: application/problem+json\r\nx-request-id: r-1\r\n");
        answer.extensions.insert(PassedOn::new(lines, true));
        let text = head(&answer, Framing::Length(2), true, Version::HTTP_11);
        assert_eq!(text.matches("x-request-id").count(), 1, "{text}");
        assert!(
            text.contains("content-type: application/problem+json\r\n"),
            "{text}"
        );
        answer
            .extensions
            .insert(PassedOn::new(bytes::Bytes::new(), false));
        let text = head(&answer, Framing::Length(2), true, Version::HTTP_11);
        assert_eq!(
            text.matches("x-request-id: r-1").count(),
            1,
            "the map's, when the service sent none: {text}"
        );
    }
}
