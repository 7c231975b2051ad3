//! JSON objects built by hand, the other way of [`crate::decode`]: the events MFEs send and
//! the bodies they write, as the JS object `serde_wasm_bindgen`'s JSON-compatible serializer
//! makes of them (same keys, in declaration order, so `JSON.stringify` writes the same text).
//! Without serde's serializer and its interned key cache in the module (issue 16).

use contracts::events::{
    AddToCart, AuthRequired, CartChanged, MfeCrashed, Navigate, PageShown, ReviewPosted,
};
use contracts::reviews::WriteReviewRequest;
use wasm_bindgen::JsValue;

mod shell;

/// A value as the JS object (or value) its JSON is.
pub trait Encode {
    /// The JS value.
    fn encode(&self) -> JsValue;
}

/// A JS object, filled field by field.
pub struct Object(js_sys::Object);

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Self(js_sys::Object::new())
    }

    /// Sets `name` to `value` (keys keep the order they are set in).
    pub fn set(self, name: &str, value: impl Into<JsValue>) -> Self {
        let _ = js_sys::Reflect::set(&self.0, &JsValue::from_str(name), &value.into());
        self
    }

    /// The object.
    pub fn build(self) -> JsValue {
        self.0.into()
    }
}

impl Default for Object {
    fn default() -> Self {
        Self::new()
    }
}

/// An id or count as a JS number (ours are all far below 2^53, where numbers stay exact).
fn number(value: i64) -> f64 {
    value as f64
}

impl Encode for AuthRequired {
    fn encode(&self) -> JsValue {
        Object::new().set("returnTo", self.return_to.as_str()).build()
    }
}

impl Encode for MfeCrashed {
    fn encode(&self) -> JsValue {
        Object::new()
            .set("slot", self.slot.as_str())
            .set("message", self.message.as_str())
            .build()
    }
}

impl Encode for ReviewPosted {
    fn encode(&self) -> JsValue {
        Object::new()
            .set("productId", number(self.product_id))
            .set("ratingRevision", self.rating_revision as f64)
            .build()
    }
}

impl Encode for PageShown {
    fn encode(&self) -> JsValue {
        Object::new().set("href", self.href.as_str()).build()
    }
}

impl Encode for Navigate {
    fn encode(&self) -> JsValue {
        Object::new().set("to", self.to.as_str()).build()
    }
}

impl Encode for AddToCart {
    fn encode(&self) -> JsValue {
        Object::new()
            .set("productId", number(self.product_id))
            .set("quantity", f64::from(self.quantity))
            .set("name", self.name.as_str())
            .build()
    }
}

impl Encode for CartChanged {
    fn encode(&self) -> JsValue {
        Object::new().set("count", f64::from(self.count)).build()
    }
}

impl Encode for WriteReviewRequest {
    fn encode(&self) -> JsValue {
        Object::new()
            .set("rating", number(self.rating))
            .set("title", self.title.as_str())
            .set("body", self.body.as_str())
            .build()
    }
}
