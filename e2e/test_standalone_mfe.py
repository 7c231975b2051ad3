"""A developer running an MFE alone: `trunk serve` in frontends/<name> with its stub shell.

The tests serve the committed Trunk.toml and index.html of the catalog and reviews MFEs,
changing only the port and the backend address (the suite's stack runs on its own ports), and
drive the harness page in Chromium: data loads through the proxy, links navigate, events are
logged, and Unmount leaves the page empty.
"""

import os
import pathlib
import re
import signal
import subprocess
import time
import tomllib
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from conftest import BASE_URL
from pages import MAIN_SLOT, open_page, wait_grid

ROOT = pathlib.Path(__file__).resolve().parent.parent
HARNESS = ROOT / "frontends" / "catalog"
CATALOG_URL = os.environ.get("CATALOG_URL", "http://127.0.0.1:8102")
PORT = 18091
REVIEWS_HARNESS = ROOT / "frontends" / "reviews"
REVIEWS_PORT = 18095


def toml_value(value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def harness_config(
    tmp_path: pathlib.Path,
    harness: pathlib.Path = HARNESS,
    port: int = PORT,
    rewrite: str = "/api/catalog/",
    backend: str = CATALOG_URL + "/",
) -> pathlib.Path:
    """The committed Trunk.toml with absolute paths, the test port and the test service."""
    config = tomllib.loads((harness / "Trunk.toml").read_text())
    config["build"]["target"] = str(harness / config["build"]["target"])
    config["build"]["dist"] = str(tmp_path / "dist")
    config["serve"]["port"] = port
    (proxy,) = config["proxy"]
    assert proxy["rewrite"] == rewrite, f"the harness must proxy {rewrite}"
    proxy["backend"] = backend
    lines = []
    for section in ("build", "tools", "serve"):
        lines.append(f"[{section}]")
        tables = {k: v for k, v in config[section].items() if isinstance(v, dict)}
        lines += [f"{k} = {toml_value(v)}" for k, v in config[section].items() if k not in tables]
        for name, table in tables.items():
            lines.append(f"[{section}.{name}]")
            lines += [f'"{k}" = {toml_value(v)}' for k, v in table.items()]
    lines.append("[[proxy]]")
    lines += [f"{k} = {toml_value(v)}" for k, v in proxy.items()]
    path = tmp_path / "Trunk.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def wait_until_served(process: subprocess.Popen, url: str, deadline_s: float = 300) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        assert process.poll() is None, "trunk serve exited"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"trunk serve did not answer on {url}")


def serve(config: pathlib.Path, harness: pathlib.Path, port: int, log_path: pathlib.Path):
    """Runs `trunk serve` with `config` until the caller is done with it."""
    log = open(log_path, "w")
    process = subprocess.Popen(
        ["trunk", "--config", str(config), "serve", "--release", "--no-autoreload"],
        cwd=harness, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_until_served(process, f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def harness(tmp_path):
    yield from serve(harness_config(tmp_path), HARNESS, PORT, tmp_path / "trunk.log")


@pytest.fixture
def reviews_harness(tmp_path):
    # The reviews harness goes through the gateway (reviews asks the catalog about products,
    # and signing in needs identity).
    config = harness_config(tmp_path, REVIEWS_HARNESS, REVIEWS_PORT, "/api/", BASE_URL + "/api/")
    yield from serve(config, REVIEWS_HARNESS, REVIEWS_PORT, tmp_path / "trunk.log")


def test_catalog_mfe_runs_alone_under_trunk_serve(page: Page, harness: str):
    page.goto(harness + "/")
    wait_grid(page)
    expect(page.locator("#status")).to_have_text("mounted")
    card = page.locator(".product-card").first
    name = card.locator(".product-name").inner_text()
    card.locator("a").click()
    expect(page).to_have_url(re.compile(r"/products/\d+$"))
    expect(page.locator("[data-testid=product-detail] h1")).to_have_text(name)

    page.go_back()
    wait_grid(page)
    page.locator("[data-testid=sort]").select_option("price_desc")
    expect(page.locator("#events")).to_contain_text('storefront:navigate {"to":"/?sort=price_desc"}')

    page.locator("#unmount").click()
    expect(page.locator("#status")).to_have_text("unmounted (nodes left in root: 0)")
    expect(page.locator("[data-testid=catalog]")).to_have_count(0)
    assert page.errors == []


def test_reviews_mfe_runs_alone_for_the_product_in_the_url(page: Page, reviews_harness: str):
    # A deep link: trunk answers index.html for a path that is no file.
    page.goto(reviews_harness + "/products/3")
    expect(page.locator("#status")).to_have_text("mounted")
    expect(page.locator("[data-testid=reviews-section]")).to_have_attribute("data-product-id", "3")
    expect(page.locator("[data-testid=reviews-summary]")).to_be_visible()
    # It follows the URL to another product.
    page.locator(".harness-bar a", has_text="2").click()
    expect(page).to_have_url(re.compile(r"/products/2$"))
    expect(page.locator("[data-testid=reviews-section]")).to_have_attribute("data-product-id", "2")
    page.locator("[data-testid=write-review-sign-in]").click()
    expect(page.locator("#events")).to_contain_text('storefront:auth-required {"returnTo":"/products/2"}')

    page.locator("#unmount").click()
    expect(page.locator("#status")).to_have_text("unmounted (nodes left in root: 0)")
    expect(page.locator("[data-testid=reviews]")).to_have_count(0)
    assert page.errors == []


def test_storefront_runs_one_mfe_from_a_local_trunk_serve(page: Page, harness: str):
    """The dev override: a developer points the running storefront's catalog at the local
    `trunk serve` build; it is kept across reloads, announced by a banner, and reset in a click."""
    published = page.request.get(BASE_URL + "/mfe/manifest.json").json()
    published_build = next(m["build"] for m in published["mfes"] if m["name"] == "catalog")
    local_files = []
    page.on("request", lambda r: local_files.append(r.url) if r.url.startswith(harness) else None)

    open_page(page, f"/?mfe-override=catalog={harness}")
    slot = page.locator(MAIN_SLOT)
    expect(slot).to_have_attribute("data-mfe-build", f"override:{harness}")
    wait_grid(page)
    banner = page.locator("#mfe-override-banner")
    expect(banner).to_contain_text(f"catalog from {harness}")
    assert any(url.endswith("_bg.wasm") for url in local_files), local_files

    page.goto("/category/" + page.request.get(BASE_URL + "/api/catalog/categories").json()[0]["slug"])
    expect(slot).to_have_attribute("data-mfe-build", f"override:{harness}")
    expect(banner).to_be_visible()

    banner.get_by_role("button", name="Reset overrides").click()
    expect(slot).to_have_attribute("data-mfe-build", published_build)
    expect(page.locator("#mfe-override-banner")).to_have_count(0)
    assert "mfe-override" not in page.url
    assert page.errors == []
