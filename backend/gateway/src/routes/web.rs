//! The built web: the shell, its hashed assets, and `/mfe/*`.
//!
//! Caching is what makes run-time MFE deployment work: HTML and `/mfe/manifest.json` are
//! `no-cache` (revalidated on every use, so a new manifest is seen on the next navigation),
//! every other file has a content hash in its path and is `immutable`. Unknown non-API paths
//! get the shell (deep links survive a reload); a missing file under `/mfe/` is a real 404 so
//! the shell can show a fallback.
//!
//! The build writes brotli (quality 11) and gzip -9 copies beside every wasm, JS and CSS file
//! (`xtask/src/precompress.rs`); they are served as they are to a browser that accepts them,
//! and the compression layer only compresses what has no such copy (HTML, API answers).
//!
//! The manifest gets a content-hash ETag rather than `Last-Modified`: the latter has
//! one-second resolution, so two deploys within a second would revalidate as unchanged.
//!
//! When development overrides are allowed (`MFE_OVERRIDES`), the manifest says so in the
//! `contracts::manifest::OVERRIDES_HEADER`; without it the shell ignores a `?mfe-override=…`.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use http::header::{self, HeaderValue};
use tower_http::services::{ServeDir, ServeFile};

const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

/// Routes serving `web_dir`; `overrides` allows development overrides of single MFEs.
pub fn router(web_dir: &Path, overrides: bool) -> Router {
    let mfe = ServeDir::new(web_dir.join("mfe"))
        .precompressed_br()
        .precompressed_gzip();
    let shell = ServeDir::new(web_dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(web_dir.join("index.html")));
    let manifest = web_dir.join(contracts::manifest::MANIFEST_PATH.trim_start_matches('/'));
    Router::new()
        .route(
            contracts::manifest::MANIFEST_PATH,
            get(serve_manifest).with_state(ManifestFile {
                path: manifest,
                overrides,
            }),
        )
        .nest_service("/mfe", mfe)
        .fallback_service(shell)
        .layer(middleware::from_fn(cache_headers))
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let manifest = request.uri().path() == contracts::manifest::MANIFEST_PATH;
    let mut response = next.run(request).await;
    if !response.status().is_success() {
        return response;
    }
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let policy = if manifest || html { NO_CACHE } else { IMMUTABLE };
    response.headers_mut().insert(header::CACHE_CONTROL, policy);
    response
}

/// Where the manifest is, and whether it allows development overrides.
#[derive(Clone)]
struct ManifestFile {
    path: PathBuf,
    overrides: bool,
}

/// `GET /mfe/manifest.json` with a strong ETag, answering 304 when the client has it.
async fn serve_manifest(State(file): State<ManifestFile>, headers: HeaderMap) -> axum::response::Response {
    let Ok(body) = tokio::fs::read(&file.path).await else {
        return kit::problem::not_found("No micro-frontends are deployed.").into_response();
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    let etag = format!("\"{:016x}\"", hasher.finish());
    let fresh = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str());
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    if file.overrides {
        response.headers_mut().insert(
            contracts::manifest::OVERRIDES_HEADER,
            HeaderValue::from_static("allowed"),
        );
    }
    response
}
