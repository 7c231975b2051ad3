//! The account's pages.

pub mod profile;
