//! Calls to the cart service through the shell's `authFetch`, each aborted on unmount. Every
//! answer is the whole cart, priced now.

use contracts::cart::{CartView, SetQuantityRequest};
use wasm_bindgen::JsValue;
use web_kit::fetch::{FetchError, ShellContext};
use web_kit::mount::MountedApi;

/// A mounted instance's way to the cart API.
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

    /// The cart.
    pub async fn cart(self) -> Result<CartView, FetchError> {
        self.mounted.get_json("/cart").await
    }

    /// Sets how many of `product_id`.
    pub async fn set_quantity(self, product_id: i64, quantity: u32) -> Result<CartView, FetchError> {
        let body = SetQuantityRequest {
            quantity: i64::from(quantity),
        };
        self.mounted
            .send_json("PUT", &format!("/cart/items/{product_id}"), Some(&body))
            .await
    }

    /// Takes `product_id` out of the cart.
    pub async fn remove(self, product_id: i64) -> Result<CartView, FetchError> {
        self.mounted
            .send_json::<(), _>("DELETE", &format!("/cart/items/{product_id}"), None)
            .await
    }
}
