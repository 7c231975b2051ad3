//! HTTP/1.1 framing shared by both of the gateway's ends: its server, which reads requests
//! from browsers and partners (`front`), and its client, which reads answers from services
//! (`upstream::h1`). Only what both read the same way lives here: chunked bodies, bodies of
//! a known length, the comma-separated tokens of `connection` and `transfer-encoding`, and
//! the header lines of an answer passed from one end to the other ([`PassedOn`]).

use bytes::{Buf, Bytes, BytesMut};

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
pub fn has_token(value: &[u8], token: &str) -> bool {
    // On bytes: splitting the checked string cost about 350 instructions per request for a
    // browser's `connection: keep-alive`.
    value
        .split(|&b| b == b',')
        .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
}

/// Whether a `transfer-encoding` ends in `chunked`: only then is a body's end known from its
/// framing (RFC 9112, 6.3).
pub fn ends_chunked(value: &[u8]) -> bool {
    value
        .rsplit(|&b| b == b',')
        .next()
        .is_some_and(|t| t.trim_ascii().eq_ignore_ascii_case(b"chunked"))
}

/// A `content-length` value as a number.
pub fn content_length(value: &[u8]) -> Option<u64> {
    let digits = value.trim_ascii();
    // Digits only: `parse` would take a leading `+`, which a length may not have.
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// An answer's end-to-end header lines (`name: value\r\n` each) as the service wrote them,
/// carried in the answer's extensions from the gateway's client (`upstream::h1`) to its
/// server (`front`), which writes them on as they are. The proxy does not read a service's
/// headers: parsing each into a header map only to write it out again was about 4 k of a
/// proxied request's 35 k instructions (decision 0020, round 6). Hop-by-hop and framing
/// headers are not among them, nor `date`: each end writes its own.
#[derive(Clone, Debug, Default)]
pub struct PassedOn {
    lines: Bytes,
    request_id: bool,
}

impl PassedOn {
    /// `lines`, already checked by the parser and ending in `\r\n` each; `request_id` when
    /// one of them is the request's `x-request-id`.
    pub fn new(lines: Bytes, request_id: bool) -> Self {
        Self { lines, request_id }
    }

    /// The lines, to be written as they are.
    pub fn lines(&self) -> &[u8] {
        &self.lines
    }

    /// Whether the answer carries its request's id (services send back the one they got).
    pub fn has_request_id(&self) -> bool {
        self.request_id
    }
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
        assert_eq!(content_length(b"42"), Some(42));
        assert_eq!(content_length(b" 42 "), Some(42));
        assert_eq!(content_length(b"+42"), None);
        assert_eq!(content_length(b"4 2"), None);
        assert_eq!(content_length(b""), None);
        assert!(ends_chunked(b"gzip, chunked"));
        assert!(ends_chunked(b"gzip,Chunked "));
        assert!(!ends_chunked(b"chunked, gzip"));
        assert!(has_token(b"keep-alive, Close", "close"));
    }
}
