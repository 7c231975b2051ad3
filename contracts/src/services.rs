//! The services of Mercado: names, default ports and gateway prefixes, in one table.
//!
//! The gateway routes `/api/<name>/…` to a service, `xtask up` starts them and the compose
//! file wires them; all three read this table (or its defaults) instead of repeating it.

/// A backend service reachable through the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// Name used in `/api/<name>/…`, in logs, in env vars (`<NAME>_URL`) and as the crate name.
    pub name: &'static str,
    /// Port the service listens on by default (`PORT` overrides it).
    pub default_port: u16,
}

/// The gateway: the single public entry and the storefront's address.
pub const GATEWAY_PORT: u16 = 8080;

/// The identity service: accounts, sign-in, tokens.
pub const IDENTITY: Service = Service {
    name: "identity",
    default_port: 8101,
};

/// The catalog service.
pub const CATALOG: Service = Service {
    name: "catalog",
    default_port: 8102,
};

/// The cart service.
pub const CART: Service = Service {
    name: "cart",
    default_port: 8103,
};

/// The inventory service.
pub const INVENTORY: Service = Service {
    name: "inventory",
    default_port: 8104,
};

/// The orders service.
pub const ORDERS: Service = Service {
    name: "orders",
    default_port: 8105,
};

/// The payments service (and its sandbox provider).
pub const PAYMENTS: Service = Service {
    name: "payments",
    default_port: 8106,
};

/// The shipping service.
pub const SHIPPING: Service = Service {
    name: "shipping",
    default_port: 8107,
};

/// The reviews service: reviews, ratings, helpful votes and reports.
pub const REVIEWS: Service = Service {
    name: "reviews",
    default_port: 8108,
};

/// Every service behind the gateway, in start order.
pub const ALL: &[Service] = &[
    IDENTITY, CATALOG, CART, INVENTORY, ORDERS, PAYMENTS, SHIPPING, REVIEWS,
];

impl Service {
    /// Path prefix under which the gateway exposes the service.
    pub fn api_prefix(&self) -> String {
        format!("/api/{}", self.name)
    }

    /// Finds a service by its name.
    pub fn by_name(name: &str) -> Option<Service> {
        ALL.iter().copied().find(|s| s.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ports_are_unique() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.default_port, b.default_port);
            }
            assert_ne!(a.default_port, GATEWAY_PORT);
        }
        assert_eq!(Service::by_name("catalog"), Some(CATALOG));
        assert_eq!(CATALOG.api_prefix(), "/api/catalog");
    }
}
