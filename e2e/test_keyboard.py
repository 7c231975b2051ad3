"""The purchase can be completed by keyboard alone (issue #16, item 11): a new shopper
registers through the header, searches, opens a product, adds it to the cart, checks out,
pays on the provider's page and sees the order paid — with Tab, Shift+Tab, Enter and typing
only. Selectors here only say where focus is and what the page shows; nothing is clicked or
filled by selector.

Each `tab_to` has a bound: reaching a control within it is itself the check that the tab
order is sane (no trap, nothing unreachable, no wandering through the whole page). After
every change of page the shell must put focus on the new page's main heading, as screen
reader users need; left on <body>, the next Tab would start again from the top.
"""

import re
import uuid

from playwright.sync_api import Page, expect

from conftest import BASE_URL
from pages import PASSWORD, expect_category_nav, expect_signed_in_as, open_page, wait_grid
from test_mfe_runtime import screenshot

NAME = "Kim Keys"
ADDRESS = {
    "Full name": "Kim Keys",
    "Address": "Rua do Teclado 9",
    "Postal code": "1200-195",
    "City": "Lisboa",
}


def ax_session(page: Page):
    """A DevTools session on `page`, kept with it: Chromium computes roles and accessible names."""
    if getattr(page, "ax", None) is None:
        page.ax = page.context.new_cdp_session(page)
    return page.ax


def focused(page: Page) -> tuple[str, str]:
    """The focused element as assistive technology sees it: (role, accessible name)."""
    cdp = ax_session(page)
    element = cdp.send("Runtime.evaluate", {"expression": "document.activeElement", "objectGroup": "focus"})["result"]
    try:
        if "objectId" not in element:
            return ("none", "")
        tree = cdp.send("Accessibility.getPartialAXTree", {"objectId": element["objectId"], "fetchRelatives": False})
        node = tree["nodes"][0]
        return (node.get("role", {}).get("value", ""), node.get("name", {}).get("value", ""))
    finally:
        cdp.send("Runtime.releaseObjectGroup", {"objectGroup": "focus"})


def is_js_predicate(target) -> bool:
    return isinstance(target, str) and "=>" in target


def matches(page: Page, target, role: str | None) -> bool:
    if is_js_predicate(target):
        return page.evaluate(f"({target})(document.activeElement)")
    actual_role, name = focused(page)
    if role is not None and actual_role != role:
        return False
    return bool(target.fullmatch(name)) if isinstance(target, re.Pattern) else name == target


def tab_to(page: Page, target, max_steps: int = 25, role: str | None = None, backwards: bool = False) -> None:
    """Presses Tab (Shift+Tab when `backwards`) until the focused element matches `target` —
    a JS predicate on the element (`"el => …"`), or its accessible name (a string, or a
    pattern matched in full), with `role` if given. Already there counts as there."""
    key = "Shift+Tab" if backwards else "Tab"
    visited = []
    for _ in range(max_steps + 1):
        if matches(page, target, role):
            return
        visited.append("{} {!r}".format(*focused(page)))
        if len(visited) > max_steps:
            break
        page.keyboard.press(key)
    raise AssertionError(f"{key} did not reach {target!r} in {max_steps} steps; went through {visited}")


def expect_focus_on_heading(page: Page, text) -> None:
    """After a change of page, focus is on the new page's main heading (`text`: a string or
    a pattern), not left on <body> or on the control that led here."""
    pattern = text.pattern if isinstance(text, re.Pattern) else "^" + re.escape(text) + "$"
    page.wait_for_function(
        """pattern => {
            const el = document.activeElement;
            return el?.tagName === 'H1' && el.closest('main') !== null
                && new RegExp(pattern).test(el.textContent.trim());
        }""",
        arg=pattern,
    )


def expect_focus_visible(page: Page) -> None:
    """The focused control shows that it is: it matches :focus-visible and draws an outline
    or a shadow for it."""
    style = page.evaluate(
        """() => {
            const el = document.activeElement, s = getComputedStyle(el);
            return {element: el.outerHTML.slice(0, 120), focusVisible: el.matches(':focus-visible'),
                    outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth), shadow: s.boxShadow};
        }"""
    )
    assert style["focusVisible"], style
    assert (style["outline"] != "none" and style["outlineWidth"] > 0) or style["shadow"] != "none", style


def test_a_new_shopper_buys_with_the_keyboard_alone(page: Page):
    email = f"keys-{uuid.uuid4().hex[:10]}@example.com"
    open_page(page, "/")
    wait_grid(page)
    expect_category_nav(page)

    # Register through the header: Sign in, then "Create an account".
    tab_to(page, "Sign in", role="link", max_steps=6)
    expect_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect_focus_on_heading(page, "Sign in")
    tab_to(page, "Create an account", role="link", max_steps=4)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/register$"))
    expect_focus_on_heading(page, "Create your account")
    for label, text in (("Name", NAME), ("Email", email), ("Password", PASSWORD)):
        tab_to(page, label, max_steps=1)
        expect_focus_visible(page)
        page.keyboard.type(text)
    tab_to(page, "Create account", role="button", max_steps=1)
    expect_focus_visible(page)
    page.keyboard.press("Enter")
    expect_signed_in_as(page, NAME)
    expect(page).to_have_url(f"{BASE_URL}/")
    expect_focus_on_heading(page, "All products")

    # Find a product with the header's search box (back up from the heading to it).
    tab_to(page, "Search products", role="searchbox", backwards=True, max_steps=16)
    expect_focus_visible(page)
    page.keyboard.type("kett")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=kett$"))
    expect_focus_on_heading(page, "Results for “kett”")
    wait_grid(page)
    tab_to(page, "el => el.matches('.product-card > a')", max_steps=3)
    expect_focus_visible(page)
    product = page.evaluate("document.activeElement.querySelector('.product-name').textContent")
    assert "Kettle" in product, product
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/products/\d+$"))
    expect_focus_on_heading(page, product)

    # Add it to the cart; focus stays on the button (the toast does not take it).
    tab_to(page, "Add to cart", role="button", max_steps=4)
    expect_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=cart-count]")).to_have_text("1")
    assert page.evaluate("document.activeElement.dataset.testid") == "add-to-cart"

    # Open the cart from the header, and go on to checkout.
    tab_to(page, "Cart 1 items", role="link", backwards=True, max_steps=16)
    expect_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{BASE_URL}/cart")
    expect_focus_on_heading(page, "Your cart")
    expect(page.locator("[data-testid=cart-line]")).to_have_count(1)
    tab_to(page, "Checkout", role="link", max_steps=5)
    expect_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{BASE_URL}/checkout")
    expect_focus_on_heading(page, "Checkout")
    expect(page.locator("[data-testid=review-line]")).to_have_count(1)

    # The shipping address, field by field in tab order (the country is preset to PT).
    for label, text in ADDRESS.items():
        tab_to(page, label, role="textbox", max_steps=2)
        expect_focus_visible(page)
        page.keyboard.type(text)
    tab_to(page, "Place order and pay", role="button", max_steps=3)
    expect_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/api/payments/sandbox/checkout/cs_\w+$"))

    # The provider's page: a fresh document, so Tab starts from its top.
    tab_to(page, re.compile(r"Pay €\d+\.\d\d"), role="button", max_steps=2)
    expect_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"{re.escape(BASE_URL)}/account/orders/[0-9a-f-]+$"))
    expect(page.locator("[data-testid=order-status]")).to_have_text(re.compile(r"^(PAID|SHIPPED)$"))
    expect(page.locator("[data-testid=order] .order-lines li")).to_have_text([re.compile(rf"^1 × {re.escape(product)} ")])
    screenshot(page, "order-by-keyboard.png")
    assert page.errors == []


def test_a_control_that_changes_the_page_in_place_keeps_focus(page: Page):
    """Re-sorting the list is a navigation too (the URL changes), but the page stays: focus
    stays on the sort menu, so the next arrow key sorts again (the heading takes focus only
    from controls outside the page, from a changed path, or when focus was lost)."""
    open_page(page, "/")
    wait_grid(page)
    expect_category_nav(page)
    tab_to(page, "el => el.matches('[data-testid=sort]')", max_steps=20)
    expect_focus_visible(page)
    for _ in range(2):
        first = page.locator("[data-testid=product-grid] .product-card").first.get_attribute("data-product-id")
        page.keyboard.press("ArrowDown")
        expect(page.locator("[data-testid=product-grid] .product-card").first).not_to_have_attribute(
            "data-product-id", first
        )
        # The grid is drawn; whatever the shell does about focus happens by the next frame.
        page.evaluate("new Promise(done => requestAnimationFrame(() => setTimeout(done)))")
        assert page.evaluate("document.activeElement.dataset.testid") == "sort"
    expect(page).to_have_url(re.compile(r"sort="))
    assert page.errors == []
