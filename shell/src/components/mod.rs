//! The shell's components: header parts, footer, slots with their fallback, toasts, form fields.

pub mod cart_badge;
pub mod category_nav;
pub mod fallback;
pub mod field;
pub mod footer;
pub mod header;
pub mod not_found;
pub mod search_box;
pub mod slot;
pub mod toasts;
pub mod user_menu;
