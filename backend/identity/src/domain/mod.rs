//! Identity's rules: what a valid email, name and password are, how passwords are hashed,
//! and how tokens are made and keys rotated.

pub mod credentials;
pub mod keys;
pub mod password;
pub mod refresh;

/// Seconds since the Unix epoch: the unit of every expiry identity stores.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
