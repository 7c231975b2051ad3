//! Payments in the saga: sessions open on `inventory.reserved`; unpaid sessions time out.

pub mod expiry;
pub mod reserved;
