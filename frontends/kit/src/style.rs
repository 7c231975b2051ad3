//! An MFE's stylesheet, kept inside the MFE: [`scoped_css!`](crate::scoped_css).
//!
//! Every MFE renders its stylesheet as a `<style>` element inside its own view. Wrapped in a
//! CSS `@scope` block without a prelude, its rules match only the `<style>` element's parent
//! and what is inside it: the MFE's own elements. A rule such as `h1, a, button { … }` can
//! then change neither the shell's header and footer nor another MFE's slot, and the sheet
//! leaves with the view on unmount. The shell's own sheet still reaches into MFEs (its font
//! and colours are the storefront's look), only never the other way round.
//!
//! Scoping happens when the MFE is compiled, so it costs nothing at run time and needs no
//! shadow root: the shell's link interception and the page's accessibility tree see MFE
//! elements as ordinary ones (decision 0010).

/// The stylesheet at `path` (found as `include_str!` finds it, relative to the calling file)
/// wrapped in `@scope { … }`, as a `&'static str` for a `<style>` element placed inside the
/// MFE's root.
///
/// ```ignore
/// const STYLE: &str = web_kit::scoped_css!("style.css");
/// view! { <style>{STYLE}</style> /* … the MFE's elements … */ }
/// ```
#[macro_export]
macro_rules! scoped_css {
    ($path:literal) => {
        concat!("@scope {\n", include_str!($path), "\n}\n")
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sheet_is_wrapped_whole_in_one_scope_block() {
        let sheet = crate::scoped_css!("style_fixture.css");
        assert!(sheet.starts_with("@scope {\n"), "{sheet}");
        assert!(sheet.trim_end().ends_with('}'), "{sheet}");
        assert!(sheet.contains("h1, a, button { color: red; }"), "{sheet}");
        assert_eq!(sheet.matches('{').count(), sheet.matches('}').count());
    }
}
