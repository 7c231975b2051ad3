//! Identity's rules: what a valid email, name and password are, how passwords are hashed,
//! how tokens are made and keys rotated, and how attempts are counted per address.

pub mod address;
pub mod credentials;
pub mod keys;
pub mod partner_key;
pub mod password;
pub mod refresh;
pub mod throttle;

/// Seconds since the Unix epoch: the unit of every expiry identity stores.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Now as RFC 3339 UTC to the whole second (`2026-01-01T00:00:00Z`): when an account was made,
/// shown as "member since".
pub fn now_rfc3339_seconds() -> String {
    let now = kit::clock::now_rfc3339();
    match now.split_once('.') {
        // A fraction of a second is all that can follow the seconds (the zone is `Z`).
        Some((seconds, _)) => format!("{seconds}Z"),
        None => now,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn account_times_are_whole_seconds_in_utc() {
        let now = super::now_rfc3339_seconds();
        assert_eq!(now.len(), "2026-01-01T00:00:00Z".len(), "{now}");
        assert!(now.ends_with('Z') && !now.contains('.'), "{now}");
    }
}
