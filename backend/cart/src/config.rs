//! The cart's settings: the common ones, the visitor cookie's policy and lifetime.

use std::time::Duration;

use contracts::services::CART;
use kit::config::{env_or, ConfigError, ServiceConfig};
use kit::cookies::CookieSecurity;

/// Settings of the cart service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Host, port, NATS and database.
    pub service: ServiceConfig,
    /// Public path of this API (`PUBLIC_PATH`, default `/api/cart`), the visitor cookie's path.
    pub public_path: String,
    /// `COOKIE_SECURE`: `auto`, `always` or `never`.
    pub cookie_security: CookieSecurity,
    /// How long a visitor's cart is remembered (`VISITOR_CART_DAYS`, default 30).
    pub visitor_cart_lifetime: Duration,
}

impl Settings {
    /// Reads the common service settings and the cart ones above.
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            service: ServiceConfig::from_env(CART)?,
            public_path: env_or("PUBLIC_PATH", CART.api_prefix())?,
            cookie_security: env_or("COOKIE_SECURE", CookieSecurity::Auto)?,
            visitor_cart_lifetime: Duration::from_secs(env_or("VISITOR_CART_DAYS", 30u64)? * 24 * 3600),
        })
    }

    /// Defaults around `service` (tests bring their own database and NATS).
    pub fn with_service(service: ServiceConfig) -> Self {
        Self {
            service,
            public_path: CART.api_prefix(),
            cookie_security: CookieSecurity::Auto,
            visitor_cart_lifetime: Duration::from_secs(30 * 24 * 3600),
        }
    }
}
