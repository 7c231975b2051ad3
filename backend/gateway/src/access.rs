//! The route table: which `/api/<service>/…` routes anyone may call and which need a user, and
//! how large a request body each accepts.
//!
//! Anything not listed needs a signed-in user, so a new endpoint is protected until someone
//! deliberately makes it public here. Services check the token again themselves. Bodies are
//! small JSON everywhere in this store, so the default limit is small too and the few routes
//! that take more say so; a larger body is refused before it reaches a service.

use contracts::manifest::route_matches;
use contracts::services::{CART, CATALOG, IDENTITY, INVENTORY, PAYMENTS, REVIEWS};
use http::Method;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone; a token, if sent, must still be valid and its user is passed on.
    Public,
    /// Only a request with a valid access token.
    SignedIn,
}

/// One line of the table; `method` `None` means any method.
struct Rule {
    service: &'static str,
    method: Option<Method>,
    pattern: &'static str,
    access: Access,
}

const fn public(service: &'static str, method: Option<Method>, pattern: &'static str) -> Rule {
    Rule {
        service,
        method,
        pattern,
        access: Access::Public,
    }
}

/// The public routes. Patterns use `:param` and a trailing `*` (see `contracts::manifest`).
const RULES: &[Rule] = &[
    public(CATALOG.name, Some(Method::GET), "*"),
    // Visitors have carts too (cookie); a token, when sent, is still verified.
    public(CART.name, None, "*"),
    public(INVENTORY.name, Some(Method::GET), "/stock/:id"),
    public(INVENTORY.name, Some(Method::GET), "/openapi.json"),
    // The provider's pay page is reached by browser navigation (no token); its session ids are
    // unguessable. The webhook is authenticated by its signature, not by a user.
    public(PAYMENTS.name, None, "/sandbox/*"),
    public(PAYMENTS.name, Some(Method::POST), "/webhooks/provider"),
    public(PAYMENTS.name, Some(Method::GET), "/openapi.json"),
    // Anyone may read reviews; writing, voting and reporting need a user.
    public(REVIEWS.name, Some(Method::GET), "*"),
    public(IDENTITY.name, Some(Method::POST), "/users"),
    public(IDENTITY.name, Some(Method::POST), "/sessions"),
    public(IDENTITY.name, Some(Method::POST), "/sessions/refresh"),
    public(IDENTITY.name, Some(Method::DELETE), "/sessions/current"),
    public(IDENTITY.name, Some(Method::GET), "/.well-known/jwks.json"),
    public(IDENTITY.name, Some(Method::GET), "/openapi.json"),
];

/// What a body may hold unless its route says otherwise: every JSON body the store sends
/// (sign-in, cart lines, an order's address) is well under it.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024;

/// Routes that accept more than [`DEFAULT_BODY_LIMIT`]: `(service, method, pattern, bytes)`.
const BODY_LIMITS: &[(&str, Method, &str, usize)] = &[
    // A review's text is up to 4 000 characters, each up to four bytes in UTF-8, and escaped.
    (REVIEWS.name, Method::PUT, "/products/:id/reviews/mine", 64 * 1024),
    // A provider's event carries the whole session object.
    (PAYMENTS.name, Method::POST, "/webhooks/provider", 64 * 1024),
];

/// The largest request body `method path` on `service` accepts, in bytes.
pub fn body_limit(service: &str, method: &Method, path: &str) -> usize {
    BODY_LIMITS
        .iter()
        .find(|(s, m, pattern, _)| *s == service && m == method && route_matches(pattern, path))
        .map_or(DEFAULT_BODY_LIMIT, |(.., limit)| *limit)
}

/// Sign-in and register: limited strictly per client against password guessing.
const CREDENTIAL_ROUTES: &[(&str, &str)] = &[(IDENTITY.name, "/users"), (IDENTITY.name, "/sessions")];

/// The access `method path` on `service` requires (`path` is the part after the prefix). A
/// `HEAD` is a `GET` without the body (RFC 9110), so it needs what the `GET` needs.
pub fn required(service: &str, method: &Method, path: &str) -> Access {
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    RULES
        .iter()
        .find(|rule| {
            rule.service == service
                && rule.method.as_ref().is_none_or(|m| m == method)
                && route_matches(rule.pattern, path)
        })
        .map_or(Access::SignedIn, |rule| rule.access)
}

/// Whether the request submits credentials (sign-in or register).
pub fn submits_credentials(service: &str, method: &Method, path: &str) -> bool {
    method == Method::POST
        && CREDENTIAL_ROUTES
            .iter()
            .any(|(s, pattern)| *s == service && route_matches(pattern, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_reads_and_sign_in_are_public_everything_else_needs_a_user() {
        assert_eq!(required("catalog", &Method::GET, "/products/7"), Access::Public);
        assert_eq!(required("catalog", &Method::HEAD, "/products/7"), Access::Public);
        assert_eq!(required("catalog", &Method::POST, "/products"), Access::SignedIn);
        assert_eq!(required("orders", &Method::HEAD, "/orders"), Access::SignedIn);
        assert_eq!(required("identity", &Method::POST, "/sessions"), Access::Public);
        assert_eq!(required("identity", &Method::GET, "/me"), Access::SignedIn);
        assert_eq!(required("identity", &Method::GET, "/sessions"), Access::SignedIn);
        assert_eq!(required("orders", &Method::GET, "/orders"), Access::SignedIn);
        assert_eq!(required("cart", &Method::POST, "/items"), Access::Public);
        assert_eq!(
            required("reviews", &Method::GET, "/products/7/reviews"),
            Access::Public
        );
        assert_eq!(
            required("reviews", &Method::PUT, "/products/7/reviews/mine"),
            Access::SignedIn
        );
        assert_eq!(
            required("reviews", &Method::POST, "/reviews/r1/reports"),
            Access::SignedIn
        );
    }

    #[test]
    fn a_review_and_a_provider_event_may_be_larger_than_the_rest() {
        assert_eq!(
            body_limit("identity", &Method::POST, "/sessions"),
            DEFAULT_BODY_LIMIT
        );
        assert_eq!(
            body_limit("reviews", &Method::PUT, "/products/7/reviews/mine"),
            64 * 1024
        );
        assert_eq!(
            body_limit("reviews", &Method::POST, "/reviews/r1/reports"),
            DEFAULT_BODY_LIMIT
        );
        assert_eq!(
            body_limit("payments", &Method::POST, "/webhooks/provider"),
            64 * 1024
        );
    }

    #[test]
    fn credential_routes_are_the_two_posts() {
        assert!(submits_credentials("identity", &Method::POST, "/sessions"));
        assert!(submits_credentials("identity", &Method::POST, "/users/"));
        assert!(!submits_credentials(
            "identity",
            &Method::POST,
            "/sessions/refresh"
        ));
        assert!(!submits_credentials("identity", &Method::GET, "/users"));
    }
}
