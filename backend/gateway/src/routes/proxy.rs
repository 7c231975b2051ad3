//! `/api/<service>/<rest>` → `<service url>/<rest>`: a streaming reverse proxy.
//!
//! Bodies are streamed both ways (never buffered), connections to services are pooled, and
//! hop-by-hop headers are dropped as RFC 9110 requires. The request id set by
//! `kit::http::layers` travels in `x-request-id` like any other header.
//!
//! Before forwarding, the route table ([`crate::access`]) decides whether a user is needed;
//! any client-sent identity header is removed, a bearer token is verified, and the verified
//! user id is passed on in `x-user-id` (with the token, which the service checks again).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::Uri;

use contracts::identity::{IDENTITY_HEADERS, USER_ID_HEADER};
use kit::auth::AuthError;

use crate::access::{self, Access};
use crate::error::GatewayError;
use crate::state::AppState;

/// Headers that describe one connection, not the message; never forwarded.
const HOP_BY_HOP: [HeaderName; 7] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::UPGRADE,
];

/// `/api/{service}/{*rest}`.
pub async fn proxy_path(
    State(state): State<AppState>,
    Path((service, rest)): Path<(String, String)>,
    request: Request,
) -> Response {
    forward(state, &service, &rest, request).await.into_response()
}

/// `/api/{service}` (the service's root).
pub async fn proxy_root(
    State(state): State<AppState>,
    Path(service): Path<String>,
    request: Request,
) -> Response {
    forward(state, &service, "", request).await.into_response()
}

/// Any other `/api…` path.
pub async fn unknown_api(request: Request) -> Response {
    let name = request
        .uri()
        .path()
        .trim_start_matches("/api")
        .trim_matches('/')
        .to_string();
    GatewayError::UnknownService(name).into_response()
}

// Not `#[tracing::instrument]`ed: the request's `http` span already names the path, and a
// second span per proxied request was measurable CPU on the gateway's hottest path.
async fn forward(
    state: AppState,
    service: &str,
    rest: &str,
    request: Request,
) -> Result<Response, GatewayError> {
    let base = state
        .upstreams
        .get(service)
        .ok_or_else(|| GatewayError::UnknownService(service.into()))?;
    let query = request.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
    let uri: Uri = format!("{base}/{rest}{query}")
        .parse()
        .map_err(|_| GatewayError::UnknownService(service.into()))?;
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let (mut parts, body) = request.into_parts();
    let access = access::required(service, &parts.method, rest);
    authenticate(&state, access, &mut parts.headers).await?;
    let host = parts.headers.get(header::HOST).cloned();
    parts.uri = uri;
    strip_hop_by_hop(&mut parts.headers);
    parts.headers.remove(header::HOST);
    add_forwarding(&mut parts.headers, peer, host);
    let upstream = state.client.request(http::Request::from_parts(parts, body));
    let response = tokio::time::timeout(state.timeout, upstream)
        .await
        .map_err(|_| GatewayError::Timeout(service.into()))?
        .map_err(|e| GatewayError::Unavailable {
            service: service.into(),
            reason: e.to_string(),
        })?;
    let (mut parts, body) = response.into_parts();
    strip_hop_by_hop(&mut parts.headers);
    Ok(Response::from_parts(parts, Body::new(body)))
}

/// Removes forged identity headers; verifies the token when one is sent or `access` needs one.
async fn authenticate(state: &AppState, access: Access, headers: &mut HeaderMap) -> Result<(), AuthError> {
    for name in IDENTITY_HEADERS {
        headers.remove(name);
    }
    let token = headers.get(header::AUTHORIZATION);
    if token.is_none() && access == Access::Public {
        return Ok(());
    }
    let user = state.verifier.verify_header(token).await?;
    let id = HeaderValue::from_str(&user.id)
        .map_err(|_| AuthError::Invalid("user id is not a header value".into()))?;
    headers.insert(USER_ID_HEADER, id);
    Ok(())
}

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
}

fn add_forwarding(headers: &mut HeaderMap, peer: Option<std::net::IpAddr>, host: Option<HeaderValue>) {
    if let Some(ip) = peer {
        let chain = match headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
            Some(previous) => format!("{previous}, {ip}"),
            None => ip.to_string(),
        };
        if let Ok(value) = HeaderValue::from_str(&chain) {
            headers.insert("x-forwarded-for", value);
        }
    }
    if let Some(host) = host {
        headers.insert("x-forwarded-host", host);
    }
    headers.insert("x-forwarded-proto", HeaderValue::from_static("http"));
}
