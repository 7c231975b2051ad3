//! Access tokens as every verifier sees them: forged, expired, foreign and confused tokens
//! are refused; keys are published over HTTP and NATS; rotation keeps old tokens valid.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use contracts::identity::{AccessClaims, Jwks, JwksRequest, TOKEN_AUDIENCE, TOKEN_ISSUER};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use kit::auth::{AuthError, Verifier};
use mercado_identity::domain::keys::{KeyRing, StoredKey};
use mercado_identity::domain::unix_now;
use mercado_identity::store;
use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

async fn stored_keys(app: &TestApp) -> Vec<StoredKey> {
    let db = app.pool().await;
    store::signing_keys(&db).await.unwrap()
}

fn claims(sub: &str, aud: &str, exp: u64) -> AccessClaims {
    AccessClaims {
        sub: sub.into(),
        name: "Ana".into(),
        iss: TOKEN_ISSUER.into(),
        aud: aud.into(),
        iat: exp - 900,
        exp,
    }
}

fn sign_with(key: &StoredKey, kid: &str, claims: &AccessClaims) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.into());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(&key.private_pkcs8)).unwrap()
}

#[tokio::test]
async fn forged_expired_foreign_and_confused_tokens_are_401() {
    let app = spawn_app().await;
    let (grant, _) = app.register("forge").await;
    let real = stored_keys(&app).await.remove(0);
    let sub = grant.user.id.as_str();
    let now = unix_now() as u64;

    let mut tampered = grant.access_token.clone();
    let payload_start = tampered.find('.').unwrap() + 3;
    let flipped = if &tampered[payload_start..payload_start + 1] == "A" {
        "B"
    } else {
        "A"
    };
    tampered.replace_range(payload_start..payload_start + 1, flipped);

    let expired = sign_with(&real, &real.kid, &claims(sub, TOKEN_AUDIENCE, now - 120));
    let wrong_audience = sign_with(&real, &real.kid, &claims(sub, "someone-else", now + 600));
    let other_key = StoredKey::generate(0).unwrap();
    let foreign = sign_with(&other_key, &real.kid, &claims(sub, TOKEN_AUDIENCE, now + 600));
    let unknown_kid = sign_with(
        &other_key,
        &other_key.kid,
        &claims(sub, TOKEN_AUDIENCE, now + 600),
    );
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT", "kid": real.kid}).to_string());
    let body =
        URL_SAFE_NO_PAD.encode(serde_json::to_string(&claims(sub, TOKEN_AUDIENCE, now + 600)).unwrap());
    let alg_none = format!("{header}.{body}.");
    let hs256 = jsonwebtoken::encode(
        &Header {
            kid: Some(real.kid.clone()),
            ..Header::new(Algorithm::HS256)
        },
        &claims(sub, TOKEN_AUDIENCE, now + 600),
        &EncodingKey::from_secret(&real.public_key),
    )
    .unwrap();

    for (what, token) in [
        ("tampered", tampered),
        ("expired", expired),
        ("wrong audience", wrong_audience),
        ("signed by another key", foreign),
        ("unknown kid", unknown_kid),
        ("alg none", alg_none),
        ("HS256 with the public key", hs256),
        ("garbage", "not.a.jwt".to_string()),
    ] {
        let response = app.me(&token).await;
        assert_eq!(response.status(), 401, "{what}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{what}"
        );
        assert!(response.headers().contains_key("www-authenticate"), "{what}");
    }
    let bare = app.http.get(format!("{}/me", app.base)).send().await.unwrap();
    assert_eq!(bare.status(), 401);
    assert_eq!(
        app.me(&grant.access_token).await.status(),
        200,
        "the real token still works"
    );
}

#[tokio::test]
async fn keys_are_published_over_http_and_nats_and_verify_tokens_elsewhere() {
    let app = spawn_app().await;
    let (grant, _) = app.register("jwks").await;
    let over_http: Jwks = app
        .http
        .get(format!("{}/.well-known/jwks.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(over_http.keys.len(), 1);
    assert_eq!(over_http.keys[0].crv, "Ed25519");

    let nats = async_nats::connect(app.nats.url()).await.unwrap();
    let over_nats = kit::nats::request(&nats, &JwksRequest {}).await.unwrap();
    assert_eq!(over_nats, over_http);

    // What the gateway and other services do: verify with keys fetched over NATS.
    let verifier = Verifier::from_nats(nats);
    let user = verifier.verify(&grant.access_token).await.unwrap();
    assert_eq!(user.id, grant.user.id);
    assert_eq!(user.name, "Ana Test");
    assert!(matches!(
        verifier.verify("x.y.z").await,
        Err(AuthError::Invalid(_))
    ));
}

#[tokio::test]
async fn after_rotation_old_and_new_tokens_both_verify() {
    let app = spawn_app().await;
    let (grant, _) = app.register("rotation").await;
    let old = stored_keys(&app).await.remove(0);
    let new = StoredKey::generate(unix_now()).unwrap();
    let ring = Arc::new(KeyRing::from_keys(vec![old.clone(), new.clone()], unix_now(), 900).unwrap());
    let served = ring.clone();
    let verifier = Verifier::new(Arc::new(move || {
        let jwks = served.jwks();
        Box::pin(async move { Ok(jwks) })
    }));
    assert!(
        verifier.verify(&grant.access_token).await.is_ok(),
        "token signed before rotation"
    );
    let fresh = ring.sign(&grant.user.id, "Ana", unix_now() as u64, 900).unwrap();
    assert!(
        verifier.verify(&fresh).await.is_ok(),
        "token signed after rotation"
    );
    assert_ne!(old.kid, new.kid);
}

#[tokio::test]
async fn replicas_starting_together_on_one_database_make_one_signing_key() {
    let database = kit::testing::TestDatabase::fresh();
    let (first, second) = (
        database.connect(&mercado_identity::startup::MIGRATOR).await,
        database.connect(&mercado_identity::startup::MIGRATOR).await,
    );
    let rotation = std::time::Duration::from_secs(30 * 24 * 3600);
    let ttl = std::time::Duration::from_secs(900);
    let (a, b) = tokio::join!(
        mercado_identity::signing::load(&first, rotation, ttl),
        mercado_identity::signing::load(&second, rotation, ttl),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.current_kid(), b.current_kid(), "both sign with the same key");
    assert_eq!(store::signing_keys(&first).await.unwrap().len(), 1);
}
