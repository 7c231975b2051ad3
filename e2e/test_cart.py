"""A shopper's cart: add from the catalog, the header badge, the cart page, the sign-in merge."""

import re
import uuid

from playwright.sync_api import Page, expect

from conftest import BASE_URL
from pages import expect_signed_in_as, fill_sign_in, open_page, register_via_api, wait_grid

BADGE = "[data-testid=cart-count]"


def lines(page: Page) -> list[tuple[str, str]]:
    """(product id, quantity) of every cart line, as shown."""
    rows = page.locator("[data-testid=cart-line]").evaluate_all(
        "rows => rows.map(r => [r.dataset.productId, r.querySelector('select').value])"
    )
    return [tuple(row) for row in rows]


def test_add_from_grid_and_detail_then_change_and_remove_in_the_cart(page: Page):
    open_page(page, "/")
    wait_grid(page)
    expect(page.locator(BADGE)).to_have_text("0")
    first_card = page.locator(".product-card").first
    first_id = first_card.get_attribute("data-product-id")
    first_card.locator("[data-testid=add-to-cart]").click()
    expect(page.locator(BADGE)).to_have_text("1")
    expect(page.locator("[data-testid=toast]").last).to_have_text(re.compile("Added .+ to your cart"))
    # The button sits on the card but does not follow the card's link.
    expect(page).to_have_url(f"{BASE_URL}/")

    page.locator(".product-card a").nth(3).click()
    detail = page.locator("[data-testid=product-detail]")
    expect(detail).to_be_visible()
    second_id = detail.get_attribute("data-product-id")
    detail.locator("[data-testid=add-to-cart]").click()
    expect(page.locator(BADGE)).to_have_text("2")

    page.locator("a.cart-link").click()
    expect(page).to_have_url(f"{BASE_URL}/cart")
    expect(page.locator("#slot-main")).to_have_attribute("data-mfe", "cart")
    expect(page.locator("[data-testid=cart-line]")).to_have_count(2)
    assert lines(page) == [(first_id, "1"), (second_id, "1")]

    page.locator("[data-testid=cart-line]").first.locator("select").select_option("3")
    expect(page.locator(BADGE)).to_have_text("4")
    expect(page.locator("[data-testid=item-count]")).to_have_text("4 items")
    page.locator("[data-testid=cart-line]").nth(1).locator("[data-testid=remove]").click()
    expect(page.locator("[data-testid=cart-line]")).to_have_count(1)
    expect(page.locator(BADGE)).to_have_text("3")

    page.reload()
    expect(page.locator("[data-testid=cart-line]")).to_have_count(1)
    assert lines(page) == [(first_id, "3")]
    expect(page.locator(BADGE)).to_have_text("3")
    assert page.errors == []


def test_too_many_of_one_product_is_refused_with_a_message(page: Page):
    open_page(page, "/products/5")
    button = page.locator("[data-testid=product-detail] [data-testid=add-to-cart]")
    for n in range(1, 11):
        button.click()
        expect(page.locator(BADGE)).to_have_text(str(n))
    button.click()
    expect(page.locator(".toast-error")).to_have_text(re.compile("at most 10"))
    expect(page.locator(BADGE)).to_have_text("10")


def test_a_visitors_cart_follows_them_into_their_account(page: Page):
    email = f"cart-{uuid.uuid4().hex[:10]}@example.com"
    register_via_api(BASE_URL, email, name="Carla Cart")
    open_page(page, "/products/7")
    page.locator("[data-testid=product-detail] [data-testid=add-to-cart]").click()
    expect(page.locator(BADGE)).to_have_text("1")

    page.locator("[data-testid=sign-in]").click()
    fill_sign_in(page, email)
    expect_signed_in_as(page, "Carla Cart")
    expect(page).to_have_url(f"{BASE_URL}/products/7")
    expect(page.locator(BADGE)).to_have_text("1")

    # Signed out, the browser has no visitor cart any more: it became the user's.
    page.locator("[data-testid=sign-out]").click()
    expect(page.locator(BADGE)).to_have_text("0")
    page.locator("[data-testid=sign-in]").click()
    fill_sign_in(page, email)
    expect(page.locator(BADGE)).to_have_text("1")
    page.goto("/cart")
    expect(page.locator("[data-testid=cart-line]")).to_have_count(1)
    assert lines(page) == [("7", "1")]
