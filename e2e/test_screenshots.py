"""Screenshots of the pages a shopper sees first, for the README (written to E2E_ARTIFACTS/screens)."""

from playwright.sync_api import Page, expect

from conftest import ARTIFACTS
from pages import open_page, wait_grid


def test_screenshot_home_and_product(page: Page):
    screens = ARTIFACTS / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    open_page(page, "/")
    wait_grid(page)
    page.wait_for_function("() => [...document.images].slice(0, 8).every(i => i.complete && i.naturalWidth > 0)")
    page.screenshot(path=str(screens / "home.png"))
    page.locator(".product-card a").nth(2).click()
    expect(page.locator("[data-testid=product-detail] h1")).to_be_visible()
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    page.screenshot(path=str(screens / "product.png"))
    assert (screens / "home.png").stat().st_size > 10_000


def test_screenshot_register_and_account(page: Page):
    import uuid

    screens = ARTIFACTS / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    open_page(page, "/register")
    form = page.locator("[data-testid=register]")
    form.locator("input[name=name]").fill("Ana Lima")
    form.locator("input[name=email]").fill("ana.lima@example")
    form.locator("input[name=password]").fill("short")
    form.locator("input[name=password]").blur()
    form.locator("input[name=email]").focus()
    form.locator("input[name=email]").blur()
    expect(page.locator("[data-testid=error-password]")).not_to_be_empty()
    page.screenshot(path=str(screens / "register.png"))
    form.locator("input[name=email]").fill(f"ana.{uuid.uuid4().hex[:8]}@example.com")
    form.locator("input[name=password]").fill("correct horse battery")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=user-name]")).to_have_text("Ana Lima")
    page.locator("[data-testid=user-name]").click()
    expect(page.locator("[data-testid=profile-name]")).to_have_text("Ana Lima")
    page.screenshot(path=str(screens / "account.png"))
