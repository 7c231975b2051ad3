"""Buying: cart → sign in → checkout → the sandbox provider's pay page → the order page, whose
status moves on live (PAID, then SHIPPED) — and the declined path."""

import re
import uuid

from playwright.sync_api import Page, expect

from conftest import ARTIFACTS, BASE_URL
from pages import fill_sign_in, open_page, register_via_api

ADDRESS = {
    "address-name": "Olga Order",
    "address-line1": "Rua Augusta 100",
    "address-postalCode": "1100-053",
    "address-city": "Lisboa",
}


def shoot(page: Page, name: str) -> None:
    """Keeps a picture of the page for the README (E2E_ARTIFACTS/screens)."""
    screens = ARTIFACTS / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screens / f"{name}.png"))


def checkout_with_one_product(page: Page, product: int) -> None:
    email = f"buy-{uuid.uuid4().hex[:10]}@example.com"
    register_via_api(BASE_URL, email, name="Olga Order")
    open_page(page, f"/products/{product}")
    page.locator("[data-testid=product-detail] [data-testid=add-to-cart]").click()
    expect(page.locator("[data-testid=cart-count]")).to_have_text("1")
    page.locator("a.cart-link").click()
    page.locator("[data-testid=checkout]").click()
    # A visitor is sent to sign in first, and comes back to checkout with the same cart.
    expect(page).to_have_url(re.compile(r"/login\?returnTo=%2Fcheckout$"))
    fill_sign_in(page, email)
    expect(page).to_have_url(f"{BASE_URL}/checkout")
    expect(page.locator("[data-testid=review-line]")).to_have_count(1)
    page.locator("[data-testid=place-order]").click()
    # Validation first: nothing is placed with an empty address.
    expect(page.locator(".checkout-field.invalid")).to_have_count(4)
    for field, value in ADDRESS.items():
        page.locator(f"#{field}").fill(value)
    shoot(page, "checkout")
    page.locator("[data-testid=place-order]").click()
    page.wait_for_url(re.compile(r"/api/payments/sandbox/checkout/cs_\w+$"))


# Records every storefront:order-updated the page hears, to tell live updates from re-reads.
RECORD_ORDER_UPDATES = """
window.__orderUpdates = [];
window.addEventListener("storefront:order-updated", (e) => window.__orderUpdates.push(e.detail));
"""


def test_buy_and_watch_the_order_turn_paid_then_shipped(page: Page):
    checkout_with_one_product(page, 12)
    expect(page.locator("[data-testid=amount]")).to_have_text(re.compile(r"€\d+\.\d\d"))
    shoot(page, "pay")
    # A second tab watches the order while it waits for payment.
    watcher = page.context.new_page()
    watcher.errors = []
    watcher.on("pageerror", lambda error: watcher.errors.append(str(error)))
    watcher.add_init_script(RECORD_ORDER_UPDATES)
    open_page(watcher, "/account")
    watcher.locator("[data-testid=orders-list] li a").first.click()
    status = watcher.locator("[data-testid=order-status]")
    expect(status).to_have_text("AWAITING_PAYMENT")
    expect(watcher.locator("[data-testid=pay-now]")).to_be_visible()
    # The address bar follows once the page is shown (docs/decisions/0001).
    expect(watcher).to_have_url(re.compile(r"/account/orders/[0-9a-f-]+$"))
    order_id = watcher.url.rsplit("/", 1)[1]

    page.locator("[data-testid=pay]").click()
    expect(page).to_have_url(f"{BASE_URL}/account/orders/{order_id}")
    # The watching tab was told, without reloading.
    expect(status).to_have_text("SHIPPED")
    heard = watcher.evaluate("window.__orderUpdates")
    assert {"orderId": order_id, "status": "PAID"} in heard, heard
    assert {"orderId": order_id, "status": "SHIPPED"} in heard, heard
    timeline = watcher.locator("[data-testid=order-timeline] li strong").all_inner_texts()
    assert timeline == ["PENDING", "AWAITING_PAYMENT", "PAID", "SHIPPED"]
    assert watcher.errors == []
    watcher.close()

    status = page.locator("[data-testid=order-status]")
    expect(status).to_have_text("SHIPPED")
    expect(page.locator("[data-testid=tracking]")).to_have_text(re.compile(r"Parcel MC\d{10}"))
    shoot(page, "order")
    page.locator("a", has_text="Your account").click()
    expect(page.locator("[data-testid=orders-list] li")).to_have_count(1)
    assert page.errors == []


def test_a_declined_payment_cancels_the_order_with_the_reason(page: Page):
    checkout_with_one_product(page, 13)
    page.locator("[data-testid=decline]").click()
    expect(page.locator("[data-testid=order-status]")).to_have_text("CANCELLED")
    expect(page.locator("[data-testid=order-reason]")).to_have_text("Payment declined.")
    # Nothing was bought: the cart still holds the product.
    expect(page.locator("[data-testid=cart-count]")).to_have_text("1")
