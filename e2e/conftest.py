"""Fixtures for Mercado's browser tests.

`cargo xtask test` starts the real stack (nats-server, services, gateway serving a private
copy of the built web) and runs this suite against it with:
  BASE_URL       the gateway, e.g. http://127.0.0.1:18080
  WEB_DIR        the folder the gateway serves; tests may edit its mfe/manifest.json
  E2E_ARTIFACTS  where screenshots of failures (and of pages worth looking at) go
The browser is Debian's Chromium in headless mode, driven by Playwright (no browser download).
"""

import base64
import hashlib
import json
import os
import pathlib
import shutil

import pytest
from playwright.sync_api import Page, sync_playwright

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8080")
WEB_DIR = pathlib.Path(os.environ.get("WEB_DIR", "dist"))
ARTIFACTS = pathlib.Path(os.environ.get("E2E_ARTIFACTS", "target/e2e/artifacts"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous: a cold wasm instantiate on a loaded 2-core machine can take seconds.
TIMEOUT_MS = 20_000


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        # Playwright gives every launch a fresh temporary --user-data-dir.
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=BASE_URL)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


class ManifestEditor:
    """Edits the served manifest (and adds MFE files) like a deployment would, then restores it."""

    def __init__(self, web_dir: pathlib.Path):
        self.web_dir = web_dir
        self.path = web_dir / "mfe" / "manifest.json"
        self.original = self.path.read_text()
        self.added = []

    def load(self) -> dict:
        return json.loads(self.path.read_text())

    def entry(self, name: str) -> dict:
        return next(m for m in json.loads(self.original)["mfes"] if m["name"] == name)

    def fixture(self, name: str) -> dict:
        fixtures = json.loads((self.web_dir / "mfe" / "fixtures.json").read_text())
        return next(m for m in fixtures["mfes"] if m["name"] == name)

    def file(self, url: str) -> pathlib.Path:
        return self.web_dir / url.lstrip("/")

    def add_file(self, url: str, data: bytes) -> None:
        target = self.file(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.added.append(target)

    def replace(self, name: str, new_entry: dict) -> None:
        """Deploys `new_entry` in place of the MFE called `name`."""
        manifest = json.loads(self.original)
        manifest["mfes"] = [new_entry if m["name"] == name else m for m in manifest["mfes"]]
        self.path.write_text(json.dumps(manifest, indent=2))

    def restore(self) -> None:
        self.path.write_text(self.original)
        for folder in {target.parent for target in self.added}:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def manifest():
    editor = ManifestEditor(WEB_DIR)
    yield editor
    editor.restore()
