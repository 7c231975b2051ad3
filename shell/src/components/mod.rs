//! The shell's components: header parts, footer, slots with their fallback, toasts.

pub mod cart_badge;
pub mod category_nav;
pub mod fallback;
pub mod footer;
pub mod header;
pub mod not_found;
pub mod search_box;
pub mod slot;
pub mod toasts;
