//! Calls to the catalog service through the shell's `authFetch`, each cancellable: unmount
//! aborts every request still in flight.
//!
//! The shell context holds JS values (not `Send`), so it lives in a per-mount table and
//! components carry only the small `Copy` handle [`Api`].

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use contracts::browser::{FetchError, ShellContext};
use contracts::catalog::{Category, ProductDetail, ProductPage};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use crate::route::ListView;

struct Mounted {
    shell: ShellContext,
    abort: web_sys::AbortController,
}

thread_local! {
    static MOUNTS: RefCell<HashMap<u32, Mounted>> = RefCell::new(HashMap::new());
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// A mounted instance's way to the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api {
    id: u32,
}

impl Api {
    /// Registers a mount's context and a fresh abort controller.
    pub fn register(shell: ShellContext) -> Result<Api, JsValue> {
        let abort = web_sys::AbortController::new()?;
        let id = NEXT_ID.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1));
            id
        });
        MOUNTS.with(|m| m.borrow_mut().insert(id, Mounted { shell, abort }));
        Ok(Api { id })
    }

    /// Aborts in-flight requests and forgets the context (on unmount).
    pub fn release(self) {
        if let Some(mounted) = MOUNTS.with(|m| m.borrow_mut().remove(&self.id)) {
            mounted.abort.abort();
        }
    }

    /// Prefix for URLs the API returns, such as image paths (e.g. `/api`).
    pub fn api_base(self) -> String {
        MOUNTS
            .with(|m| m.borrow().get(&self.id).map(|s| s.shell.data.api_base.clone()))
            .unwrap_or_default()
    }

    /// Where the catalog's routes live in the page's URL space.
    pub fn base_path(self) -> String {
        MOUNTS
            .with(|m| m.borrow().get(&self.id).map(|s| s.shell.data.base_path.clone()))
            .unwrap_or_default()
    }

    async fn get_json<T: DeserializeOwned>(self, path: &str) -> Result<T, FetchError> {
        let found = MOUNTS.with(|m| {
            m.borrow()
                .get(&self.id)
                .map(|s| (s.shell.clone(), s.abort.signal()))
        });
        let Some((shell, signal)) = found else {
            return Err(FetchError::Network("unmounted".into()));
        };
        shell.get_json(path, Some(&signal)).await
    }

    /// One page of products for a grid.
    pub async fn products(self, list: &ListView) -> Result<ProductPage, FetchError> {
        self.get_json(&list.api_path()).await
    }

    /// One product.
    pub async fn product(self, id: i64) -> Result<ProductDetail, FetchError> {
        self.get_json(&format!("/catalog/products/{id}")).await
    }

    /// All categories (for headings and links).
    pub async fn categories(self) -> Result<Vec<Category>, FetchError> {
        self.get_json("/catalog/categories").await
    }
}
