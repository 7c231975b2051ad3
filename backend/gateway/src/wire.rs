//! HTTP/1.1 framing shared by both of the gateway's ends: its server, which reads requests
//! from browsers and partners (`front`), and its client, which reads answers from services
//! (`upstream::h1`). Only what both read the same way lives here: chunked bodies, bodies of
//! a known length, and the comma-separated tokens of `connection` and `transfer-encoding`.

use bytes::{Buf, Bytes, BytesMut};
use http::header::HeaderValue;

/// Longest chunk-size line accepted (with extensions, which are ignored).
const MAX_CHUNK_LINE: usize = 1024;

/// Bytes on the wire that are not HTTP/1.1 as it must be framed; says what was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Malformed(pub &'static str);

/// Where a chunked body's decoding stands.
#[derive(Debug, Default)]
pub enum Chunked {
    /// Expecting a chunk-size line.
    #[default]
    Size,
    /// In a chunk's data, this many bytes left.
    Data(u64),
    /// After a chunk's data, expecting its CRLF.
    DataEnd,
    /// After the last chunk, skipping trailer lines up to the empty one.
    Trailers,
}

/// What one decoding step found.
#[derive(Debug, PartialEq)]
pub enum Step {
    /// Some of the body.
    Data(Bytes),
    /// Not enough has been read to go on.
    NeedMore,
    /// The body, trailers and all, is over.
    Finished,
}

impl Chunked {
    /// Decodes from the front of `read`, taking what it uses.
    pub fn step(&mut self, read: &mut BytesMut) -> Result<Step, Malformed> {
        loop {
            match self {
                Self::Size => {
                    let Some(line) = take_line(read)? else {
                        return Ok(Step::NeedMore);
                    };
                    let digits = line[..].split(|&b| b == b';').next().unwrap_or_default();
                    let digits = std::str::from_utf8(digits)
                        .map_err(|_| Malformed("a chunk size is not hexadecimal"))?
                        .trim();
                    let size = u64::from_str_radix(digits, 16)
                        .map_err(|_| Malformed("a chunk size is not hexadecimal"))?;
                    *self = if size == 0 {
                        Self::Trailers
                    } else {
                        Self::Data(size)
                    };
                }
                Self::Data(left) => {
                    let Some(data) = take_up_to(read, left) else {
                        return Ok(Step::NeedMore);
                    };
                    if *left == 0 {
                        *self = Self::DataEnd;
                    }
                    return Ok(Step::Data(data));
                }
                Self::DataEnd => {
                    if read.len() < 2 {
                        return Ok(Step::NeedMore);
                    }
                    if &read[..2] != b"\r\n" {
                        return Err(Malformed("a chunk does not end in CRLF"));
                    }
                    read.advance(2);
                    *self = Self::Size;
                }
                Self::Trailers => {
                    let Some(line) = take_line(read)? else {
                        return Ok(Step::NeedMore);
                    };
                    if line.is_empty() {
                        return Ok(Step::Finished);
                    }
                }
            }
        }
    }
}

/// The next CRLF-ended line (without its CRLF), if all of it has been read.
fn take_line(read: &mut BytesMut) -> Result<Option<BytesMut>, Malformed> {
    match read.windows(2).position(|w| w == b"\r\n") {
        Some(end) => {
            let line = read.split_to(end);
            read.advance(2);
            Ok(Some(line))
        }
        None if read.len() > MAX_CHUNK_LINE => Err(Malformed("a chunk line is too long")),
        None => Ok(None),
    }
}

/// At most `left` bytes of what was read, if anything was; `left` counts them down.
pub fn take_up_to(read: &mut BytesMut, left: &mut u64) -> Option<Bytes> {
    if read.is_empty() || *left == 0 {
        return None;
    }
    let n = usize::try_from(*left).map_or(read.len(), |left| left.min(read.len()));
    *left -= n as u64;
    Some(read.split_to(n).freeze())
}

/// Whether the comma-separated `value` lists `token`.
pub fn has_token(value: &HeaderValue, token: &str) -> bool {
    // On bytes: splitting the checked string cost about 350 instructions per request for a
    // browser's `connection: keep-alive`.
    value
        .as_bytes()
        .split(|&b| b == b',')
        .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
}

/// The last of the comma-separated tokens in `value`.
pub fn last_token(value: &HeaderValue) -> Option<&str> {
    value.to_str().ok()?.rsplit(',').next().map(str::trim)
}

/// Whether a `transfer-encoding` ends in `chunked`: only then is a body's end known from its
/// framing (RFC 9112, 6.3).
pub fn ends_chunked(value: &HeaderValue) -> bool {
    last_token(value).is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
}

/// A `content-length` value as a number.
pub fn content_length(value: &HeaderValue) -> Option<u64> {
    let digits = value.to_str().ok()?.trim();
    // `parse` takes a leading `+`, which a length may not have.
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(wire: &[u8], split: usize) -> Result<Vec<u8>, Malformed> {
        let mut chunked = Chunked::default();
        let mut read = BytesMut::new();
        let mut body = Vec::new();
        for piece in wire.chunks(split) {
            read.extend_from_slice(piece);
            loop {
                match chunked.step(&mut read)? {
                    Step::Data(data) => body.extend_from_slice(&data),
                    Step::NeedMore => break,
                    Step::Finished => return Ok(body),
                }
            }
        }
        Err(Malformed("unfinished"))
    }

    #[test]
    fn a_chunked_body_decodes_however_it_arrives() {
        let wire = b"5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nx-trailer: 1\r\n\r\n";
        for split in [1, 2, 3, 7, wire.len()] {
            assert_eq!(decode_all(wire, split).unwrap(), b"hello, world", "split {split}");
        }
    }

    #[test]
    fn a_broken_chunked_body_is_an_error() {
        assert!(decode_all(b"zz\r\nhello\r\n0\r\n\r\n", 64).is_err());
        assert!(decode_all(b"5\r\nhelloXX0\r\n\r\n", 64).is_err());
    }

    #[test]
    fn lengths_and_codings_are_read_strictly() {
        let value = HeaderValue::from_static;
        assert_eq!(content_length(&value("42")), Some(42));
        assert_eq!(content_length(&value("+42")), None);
        assert_eq!(content_length(&value("4 2")), None);
        assert!(ends_chunked(&value("gzip, chunked")));
        assert!(!ends_chunked(&value("chunked, gzip")));
        assert!(has_token(&value("keep-alive, Close"), "close"));
    }
}
