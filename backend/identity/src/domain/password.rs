//! Passwords: the strength rule, and argon2id hashing run off the async runtime.
//!
//! Hashing costs tens of milliseconds of CPU on purpose, so it runs on the blocking pool and
//! never stalls other requests. Signing in with an unknown email still verifies against a
//! dummy hash, so both failures take the same time and an attacker cannot probe for accounts.

use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use contracts::identity::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};

/// Passwords that meet the length rule but are the first ones an attacker tries.
const COMMON: [&str; 12] = [
    "1234567890",
    "12345678910",
    "0123456789",
    "qwertyuiop",
    "password12",
    "password123",
    "iloveyou12",
    "passw0rd12",
    "1q2w3e4r5t",
    "qwerty1234",
    "abcdefghij",
    "letmein123",
];

/// Why a password is refused, worded for the person typing it.
pub fn check_strength(password: &str, email: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < PASSWORD_MIN_CHARS {
        return Err("Use at least 10 characters.");
    }
    if length > PASSWORD_MAX_CHARS {
        return Err("Use at most 128 characters.");
    }
    let lower = password.to_lowercase();
    let first = lower.chars().next().unwrap_or_default();
    if COMMON.contains(&lower.as_str()) || lower.chars().all(|c| c == first) {
        return Err("That password is too easy to guess.");
    }
    let local = email.trim().to_lowercase();
    let local = local.split('@').next().unwrap_or_default();
    if local.len() >= 4 && lower.contains(local) {
        return Err("Do not use your email address in your password.");
    }
    Ok(())
}

/// Failure of the hashing machinery itself (not a wrong password).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes `password` with argon2id and a fresh salt, on the blocking pool.
pub async fn hash(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| HashError(e.to_string()))
    })
    .await
    .map_err(|e| HashError(e.to_string()))?
}

/// Whether `password` matches `stored`; with `None` (unknown account) it does the same work
/// against a dummy hash and answers `false`.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, HashError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
        let parsed = PasswordHash::new(&stored).map_err(|e| HashError(e.to_string()))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await
    .map_err(|e| HashError(e.to_string()))?
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"no account has this password", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_rules() {
        assert!(check_strength("correct horse battery", "ana@example.com").is_ok());
        assert!(check_strength("short", "ana@example.com").is_err());
        assert!(check_strength("aaaaaaaaaaaa", "ana@example.com").is_err());
        assert!(check_strength("Password123", "ana@example.com").is_err());
        assert!(check_strength("anabanana-2026", "anabanana@example.com").is_err());
        assert!(check_strength(&"x1".repeat(65), "ana@example.com").is_err());
    }

    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let stored = hash("correct horse battery".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), Some(stored.clone()))
            .await
            .unwrap());
        assert!(!verify("wrong horse battery".into(), Some(stored)).await.unwrap());
        assert!(!verify("correct horse battery".into(), None).await.unwrap());
    }
}
