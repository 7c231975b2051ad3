//! The MFE mount ABI: what every micro-frontend exports and what the shell passes it.
//!
//! An MFE is a wasm-bindgen `--target web` module. After its default export (`init`) has run,
//! the shell calls `mount(element, context)`, which returns a handle; the shell calls
//! `handle.unmount()` when the slot moves to another MFE. Unmount must remove every DOM node,
//! listener, timer and pending request the MFE made.
//!
//! The `context` is a plain JS object: the fields of [`MountContext`] plus `authFetch`, a
//! function `(path, init?) => Promise<Response>` that calls `apiBase + path` with the
//! shell's credentials. MFEs never see tokens.

use serde::{Deserialize, Serialize};

use crate::events::UserSummary;

/// Name of the exported mount function.
pub const MOUNT_EXPORT: &str = "mount";
/// Name of the method on the returned handle that tears the MFE down.
pub const UNMOUNT_METHOD: &str = "unmount";
/// Name of the context property holding the `authFetch` function.
pub const AUTH_FETCH_PROPERTY: &str = "authFetch";

/// The data part of the mount context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MountContext {
    /// Path prefix the MFE's routes live under (`""` for the root).
    pub base_path: String,
    /// Prefix of API calls, e.g. `/api`; `authFetch` already applies it.
    pub api_base: String,
    /// The signed-in user, if any, at mount time (later changes come as `storefront:auth-changed`).
    pub user: Option<UserSummary>,
    /// The slot the MFE is mounted in (`main`, `secondary`), for MFEs that render differently per slot.
    pub slot: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_uses_camel_case_keys() {
        let ctx = MountContext {
            base_path: String::new(),
            api_base: "/api".into(),
            user: None,
            slot: "main".into(),
        };
        assert_eq!(
            serde_json::to_value(&ctx).unwrap(),
            serde_json::json!({"basePath": "", "apiBase": "/api", "user": null, "slot": "main"})
        );
    }
}
