//! The client address failed sign-ins and registrations are counted against.
//!
//! IPv4 addresses count one by one. An IPv6 host is usually handed a whole /64 and may pick any
//! address in it, so IPv6 counts per /64: otherwise a guesser would change address per guess.

use std::net::{IpAddr, Ipv6Addr};

/// A client address as the throttle keys it (an IPv4 address, or an IPv6 /64).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientAddress(String);

impl ClientAddress {
    /// The key for `ip` (an IPv4-mapped IPv6 address is the IPv4 address it maps).
    pub fn of(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self(v4.to_string()),
            IpAddr::V6(v6) => {
                let [a, b, c, d, ..] = v6.segments();
                Self(format!("{}/64", Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0)))
            }
        }
    }

    /// The key as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_counts_alone_and_ipv6_per_64() {
        let v4: IpAddr = "203.0.113.7".parse().unwrap();
        assert_eq!(ClientAddress::of(v4).as_str(), "203.0.113.7");
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ClientAddress::of(a), ClientAddress::of(b));
        assert_eq!(ClientAddress::of(a).as_str(), "2001:db8:1:2::/64");
        assert_ne!(ClientAddress::of(a), ClientAddress::of(other));
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        assert_eq!(ClientAddress::of(mapped), ClientAddress::of(v4));
    }
}
