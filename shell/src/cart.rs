//! The shell's part of the cart: keeping the header badge's count right, and putting products
//! in the cart for any MFE that asks (`storefront:add-to-cart`), so no MFE calls another
//! team's service. Answers go out as `storefront:cart-changed` and a toast.

use contracts::cart::AddItemRequest;
use contracts::events::{AddToCart, CartChanged, Toast, ToastLevel};
use leptos::prelude::*;
use web_kit::events::{emit_encoded, listen_decoded};

use crate::api;
use crate::auth::Auth;

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
    std::mem::forget(listen_decoded::<AddToCart, _>(|request| {
        leptos::task::spawn_local(add(request))
    }));
}

async fn refresh_count() {
    match api::cart_count().await {
        Ok(cart) => emit_encoded(&CartChanged {
            count: cart.item_count,
        }),
        Err(error) => web_sys::console::warn_1(&format!("cart count unavailable: {error}").into()),
    }
}

async fn add(request: AddToCart) {
    let body = AddItemRequest {
        product_id: request.product_id,
        quantity: i64::from(request.quantity),
    };
    match api::add_to_cart(&body).await {
        Ok(cart) => {
            emit_encoded(&CartChanged {
                count: cart.item_count,
            });
            emit_encoded(&Toast {
                level: ToastLevel::Info,
                text: format!("Added {} to your cart.", request.name),
            });
        }
        Err(error) => emit_encoded(&Toast {
            level: ToastLevel::Error,
            text: error.user_message(),
        }),
    }
}
