//! The sandbox's hosted pay page: plain HTML with two forms, styled to look like a provider's.

use contracts::catalog::Money;

use crate::store::Session;

/// The page for `session`; the forms post to `action`/pay and `action`/decline.
pub fn render(session: &Session, action: &str) -> String {
    let amount = Money::eur(session.amount_cents).display();
    let body = if session.status == "OPEN" {
        format!(
            r#"<p class="amount" data-testid="amount">{amount}</p>
<form method="post" action="{action}/pay"><button class="pay" data-testid="pay">Pay {amount}</button></form>
<form method="post" action="{action}/decline"><button class="decline" data-testid="decline">Decline</button></form>"#
        )
    } else {
        format!(
            r#"<p class="closed" data-testid="closed">This payment is {}.</p>"#,
            session.status.to_lowercase()
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
        order = short(&session.order_id),
    )
}

/// The first block of a UUID: enough for a person to recognise the order.
fn short(order_id: &str) -> &str {
    order_id.split('-').next().unwrap_or(order_id)
}
