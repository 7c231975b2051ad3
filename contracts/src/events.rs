//! The `storefront:*` custom events: the only way MFEs and the shell talk besides the URL.
//!
//! Each event is a struct whose JSON form is the `CustomEvent.detail`, with its DOM event name
//! as [`StorefrontEvent::NAME`]. Emit and listen with the typed helpers of `web_kit::events`
//! (`frontends/kit`) so a name or payload shape is never spelled out by hand.

use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// A custom event dispatched on `window`.
pub trait StorefrontEvent: Serialize + DeserializeOwned {
    /// The DOM event name, `storefront:<what-happened>`.
    const NAME: &'static str;
}

/// The signed-in user as the browser sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    /// Stable user id.
    pub id: String,
    /// Display name for greetings and the user menu.
    pub name: String,
}

/// The number of items in the cart changed; the header badge shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartChanged {
    /// Total quantity in the cart.
    pub count: u32,
}

/// Someone signed in or out (`user` is `None` when signed out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthChanged {
    /// The user now signed in, if any.
    pub user: Option<UserSummary>,
}

/// An MFE needs a signed-in user; the shell sends the shopper to sign in and back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthRequired {
    /// Path (and query) to come back to after signing in.
    pub return_to: String,
}

/// An MFE panicked after it was mounted: its wasm instance is dead. The shell replaces it
/// with the slot's fallback and never reuses that instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfeCrashed {
    /// The slot the crashed MFE was mounted in (from its mount context).
    pub slot: String,
    /// The panic message, for the console and the fallback's details.
    pub message: String,
}

/// Asks the shell to navigate, e.g. after a form submit inside an MFE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Navigate {
    /// Same-origin path with optional query, e.g. `/search?q=mug`.
    pub to: String,
}

/// How prominent a toast is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToastLevel {
    /// Confirmation of something the user did.
    Info,
    /// Something worked only in part.
    Warning,
    /// Something failed.
    Error,
}

/// Asks the shell to show a short message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Toast {
    /// Severity.
    pub level: ToastLevel,
    /// Plain text to show.
    pub text: String,
}

/// An order the signed-in user owns changed status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderUpdated {
    /// The order.
    pub order_id: String,
    /// Its new status, e.g. `PAID`.
    pub status: String,
}

/// The signed-in user wrote or edited a review (sent by the reviews MFE once the reviews
/// service has it). The catalog MFE re-reads the product until its rating copy has reached
/// `rating_revision`: the catalog hears of ratings by events, so it lags a little.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewPosted {
    /// The product reviewed.
    pub product_id: i64,
    /// The product's rating revision after this review (`RatingSummary::revision`).
    pub rating_revision: u64,
}

/// Asks the shell to put a product in the cart (from any MFE that shows products).
///
/// The shell owns the cart badge, so it makes the call to the cart service and answers with
/// `storefront:cart-changed` and a toast; an MFE never calls another team's service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddToCart {
    /// The product.
    pub product_id: i64,
    /// How many to add.
    pub quantity: u32,
    /// Its name, for the confirmation ("Added … to your cart").
    pub name: String,
}

/// An MFE has put on screen the page for a URL the shell announced, and which it followed
/// without being re-mounted (the next grid page, another product). The shell writes the
/// browser history entry for it then, not before: in Chromium that write costs the browser
/// 10–18 ms of CPU, which on a busy machine came out of the MFE's request and render
/// (docs/decisions/0001). An MFE that never says so gets its entry written a moment later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageShown {
    /// The path and query of the page shown (`/?page=2`).
    pub href: String,
}

impl StorefrontEvent for AddToCart {
    const NAME: &'static str = "storefront:add-to-cart";
}
impl StorefrontEvent for CartChanged {
    const NAME: &'static str = "storefront:cart-changed";
}
impl StorefrontEvent for AuthChanged {
    const NAME: &'static str = "storefront:auth-changed";
}
impl StorefrontEvent for AuthRequired {
    const NAME: &'static str = "storefront:auth-required";
}
impl StorefrontEvent for Navigate {
    const NAME: &'static str = "storefront:navigate";
}

impl StorefrontEvent for MfeCrashed {
    const NAME: &'static str = "storefront:mfe-crashed";
}
impl StorefrontEvent for Toast {
    const NAME: &'static str = "storefront:toast";
}
impl StorefrontEvent for OrderUpdated {
    const NAME: &'static str = "storefront:order-updated";
}
impl StorefrontEvent for ReviewPosted {
    const NAME: &'static str = "storefront:review-posted";
}
impl StorefrontEvent for PageShown {
    const NAME: &'static str = "storefront:page-shown";
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_follow_the_architecture() {
        assert_eq!(CartChanged::NAME, "storefront:cart-changed");
        assert_eq!(AuthChanged::NAME, "storefront:auth-changed");
        assert_eq!(AuthRequired::NAME, "storefront:auth-required");
        assert_eq!(Navigate::NAME, "storefront:navigate");
        assert_eq!(Toast::NAME, "storefront:toast");
        assert_eq!(OrderUpdated::NAME, "storefront:order-updated");
        assert_eq!(AddToCart::NAME, "storefront:add-to-cart");
        assert_eq!(ReviewPosted::NAME, "storefront:review-posted");
        assert_eq!(PageShown::NAME, "storefront:page-shown");
        assert_eq!(
            serde_json::to_value(AddToCart {
                product_id: 7,
                quantity: 1,
                name: "Mug".into()
            })
            .unwrap(),
            json!({"productId": 7, "quantity": 1, "name": "Mug"})
        );
    }

    #[test]
    fn payloads_have_the_documented_shape() {
        assert_eq!(
            serde_json::to_value(CartChanged { count: 3 }).unwrap(),
            json!({"count": 3})
        );
        assert_eq!(
            serde_json::to_value(AuthRequired {
                return_to: "/account".into()
            })
            .unwrap(),
            json!({"returnTo": "/account"})
        );
        assert_eq!(
            serde_json::to_value(AuthChanged { user: None }).unwrap(),
            json!({"user": null})
        );
        assert_eq!(
            serde_json::to_value(Toast {
                level: ToastLevel::Error,
                text: "x".into()
            })
            .unwrap(),
            json!({"level": "error", "text": "x"})
        );
        assert_eq!(
            serde_json::to_value(OrderUpdated {
                order_id: "o1".into(),
                status: "PAID".into()
            })
            .unwrap(),
            json!({"orderId": "o1", "status": "PAID"})
        );
        assert_eq!(
            serde_json::to_value(PageShown {
                href: "/?page=2".into()
            })
            .unwrap(),
            json!({"href": "/?page=2"})
        );
    }
}
