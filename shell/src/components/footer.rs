//! The site footer.

use leptos::prelude::*;

/// Links and the small print.
#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="footer-inner">
                <div>
                    <strong>"Mercado"</strong>
                    <p>"Good things for everyday life, delivered."</p>
                </div>
                <nav aria-label="Footer">
                    <a href="/">"Shop"</a>
                    <a href="/search?q=">"Search"</a>
                    <a href="/api/catalog/openapi.json">"API"</a>
                </nav>
                <p class="small">"© 2026 Mercado. Built with Rust and WebAssembly."</p>
            </div>
        </footer>
    }
}
