//! `GET /products/{id}/image.svg`: the generated product picture.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use kit::problem::Path;

use crate::domain::{image, query::ProductId};
use crate::error::CatalogError;
use crate::state::AppState;
use crate::store;

/// The product's picture; cacheable for a day because it only changes with the name.
#[utoipa::path(get, path = "/products/{id}/image.svg", tag = "products",
    params(("id" = i64, Path, description = "Product id")),
    responses((status = 200, description = "SVG image", content_type = "image/svg+xml"),
              (status = 404, description = "No such product")))]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn products_image(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, CatalogError> {
    let ProductId(id) = ProductId::parse(&id).map_err(CatalogError::Invalid)?;
    let (name, category) = store::image_subject(&state.db, id)
        .await?
        .ok_or(CatalogError::ProductNotFound(id))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        image::product_svg(id, &name, category),
    ))
}
