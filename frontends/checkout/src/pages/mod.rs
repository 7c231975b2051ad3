//! The checkout's page.

pub mod checkout_page;
