//! The shell's own API calls (the cart badge, add-to-cart, the category navigation). They go
//! through the same `authFetch` the shell gives MFEs, so they carry the session's token and
//! decode answers and problems the same way.

use contracts::cart::{AddItemRequest, CartCount};
use contracts::catalog::Category;
use contracts::mount::MountContext;
use wasm_bindgen::JsCast;
use web_kit::fetch::{FetchError, ShellContext};

use crate::auth::auth_fetch;

const API_BASE: &str = "/api";

/// A client for `/api`, as the shell's own slot.
fn client() -> Result<ShellContext, FetchError> {
    let data = MountContext {
        base_path: String::new(),
        api_base: API_BASE.into(),
        user: None,
        slot: "shell".into(),
    };
    let fetch = auth_fetch(API_BASE)
        .dyn_into::<js_sys::Function>()
        .map_err(|_| FetchError::Network("authFetch is not a function".into()))?;
    Ok(ShellContext::new(data, fetch))
}

/// `GET /api/catalog/categories`.
pub async fn categories() -> Result<Vec<Category>, FetchError> {
    client()?.get_json("/catalog/categories", None).await
}

/// How many items the shopper's cart holds (`GET /api/cart`).
pub async fn cart_count() -> Result<CartCount, FetchError> {
    client()?.get_json("/cart", None).await
}

/// Adds to the shopper's cart (`POST /api/cart/items`); the cart's new count.
pub async fn add_to_cart(item: &AddItemRequest) -> Result<CartCount, FetchError> {
    client()?.send_json("POST", "/cart/items", Some(item), None).await
}
