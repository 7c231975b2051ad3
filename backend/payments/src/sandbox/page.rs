//! The sandbox's hosted pay page: plain HTML with two forms, styled to look like a provider's.

use contracts::catalog::Money;

use super::store::SandboxSession;

/// The page for `session` (`open`: it can still be paid); the forms post to `action`/pay and
/// `action`/decline.
pub fn render(session: &SandboxSession, open: bool, action: &str) -> String {
    let amount = amount(session);
    let body = if open {
        format!(
            r#"<p class="amount" data-testid="amount">{amount}</p>
<form method="post" action="{action}/pay"><button class="pay" data-testid="pay">Pay {amount}</button></form>
<form method="post" action="{action}/decline"><button class="decline" data-testid="decline">Decline</button></form>"#
        )
    } else {
        format!(
            r#"<p class="closed" data-testid="closed">This payment is {}.</p>"#,
            outcome(session)
        )
    };
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox Pay — Mercado</title><link rel="icon" href="data:,">
<style>
body {{ margin: 0; min-height: 100vh; display: grid; place-items: center; background: #eef2ff; font-family: system-ui, sans-serif; color: #1e1b4b; }}
main {{ background: #fff; border-radius: 16px; padding: 2.5rem 3rem; box-shadow: 0 20px 40px rgba(30, 27, 75, 0.12); text-align: center; min-width: 320px; }}
.brand {{ font-weight: 800; letter-spacing: 0.04em; color: #4f46e5; }}
.note {{ color: #6b7280; font-size: 0.9rem; }}
.amount {{ font-size: 2.2rem; font-weight: 800; margin: 1rem 0 1.5rem; }}
button {{ font: inherit; font-weight: 700; width: 100%; border: 0; border-radius: 10px; padding: 0.8rem; margin-top: 0.6rem; cursor: pointer; }}
.pay {{ background: #4f46e5; color: #fff; }} .decline {{ background: #f3f4f6; color: #374151; }}
</style></head>
<body><main>
<p class="brand">SANDBOX PAY</p>
<p class="note">Order {order} · test mode, no money moves</p>
{body}
</main></body></html>"#,
        order = html_escape(short(session.client_reference_id.as_deref().unwrap_or(""))),
    )
}

/// The closed session in the shopper's words.
fn outcome(session: &SandboxSession) -> &'static str {
    match (session.status.as_str(), session.payment_status.as_str()) {
        ("complete", "paid") => "paid",
        ("complete", _) => "declined",
        _ => "expired",
    }
}

/// The amount as the store shows it (euros); another currency as `12.34 USD`.
fn amount(session: &SandboxSession) -> String {
    if session.currency == "eur" {
        return Money::eur(session.amount_total).display();
    }
    let minor = session.amount_total;
    format!(
        "{}.{:02} {}",
        minor / 100,
        minor % 100,
        session.currency.to_uppercase()
    )
}

/// The first block of a UUID: enough for a person to recognise the order.
fn short(order_id: &str) -> &str {
    order_id.split('-').next().unwrap_or(order_id)
}

/// The reference is the API caller's text: never markup on the page.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
