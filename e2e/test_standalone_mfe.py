"""A developer running the catalog MFE alone: `trunk serve` in frontends/catalog with its stub shell.

The test serves the committed frontends/catalog/Trunk.toml and index.html, changing only the
port and the service address (the suite's catalog runs on its own port), and drives the
harness page in Chromium: products load through the proxy, links navigate, events are
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

from pages import wait_grid

ROOT = pathlib.Path(__file__).resolve().parent.parent
HARNESS = ROOT / "frontends" / "catalog"
CATALOG_URL = os.environ.get("CATALOG_URL", "http://127.0.0.1:8102")
PORT = 18091


def toml_value(value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def harness_config(tmp_path: pathlib.Path) -> pathlib.Path:
    """The committed Trunk.toml with absolute paths, the test port and the test service."""
    config = tomllib.loads((HARNESS / "Trunk.toml").read_text())
    config["build"]["target"] = str(HARNESS / config["build"]["target"])
    config["build"]["dist"] = str(tmp_path / "dist")
    config["serve"]["port"] = PORT
    (proxy,) = config["proxy"]
    assert proxy["rewrite"] == "/api/catalog/", "the harness must proxy the catalog API"
    proxy["backend"] = CATALOG_URL + "/"
    lines = []
    for section in ("build", "tools", "serve"):
        lines.append(f"[{section}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in config[section].items()]
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


@pytest.fixture
def harness(tmp_path):
    config = harness_config(tmp_path)
    log = open(tmp_path / "trunk.log", "w")
    process = subprocess.Popen(
        ["trunk", "--config", str(config), "serve", "--release", "--no-autoreload"],
        cwd=HARNESS, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_until_served(process, f"http://127.0.0.1:{PORT}/")
        yield f"http://127.0.0.1:{PORT}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


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
