//! Webhook signatures in the Stripe scheme: `Stripe-Signature: t=<unix>,v1=<hex>` where the
//! hex is HMAC-SHA256(secret, "<t>.<raw body>"). The timestamp bounds replays; the HMAC is
//! compared in constant time.

use ring::hmac;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "stripe-signature";

/// Why a webhook's signature is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No signature header.
    #[error("unsigned")]
    Missing,
    /// The header is not `t=…,v1=…`.
    #[error("malformed signature header")]
    Malformed,
    /// Signed too long ago (or in the future): a replay.
    #[error("timestamp outside the tolerance window")]
    Stale,
    /// No `v1` matches: forged, or signed with another secret.
    #[error("signature does not match")]
    Mismatch,
}

/// The header value for `payload` signed at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, payload: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let tag = hmac::sign(&key, &signed_payload(timestamp, payload));
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

/// Checks `header` for `payload` at time `now` with `tolerance` seconds either way.
pub fn verify(
    secret: &str,
    header: Option<&str>,
    payload: &[u8],
    now: i64,
    tolerance: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => candidates.push(decode_hex(value).ok_or(SignatureError::Malformed)?),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > tolerance {
        return Err(SignatureError::Stale);
    }
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let message = signed_payload(timestamp, payload);
    candidates
        .iter()
        .any(|tag| hmac::verify(&key, &message, tag).is_ok())
        .then_some(())
        .ok_or(SignatureError::Mismatch)
}

fn signed_payload(timestamp: i64, payload: &[u8]) -> Vec<u8> {
    let mut message = format!("{timestamp}.").into_bytes();
    message.extend_from_slice(payload);
    message
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";

    #[test]
    fn a_signed_payload_verifies_within_the_window() {
        let header = sign(SECRET, 1_000, b"{\"id\":1}");
        assert_eq!(verify(SECRET, Some(&header), b"{\"id\":1}", 1_100, 300), Ok(()));
    }

    #[test]
    fn forged_tampered_replayed_and_unsigned_are_refused() {
        let header = sign(SECRET, 1_000, b"{\"id\":1}");
        assert_eq!(
            verify(SECRET, None, b"x", 1_000, 300),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(SECRET, Some("nonsense"), b"x", 1_000, 300),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(SECRET, Some(&header), b"{\"id\":2}", 1_000, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("other", Some(&header), b"{\"id\":1}", 1_000, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, Some(&header), b"{\"id\":1}", 1_400, 300),
            Err(SignatureError::Stale)
        );
        let retimed = header.replace("t=1000", "t=1350");
        assert_eq!(
            verify(SECRET, Some(&retimed), b"{\"id\":1}", 1_400, 300),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_signature_from_the_future_is_refused_beyond_the_tolerance_only() {
        // Clocks drift: a little ahead is accepted, past the tolerance it is a forged time.
        let ahead = sign(SECRET, 1_300, b"x");
        assert_eq!(verify(SECRET, Some(&ahead), b"x", 1_000, 300), Ok(()));
        let too_far = sign(SECRET, 1_301, b"x");
        assert_eq!(
            verify(SECRET, Some(&too_far), b"x", 1_000, 300),
            Err(SignatureError::Stale)
        );
    }
}
