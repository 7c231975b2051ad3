//! Pages the shell renders itself (no MFE in the main slot).

pub mod login;
