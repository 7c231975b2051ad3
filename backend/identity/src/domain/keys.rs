//! Signing keys: Ed25519 pairs identified by `kid`, the newest signs, recent ones still verify.
//!
//! Rotation without downtime: a new key is generated when the newest is older than the
//! rotation period. It is published at once but signs only [`PUBLISHED_AHEAD_SECS`] later: by
//! then every identity replica has re-read the keys (they do hourly) and answers JWKS requests
//! with it, so no verifier can ask a replica that does not know the `kid` of a token another
//! replica signed. The previous key stays published until every token it signed has expired.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use contracts::identity::{AccessClaims, Jwks, PublicJwk, TOKEN_AUDIENCE, TOKEN_ISSUER};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};

/// A stored key pair, as the database holds it.
#[derive(Debug, Clone)]
pub struct StoredKey {
    /// Key id.
    pub kid: String,
    /// PKCS#8 document of the private key.
    pub private_pkcs8: Vec<u8>,
    /// Raw 32-byte public key.
    pub public_key: Vec<u8>,
    /// Unix seconds.
    pub created_at: i64,
}

/// Key material could not be made or read.
#[derive(Debug, thiserror::Error)]
#[error("signing key error: {0}")]
pub struct KeyError(String);

impl StoredKey {
    /// A fresh Ed25519 pair created at `now`.
    pub fn generate(now: i64) -> Result<Self, KeyError> {
        let document =
            Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|e| KeyError(e.to_string()))?;
        let pair = Ed25519KeyPair::from_pkcs8(document.as_ref()).map_err(|e| KeyError(e.to_string()))?;
        Ok(Self {
            kid: uuid::Uuid::now_v7().simple().to_string(),
            private_pkcs8: document.as_ref().to_vec(),
            public_key: pair.public_key().as_ref().to_vec(),
            created_at: now,
        })
    }

    fn jwk(&self) -> PublicJwk {
        PublicJwk::ed25519(&self.kid, URL_SAFE_NO_PAD.encode(&self.public_key))
    }
}

/// How long a new key is published before it signs: longer than the hour after which every
/// replica has re-read the keys (`signing::CHECK_EVERY`), with a margin.
pub const PUBLISHED_AHEAD_SECS: i64 = 3600 + 300;

/// The keys in use: one signs, all listed verify.
pub struct KeyRing {
    kid: String,
    encoding: EncodingKey,
    published: Jwks,
}

impl KeyRing {
    /// Builds the ring from stored keys (any order). The newest key published for at least
    /// [`PUBLISHED_AHEAD_SECS`] signs (the very first key signs at once: there is no other);
    /// newer keys are published, waiting for their turn; an older key stays published while
    /// tokens it signed can still be alive (`access_ttl` after its successor took over).
    /// `None` when there is no key at all.
    pub fn from_keys(mut keys: Vec<StoredKey>, now: i64, access_ttl_secs: i64) -> Option<Self> {
        keys.sort_by_key(|k| std::cmp::Reverse(k.created_at));
        let signer = keys
            .iter()
            .position(|k| k.created_at + PUBLISHED_AHEAD_SECS <= now)
            .unwrap_or(keys.len().checked_sub(1)?);
        let mut published: Vec<PublicJwk> = keys[..=signer].iter().map(StoredKey::jwk).collect();
        for pair in keys[signer..].windows(2) {
            let (successor, older) = (&pair[0], &pair[1]);
            let took_over = successor.created_at + PUBLISHED_AHEAD_SECS;
            if took_over + access_ttl_secs + 60 > now {
                published.push(older.jwk());
            }
        }
        let signing = &keys[signer];
        Some(Self {
            kid: signing.kid.clone(),
            encoding: EncodingKey::from_ed_der(&signing.private_pkcs8),
            published: Jwks { keys: published },
        })
    }

    /// The id of the signing key.
    pub fn current_kid(&self) -> &str {
        &self.kid
    }

    /// The public keys verifiers should accept.
    pub fn jwks(&self) -> Jwks {
        self.published.clone()
    }

    /// A signed access token for user `sub` valid from `now` for `ttl_secs`.
    pub fn sign(&self, sub: &str, name: &str, now: u64, ttl_secs: u64) -> Result<String, KeyError> {
        let claims = AccessClaims {
            sub: sub.into(),
            name: name.into(),
            iss: TOKEN_ISSUER.into(),
            aud: TOKEN_AUDIENCE.into(),
            iat: now,
            exp: now + ttl_secs,
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding).map_err(|e| KeyError(e.to_string()))
    }
}

/// Whether the newest key is due for replacement.
pub fn rotation_due(keys: &[StoredKey], now: i64, rotation_secs: i64) -> bool {
    keys.iter()
        .map(|k| k.created_at)
        .max()
        .is_none_or(|newest| now - newest >= rotation_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_is_published_an_hour_ahead_then_signs_and_its_predecessor_stays_a_token_lifetime() {
        let old = StoredKey::generate(1_000).unwrap();
        let new = StoredKey::generate(5_000).unwrap();
        let kids = |ring: &KeyRing| -> Vec<String> { ring.jwks().keys.into_iter().map(|k| k.kid).collect() };

        let waiting = KeyRing::from_keys(vec![old.clone(), new.clone()], 5_100, 900).unwrap();
        assert_eq!(waiting.current_kid(), old.kid, "the new key waits its turn");
        assert_eq!(
            kids(&waiting),
            [new.kid.clone(), old.kid.clone()],
            "but is published already"
        );

        let took_over = 5_000 + PUBLISHED_AHEAD_SECS;
        let signing = KeyRing::from_keys(vec![old.clone(), new.clone()], took_over + 100, 900).unwrap();
        assert_eq!(signing.current_kid(), new.kid);
        assert_eq!(kids(&signing), [new.kid.clone(), old.kid.clone()]);

        let later = KeyRing::from_keys(vec![old, new.clone()], took_over + 900 + 61, 900).unwrap();
        assert_eq!(kids(&later), [new.kid]);
    }

    #[test]
    fn the_first_key_signs_at_once() {
        let first = StoredKey::generate(1_000).unwrap();
        let ring = KeyRing::from_keys(vec![first.clone()], 1_000, 900).unwrap();
        assert_eq!(ring.current_kid(), first.kid);
        assert!(KeyRing::from_keys(Vec::new(), 1_000, 900).is_none());
    }

    #[test]
    fn rotation_is_due_without_keys_or_when_the_newest_is_old() {
        assert!(rotation_due(&[], 0, 100));
        let key = StoredKey::generate(1_000).unwrap();
        assert!(!rotation_due(std::slice::from_ref(&key), 1_050, 100));
        assert!(rotation_due(&[key], 1_100, 100));
    }

    #[test]
    fn tokens_carry_the_kid_and_the_contract_claims() {
        let ring = KeyRing::from_keys(vec![StoredKey::generate(0).unwrap()], 0, 900).unwrap();
        let token = ring.sign("user-1", "Ana", 1_000, 900).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, Algorithm::EdDSA);
        assert_eq!(header.kid.as_deref(), Some(ring.current_kid()));
    }
}
