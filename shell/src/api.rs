//! The shell's own API calls (the cart badge, add-to-cart, the category navigation). They go
//! through the same `authFetch` the shell gives MFEs, so they carry the session's token and
//! decode answers and problems the same way.
//!
//! Bodies are built and answers read by hand (`web_kit::encode` / `web_kit::decode`), as the
//! MFEs' are: no serde (de)serializer in the shell's download (issue 16).

use contracts::cart::{AddItemRequest, CartCount};
use contracts::catalog::Category;
use contracts::mount::MountContext;
use wasm_bindgen::{JsCast, JsValue};
use web_kit::decode::Decode;
use web_kit::encode::Encode;
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

/// `{method} /api{path}` with an optional JSON body, the answer read as `T`.
async fn call<T: Decode>(method: &str, path: &str, body: Option<&JsValue>) -> Result<T, FetchError> {
    let answer = client()?.send_value(method, path, body, None).await?;
    T::decode(answer).map_err(FetchError::Decode)
}

/// `GET /api/catalog/categories`.
pub async fn categories() -> Result<Vec<Category>, FetchError> {
    call("GET", "/catalog/categories", None).await
}

/// How many items the shopper's cart holds (`GET /api/cart`).
pub async fn cart_count() -> Result<CartCount, FetchError> {
    call("GET", "/cart", None).await
}

/// Adds to the shopper's cart (`POST /api/cart/items`); the cart's new count.
pub async fn add_to_cart(item: &AddItemRequest) -> Result<CartCount, FetchError> {
    call("POST", "/cart/items", Some(&item.encode())).await
}
