//! What only the shell reads, by hand like the rest of [`crate::decode`]: the manifest, the
//! session's user, the cart count and categories of its header, and the events MFEs send it.
//! With these the shell decodes nothing through serde (issue 16).
//!
//! Wire names are the contract's serde names (`rename_all = "camelCase"` where the type says
//! so); `#[serde(default)]` fields may be absent.

use contracts::cart::CartCount;
use contracts::catalog::Category;
use contracts::events::{
    AddToCart, AuthRequired, MfeCrashed, Navigate, PageShown, Toast, ToastLevel, UserSummary,
};
use contracts::manifest::{Integrity, Manifest, MfeEntry};
use wasm_bindgen::JsValue;

use super::{expected, list, user_summary, Decode, Fields};

/// One string of a list (a route).
fn string_item(value: JsValue) -> Result<String, String> {
    value.as_string().ok_or_else(|| expected("a string", "routes"))
}

fn integrity(value: JsValue) -> Result<Integrity, String> {
    let integrity = Fields::of(value, "integrity")?;
    Ok(Integrity {
        js: integrity.string("js")?,
        wasm: integrity.string("wasm")?,
    })
}

fn mfe_entry(value: JsValue) -> Result<MfeEntry, String> {
    let entry = Fields::of(value, "MfeEntry")?;
    Ok(MfeEntry {
        name: entry.string("name")?,
        version: entry.string("version")?,
        build: entry.defaulted_string("build")?,
        contract: entry.defaulted_string("contract")?,
        js: entry.string("js")?,
        wasm: entry.string("wasm")?,
        integrity: integrity(entry.get("integrity"))?,
        routes: entry.list("routes", string_item)?,
        slot: entry.string("slot")?,
    })
}

impl Decode for Manifest {
    fn decode(value: JsValue) -> Result<Self, String> {
        Ok(Manifest {
            mfes: Fields::of(value, "Manifest")?.list("mfes", mfe_entry)?,
        })
    }
}

/// The session's user from `auth.js` (`null` when signed out); a profile's other fields are
/// ignored, as serde ignores unknown fields.
impl Decode for UserSummary {
    fn decode(value: JsValue) -> Result<Self, String> {
        user_summary(value)
    }
}

impl Decode for CartCount {
    fn decode(value: JsValue) -> Result<Self, String> {
        Ok(CartCount {
            item_count: Fields::of(value, "CartCount")?.u32("itemCount")?,
        })
    }
}

fn category(value: JsValue) -> Result<Category, String> {
    let category = Fields::of(value, "Category")?;
    Ok(Category {
        slug: category.string("slug")?,
        name: category.string("name")?,
        product_count: category.u32("productCount")?,
    })
}

/// `GET /catalog/categories` answers a bare list.
impl Decode for Vec<Category> {
    fn decode(value: JsValue) -> Result<Self, String> {
        list(&value, "categories", category)
    }
}

impl Decode for AuthRequired {
    fn decode(value: JsValue) -> Result<Self, String> {
        Ok(AuthRequired {
            return_to: Fields::of(value, "AuthRequired")?.string("returnTo")?,
        })
    }
}

impl Decode for AddToCart {
    fn decode(value: JsValue) -> Result<Self, String> {
        let event = Fields::of(value, "AddToCart")?;
        Ok(AddToCart {
            product_id: event.i64("productId")?,
            quantity: event.u32("quantity")?,
            name: event.string("name")?,
        })
    }
}

impl Decode for Navigate {
    fn decode(value: JsValue) -> Result<Self, String> {
        Ok(Navigate {
            to: Fields::of(value, "Navigate")?.string("to")?,
        })
    }
}

impl Decode for PageShown {
    fn decode(value: JsValue) -> Result<Self, String> {
        Ok(PageShown {
            href: Fields::of(value, "PageShown")?.string("href")?,
        })
    }
}

impl Decode for MfeCrashed {
    fn decode(value: JsValue) -> Result<Self, String> {
        let event = Fields::of(value, "MfeCrashed")?;
        Ok(MfeCrashed {
            slot: event.string("slot")?,
            message: event.string("message")?,
        })
    }
}

/// `ToastLevel` is `rename_all = "lowercase"`: a unit variant is its name as a string.
fn toast_level(value: &JsValue) -> Result<ToastLevel, String> {
    match value.as_string().as_deref() {
        Some("info") => Ok(ToastLevel::Info),
        Some("warning") => Ok(ToastLevel::Warning),
        Some("error") => Ok(ToastLevel::Error),
        _ => Err(expected("info, warning or error", "level")),
    }
}

impl Decode for Toast {
    fn decode(value: JsValue) -> Result<Self, String> {
        let toast = Fields::of(value, "Toast")?;
        Ok(Toast {
            level: toast_level(&toast.get("level"))?,
            text: toast.string("text")?,
        })
    }
}
