//! `application/problem+json` responses, and extractors whose rejections are problems too.
//!
//! axum's own extractors answer malformed input with plain text; ours wrap them so every 4xx a
//! client sees has the same JSON shape ([`contracts::problem::Problem`]).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use contracts::problem::{Problem, PROBLEM_JSON};
use serde::de::DeserializeOwned;

/// A problem body as an HTTP response with its status and media type.
#[derive(Debug, Clone)]
pub struct ProblemResponse(pub Problem);

impl From<Problem> for ProblemResponse {
    fn from(problem: Problem) -> Self {
        Self(problem)
    }
}

impl IntoResponse for ProblemResponse {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self.0).unwrap_or_default();
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

/// A 400 problem for input that could not be parsed.
pub fn bad_request(detail: impl Into<String>) -> ProblemResponse {
    Problem::new("invalid-request", "Invalid request", 400)
        .with_detail(detail)
        .into()
}

/// A 404 problem.
pub fn not_found(detail: impl Into<String>) -> ProblemResponse {
    Problem::new("not-found", "Not found", 404)
        .with_detail(detail)
        .into()
}

/// A 500 problem that tells the client nothing internal (the cause is logged by the caller).
pub fn internal() -> ProblemResponse {
    Problem::new("internal", "Something went wrong on our side", 500)
        .with_detail("The error was logged; please try again.")
        .into()
}

/// The 500 for a failed database call: logs the cause, tells the client nothing internal.
/// Every service maps its `Database` error variant through this.
pub fn database_error(err: &sqlx::Error) -> ProblemResponse {
    tracing::error!(error = %err, "database error");
    internal()
}

/// `axum::Json` whose rejection is a 400 problem.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ProblemResponse;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

fn json_rejection(rejection: JsonRejection) -> ProblemResponse {
    let status = rejection.status().as_u16();
    Problem::new(
        "invalid-body",
        "Invalid request body",
        if status == 500 { 400 } else { status },
    )
    .with_detail(rejection.body_text())
    .into()
}

/// `axum::extract::Query` whose rejection is a 400 problem.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ProblemResponse;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Query(v))
            .map_err(|r: QueryRejection| {
                Problem::new("invalid-query", "Invalid query string", 400)
                    .with_detail(r.body_text())
                    .into()
            })
    }
}

/// `axum::extract::Path` whose rejection is a 400 problem.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ProblemResponse;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Path(v))
            .map_err(|r: PathRejection| {
                Problem::new("invalid-path", "Invalid path", 400)
                    .with_detail(r.body_text())
                    .into()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, routing::post, Router};
    use tower::ServiceExt;

    #[derive(serde::Deserialize)]
    struct Input {
        #[allow(dead_code)]
        n: u32,
    }

    #[tokio::test]
    async fn malformed_json_is_a_problem() {
        let app = Router::new().route("/", post(|Json(_): Json<Input>| async { "ok" }));
        let request = Request::post("/")
            .header("content-type", "application/json")
            .body(Body::from("{"))
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        let problem: Problem = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem.kind, "/problems/invalid-body");
    }
}
