//! Calls to identity through the shell's `authFetch` (which carries the token), each
//! aborted on unmount.

use contracts::browser::{FetchError, MountedApi, ShellContext};
use contracts::identity::UserProfile;
use wasm_bindgen::JsValue;

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

    /// The signed-in user's profile.
    pub async fn me(self) -> Result<UserProfile, FetchError> {
        self.mounted.get_json("/identity/me").await
    }
}
