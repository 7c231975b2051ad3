//! Calls to the catalog service through the shell's `authFetch`, each cancellable: unmount
//! aborts every request still in flight.
//!
//! The shell context lives in `web_kit::mount`'s per-mount table; components carry only
//! the small `Copy` handle [`Api`].

use contracts::catalog::{Category, ProductDetail, ProductPage};
use wasm_bindgen::JsValue;
use web_kit::fetch::{FetchError, ShellContext};
use web_kit::mount::MountedApi;

use crate::decode;
use crate::route::ListView;

/// A mounted instance's way to the catalog API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api {
    mounted: MountedApi,
}

impl Api {
    /// Registers a mount's context and a fresh abort controller.
    pub fn register(shell: ShellContext) -> Result<Api, JsValue> {
        MountedApi::register(shell).map(|mounted| Api { mounted })
    }

    /// Aborts in-flight requests and forgets the context (on unmount).
    pub fn release(self) {
        self.mounted.release();
    }

    /// Prefix for URLs the API returns, such as image paths (e.g. `/api`).
    pub fn api_base(self) -> String {
        self.mounted.context().map(|c| c.api_base).unwrap_or_default()
    }

    /// Where the catalog's routes live in the page's URL space.
    pub fn base_path(self) -> String {
        self.mounted.context().map(|c| c.base_path).unwrap_or_default()
    }

    /// One page of products for a grid.
    pub async fn products(self, list: &ListView) -> Result<ProductPage, FetchError> {
        let answer = self.mounted.get_value(&list.api_path()).await?;
        decode::product_page(answer).map_err(FetchError::Decode)
    }

    /// One product.
    pub async fn product(self, id: i64) -> Result<ProductDetail, FetchError> {
        let answer = self.mounted.get_value(&format!("/catalog/products/{id}")).await?;
        decode::product_detail(answer).map_err(FetchError::Decode)
    }

    /// All categories (for headings and links).
    pub async fn categories(self) -> Result<Vec<Category>, FetchError> {
        let answer = self.mounted.get_value("/catalog/categories").await?;
        decode::categories(answer).map_err(FetchError::Decode)
    }
}
