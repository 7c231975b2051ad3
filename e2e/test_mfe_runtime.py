"""The runtime MFE mechanism: manifest-driven versions, failure containment, clean unmount."""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import sri
from pages import MAIN_SLOT, expect_category_nav, expect_shell_works, open_page, wait_grid, wait_settled


def navigate(page: Page, to: str) -> None:
    """Navigates the way an MFE asks the shell to: a storefront:navigate custom event."""
    page.evaluate("to => dispatchEvent(new CustomEvent('storefront:navigate', {detail: {to}}))", to)


def test_new_version_in_manifest_takes_effect_on_next_navigation(page: Page, manifest):
    open_page(page, "/")
    wait_grid(page)
    catalog = manifest.entry("catalog")
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-mfe-version", catalog["version"])

    # Deploy "a new version": new content-addressed folder, new manifest, no shell rebuild.
    new = dict(catalog, version=catalog["version"] + "-e2e.2")
    new["js"] = "/mfe/catalog/e2e-v2/catalog.js"
    new["wasm"] = "/mfe/catalog/e2e-v2/catalog_bg.wasm"
    manifest.add_file(new["js"], manifest.file(catalog["js"]).read_bytes())
    manifest.add_file(new["wasm"], manifest.file(catalog["wasm"]).read_bytes())
    manifest.replace("catalog", new)

    with page.expect_request(re.compile(r"/mfe/catalog/e2e-v2/catalog_bg\.wasm$")):
        page.locator(".product-card a").first.click()
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-mfe-version", new["version"])
    expect(page.locator("[data-testid=product-detail] h1")).to_be_visible()
    assert page.errors == []


def broken_entry(manifest, case: str) -> dict:
    catalog = manifest.entry("catalog")
    if case == "missing-file":
        return dict(catalog, js="/mfe/catalog/gone/catalog.js", version="broken-404")
    if case == "integrity":
        wrong = dict(catalog["integrity"], wasm=sri(b"not the deployed bytes"))
        return dict(catalog, integrity=wrong, version="broken-sri")
    if case == "instantiate":
        garbage = b"\0asm\x01\0\0\0\x01\xff\xff\xff\xff"
        manifest.add_file("/mfe/catalog/corrupt/catalog_bg.wasm", garbage)
        integrity = dict(catalog["integrity"], wasm=sri(garbage))
        return dict(catalog, wasm="/mfe/catalog/corrupt/catalog_bg.wasm", integrity=integrity, version="broken-wasm")
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


TIMER_TRACKER = """
(() => {
  const live = new Set();
  const wrap = (set, clear, once) => {
    const original = window[set], originalClear = window[clear];
    window[set] = function (fn, ms, ...rest) {
      const id = original.call(window, function () { if (once) live.delete(id); return typeof fn === 'function' ? fn.apply(this, arguments) : undefined; }, ms, ...rest);
      live.add(id); return id;
    };
    window[clear] = function (id) { live.delete(id); return originalClear.call(window, id); };
  };
  wrap('setTimeout', 'clearTimeout', true);
  wrap('setInterval', 'clearInterval', false);
  window.__liveTimers = () => live.size;
})();
"""


def listener_counts(page: Page, cdp) -> dict:
    cdp.send("HeapProfiler.collectGarbage")
    counts = {}
    for name in ("window", "document"):
        handle = cdp.send("Runtime.evaluate", {"expression": name})["result"]["objectId"]
        counts[name] = len(cdp.send("DOMDebugger.getEventListeners", {"objectId": handle})["listeners"])
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    counts["nodes"] = int(metrics["Nodes"])
    counts["timers"] = page.evaluate("window.__liveTimers()")
    return counts


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

    for _ in range(3):  # warm up caches (module, manifest, images) before the baseline
        cycle()
    baseline = listener_counts(page, cdp)
    for _ in range(100):
        cycle()
    after = listener_counts(page, cdp)
    assert after["window"] == baseline["window"], (baseline, after)
    assert after["document"] == baseline["document"], (baseline, after)
    assert after["timers"] == baseline["timers"], (baseline, after)
    # Detached nodes are freed by GC; allow a little slack for the shell's own bookkeeping.
    assert after["nodes"] <= baseline["nodes"] + 50, (baseline, after)
    assert page.errors == []
    wait_settled(page)
