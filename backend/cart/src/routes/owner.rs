//! Whose cart a request is about: the signed-in user's, or the visitor's from the cookie —
//! merging the visitor's into the user's on the first request that has both.

use axum::http::{HeaderMap, HeaderValue};
use contracts::cart::CART_COOKIE;
use cookie::SameSite;
use kit::auth::AuthUser;
use kit::cookies::CookieSpec;

use crate::error::CartError;
use crate::state::AppState;
use crate::store;

/// The cart a request works on, and the cookie change to send back, if any.
pub struct Resolved {
    /// The cart id (`None`: a visitor without a cart yet, and none was needed).
    pub cart_id: Option<String>,
    /// `Set-Cookie` to send: a new visitor cart, or the cookie cleared after a merge.
    pub set_cookie: Option<HeaderValue>,
}

fn cookie_spec(state: &AppState) -> CookieSpec<'_> {
    CookieSpec {
        name: CART_COOKIE,
        path: &state.settings.public_path,
        security: state.settings.cookie_security,
        same_site: SameSite::Lax,
    }
}

/// Finds (and with `create`, makes) the request's cart.
pub async fn resolve(
    state: &AppState,
    headers: &HeaderMap,
    user: Option<AuthUser>,
    create: bool,
) -> Result<Resolved, CartError> {
    let spec = cookie_spec(state);
    let visitor = match spec.read(headers) {
        Some(id) if store::is_visitor_cart(&state.db, &id).await? => Some(id),
        _ => None,
    };
    match (user, visitor) {
        (Some(user), Some(visitor)) => {
            match store::merge_into_user(&state.db, &visitor, &user.id).await? {
                Some(cart) => {
                    tracing::info!(user = user.id, "visitor cart merged at sign-in");
                    Ok(Resolved {
                        cart_id: Some(cart),
                        set_cookie: Some(spec.clear(headers)),
                    })
                }
                // The visitor's cart went meanwhile: as if the cookie had not been sent.
                None => users_cart(state, &user, create).await,
            }
        }
        (Some(user), None) => users_cart(state, &user, create).await,
        (None, Some(visitor)) => Ok(Resolved {
            cart_id: Some(visitor),
            set_cookie: None,
        }),
        (None, None) if create => {
            let id = store::create_cart(&state.db, None).await?;
            let lifetime = state.settings.visitor_cart_lifetime.as_secs() as i64;
            Ok(Resolved {
                set_cookie: Some(spec.set(headers, &id, lifetime)),
                cart_id: Some(id),
            })
        }
        (None, None) => Ok(Resolved {
            cart_id: None,
            set_cookie: None,
        }),
    }
}

/// The signed-in user's cart, made first with `create` when they have none.
async fn users_cart(state: &AppState, user: &AuthUser, create: bool) -> Result<Resolved, CartError> {
    let mut cart_id = store::cart_of_user(&state.db, &user.id).await?;
    if cart_id.is_none() && create {
        cart_id = Some(store::create_cart(&state.db, Some(&user.id)).await?);
    }
    Ok(Resolved {
        cart_id,
        set_cookie: None,
    })
}
