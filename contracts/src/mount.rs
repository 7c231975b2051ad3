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

/// Version of the contract between the shell and an MFE: this mount ABI, the mount context
/// and the `storefront:*` events, as `major.minor`.
///
/// The build writes the version an MFE was compiled against into its manifest entry. Bump
/// the minor for an additive change (a new optional context field, a new event) and the
/// major for anything an existing MFE could not cope with; [`is_compatible`] says what the
/// shell then accepts.
pub const CONTRACT_VERSION: &str = "1.0";

/// Whether a shell speaking `host` can mount an MFE built against `built_against`.
///
/// The majors must be equal, and the MFE may not expect a newer minor than the shell has:
/// a newer MFE could rely on a context field or event an older shell never provides, while
/// an older MFE simply ignores what it does not know. Anything unparsable is incompatible.
pub fn is_compatible(host: &str, built_against: &str) -> bool {
    match (parse_version(host), parse_version(built_against)) {
        (Some((host_major, host_minor)), Some((major, minor))) => major == host_major && minor <= host_minor,
        _ => false,
    }
}

fn parse_version(version: &str) -> Option<(u32, u32)> {
    let (major, minor) = version.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

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
    fn same_major_and_no_newer_minor_is_compatible() {
        assert!(is_compatible("1.2", "1.2"));
        assert!(is_compatible("1.2", "1.0"));
        assert!(!is_compatible("1.2", "1.3"), "an MFE newer than the shell");
        assert!(!is_compatible("2.0", "1.0"), "another major");
        assert!(!is_compatible("1.0", "2.0"));
        assert!(!is_compatible("1.0", ""), "a build that did not say");
        assert!(!is_compatible("1.0", "one.zero"));
        assert!(is_compatible(CONTRACT_VERSION, CONTRACT_VERSION));
    }

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
