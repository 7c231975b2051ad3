//! Calls to the orders service through the shell's `authFetch`, each aborted on unmount.

use contracts::orders::{OrderPreview, OrderView, PlaceOrderRequest};
use wasm_bindgen::JsValue;
use web_kit::fetch::{FetchError, ShellContext};
use web_kit::mount::MountedApi;

/// A mounted instance's way to the orders API.
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

    /// The cart priced now.
    pub async fn preview(self) -> Result<OrderPreview, FetchError> {
        self.mounted.get_json("/orders/preview").await
    }

    /// Places the order; `key` makes a retry return the same order.
    pub async fn place(self, request: &PlaceOrderRequest, key: &str) -> Result<OrderView, FetchError> {
        self.mounted
            .send_json_with("POST", "/orders", Some(request), &[("Idempotency-Key", key)])
            .await
    }

    /// One order.
    pub async fn order(self, id: &str) -> Result<OrderView, FetchError> {
        self.mounted.get_json(&format!("/orders/{id}")).await
    }
}
