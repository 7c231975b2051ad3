"""Prefetch: the shell fetches and compiles (never instantiates) the MFEs of a page the shopper
is about to open, and the navigation then mounts them from what was prefetched.

The page under test is the home page (the catalog mounted). Most tests open it with
`?prefetch=intent` (links only, no idle prefetch), so that what a hover or a focus does is not
mixed up with what idle time does; the idle trigger has its own test.
"""

import http.server
import threading
import urllib.parse

import pytest
from playwright.sync_api import Page, expect

from conftest import sri
from pages import MAIN_SLOT, open_page, wait_grid

CART_LINK = "header a.cart-link"
CART_PAGE = "[data-testid=cart-empty], [data-testid=cart-line]"

# Counts what the page's wasm does and which storefront:* events it sends, before any script.
WATCH = """
(() => {
  window.__wasmCalls = { compiled: 0, instantiated: 0 };
  const count = (name, field) => {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) { window.__wasmCalls[field]++; return original.apply(this, args); };
  };
  count('compileStreaming', 'compiled');
  count('instantiate', 'instantiated');
  count('instantiateStreaming', 'instantiated');
  window.__storefrontEvents = [];
  const dispatch = EventTarget.prototype.dispatchEvent;
  EventTarget.prototype.dispatchEvent = function (event) {
    if (event.type.startsWith('storefront:')) window.__storefrontEvents.push(event.type);
    return dispatch.call(this, event);
  };
})();
"""


class Requests:
    """Every request the page makes, by path."""

    def __init__(self, page: Page):
        self.paths = []
        page.on("request", lambda request: self.paths.append(urllib.parse.urlsplit(request.url).path))

    def count(self, path: str) -> int:
        return self.paths.count(path)


def prefetch_state(page: Page, build: str):
    return page.evaluate("build => globalThis.__mercadoPrefetch[build] ?? null", build)


def wait_prefetch(page: Page, build: str, state: str) -> None:
    page.wait_for_function("([build, state]) => globalThis.__mercadoPrefetch[build] === state", arg=[build, state])


def wasm_calls(page: Page) -> dict:
    return page.evaluate("window.__wasmCalls")


def open_home(page: Page, query: str = "?prefetch=intent") -> Requests:
    """The home page with the catalog mounted, its grid drawn and the shell's own cart call
    (the header badge) answered, so that anything the cart does later stands out."""
    page.add_init_script(WATCH)
    requests = Requests(page)
    open_page(page, "/" + query)
    wait_grid(page)
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => new URL(e.name).pathname === '/api/cart')"
    )
    return requests


def expect_not_running(page: Page, requests: Requests, before: dict) -> None:
    """The cart was prefetched, not run: not mounted, no API call, no event, no instance."""
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-mfe", "catalog")
    expect(page.locator("[data-testid=cart]")).to_have_count(0)
    assert requests.count("/api/cart") == before["cart_calls"]
    assert page.evaluate("window.__storefrontEvents.length") == before["events"]
    assert wasm_calls(page)["instantiated"] == before["wasm"]["instantiated"]


def snapshot(page: Page, requests: Requests) -> dict:
    return {
        "cart_calls": requests.count("/api/cart"),
        "events": page.evaluate("window.__storefrontEvents.length"),
        "wasm": wasm_calls(page),
    }


def test_hovering_the_cart_link_prefetches_the_cart_and_the_click_mounts_it_from_there(page: Page, manifest):
    cart = manifest.entry("cart")
    requests = open_home(page)
    before = snapshot(page, requests)
    assert requests.count(cart["wasm"]) == 0

    with page.expect_request(lambda r: r.url.endswith(cart["wasm"])):
        page.locator(CART_LINK).hover()
    wait_prefetch(page, cart["build"], "ready")
    assert wasm_calls(page)["compiled"] == before["wasm"]["compiled"] + 1
    expect_not_running(page, requests, before)

    page.locator(CART_LINK).click()
    expect(page.locator(CART_PAGE).first).to_be_visible()
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-mfe", "cart")
    # One download of each file: the mount used the prefetched glue and module.
    assert requests.count(cart["wasm"]) == 1
    assert requests.count(cart["js"]) == 1
    assert prefetch_state(page, cart["build"]) == "used"
    assert wasm_calls(page)["instantiated"] == before["wasm"]["instantiated"] + 1
    assert page.evaluate("globalThis.__mercadoSlotTimings.main.prefetched") is True
    # The devtools panel says so (opened only now: it covers the header's right-hand side).
    page.keyboard.press("Alt+Shift+D")
    expect(page.locator("#mercado-devtools tr[data-slot=main]")).to_contain_text("(prefetched)")
    assert page.errors == []


def test_focusing_the_cart_link_with_the_keyboard_prefetches_the_cart(page: Page, manifest):
    cart = manifest.entry("cart")
    requests = open_home(page)
    before = snapshot(page, requests)

    page.locator("header input[name=q]").focus()
    for _ in range(10):
        if page.evaluate("document.activeElement.matches('a.cart-link')"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the cart link")
    wait_prefetch(page, cart["build"], "ready")
    assert requests.count(cart["wasm"]) == 1
    expect_not_running(page, requests, before)

    page.keyboard.press("Enter")
    expect(page.locator(CART_PAGE).first).to_be_visible()
    assert requests.count(cart["wasm"]) == 1
    assert page.errors == []


def test_hovering_a_link_inside_an_mfe_prefetches_only_what_is_not_loaded(page: Page, manifest):
    """A product card's link (the catalog's own) leads to catalog + reviews: the catalog is
    loaded already, so only the reviews MFE is prefetched."""
    catalog, reviews = manifest.entry("catalog"), manifest.entry("reviews")
    requests = open_home(page)
    card_link = page.locator("[data-testid=product-grid] .product-card a").first

    with page.expect_request(lambda r: r.url.endswith(reviews["wasm"])):
        card_link.hover()
    wait_prefetch(page, reviews["build"], "ready")
    assert prefetch_state(page, catalog["build"]) is None
    expect(page.locator("#slot-secondary")).to_have_attribute("data-state", "idle")

    card_link.click()
    expect(page.locator("#slot-secondary")).to_have_attribute("data-state", "mounted")
    expect(page.locator("[data-testid=product-detail] h1")).to_be_visible()
    assert requests.count(reviews["wasm"]) == 1
    assert requests.count(catalog["wasm"]) == 1
    assert page.evaluate("globalThis.__mercadoSlotTimings.secondary.prefetched") is True
    assert page.errors == []


def test_idle_time_after_the_first_page_prefetches_the_header_links_mfes(page: Page, manifest):
    """Nothing touched: once idle, the shell prefetches what the header's links lead to that is
    not loaded (for a visitor: the cart; the catalog is mounted, sign-in is a shell page)."""
    cart = manifest.entry("cart")
    requests = open_home(page, "")
    before = snapshot(page, requests)
    wait_prefetch(page, cart["build"], "ready")
    prefetched = page.evaluate("Object.keys(globalThis.__mercadoPrefetch)")
    assert prefetched == [cart["build"]], prefetched
    expect_not_running(page, requests, before)

    page.locator(CART_LINK).click()
    expect(page.locator(CART_PAGE).first).to_be_visible()
    assert requests.count(cart["wasm"]) == 1
    assert prefetch_state(page, cart["build"]) == "used"
    assert page.errors == []


def test_prefetch_off_loads_on_click_as_before(page: Page, manifest):
    cart = manifest.entry("cart")
    requests = open_home(page, "?prefetch=off")
    page.locator(CART_LINK).hover()
    page.locator(CART_LINK).click()
    expect(page.locator(CART_PAGE).first).to_be_visible()
    assert requests.count(cart["wasm"]) == 1
    assert page.evaluate("Object.keys(globalThis.__mercadoPrefetch)") == []
    assert page.evaluate("globalThis.__mercadoSlotTimings.main.prefetched") is False
    assert page.errors == []


@pytest.mark.parametrize("deploy", ["fixed-before-the-click", "still-broken"])
def test_a_prefetch_failing_its_integrity_check_is_forgotten(page: Page, manifest, deploy: str):
    """A bad hash (a broken deploy) fails the prefetch silently; the real load then fetches for
    itself: it works once the deploy is fixed, or fails in its slot as it always did."""
    cart = manifest.entry("cart")
    manifest.replace("cart", dict(cart, integrity=dict(cart["integrity"], wasm=sri(b"not the deployed bytes"))))
    requests = open_home(page)
    page.locator(CART_LINK).hover()
    wait_prefetch(page, cart["build"], "failed")
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-failures", "0")

    if deploy == "fixed-before-the-click":
        manifest.restore()
    page.locator(CART_LINK).click()
    slot = page.locator(MAIN_SLOT)
    if deploy == "fixed-before-the-click":
        expect(page.locator(CART_PAGE).first).to_be_visible()
        expect(slot).to_have_attribute("data-state", "mounted")
        expect(slot).to_have_attribute("data-failures", "0")
        assert page.evaluate("globalThis.__mercadoSlotTimings.main.prefetched") is False
    else:
        expect(slot).to_have_attribute("data-state", "failed")
        expect(slot).to_have_attribute("data-failures", "1")
        expect(slot.locator("[data-testid=mfe-fallback]")).to_be_visible()
    # The failed prefetch fetched once; the real load fetched for itself.
    assert requests.count(cart["wasm"]) == 2
    assert page.errors == []


class _Files(http.server.BaseHTTPRequestHandler):
    """A stand-in for a developer's `trunk serve` of the cart: its page and unhashed files."""

    files: dict = {}

    def do_GET(self):  # noqa: N802 (http.server's name)
        body, kind = self.files.get(self.path, (None, None))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_cart(manifest):
    cart = manifest.entry("cart")
    _Files.files = {
        "/": (b"<script type=module>import init from '/cart.js'; init();</script>", "text/html"),
        "/cart.js": (manifest.file(cart["js"]).read_bytes(), "text/javascript"),
        "/cart_bg.wasm": (manifest.file(cart["wasm"]).read_bytes(), "application/wasm"),
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_overridden_mfe_is_not_prefetched(page: Page, manifest, local_cart: str):
    """With `?mfe-override`, the cart runs from the developer's server: a hover fetches neither
    the manifest's files (not the code that will run) nor the local ones (they change as the
    developer works); the click loads the local build."""
    cart = manifest.entry("cart")
    local = []
    page.on("request", lambda r: local.append(r.url) if r.url.startswith(local_cart) else None)
    requests = open_home(page, f"?prefetch=intent&mfe-override=cart={local_cart}")
    page.locator(CART_LINK).hover()
    page.locator(CART_LINK).click()
    expect(page.locator(MAIN_SLOT)).to_have_attribute("data-mfe-build", f"override:{local_cart}")
    expect(page.locator(CART_PAGE).first).to_be_visible()
    assert requests.count(cart["wasm"]) == 0
    assert [url for url in local if url.endswith("_bg.wasm")] == [local_cart + "/cart_bg.wasm"]
    assert page.evaluate("Object.keys(globalThis.__mercadoPrefetch)") == []
    assert page.errors == []
