//! Orders' rules: a valid shipping address, and which status changes the saga may make.

pub mod address;
pub mod status;
