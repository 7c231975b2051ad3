"""Browser timings for `cargo xtask bench` (not a test): prints one JSON object.

- coldMount: fresh browser context (empty cache); from the moment the shell starts fetching
  the catalog MFE's JS glue to the first product card in the DOM (fetch + SRI check +
  instantiate + mount + the first API call + render). Also with `?prefetch=off`, alternating:
  the idle prefetch of the header's links may start before the first card is drawn.
- routeSwitch: inside the mounted catalog MFE, from the click on "next page" to the new
  page status rendered (the shell's pushState/popstate plus the MFE's fetch and render).
  Each click waits until the previous page's images have loaded, as a shopper's would:
  otherwise the API call queues behind image downloads on the browser's six connections.
  Split into the API call (fetch issued → answer read: gateway, service and the browser's
  network stack) and the rest (the shell's and the MFE's own work: history, routing, decoding,
  rendering).
- mfeSwap: from the click on "Sign in" (a shell page) to the catalog MFE unmounted and the
  shell page shown.
- mfeSwitchCold / mfeSwitchPrefetched: a switch into an MFE not loaded yet, from the home page
  (catalog mounted) to the cart: from the click on the header's cart link to the cart page
  shown (the cart MFE's own element: loaded, mounted, its API call answered, drawn). Fresh
  browser context each run, so nothing is in the HTTP cache. Cold: `?prefetch=off`, the click
  fetches and compiles the cart. Prefetched: the pointer rests on the link first and the click
  comes once the shell says the cart is prefetched (fetched and compiled, not instantiated).
  The two alternate, run by run.
All times are measured inside the page with performance.now(), so Playwright's own
round-trips are not counted.
"""

import json
import os
import statistics
import urllib.request

from playwright.sync_api import sync_playwright

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8080")
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

FIRST_CARD = """
window.__firstCard = new Promise(resolve => {
  const seen = () => document.querySelector('[data-testid=product-grid] .product-card');
  const observer = new MutationObserver(() => { if (seen()) { observer.disconnect(); resolve(performance.now()); } });
  document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, {childList: true, subtree: true}));
});
"""

IMAGES_LOADED = "() => [...document.images].every(image => image.complete)"

CLICK_AND_WAIT = """
([clickSelector, doneCheck, apiPath]) => new Promise(resolve => {
  const done = new Function(doneCheck);
  performance.clearResourceTimings();  // the buffer holds 250 entries; images fill it fast
  // How long of it the API call took, from the fetch being issued to its answer read.
  const waited = () => {
    const call = performance.getEntriesByType('resource')
      .find(e => e.startTime >= start && apiPath && e.name.includes(apiPath));
    return call ? call.responseEnd - call.startTime : null;
  };
  const observer = new MutationObserver(() => {
    if (done()) { observer.disconnect(); resolve({total: performance.now() - start, api: waited()}); }
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true});
  const start = performance.now();
  document.querySelector(clickSelector).click();
})
"""


def summary(values):
    values = sorted(values)
    return {"median": statistics.median(values), "p90": values[int(0.9 * (len(values) - 1))], "all": values}


def cold_mount(browser, path="/"):
    context = browser.new_context(base_url=BASE_URL)
    page = context.new_page()
    page.add_init_script(FIRST_CARD)
    page.goto(path)
    card_at = page.evaluate("window.__firstCard")
    start = page.evaluate(
        "() => performance.getEntriesByType('resource').find(e => /\\/mfe\\/catalog\\/.*\\.js$/.test(e.name)).startTime"
    )
    context.close()
    return card_at - start


def route_switches(browser):
    context = browser.new_context(base_url=BASE_URL)
    page = context.new_page()
    page.goto("/")
    page.wait_for_selector("[data-testid=product-grid] .product-card")
    switches, waits, swaps = [], [], []
    for run in range(RUNS):
        page.wait_for_function(IMAGES_LOADED)
        status = page.inner_text("[data-testid=page-status]")
        check = f"const s = document.querySelector('[data-testid=page-status]'); return s && s.textContent !== {json.dumps(status)};"
        switch = page.evaluate(CLICK_AND_WAIT, ["nav.pager a[rel=next]", check, "/api/catalog/products"])
        switches.append(switch["total"])
        waits.append(switch["api"])
        if run % 4 == 3:
            page.goto("/")
            page.wait_for_selector("[data-testid=product-grid] .product-card")
        check = "return document.querySelector('#slot-main').dataset.state === 'idle' && !document.querySelector('[data-testid=catalog]');"
        swaps.append(page.evaluate(CLICK_AND_WAIT, ["a.sign-in", check, None])["total"])
        page.go_back()
        page.wait_for_selector("[data-testid=product-grid] .product-card")
    context.close()
    return switches, waits, swaps


CART_SHOWN = "return !!document.querySelector('[data-testid=cart-empty], [data-testid=cart-line]');"


def mfe_switch(browser, prefetch: bool, cart_build: str):
    context = browser.new_context(base_url=BASE_URL)
    page = context.new_page()
    page.goto("/" if prefetch else "/?prefetch=off")
    page.wait_for_selector("[data-testid=product-grid] .product-card")
    page.wait_for_function(IMAGES_LOADED)
    # The shell's own cart call (the header badge) is answered before the switch starts.
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => new URL(e.name).pathname === '/api/cart')"
    )
    if prefetch:
        page.hover("header a.cart-link")
        page.wait_for_function("build => globalThis.__mercadoPrefetch[build] === 'ready'", arg=cart_build)
    switch = page.evaluate(CLICK_AND_WAIT, ["header a.cart-link", CART_SHOWN, "/api/cart"])
    context.close()
    return switch["total"]


def mfe_switches(browser):
    with urllib.request.urlopen(BASE_URL + "/mfe/manifest.json") as response:
        manifest = json.load(response)
    cart_build = next(m["build"] for m in manifest["mfes"] if m["name"] == "cart")
    mfe_switch(browser, False, cart_build)  # warm the cart service once
    cold, prefetched = [], []
    for _ in range(RUNS):
        cold.append(mfe_switch(browser, False, cart_build))
        prefetched.append(mfe_switch(browser, True, cart_build))
    return cold, prefetched


def main():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        cold_mount(browser)  # warm the server side (DB pages, connection pool) once
        colds, colds_off = [], []
        for _ in range(RUNS):
            colds.append(cold_mount(browser))
            colds_off.append(cold_mount(browser, "/?prefetch=off"))
        switches, waits, swaps = route_switches(browser)
        cold_switches, prefetched_switches = mfe_switches(browser)
        browser.close()
    print(json.dumps({
        "runs": RUNS,
        "coldMount": summary(colds),
        "coldMountNoPrefetch": summary(colds_off),
        "routeSwitch": summary(switches),
        "routeSwitchApi": summary([api for api in waits if api is not None]),
        "routeSwitchOwn": summary([total - api for total, api in zip(switches, waits) if api is not None]),
        "mfeSwap": summary(swaps),
        "mfeSwitchCold": summary(cold_switches),
        "mfeSwitchPrefetched": summary(prefetched_switches),
        "note": "Cold mount includes the first catalog API call; route switch includes the MFE's API call for the next page; "
                "the switches into the cart include the cart's API call, each in a fresh browser context (nothing cached).",
    }))


if __name__ == "__main__":
    main()
