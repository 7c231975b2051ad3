//! What only the shell writes, by hand like the rest of [`crate::encode`]: the events it
//! answers MFEs with, the user it mounts them for, and the bodies of its own requests. Keys
//! are the contract's serde names in declaration order, `None` is `null` (as the
//! JSON-compatible serializer writes it), so `JSON.stringify` gives the same text.

use contracts::cart::AddItemRequest;
use contracts::events::{AuthChanged, OrderUpdated, Toast, ToastLevel, UserSummary};
use contracts::identity::{RegisterRequest, SignInRequest};
use wasm_bindgen::JsValue;

use super::{number, Encode, Object};

impl Encode for UserSummary {
    fn encode(&self) -> JsValue {
        Object::new()
            .set("id", self.id.as_str())
            .set("name", self.name.as_str())
            .build()
    }
}

/// `null` for `None`: what the mount ABI and `AuthChanged` say for "signed out".
impl<T: Encode> Encode for Option<T> {
    fn encode(&self) -> JsValue {
        self.as_ref().map_or(JsValue::NULL, Encode::encode)
    }
}

impl Encode for AuthChanged {
    fn encode(&self) -> JsValue {
        Object::new().set("user", self.user.encode()).build()
    }
}

/// `ToastLevel` is `rename_all = "lowercase"`.
fn toast_level(level: ToastLevel) -> &'static str {
    match level {
        ToastLevel::Info => "info",
        ToastLevel::Warning => "warning",
        ToastLevel::Error => "error",
    }
}

impl Encode for Toast {
    fn encode(&self) -> JsValue {
        Object::new()
            .set("level", toast_level(self.level))
            .set("text", self.text.as_str())
            .build()
    }
}

impl Encode for OrderUpdated {
    fn encode(&self) -> JsValue {
        Object::new()
            .set("orderId", self.order_id.as_str())
            .set("status", self.status.as_str())
            .build()
    }
}

impl Encode for AddItemRequest {
    fn encode(&self) -> JsValue {
        Object::new()
            .set("productId", number(self.product_id))
            .set("quantity", number(self.quantity))
            .build()
    }
}

impl Encode for SignInRequest {
    fn encode(&self) -> JsValue {
        Object::new()
            .set("email", self.email.as_str())
            .set("password", self.password.as_str())
            .build()
    }
}

impl Encode for RegisterRequest {
    fn encode(&self) -> JsValue {
        Object::new()
            .set("name", self.name.as_str())
            .set("email", self.email.as_str())
            .set("password", self.password.as_str())
            .build()
    }
}
