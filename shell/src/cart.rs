//! The shell's part of the cart: keeping the header badge's count right, and putting products
//! in the cart for any MFE that asks (`storefront:add-to-cart`), so no MFE calls another
//! team's service. Answers go out as `storefront:cart-changed` and a toast.

use contracts::browser::{emit, listen, FetchError, ShellContext};
use contracts::cart::{AddItemRequest, CartView};
use contracts::events::{AddToCart, CartChanged, Toast, ToastLevel};
use contracts::mount::MountContext;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::auth::{auth_fetch, Auth};

const API_BASE: &str = "/api";

/// Starts listening for add-to-cart requests and keeps the count in step with the session.
pub fn start(auth: Auth) {
    // At start (once the session is known) and whenever the user changes: signing in merges
    // the visitor's cart into the user's, signing out shows the visitor's again.
    Effect::new(move |_| {
        if auth.ready.get() {
            auth.user.track();
            leptos::task::spawn_local(refresh_count());
        }
    });
    // The shell lives as long as the page; so does this listener.
    std::mem::forget(listen::<AddToCart, _>(|request| {
        leptos::task::spawn_local(add(request))
    }));
}

fn client() -> Option<ShellContext> {
    let data = MountContext {
        base_path: String::new(),
        api_base: API_BASE.into(),
        user: None,
        slot: "shell".into(),
    };
    let fetch = auth_fetch(API_BASE).dyn_into::<js_sys::Function>().ok()?;
    Some(ShellContext::new(data, fetch))
}

async fn refresh_count() {
    let Some(client) = client() else { return };
    match client.get_json::<CartView>("/cart", None).await {
        Ok(cart) => emit(&CartChanged {
            count: cart.item_count,
        }),
        Err(error) => web_sys::console::warn_1(&format!("cart count unavailable: {error:?}").into()),
    }
}

async fn add(request: AddToCart) {
    let Some(client) = client() else { return };
    let body = AddItemRequest {
        product_id: request.product_id,
        quantity: i64::from(request.quantity),
    };
    let result: Result<CartView, FetchError> =
        client.send_json("POST", "/cart/items", Some(&body), None).await;
    match result {
        Ok(cart) => {
            emit(&CartChanged {
                count: cart.item_count,
            });
            emit(&Toast {
                level: ToastLevel::Info,
                text: format!("Added {} to your cart.", request.name),
            });
        }
        Err(error) => emit(&Toast {
            level: ToastLevel::Error,
            text: error.user_message(),
        }),
    }
}
