"""A shopper's account: register, stay signed in, sign out, protected pages, form errors."""

import re
import uuid

from playwright.sync_api import Page, expect

from conftest import BASE_URL
from pages import (
    PASSWORD,
    expect_signed_in_as,
    expect_signed_out,
    fill_sign_in,
    open_page,
    register_via_api,
)


def unique_email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


def refresh_cookie(page: Page) -> str:
    """The refresh token the browser holds (HttpOnly: only the browser context can read it)."""
    return next(c["value"] for c in page.context.cookies() if c["name"] == "mercado_refresh")


def test_register_stay_signed_in_across_reload_and_restart_then_sign_out(page: Page, browser):
    email = unique_email("reg")
    open_page(page, "/register")
    form = page.locator("[data-testid=register]")
    form.locator("input[name=name]").fill("Rita Register")
    form.locator("input[name=email]").fill(email)
    password = form.locator("input[name=password]")
    password.fill("short")
    password.blur()
    # Validation as the user types: the rule is shown before any request is made.
    expect(page.locator("[data-testid=error-password]")).to_have_text(re.compile("at least 10 characters"))
    password.fill(PASSWORD)
    expect(page.locator("[data-testid=error-password]")).to_have_text("")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(f"{BASE_URL}/")
    expect_signed_in_as(page, "Rita Register")
    cookie = next(c for c in page.context.cookies() if c["name"] == "mercado_refresh")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/api/identity/sessions"
    assert cookie["expires"] > 0, "a persistent cookie, so a browser restart keeps the session"
    assert page.evaluate("document.cookie") == "", "scripts cannot read the refresh token"

    page.reload()
    expect_signed_in_as(page, "Rita Register")

    # A browser restart: a new browser context with only what the browser persists.
    restarted = browser.new_context(base_url=BASE_URL, storage_state=page.context.storage_state())
    again = restarted.new_page()
    again.goto("/")
    expect_signed_in_as(again, "Rita Register")
    restarted.close()

    page.locator("[data-testid=sign-out]").click()
    expect_signed_out(page)
    page.reload()
    expect_signed_out(page)


def test_protected_page_sends_to_sign_in_and_back(page: Page):
    email = unique_email("acct")
    register_via_api(BASE_URL, email, name="Paula Protected")
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login\?returnTo=%2Faccount$"))
    fill_sign_in(page, email)
    expect(page).to_have_url(f"{BASE_URL}/account")
    expect(page.locator("#slot-main")).to_have_attribute("data-mfe", "account")
    # The account MFE reached identity through authFetch: the token travelled, unseen by the MFE.
    expect(page.locator("[data-testid=profile-name]")).to_have_text("Paula Protected")
    expect(page.locator("[data-testid=profile-email]")).to_have_text(email)
    expect_signed_in_as(page, "Paula Protected")

    # Signing out while on a protected page sends the shopper to sign in again.
    page.locator("[data-testid=sign-out]").click()
    expect(page).to_have_url(re.compile(r"/login\?returnTo=%2Faccount$"))
    assert page.errors == []


def test_server_errors_show_next_to_the_right_field(page: Page):
    email = unique_email("dup")
    register_via_api(BASE_URL, email)
    open_page(page, "/register")
    form = page.locator("[data-testid=register]")
    form.locator("input[name=name]").fill("Dora Duplicate")
    form.locator("input[name=email]").fill(email.upper())
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=error-email]")).to_have_text(re.compile("already exists"))
    expect(page.locator("[data-testid=error-password]")).to_have_text("")
    expect_signed_out(page)

    open_page(page, "/login")
    fill_sign_in(page, email, "not the password")
    expect(page.locator("[data-testid=form-error]")).to_have_text(re.compile("Check your email and password"))
    expect(page).to_have_url(re.compile(r"/login$"))
    expect_signed_out(page)


def test_header_follows_auth_changed_events(page: Page):
    email = unique_email("evt")
    register_via_api(BASE_URL, email, name="Eve Events")
    open_page(page, "/login?returnTo=%2Fsearch%3Fq%3Dmug")
    page.evaluate(
        """() => {
            window.__auth = [];
            addEventListener('storefront:auth-changed', e => window.__auth.push(e.detail.user));
        }"""
    )
    fill_sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/search\?q=mug$"))
    expect_signed_in_as(page, "Eve Events")
    page.locator("[data-testid=sign-out]").click()
    expect_signed_out(page)
    events = page.evaluate("window.__auth")
    assert [e and e["name"] for e in events] == ["Eve Events", None]
    assert set(events[0]) == {"id", "name"}, "MFEs see who, never a token"


def test_the_shell_refreshes_the_token_before_it_expires(page: Page):
    email = unique_email("clock")
    register_via_api(BASE_URL, email, name="Tim Timer")
    # Fake timers in the page: the shell's refresh timer can be run forward without waiting
    # fifteen minutes; the server still checks real tokens with real time.
    page.clock.install()
    open_page(page, "/login?returnTo=%2Faccount")
    fill_sign_in(page, email)
    expect(page.locator("[data-testid=profile-name]")).to_have_text("Tim Timer")
    before = refresh_cookie(page)
    with page.expect_response(lambda r: r.url.endswith("/api/identity/sessions/refresh")) as refreshed:
        page.clock.run_for("14:30")
    assert refreshed.value.status == 200, "a minute before expiry the shell trades the cookie for a new token"
    # The answer sets a new refresh cookie ("name=value; attributes"), and the browser keeps it.
    rotated = (refreshed.value.header_value("set-cookie") or "").split(";")[0]
    expect_signed_in_as(page, "Tim Timer")
    after = refresh_cookie(page)
    assert after and after != before, "the rotated refresh token replaced the old one"
    assert rotated == f"mercado_refresh={after}", f"the browser keeps the token the answer set: {rotated!r}"
    # The new token works: the account MFE can still load the profile after a reload of its page.
    page.locator("a.logo").click()
    page.locator("[data-testid=user-name]").click()
    expect(page.locator("[data-testid=profile-email]")).to_have_text(email)
