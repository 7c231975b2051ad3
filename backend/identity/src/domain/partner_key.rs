//! Partner API keys: `mk_live_` and 32 random bytes, handed to the admin once and kept only as a
//! SHA-256 hash; the partner name they are issued to; and the admin token that may issue them.
//!
//! A fast hash is right here, unlike for passwords: 256 random bits cannot be guessed from
//! their hash however fast it is, and the gateway hashes every partner request's key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use contracts::partner::{KEY_PREFIX, MAX_PARTNER_NAME_CHARS};
use contracts::problem::Problem;
use ring::digest::{digest, SHA256};
use ring::rand::{SecureRandom, SystemRandom};

use crate::domain::refresh::RandomError;

/// Characters of the key a listing shows (the prefix and four of the secret).
const HINT_CHARS: usize = KEY_PREFIX.len() + 4;

/// A freshly made key.
pub struct NewKey {
    /// The whole key; shown once, never stored or logged.
    pub secret: String,
    /// What the database keeps.
    pub hash: String,
    /// What a listing shows.
    pub hint: String,
}

impl NewKey {
    /// A new unguessable key.
    pub fn generate() -> Result<Self, RandomError> {
        let mut bytes = [0u8; 32];
        SystemRandom::new().fill(&mut bytes).map_err(|_| RandomError)?;
        let secret = format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
        let hint = secret.chars().take(HINT_CHARS).collect();
        Ok(Self {
            hash: hash_hex(&secret),
            secret,
            hint,
        })
    }
}

/// SHA-256 of `text` in lower-case hex: how keys are stored and looked up.
pub fn hash_hex(text: &str) -> String {
    kit::digest::sha256_hex(text)
}

/// Who a key is for: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerName(String);

impl PartnerName {
    /// Parses the admin's input, or a 400 problem naming the field.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let name = raw.trim();
        let count = name.chars().count();
        let message = if count == 0 {
            Some("Name the partner the key is for.".to_string())
        } else if count > MAX_PARTNER_NAME_CHARS {
            Some(format!("At most {MAX_PARTNER_NAME_CHARS} characters."))
        } else if name.chars().any(char::is_control) {
            Some("No control characters.".to_string())
        } else {
            None
        };
        match message {
            Some(message) => {
                Err(Problem::new("invalid-request", "Invalid request", 400).with_field("partner", message))
            }
            None => Ok(Self(name.to_string())),
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The secret that admits a caller to the admin API (`ADMIN_TOKEN`). Kept as its SHA-256 so
/// comparing digests of equal length in constant time says nothing about its length or bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken([u8; 32]);

/// The shortest admin token accepted: 32 characters (e.g. `openssl rand -hex 32` gives 64).
pub const MIN_ADMIN_TOKEN_CHARS: usize = 32;

impl AdminToken {
    /// The token, if it is long enough to be a secret.
    pub fn new(token: &str) -> Option<Self> {
        (token.chars().count() >= MIN_ADMIN_TOKEN_CHARS).then(|| Self(sha256(token)))
    }

    /// Whether `presented` is the token, in time independent of where they differ.
    pub fn matches(&self, presented: &str) -> bool {
        let other = sha256(presented);
        self.0
            .iter()
            .zip(other.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

fn sha256(text: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest(&SHA256, text.as_bytes()).as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_the_prefix_the_length_and_a_stable_hash() {
        let a = NewKey::generate().unwrap();
        let b = NewKey::generate().unwrap();
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with(KEY_PREFIX));
        assert_eq!(a.secret.len(), contracts::partner::KEY_LENGTH);
        assert_eq!(hash_hex(&a.secret), a.hash);
        assert_eq!(a.hint.len(), 12);
        assert!(a.secret.starts_with(&a.hint));
    }

    #[test]
    fn partner_names_are_trimmed_and_bounded() {
        assert_eq!(PartnerName::parse("  Acme ").unwrap().as_str(), "Acme");
        assert!(PartnerName::parse("   ").is_err());
        assert!(PartnerName::parse(&"x".repeat(101)).is_err());
        assert!(PartnerName::parse("a\nb").is_err());
    }

    #[test]
    fn the_admin_token_must_be_long_and_matches_only_itself() {
        assert!(AdminToken::new("short").is_none());
        let token = AdminToken::new(&"s".repeat(40)).unwrap();
        assert!(token.matches(&"s".repeat(40)));
        assert!(!token.matches(&"s".repeat(39)));
        assert!(!token.matches(""));
        assert_eq!(format!("{token:?}"), "AdminToken(<redacted>)");
    }
}
