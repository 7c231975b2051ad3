//! Tracking codes: `MC` and ten random digits, like a carrier's.

use ring::rand::{SecureRandom, SystemRandom};

/// A fresh tracking code.
pub fn new_code() -> String {
    let mut bytes = [0u8; 8];
    // Fall back to time-derived digits if the system has no randomness (never seen in practice).
    if SystemRandom::new().fill(&mut bytes).is_err() {
        bytes = kit::clock::unix_millis().to_le_bytes();
    }
    format!("MC{:010}", u64::from_le_bytes(bytes) % 10_000_000_000)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_look_like_a_carriers() {
        let code = super::new_code();
        assert_eq!(code.len(), 12);
        assert!(code.starts_with("MC") && code[2..].chars().all(|c| c.is_ascii_digit()));
        assert_ne!(super::new_code(), code);
    }
}
