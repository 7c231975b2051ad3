//! The one client payments talks to its provider with: Stripe's HTTP API (bearer secret key,
//! form-encoded bodies, JSON answers, `Idempotency-Key`, a pinned `Stripe-Version`). Pointed
//! at the built-in sandbox by default, at `https://api.stripe.com` with Stripe's keys.

use reqwest::header::CONTENT_TYPE;
use reqwest::{RequestBuilder, Url};

use super::wire::{CheckoutSession, CreateCheckoutSession, ErrorBody, API_VERSION};

/// Why a provider call did not give a session.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The configured base URL is not an http(s) URL.
    #[error("provider URL {0:?} is not an http(s) URL")]
    BadUrl(String),
    /// The request could not be encoded (a bug, not the provider's fault).
    #[error("could not encode the request: {0}")]
    Encode(String),
    /// No answer: connection refused, timed out, cut off.
    #[error("provider unreachable: {0}")]
    Unreachable(String),
    /// The provider answered with an error.
    #[error("provider refused ({status}): {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// Stripe's error code (`resource_missing`, …), if given.
        code: Option<String>,
        /// Stripe's message, or the status when the body was not Stripe's error shape.
        message: String,
    },
    /// A success answer that is not a Checkout Session.
    #[error("provider answer unreadable: {0}")]
    Malformed(String),
}

impl ProviderError {
    /// Whether the same call may work later: no answer, a conflict (an idempotent request
    /// still in flight), rate limiting and the provider's own failures. A refusal of the
    /// request itself (bad parameters, bad key) will be refused again.
    pub fn is_transient(&self) -> bool {
        match self {
            ProviderError::Unreachable(_) | ProviderError::Malformed(_) => true,
            ProviderError::Refused { status, .. } => matches!(status, 409 | 429 | 500..),
            ProviderError::BadUrl(_) | ProviderError::Encode(_) => false,
        }
    }
}

/// A Stripe-compatible API at one base URL with one secret key (cheap to clone).
#[derive(Debug, Clone)]
pub struct ProviderClient {
    http: reqwest::Client,
    base: Url,
    secret_key: String,
}

impl ProviderClient {
    /// A client for the API at `base_url` (e.g. `https://api.stripe.com`, or the sandbox's
    /// `http://127.0.0.1:8106/sandbox`) authenticating with `secret_key`.
    pub fn new(http: reqwest::Client, base_url: &str, secret_key: &str) -> Result<Self, ProviderError> {
        let base = Url::parse(base_url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
            .ok_or_else(|| ProviderError::BadUrl(base_url.into()))?;
        Ok(Self {
            http,
            base,
            secret_key: secret_key.into(),
        })
    }

    /// `POST /v1/checkout/sessions`. `idempotency_key` makes a retry (after a timeout, or a
    /// redelivered saga event) return the session the first call created, not a second one.
    pub async fn create_checkout_session(
        &self,
        params: &CreateCheckoutSession,
        idempotency_key: &str,
    ) -> Result<CheckoutSession, ProviderError> {
        let body = serde_qs::to_string(params).map_err(|e| ProviderError::Encode(e.to_string()))?;
        let request = self
            .http
            .post(self.url(&["v1", "checkout", "sessions"]))
            .header("Idempotency-Key", idempotency_key)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        self.send(request).await
    }

    /// `GET /v1/checkout/sessions/{id}`.
    pub async fn retrieve_checkout_session(&self, id: &str) -> Result<CheckoutSession, ProviderError> {
        let request = self.http.get(self.url(&["v1", "checkout", "sessions", id]));
        self.send(request).await
    }

    /// `POST /v1/checkout/sessions/{id}/expire`: the session can no longer be paid. Refused
    /// (400) when it is not open any more.
    pub async fn expire_checkout_session(&self, id: &str) -> Result<CheckoutSession, ProviderError> {
        let request = self
            .http
            .post(self.url(&["v1", "checkout", "sessions", id, "expire"]));
        self.send(request).await
    }

    /// The base URL with `segments` appended, each percent-encoded (ids come from outside).
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    async fn send(&self, request: RequestBuilder) -> Result<CheckoutSession, ProviderError> {
        let response = request
            .bearer_auth(&self.secret_key)
            .header("Stripe-Version", API_VERSION)
            .send()
            .await
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| ProviderError::Malformed(e.to_string()));
        }
        let error = serde_json::from_slice::<ErrorBody>(&body).ok().map(|b| b.error);
        Err(ProviderError::Refused {
            status: status.as_u16(),
            code: error.as_ref().and_then(|e| e.code.clone()),
            message: error.map(|e| e.message).unwrap_or_else(|| status.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_with_a_host_are_accepted() {
        let http = reqwest::Client::new();
        for good in ["https://api.stripe.com", "http://127.0.0.1:8106/sandbox/"] {
            assert!(ProviderClient::new(http.clone(), good, "sk").is_ok(), "{good}");
        }
        for bad in ["", "api.stripe.com", "ftp://x", "unix:/tmp/s"] {
            assert!(ProviderClient::new(http.clone(), bad, "sk").is_err(), "{bad}");
        }
    }

    #[test]
    fn paths_append_to_the_base_and_encode_ids() {
        let http = reqwest::Client::new();
        let client = ProviderClient::new(http, "http://127.0.0.1:1/sandbox/", "sk").ok();
        let url = client.map(|c| c.url(&["v1", "checkout", "sessions", "cs_1/../x"]).to_string());
        assert_eq!(
            url.as_deref(),
            Some("http://127.0.0.1:1/sandbox/v1/checkout/sessions/cs_1%2F..%2Fx")
        );
    }

    #[test]
    fn only_failures_that_may_pass_are_transient() {
        let refused = |status| ProviderError::Refused {
            status,
            code: None,
            message: String::new(),
        };
        assert!(ProviderError::Unreachable("timeout".into()).is_transient());
        assert!(refused(429).is_transient() && refused(503).is_transient());
        assert!(!refused(400).is_transient() && !refused(401).is_transient());
    }

    #[tokio::test]
    async fn https_is_spoken() {
        // Without a TLS backend the connector refuses `https://` with "scheme is not http";
        // with one, it attempts a handshake (here with a closed port, so it cannot connect).
        let sent = reqwest::Client::new().get("https://127.0.0.1:1/").send().await;
        let mut chain = Vec::new();
        let mut cause: Option<&dyn std::error::Error> = sent.as_ref().err().map(|e| e as _);
        while let Some(err) = cause {
            chain.push(err.to_string());
            cause = err.source();
        }
        assert!(!chain.is_empty(), "nothing listens there");
        assert!(
            !chain.iter().any(|m| m.contains("scheme is not http")),
            "{chain:?}"
        );
    }
}
