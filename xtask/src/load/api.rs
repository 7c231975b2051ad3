//! One shopper's way to the store through the gateway: each request timed and counted under
//! its [`Step`], failures named by kind (`429`, `503`, `timeout`, `connect`, `unreadable`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use super::stats::{Stats, Step};

/// The figures every shopper adds to; held only to record one sample, never across an await.
pub type Shared = Arc<Mutex<Stats>>;

/// How long one request may take before it counts as a `timeout`.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a request did not give what the step needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// An answer outside 2xx/3xx, with the `detail` (or body) the store gave.
    Status(StatusCode, String),
    /// No answer: refused, reset, or too slow.
    Transport(&'static str),
    /// A 2xx answer whose body was not what the API promises.
    Unreadable,
}

impl Failure {
    /// The kind, as the summary groups errors.
    pub fn kind(&self) -> String {
        match self {
            Failure::Status(status, _) => status.as_u16().to_string(),
            Failure::Transport(what) => (*what).to_string(),
            Failure::Unreadable => "unreadable".to_string(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Status(status, detail) => write!(f, "{status}: {detail}"),
            Failure::Transport(what) => write!(f, "no answer ({what})"),
            Failure::Unreadable => write!(f, "an answer that is not the API's JSON"),
        }
    }
}

/// A shopper's HTTP client (its own connections, as a browser has) and where it records.
pub struct Api {
    http: reqwest::Client,
    base: String,
    stats: Shared,
    token: Option<String>,
}

impl Api {
    /// A client for `base` (the gateway) recording into `stats`.
    pub fn new(base: &str, stats: Shared) -> anyhow::Result<Api> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            // The pay button answers 303 to the storefront's order page: a browser would load
            // the shell there, which is not the step being measured.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Api {
            http,
            base: base.to_string(),
            stats,
            token: None,
        })
    }

    /// Records into `stats` from now on (the run's figures apart from the sign-ins').
    pub fn record_into(&mut self, stats: Shared) {
        self.stats = stats;
    }

    /// Sends the access token on every later request.
    pub fn sign_in_as(&mut self, token: String) {
        self.token = Some(token);
    }

    /// A request to `path` under the gateway (`/api/…`), with the token once signed in.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let request = self.http.request(method, format!("{}{path}", self.base));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Sends `request` as `step` and reads its JSON answer.
    pub async fn json<T: DeserializeOwned>(&self, step: Step, request: RequestBuilder) -> Result<T, Failure> {
        let body = self.send(step, request).await?;
        serde_json::from_slice(&body).map_err(|_| Failure::Unreadable)
    }

    /// Sends `request` as `step`; the body of a 2xx or 3xx answer, or why there is none.
    /// The time counted runs to the end of the body, as a page waits for it.
    pub async fn send(&self, step: Step, request: RequestBuilder) -> Result<Vec<u8>, Failure> {
        let started = Instant::now();
        let outcome = exchange(request).await;
        self.record(step, started.elapsed(), outcome.as_ref().err());
        outcome
    }

    /// Counts a span that is not one request (e.g. placed → settled).
    pub fn record(&self, step: Step, took: Duration, failure: Option<&Failure>) {
        if let Ok(mut stats) = self.stats.lock() {
            stats.record(step, took, failure.map(Failure::kind));
        }
    }
}

async fn exchange(request: RequestBuilder) -> Result<Vec<u8>, Failure> {
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    let body = response.bytes().await.map_err(transport)?;
    if status.is_success() || status.is_redirection() {
        Ok(body.to_vec())
    } else {
        Err(Failure::Status(status, detail(&body)))
    }
}

/// The problem's `detail` (or `title`), else the start of the body.
fn detail(body: &[u8]) -> String {
    let problem: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let said = problem.as_ref().and_then(|p| {
        p.get("detail")
            .or_else(|| p.get("title"))
            .and_then(|d| d.as_str())
            .map(str::to_string)
    });
    said.unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned())
}

fn transport(err: reqwest::Error) -> Failure {
    Failure::Transport(if err.is_timeout() {
        "timeout"
    } else if err.is_connect() {
        "connect"
    } else {
        "transport"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_says_its_detail_and_a_failure_its_kind() {
        let body = br#"{"type":"about:blank","title":"Too many","status":429,"detail":"Try again in 60 s."}"#;
        assert_eq!(detail(body), "Try again in 60 s.");
        assert_eq!(detail(b"plain text"), "plain text");
        let failure = Failure::Status(StatusCode::TOO_MANY_REQUESTS, detail(body));
        assert_eq!(failure.kind(), "429");
        assert_eq!(failure.to_string(), "429 Too Many Requests: Try again in 60 s.");
        assert_eq!(Failure::Transport("timeout").kind(), "timeout");
    }
}
