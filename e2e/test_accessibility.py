"""Every page a shopper meets passes an axe-core audit with no serious or critical violation.

axe-core (installed by `cargo xtask` into .tools/node_modules) is injected into each page once
its content has settled; WCAG 2.x A/AA rules and best practices are checked, including label
in name (WCAG 2.5.3), which axe counts as experimental and which the cart link once failed.
"""

import json
import pathlib

import pytest
from playwright.sync_api import Page, expect

from conftest import ARTIFACTS
from pages import open_page

AXE = pathlib.Path(__file__).resolve().parent.parent / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
GRID = "[data-testid=product-grid] .product-card"
# page: (path, what shows once its content has landed)
PAGES = {
    "home": ("/", GRID),
    "category": (None, GRID),  # the first category the catalog has
    "search": ("/search?q=kett", GRID),
    "product": ("/products/3", "[data-testid=reviews-summary], [data-testid=reviews-empty]"),
    "sign-in": ("/login", "[data-testid=login] input[name=email]"),
    "register": ("/register", "input[name=email]"),
    "cart": ("/cart", "[data-testid=cart-empty], [data-testid=cart-line]"),
}
SERIOUS = {"serious", "critical"}


def audit(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
               "rules": {"label-content-name-mismatch": {"enabled": True}}}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [v for v in result["violations"] if v["impact"] in SERIOUS]


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violation(page: Page, name: str):
    path, ready = PAGES[name]
    if path is None:
        path = "/category/" + page.request.get("/api/catalog/categories").json()[0]["slug"]
    open_page(page, path)
    expect(page.locator(ready).first).to_be_visible()
    violations = audit(page)
    if violations:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(violations, indent=2))
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert not violations, summary
