//! Product images, generated as SVG from the product itself: no image files to ship or host.

/// Background colours per category index (pairs for a gentle gradient).
const PALETTE: &[(&str, &str)] = &[
    ("#fde68a", "#f59e0b"),
    ("#c7d2fe", "#6366f1"),
    ("#bbf7d0", "#16a34a"),
    ("#bae6fd", "#0284c7"),
    ("#fecaca", "#dc2626"),
    ("#fbcfe8", "#db2777"),
    ("#e9d5ff", "#9333ea"),
    ("#d9f99d", "#65a30d"),
];

/// An SVG picture for product `id` named `name` in category number `category`.
pub fn product_svg(id: i64, name: &str, category: usize) -> String {
    let (light, dark) = PALETTE[category % PALETTE.len()];
    let motif = motif(id);
    let initial = escape(&name.chars().next().map(String::from).unwrap_or_default());
    let label = escape(name);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" width="400" height="300" role="img" aria-label="{label}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{light}"/><stop offset="1" stop-color="{dark}"/></linearGradient></defs>
<rect width="400" height="300" fill="url(#g)"/>
{motif}
<text x="200" y="170" font-family="Georgia, serif" font-size="96" text-anchor="middle" fill="#ffffff" fill-opacity="0.92">{initial}</text>
<text x="200" y="268" font-family="system-ui, sans-serif" font-size="22" text-anchor="middle" fill="#1f2937" fill-opacity="0.85">{label}</text>
</svg>"##
    )
}

fn motif(id: i64) -> String {
    let x = 60 + (id * 37 % 280);
    let y = 50 + (id * 53 % 120);
    match id % 3 {
        0 => format!(r##"<circle cx="{x}" cy="{y}" r="70" fill="#ffffff" fill-opacity="0.25"/>"##),
        1 => format!(
            r##"<rect x="{x}" y="{y}" width="110" height="110" rx="18" fill="#ffffff" fill-opacity="0.22" transform="rotate(15 {x} {y})"/>"##
        ),
        _ => format!(
            r##"<polygon points="{x},{y} {},{} {},{}" fill="#ffffff" fill-opacity="0.24"/>"##,
            x + 120,
            y + 40,
            x + 30,
            y + 130
        ),
    }
}

/// Escapes text for XML content and attribute values.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped() {
        let svg = product_svg(1, "<script>&\"", 0);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;&amp;&quot;"));
        assert!(svg.starts_with("<svg"));
    }
}
