//! Fingerprints of secrets, for storing and looking them up without keeping them.

use ring::digest::{digest, SHA256};

/// The SHA-256 of `text` in lower-case hex: how refresh tokens, partner keys and the
/// throttle's account keys are stored, and how the gateway looks a partner key up in
/// identity's table (so both sides must hash alike: this is the one place they do).
pub fn sha256_hex(text: &str) -> String {
    digest(&SHA256, text.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn is_the_sha256_everyone_knows() {
        assert_eq!(
            super::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
