//! Reading the browser's parsed JSON field by field, for the answers an MFE reads most.
//!
//! Serde's derived decoding (through `serde_wasm_bindgen`) compiles a visitor per type with a
//! state machine per field and an error per way a field can be wrong; for the larger DTOs that
//! is several KB of every module's download (issue 16). Reading a field is one property lookup
//! here. The rules are serde's, as far as a valid answer can tell: a missing or mistyped field
//! is an error, `null` or a missing field is `None` for an optional one, unknown fields are
//! ignored, and an integer must be a whole number in its type's range. Only the error texts
//! differ (they reach the console, never the shopper: [`crate::fetch::FetchError::Decode`]).

use contracts::events::{AuthChanged, CartChanged, OrderUpdated, ReviewPosted, UserSummary};
use contracts::mount::MountContext;
use contracts::problem::{FieldError, Problem};
use wasm_bindgen::{JsCast, JsValue};

mod shell;

/// The fields of a JSON object.
pub struct Fields(JsValue);

/// What was expected of `field`.
fn expected(what: &str, field: &str) -> String {
    let mut message = String::from("expected ");
    message.push_str(what);
    message.push_str(" in `");
    message.push_str(field);
    message.push('`');
    message
}

/// `value` as an integer from `min` to `max` (a whole number, as serde_wasm_bindgen wants).
fn integer(value: &JsValue, min: f64, max: f64) -> Option<f64> {
    value
        .as_f64()
        .filter(|n| n.fract() == 0.0 && *n >= min && *n <= max)
}

/// The list `value` (named `what` in the error), each item read by `item`.
pub fn list<T>(
    value: &JsValue,
    what: &str,
    item: fn(JsValue) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let array = value
        .dyn_ref::<js_sys::Array>()
        .ok_or_else(|| expected("a list", what))?;
    array.iter().map(item).collect()
}

impl Fields {
    /// The object `value` (an error for anything else), named `what` in the error.
    pub fn of(value: JsValue, what: &str) -> Result<Self, String> {
        if value.is_object() {
            Ok(Self(value))
        } else {
            Err(expected("an object", what))
        }
    }

    /// The raw value of `name` (`undefined` when absent).
    pub fn get(&self, name: &str) -> JsValue {
        js_sys::Reflect::get(&self.0, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    }

    /// A text field.
    pub fn string(&self, name: &str) -> Result<String, String> {
        self.get(name)
            .as_string()
            .ok_or_else(|| expected("a string", name))
    }

    /// An optional text field (`null` or absent: `None`).
    pub fn optional_string(&self, name: &str) -> Result<Option<String>, String> {
        let value = self.get(name);
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        value
            .as_string()
            .map(Some)
            .ok_or_else(|| expected("a string", name))
    }

    /// A text field that may be absent (`#[serde(default)]`: the empty string then).
    pub fn defaulted_string(&self, name: &str) -> Result<String, String> {
        let value = self.get(name);
        if value.is_undefined() {
            return Ok(String::new());
        }
        value.as_string().ok_or_else(|| expected("a string", name))
    }

    /// A true/false field.
    pub fn bool(&self, name: &str) -> Result<bool, String> {
        self.get(name)
            .as_bool()
            .ok_or_else(|| expected("a boolean", name))
    }

    /// A number field.
    pub fn f64(&self, name: &str) -> Result<f64, String> {
        self.get(name).as_f64().ok_or_else(|| expected("a number", name))
    }

    /// An integer field that fits an `i64` exactly (JSON numbers are doubles).
    pub fn i64(&self, name: &str) -> Result<i64, String> {
        const SAFE: f64 = 9_007_199_254_740_991.0;
        integer(&self.get(name), -SAFE, SAFE)
            .map(|n| n as i64)
            .ok_or_else(|| expected("an integer", name))
    }

    /// An integer field that fits a `u64` exactly.
    pub fn u64(&self, name: &str) -> Result<u64, String> {
        const SAFE: f64 = 9_007_199_254_740_991.0;
        integer(&self.get(name), 0.0, SAFE)
            .map(|n| n as u64)
            .ok_or_else(|| expected("a whole number", name))
    }

    /// A `u32` field.
    pub fn u32(&self, name: &str) -> Result<u32, String> {
        integer(&self.get(name), 0.0, f64::from(u32::MAX))
            .map(|n| n as u32)
            .ok_or_else(|| expected("a u32", name))
    }

    /// A `u8` field.
    pub fn u8(&self, name: &str) -> Result<u8, String> {
        integer(&self.get(name), 0.0, f64::from(u8::MAX))
            .map(|n| n as u8)
            .ok_or_else(|| expected("a u8", name))
    }

    /// A list field, each item read by `item`.
    pub fn list<T>(&self, name: &str, item: fn(JsValue) -> Result<T, String>) -> Result<Vec<T>, String> {
        list(&self.get(name), name, item)
    }

    /// A list field of exactly `N` `u32`s (a Rust array).
    pub fn u32_array<const N: usize>(&self, name: &str) -> Result<[u32; N], String> {
        let value = self.get(name);
        let array = value
            .dyn_ref::<js_sys::Array>()
            .filter(|a| a.length() as usize == N)
            .ok_or_else(|| expected("a list of the right length", name))?;
        let mut out = [0; N];
        for (at, slot) in out.iter_mut().enumerate() {
            *slot = integer(&array.get(at as u32), 0.0, f64::from(u32::MAX))
                .ok_or_else(|| expected("a u32", name))? as u32;
        }
        Ok(out)
    }

    /// An object field read by `item`, or `T::default()` when absent (`#[serde(default)]`).
    pub fn defaulted<T: Default>(
        &self,
        name: &str,
        item: fn(JsValue) -> Result<T, String>,
    ) -> Result<T, String> {
        let value = self.get(name);
        if value.is_undefined() {
            return Ok(T::default());
        }
        item(value)
    }

    /// An optional object field (`null` or absent: `None`), read by `item`.
    pub fn optional<T>(
        &self,
        name: &str,
        item: fn(JsValue) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        let value = self.get(name);
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        item(value).map(Some)
    }
}

/// Parses JSON `text` with the browser's parser and reads it as `T`.
pub fn from_json_text<T: Decode>(text: &str) -> Result<T, String> {
    let value = js_sys::JSON::parse(text).map_err(|e| crate::json::js_error_text(&e))?;
    T::decode(value)
}

/// What every module decodes, read by hand too: the mount context, a problem body, and the
/// events MFEs listen to ([`crate::events::listen_decoded`]).
pub trait Decode: Sized {
    /// Reads `value` (a parsed JSON value or an event's detail).
    fn decode(value: JsValue) -> Result<Self, String>;
}

fn user_summary(value: JsValue) -> Result<UserSummary, String> {
    let user = Fields::of(value, "user")?;
    Ok(UserSummary {
        id: user.string("id")?,
        name: user.string("name")?,
    })
}

fn field_error(value: JsValue) -> Result<FieldError, String> {
    let error = Fields::of(value, "FieldError")?;
    Ok(FieldError {
        field: error.string("field")?,
        message: error.string("message")?,
    })
}

impl Decode for MountContext {
    fn decode(value: JsValue) -> Result<Self, String> {
        let context = Fields::of(value, "MountContext")?;
        Ok(MountContext {
            base_path: context.string("basePath")?,
            api_base: context.string("apiBase")?,
            user: context.optional("user", user_summary)?,
            slot: context.string("slot")?,
        })
    }
}

impl Decode for Problem {
    fn decode(value: JsValue) -> Result<Self, String> {
        let problem = Fields::of(value, "Problem")?;
        let errors = problem.get("errors");
        Ok(Problem {
            kind: problem.string("type")?,
            title: problem.string("title")?,
            status: integer(&problem.get("status"), 0.0, f64::from(u16::MAX))
                .ok_or_else(|| expected("a u16", "status"))? as u16,
            detail: problem.optional_string("detail")?,
            errors: if errors.is_undefined() {
                Vec::new()
            } else {
                list(&errors, "errors", field_error)?
            },
            request_id: problem.optional_string("requestId")?,
        })
    }
}

impl Decode for AuthChanged {
    fn decode(value: JsValue) -> Result<Self, String> {
        let event = Fields::of(value, "AuthChanged")?;
        Ok(AuthChanged {
            user: event.optional("user", user_summary)?,
        })
    }
}

impl Decode for CartChanged {
    fn decode(value: JsValue) -> Result<Self, String> {
        Ok(CartChanged {
            count: Fields::of(value, "CartChanged")?.u32("count")?,
        })
    }
}

impl Decode for OrderUpdated {
    fn decode(value: JsValue) -> Result<Self, String> {
        let event = Fields::of(value, "OrderUpdated")?;
        Ok(OrderUpdated {
            order_id: event.string("orderId")?,
            status: event.string("status")?,
        })
    }
}

impl Decode for ReviewPosted {
    fn decode(value: JsValue) -> Result<Self, String> {
        let event = Fields::of(value, "ReviewPosted")?;
        Ok(ReviewPosted {
            product_id: event.i64("productId")?,
            rating_revision: event.u64("ratingRevision")?,
        })
    }
}
