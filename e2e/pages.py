"""Small helpers that read the storefront the way a shopper sees it (selectors in one place)."""

import json
import re
import time
import urllib.request

from playwright.sync_api import Page, expect

MAIN_SLOT = "#slot-main"


def open_page(page: Page, path: str) -> None:
    """Loads `path` fresh and waits until the main slot settled (mounted, failed or a shell page)."""
    page.goto(path)
    wait_settled(page)


def wait_settled(page: Page, slot: str = MAIN_SLOT) -> None:
    page.wait_for_function(
        "sel => ['mounted', 'failed', 'idle'].includes(document.querySelector(sel)?.dataset.state)",
        arg=slot,
    )


def wait_grid(page: Page) -> None:
    expect(page.locator("[data-testid=product-grid] .product-card").first).to_be_visible()


def card_ids(page: Page) -> list[str]:
    return page.locator("[data-testid=product-grid] .product-card").evaluate_all(
        "cards => cards.map(c => c.dataset.productId)"
    )


def prices_cents(page: Page) -> list[int]:
    texts = page.locator("[data-testid=product-grid] [data-testid=price]").all_inner_texts()
    return [int(round(float(t.replace("€", "").replace(",", "")) * 100)) for t in texts]


def expect_shell_works(page: Page) -> None:
    """Header, footer and navigation still usable (used after an MFE failed)."""
    expect(page.locator("header.site-header")).to_be_visible()
    expect(page.locator("footer.site-footer")).to_be_visible()
    expect(page.locator("header input[name=q]")).to_be_editable()
    page.locator("a.sign-in").click()
    expect(page).to_have_url(re.compile(r"/login(\?.*)?$"))


def expect_category_nav(page: Page) -> None:
    """The header lists at least six categories. The shell loads them from the catalog after
    the header is drawn, so this waits for the sixth link instead of counting at once."""
    expect(page.locator("nav.category-nav a").nth(5)).to_be_attached()


def mark_document(page: Page) -> None:
    """Tags the current document so `expect_same_document` can prove no full reload happened."""
    page.evaluate("window.__sameDocument = true")


def expect_same_document(page: Page) -> None:
    """Client-side navigation: the document tagged by `mark_document` is still the one shown."""
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded instead of routed"


PASSWORD = "correct horse battery"


def register_via_api(base_url: str, email: str, name: str = "Ana Shopper") -> None:
    """Creates an account without touching the browser's cookies (the test signs in itself)."""
    body = json.dumps({"name": name, "email": email, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"{base_url}/api/identity/users", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 201


def fill_sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.locator("[data-testid=login] input[name=email]").fill(email)
    page.locator("[data-testid=login] input[name=password]").fill(password)
    page.locator("[data-testid=login] button[type=submit]").click()


def expect_signed_in_as(page: Page, name: str) -> None:
    expect(page.locator("[data-testid=user-name]")).to_have_text(name)
    expect(page.locator("[data-testid=sign-in]")).to_have_count(0)


def expect_signed_out(page: Page) -> None:
    expect(page.locator("[data-testid=sign-in]")).to_be_visible()
    expect(page.locator("[data-testid=user-menu]")).to_have_count(0)


def navigate(page: Page, to: str) -> None:
    """Navigates the way an MFE asks the shell to: a storefront:navigate custom event."""
    page.evaluate("to => dispatchEvent(new CustomEvent('storefront:navigate', {detail: {to}}))", to)


# Counts live timers: wraps setTimeout/setInterval before any page script runs.
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
    """Listeners on window and document, DOM nodes after a GC, and live timers (needs
    TIMER_TRACKER as an init script and Performance.enable on `cdp`)."""
    counts = {}
    for name in ("window", "document"):
        handle = cdp.send("Runtime.evaluate", {"expression": name})["result"]["objectId"]
        counts[name] = len(cdp.send("DOMDebugger.getEventListeners", {"objectId": handle})["listeners"])
    counts["nodes"] = nodes_after_gc(cdp)
    counts["timers"] = page.evaluate("window.__liveTimers()")
    return counts


def nodes_after_gc(cdp) -> int:
    """The page's DOM node count right after a full garbage collection."""
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return int(metrics["Nodes"])


def settled_node_count(cdp, at_most: int | None = None, deadline_s: float = 10.0) -> int:
    """Collects garbage until the node count stops falling (or is at most `at_most`).

    A detached subtree can stay reachable for a moment after an unmount: a fetch or an image
    decode still in flight holds its closure. On a loaded machine one collection can run before
    that work ends, so a single reading is a race; this waits for the count to settle instead.
    """
    end = time.monotonic() + deadline_s
    last = nodes_after_gc(cdp)
    while time.monotonic() < end:
        if at_most is not None and last <= at_most:
            return last
        now = nodes_after_gc(cdp)
        if at_most is None and now >= last:
            return now
        last = min(last, now)
    return last


def expect_cycles_leave_nothing(page: Page, cdp, cycle, cycles: int) -> None:
    """Runs `cycle` (a mount and an unmount) `cycles` times after a warm-up and checks that no
    listener, timer or DOM node was left behind (needs what `listener_counts` needs)."""
    for _ in range(3):  # warm up caches (module, manifest, images) before the baseline
        cycle()
    baseline = listener_counts(page, cdp)
    baseline["nodes"] = settled_node_count(cdp)
    for _ in range(cycles):
        cycle()
    after = listener_counts(page, cdp)
    # Detached nodes are freed by GC; allow a little slack for the shell's own bookkeeping.
    after["nodes"] = settled_node_count(cdp, at_most=baseline["nodes"] + 50)
    assert after["window"] == baseline["window"], (baseline, after)
    assert after["document"] == baseline["document"], (baseline, after)
    assert after["timers"] == baseline["timers"], (baseline, after)
    assert after["nodes"] <= baseline["nodes"] + 50, (baseline, after)
    assert page.errors == []
