//! Refresh tokens: 256 random bits given to the browser once, kept only as a SHA-256 hash.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};

/// A refresh token as handed to the browser (in the HttpOnly cookie only).
pub struct RefreshToken {
    /// The secret value; never logged, never stored.
    pub secret: String,
    /// What the database keeps.
    pub hash: String,
}

/// The system's random source failed.
#[derive(Debug, thiserror::Error)]
#[error("no randomness available")]
pub struct RandomError;

impl RefreshToken {
    /// A new unguessable token.
    pub fn generate() -> Result<Self, RandomError> {
        let mut bytes = [0u8; 32];
        SystemRandom::new().fill(&mut bytes).map_err(|_| RandomError)?;
        let secret = URL_SAFE_NO_PAD.encode(bytes);
        let hash = hash(&secret);
        Ok(Self { secret, hash })
    }
}

/// The stored form of a token's secret.
pub fn hash(secret: &str) -> String {
    kit::digest::sha256_hex(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_hashes_stable() {
        let a = RefreshToken::generate().unwrap();
        let b = RefreshToken::generate().unwrap();
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.secret.len(), 43);
        assert_eq!(hash(&a.secret), a.hash);
        assert_ne!(a.hash, a.secret);
        assert_eq!(a.hash.len(), 64);
    }
}
