"""The runtime MFE mechanism: manifest-driven versions, failure containment, clean unmount."""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import ARTIFACTS, sri
from pages import (
    MAIN_SLOT,
    TIMER_TRACKER,
    expect_category_nav,
    expect_shell_works,
    expect_cycles_leave_nothing,
    navigate,
    open_page,
    wait_grid,
    wait_settled,
)


def screenshot(page: Page, name: str) -> None:
    """A picture for the README (E2E_ARTIFACTS/screens), taken while the test looks."""
    screens = ARTIFACTS / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screens / name))


def test_new_build_with_the_same_version_takes_effect_on_next_navigation(page: Page, manifest):
    open_page(page, "/")
    wait_grid(page)
    catalog = manifest.entry("catalog")
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-mfe-build", catalog["build"])

    # Deploy a new build under the same version string: a new content-addressed folder and
    # a new manifest, no shell rebuild. The shell tells builds apart by content, not version.
    new = dict(catalog, build="e2e-rebuilt")
    new["js"] = "/mfe/catalog/e2e-v2/catalog.js"
    new["wasm"] = "/mfe/catalog/e2e-v2/catalog_bg.wasm"
    manifest.add_file(new["js"], manifest.file(catalog["js"]).read_bytes())
    manifest.add_file(new["wasm"], manifest.file(catalog["wasm"]).read_bytes())
    manifest.replace("catalog", new)

    with page.expect_request(re.compile(r"/mfe/catalog/e2e-v2/catalog_bg\.wasm$")):
        page.locator(".product-card a").first.click()
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-mfe-build", new["build"])
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-mfe-version", catalog["version"])
    expect(page.locator("[data-testid=product-detail] h1")).to_be_visible()
    assert page.errors == []


def test_mfe_built_against_a_compatible_contract_mounts(page: Page, manifest):
    catalog = manifest.entry("catalog")
    major, _minor = catalog["contract"].split(".")
    # An MFE built against an older minor of the same major needs nothing the shell lacks.
    manifest.replace("catalog", dict(catalog, contract=f"{major}.0", build="e2e-older-minor"))
    open_page(page, "/")
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-state", "mounted")
    wait_grid(page)
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-failures", "0")


def test_mfe_built_against_an_incompatible_contract_is_refused(page: Page, manifest):
    catalog = manifest.entry("catalog")
    shell_contract = catalog["contract"]
    major = int(shell_contract.split(".")[0])
    manifest.replace("catalog", dict(catalog, contract=f"{major + 1}.0", build="e2e-next-major"))
    console = []
    page.on("console", lambda message: console.append(message) if message.type == "error" else None)
    wasm_requests = []
    page.on("request", lambda request: wasm_requests.append(request.url) if request.url.endswith(".wasm") else None)

    open_page(page, "/")
    slot = page.locator(MAIN_SLOT)
    expect(slot).to_have_attribute("data-state", "failed")
    expect(slot).to_have_attribute("data-failures", "1")
    details = page.locator("[data-testid=mfe-fallback] code")
    expect(details).to_contain_text(f"contract {major + 1}.0")
    expect(details).to_contain_text(f"shell speaks contract {shell_contract}")
    assert any(f"contract {major + 1}.0" in message.text for message in console), [m.text for m in console]
    assert not any("/mfe/catalog/" in url for url in wasm_requests), "an incompatible build was downloaded"
    expect_shell_works(page)


def broken_entry(manifest, case: str) -> dict:
    catalog = manifest.entry("catalog")
    if case == "missing-file":
        return dict(catalog, js="/mfe/catalog/gone/catalog.js", build="broken-404")
    if case == "integrity":
        wrong = dict(catalog["integrity"], wasm=sri(b"not the deployed bytes"))
        return dict(catalog, integrity=wrong, build="broken-sri")
    if case == "instantiate":
        garbage = b"\0asm\x01\0\0\0\x01\xff\xff\xff\xff"
        manifest.add_file("/mfe/catalog/corrupt/catalog_bg.wasm", garbage)
        integrity = dict(catalog["integrity"], wasm=sri(garbage))
        return dict(catalog, wasm="/mfe/catalog/corrupt/catalog_bg.wasm", integrity=integrity, build="broken-wasm")
    if case == "panic":
        panicking = manifest.fixture("panicking")
        return dict(panicking, routes=catalog["routes"], slot=catalog["slot"])
    raise ValueError(case)


@pytest.mark.parametrize("case", ["missing-file", "integrity", "instantiate", "panic"])
def test_failing_mfe_shows_fallback_in_its_slot_only(page: Page, manifest, case: str):
    manifest.replace("catalog", broken_entry(manifest, case))
    open_page(page, "/")
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-state", "failed")
    fallback = page.locator(f"{MAIN_SLOT} [data-testid=mfe-fallback]")
    expect(fallback).to_be_visible()
    expect(fallback.locator("[data-testid=mfe-retry]")).to_be_visible()
    expect_category_nav(page)

    # Fix the deployment; "Try again" loads the good version without a page reload.
    manifest.restore()
    fallback.locator("[data-testid=mfe-retry]").click()
    wait_grid(page)
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-state", "mounted")
    expect_shell_works(page)


def test_mfe_that_panics_after_mount_is_replaced_by_its_fallback(page: Page, manifest):
    reviews = manifest.entry("reviews")
    panicking = manifest.fixture("panicking")
    manifest.replace("reviews", dict(panicking, routes=reviews["routes"], slot=reviews["slot"]))
    secondary = page.locator("#slot-secondary")

    open_page(page, "/products/3?panic=click")
    expect(secondary).to_have_attribute("data-state", "mounted")
    page.locator("[data-testid=crash-button]").click()

    expect(secondary).to_have_attribute("data-state", "failed")
    expect(secondary).to_have_attribute("data-failures", "1")
    expect(secondary.locator("[data-testid=mfe-fallback] code")).to_contain_text("clicked on purpose")
    expect(page.locator("[data-testid=crash-button]")).to_have_count(0)
    # The trap that ended the instance reached the page as an uncaught error, and only that.
    assert page.errors == ["unreachable"], page.errors
    # The other slot is untouched and still answers.
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-state", "mounted")
    expect(page.locator("[data-testid=product-detail] h1")).to_be_visible()
    screenshot(page, "crashed-slot.png")

    # "Try again" instantiates a fresh copy: the dead instance is never reused.
    with page.expect_request(re.compile(re.escape(panicking["wasm"]) + "$")):
        secondary.locator("[data-testid=mfe-retry]").click()
    expect(secondary).to_have_attribute("data-state", "mounted")
    expect(page.locator("[data-testid=crash-button]")).to_be_visible()
    page.locator("[data-testid=crash-button]").click()
    expect(secondary).to_have_attribute("data-failures", "2")
    expect_shell_works(page)


def test_mount_unmount_100_times_leaves_nothing_behind(page: Page):
    page.add_init_script(TIMER_TRACKER)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    open_page(page, "/login")

    def cycle():
        navigate(page, "/")
        wait_grid(page)
        navigate(page, "/login")
        page.wait_for_function("s => document.querySelector(s).dataset.state === 'idle'", arg=MAIN_SLOT)
        expect(page.locator("[data-testid=catalog]")).to_have_count(0)

    expect_cycles_leave_nothing(page, cdp, cycle, 100)
    wait_settled(page)


def test_devtools_panel_shows_the_slots_and_remounts_one(page: Page):
    open_page(page, "/products/3?devtools")
    expect(page.locator("#slot-secondary")).to_have_attribute("data-state", "mounted")
    panel = page.locator("#mercado-devtools")
    expect(panel).to_be_visible()
    main_row = panel.locator("tr[data-slot=main]")
    build = page.locator(MAIN_SLOT).get_attribute("data-mfe-build")
    expect(main_row).to_contain_text("catalog")
    expect(main_row).to_contain_text(build)
    expect(main_row).to_contain_text("mounted")
    expect(main_row).to_contain_text(re.compile(r"\d+\.\d ms / \d+\.\d ms / \d+\.\d ms"))
    expect(panel.locator("tr[data-slot=secondary]")).to_contain_text("reviews")
    expect(panel.locator("ol")).to_contain_text("storefront:page-shown")
    screenshot(page, "devtools.png")

    # Remount: the same build in a fresh host element (and a fresh instance).
    page.evaluate("document.querySelector('#slot-main .mfe-host').dataset.old = 'yes'")
    main_row.locator("button[data-action=remount]").click()
    page.wait_for_function("() => { const h = document.querySelector('#slot-main .mfe-host');"
                           " return h && !h.dataset.old && h.closest('.slot').dataset.state === 'mounted'; }")
    expect(page.locator("[data-testid=product-detail] h1")).to_be_visible()
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-mfe-build", build)

    panel.locator("tr[data-slot=secondary] button[data-action=unmount]").click()
    expect(page.locator("#slot-secondary")).to_have_attribute("data-state", "idle")
    expect(page.locator("#slot-secondary .mfe-host")).to_have_count(0)
    expect(panel.locator("tr[data-slot=secondary]")).to_contain_text("idle")

    page.keyboard.press("Alt+Shift+D")
    expect(panel).to_have_count(0)
    page.keyboard.press("Alt+Shift+D")
    expect(page.locator("#mercado-devtools")).to_be_visible()
    assert page.errors == []


def test_mfes_built_by_different_toolchains_run_side_by_side(page: Page, manifest):
    """A team on an older wasm-bindgen (the legacy fixture, 0.2.100) ships beside the catalog,
    built with the storefront's own; each module has its own memory and glue."""
    reviews = manifest.entry("reviews")
    legacy = manifest.fixture("legacy")
    manifest.replace("reviews", dict(legacy, routes=reviews["routes"], slot=reviews["slot"]))

    open_page(page, "/products/3")
    expect(page.locator("#slot-secondary")).to_have_attribute("data-state", "mounted")
    expect(page.locator("#slot-secondary")).to_have_attribute("data-mfe", "legacy")
    expect(page.locator("[data-testid=legacy-toolchain]")).to_have_text("Built with wasm-bindgen 0.2.100")
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-state", "mounted")
    expect(page.locator("[data-testid=product-detail] h1")).to_be_visible()

    # Both keep working together: the catalog routes to the list, the legacy one unmounts clean.
    navigate(page, "/")
    wait_grid(page)
    expect(page.locator("#slot-secondary")).to_have_attribute("data-state", "idle")
    expect(page.locator("[data-testid=legacy-toolchain]")).to_have_count(0)
    assert page.errors == []


# The computed colour of the first element each selector finds (None when there is none).
COLOURS = """selectors => Object.fromEntries(selectors.map(selector => {
  const element = document.querySelector(selector);
  return [selector, element ? getComputedStyle(element).color : null];
}))"""
# The shell's chrome and the catalog's product page, beside the slot the loud sheet lands in.
OUTSIDE_THE_SLOT = [
    "header.site-header a",
    "header.site-header button",
    "footer.site-footer a",
    "[data-testid=product-detail] h1",
    "[data-testid=product-detail] a",
    "[data-testid=product-detail] button",
]
LOUD_SHEETS = "() => [...document.querySelectorAll('style')].filter(s => s.textContent.includes('color: red')).length"


def test_an_mfe_stylesheet_changes_nothing_outside_its_own_elements(page: Page, manifest):
    """A sheet that colours every h1, a and button red (the fixture's style mode, in the
    reviews' slot) reaches the fixture's elements only, and leaves with the MFE."""
    open_page(page, "/products/3")
    expect(page.locator("#slot-secondary")).to_have_attribute("data-state", "mounted")
    before = page.evaluate(COLOURS, OUTSIDE_THE_SLOT)
    assert None not in before.values(), before

    reviews = manifest.entry("reviews")
    panicking = manifest.fixture("panicking")
    manifest.replace("reviews", dict(panicking, routes=reviews["routes"], slot=reviews["slot"]))
    open_page(page, "/products/3?style=loud")
    expect(page.locator("#slot-secondary")).to_have_attribute("data-mfe", "panicking")
    fixture = page.locator("[data-testid=loud-fixture]")
    for element in ("h1", "a", "button"):
        expect(fixture.locator(element)).to_have_css("color", "rgb(255, 0, 0)")
    assert page.evaluate(COLOURS, OUTSIDE_THE_SLOT) == before
    assert page.evaluate(LOUD_SHEETS) == 1

    navigate(page, "/")
    wait_grid(page)
    expect(fixture).to_have_count(0)
    assert page.evaluate(LOUD_SHEETS) == 0
    assert page.errors == []
