//! The site header: logo, search, cart, the user menu, and the category navigation.

use leptos::prelude::*;

use crate::components::{
    cart_badge::CartBadge, category_nav::CategoryNav, search_box::SearchBox, user_menu::UserMenu,
};

/// Top bar plus category row.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="header-bar">
                <a class="logo" href="/">
                    <span class="logo-mark" aria-hidden="true">"◆"</span>
                    "Mercado"
                </a>
                <SearchBox />
                <div class="header-actions">
                    <CartBadge />
                    <UserMenu />
                </div>
            </div>
            <CategoryNav />
        </header>
    }
}
