//! NATS: connecting with retry, and typed request-reply on top of [`NatsRequest`].
//!
//! Wire shape: requests and replies are JSON. A failed request is answered with the header
//! `Mercado-Error: <status>` and a [`Problem`] body, so callers tell "no" from "broken" and a
//! malformed request gets a reply instead of silently timing out.

use std::future::Future;
use std::time::Duration;

use async_nats::{Client, HeaderMap};
use contracts::problem::Problem;
use contracts::subjects::NatsRequest;
use futures::StreamExt;

/// Header marking an error reply; its value is the HTTP-like status.
pub const ERROR_HEADER: &str = "Mercado-Error";

/// How long a request waits for its reply.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// NATS failures, from the caller's point of view.
#[derive(Debug, thiserror::Error)]
pub enum NatsError {
    /// No connection could be made.
    #[error("cannot connect to NATS at {url} after {attempts} attempts: {reason}")]
    Connect {
        /// Server URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// Last error.
        reason: String,
    },
    /// The request was not answered (no responder, timeout, connection lost).
    #[error("request on {subject} failed: {reason}")]
    Request {
        /// Subject.
        subject: &'static str,
        /// What happened.
        reason: String,
    },
    /// The responder refused the request.
    #[error("request on {subject} refused: {}", .problem.title)]
    Refused {
        /// Subject.
        subject: &'static str,
        /// The responder's explanation.
        problem: Problem,
    },
    /// A payload did not match the contract.
    #[error("malformed payload on {subject}: {reason}")]
    Malformed {
        /// Subject.
        subject: &'static str,
        /// Decoder message.
        reason: String,
    },
}

/// Connects to `url`, retrying with backoff for about 30 s (services may start before NATS).
pub async fn connect(url: &str) -> Result<Client, NatsError> {
    const ATTEMPTS: u32 = 30;
    let mut delay = Duration::from_millis(100);
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        match async_nats::connect(url).await {
            Ok(client) => {
                tracing::info!(url, attempt, "connected to NATS");
                return Ok(client);
            }
            Err(err) => {
                last = err.to_string();
                tracing::warn!(url, attempt, error = %last, "NATS not reachable yet");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(2));
            }
        }
    }
    Err(NatsError::Connect {
        url: url.into(),
        attempts: ATTEMPTS,
        reason: last,
    })
}

/// Sends `request` on its subject and decodes the typed reply.
pub async fn request<R: NatsRequest>(client: &Client, request: &R) -> Result<R::Reply, NatsError> {
    let subject = R::SUBJECT;
    let payload = serde_json::to_vec(request).map_err(|e| NatsError::Malformed {
        subject,
        reason: e.to_string(),
    })?;
    let reply = tokio::time::timeout(REQUEST_TIMEOUT, client.request(subject, payload.into()))
        .await
        .map_err(|_| NatsError::Request {
            subject,
            reason: "timed out".into(),
        })?
        .map_err(|e| NatsError::Request {
            subject,
            reason: e.to_string(),
        })?;
    let failed = reply.headers.as_ref().and_then(|h| h.get(ERROR_HEADER)).is_some();
    if failed {
        let problem = serde_json::from_slice(&reply.payload)
            .unwrap_or_else(|_| Problem::new("remote-error", "The service could not answer", 500));
        return Err(NatsError::Refused { subject, problem });
    }
    serde_json::from_slice(&reply.payload).map_err(|e| NatsError::Malformed {
        subject,
        reason: e.to_string(),
    })
}

/// Answers `R` requests with `handler` in a queue group (replicas share the load) until the
/// connection closes. Each request is handled on its own task.
pub async fn serve_requests<R, F, Fut>(
    client: Client,
    handler: F,
) -> Result<tokio::task::JoinHandle<()>, NatsError>
where
    R: NatsRequest + Send + 'static,
    R::Reply: Send,
    F: Fn(R) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<R::Reply, Problem>> + Send + 'static,
{
    let subject = R::SUBJECT;
    let mut subscription = client
        .queue_subscribe(subject, subject.to_string())
        .await
        .map_err(|e| NatsError::Request {
            subject,
            reason: e.to_string(),
        })?;
    Ok(tokio::spawn(async move {
        while let Some(message) = subscription.next().await {
            let Some(reply_to) = message.reply.clone() else {
                continue;
            };
            let (client, handler) = (client.clone(), handler.clone());
            tokio::spawn(async move {
                let outcome = match serde_json::from_slice::<R>(&message.payload) {
                    Ok(request) => handler(request).await,
                    Err(err) => Err(Problem::new("malformed-request", "Malformed request", 400)
                        .with_detail(format!("{subject}: {err}"))),
                };
                let published = match outcome {
                    Ok(reply) => {
                        client
                            .publish(reply_to, serde_json::to_vec(&reply).unwrap_or_default().into())
                            .await
                    }
                    Err(problem) => {
                        let mut headers = HeaderMap::new();
                        headers.insert(ERROR_HEADER, problem.status.to_string().as_str());
                        let body = serde_json::to_vec(&problem).unwrap_or_default();
                        client.publish_with_headers(reply_to, headers, body.into()).await
                    }
                };
                if let Err(err) = published {
                    tracing::warn!(subject, error = %err, "could not send reply");
                }
            });
        }
    }))
}
