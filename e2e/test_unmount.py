"""Unmount leaves nothing behind, in every micro-frontend: no DOM node, listener or timer
survives a mount/unmount cycle, and a request still on its way when the shopper moves on is
aborted rather than left to land in a page that no longer exists.
"""

import uuid

import pytest
from playwright.sync_api import Page, expect

from conftest import BASE_URL
from pages import (
    TIMER_TRACKER,
    expect_signed_in_as,
    fill_sign_in,
    expect_cycles_leave_nothing,
    navigate,
    open_page,
    register_via_api,
)

# name: (a route it serves, its slot, the API path it calls first, whether it needs a user,
#        what it shows once its first answer has landed)
MFES = {
    "catalog": ("/", "#slot-main", "/api/catalog/products", False, "[data-testid=product-grid] .product-card"),
    "cart": ("/cart", "#slot-main", "/api/cart", False, "[data-testid=cart-empty], [data-testid=cart-line]"),
    "checkout": (
        "/checkout",
        "#slot-main",
        "/api/orders/preview",
        True,
        "[data-testid=checkout-empty], [data-testid=place-order], [data-testid=checkout-message]",
    ),
    "account": ("/account", "#slot-main", "/api/identity/me", True, "[data-testid=profile-name]"),
    "reviews": (
        "/products/3",
        "#slot-secondary",
        "/api/reviews/products/3/reviews",
        False,
        "[data-testid=reviews-summary], [data-testid=reviews-empty]",
    ),
}
# A path no MFE serves: the shell's "not found" page, every slot empty.
AWAY = "/nowhere"
CYCLES = 25


def sign_in(page: Page) -> None:
    email = f"unmount-{uuid.uuid4().hex[:10]}@example.com"
    register_via_api(BASE_URL, email, name="Una Mount")
    open_page(page, "/login")
    fill_sign_in(page, email)
    expect_signed_in_as(page, "Una Mount")


def settle_away(page: Page) -> None:
    navigate(page, AWAY)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.slot')].every(s => s.dataset.state === 'idle')"
        " && !document.querySelector('.mfe-host')"
    )


def wait_mounted(page: Page, name: str) -> None:
    _, slot, _, _, _ = MFES[name]
    page.wait_for_function(
        "([sel, name]) => { const s = document.querySelector(sel);"
        " return s?.dataset.state === 'mounted' && s.dataset.mfe === name; }",
        arg=[slot, name],
    )


def mount(page: Page, name: str) -> None:
    route, _, _, _, ready = MFES[name]
    navigate(page, route)
    wait_mounted(page, name)
    # Its first answer has landed and shows: the leak check is about steady state.
    expect(page.locator(ready).first).to_be_visible()


@pytest.mark.parametrize("name", list(MFES))
def test_mount_unmount_cycles_leave_nothing_behind(page: Page, name: str):
    page.add_init_script(TIMER_TRACKER)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    if MFES[name][3]:
        sign_in(page)
    else:
        open_page(page, AWAY)

    def cycle():
        mount(page, name)
        settle_away(page)

    expect_cycles_leave_nothing(page, cdp, cycle, CYCLES)


@pytest.mark.parametrize("name", list(MFES))
def test_unmount_aborts_the_request_still_on_its_way(page: Page, name: str):
    route, _, api_path, needs_user, _ = MFES[name]
    if needs_user:
        sign_in(page)
        settle_away(page)
    else:
        open_page(page, AWAY)
        # The shell's own first calls (the cart badge asks /api/cart too) are over, so the
        # request held below is the MFE's. (A signed-in page keeps its live-updates stream open.)
        page.wait_for_load_state("networkidle")
    # The MFE's first request reaches the network and gets no answer while it is mounted.
    held = []
    page.route(f"**{api_path}*", lambda route: held.append(route))

    def is_its_request(request) -> bool:
        return api_path in request.url

    with page.expect_request(is_its_request):
        navigate(page, route)
    wait_mounted(page, name)
    with page.expect_event("requestfailed", predicate=is_its_request) as failed:
        settle_away(page)
    assert "ERR_ABORTED" in (failed.value.failure or ""), failed.value.failure
    assert held, "the request was never held"
    assert page.errors == []
