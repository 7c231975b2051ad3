//! Calls to identity, orders and shipping through the shell's `authFetch` (which carries the
//! token), each aborted on unmount.

use contracts::identity::UserProfile;
use contracts::orders::OrderView;
use contracts::shipping::ShipmentView;
use wasm_bindgen::JsValue;
use web_kit::fetch::{FetchError, ShellContext};
use web_kit::mount::MountedApi;

/// A mounted instance's way to the account APIs.
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

    /// The user's orders, newest first.
    pub async fn orders(self) -> Result<Vec<OrderView>, FetchError> {
        self.mounted.get_json("/orders").await
    }

    /// One of the user's orders.
    pub async fn order(self, id: &str) -> Result<OrderView, FetchError> {
        self.mounted.get_json(&format!("/orders/{id}")).await
    }

    /// The parcel of one of the user's orders.
    pub async fn shipment(self, order_id: &str) -> Result<ShipmentView, FetchError> {
        self.mounted
            .get_json(&format!("/shipping/shipments/{order_id}"))
            .await
    }

    /// The signed-in user's profile.
    pub async fn me(self) -> Result<UserProfile, FetchError> {
        self.mounted.get_json("/identity/me").await
    }
}
