"""One team ships its micro-frontend alone: `cargo xtask mfe publish|list|rollback`.

The catalog is rebuilt for real, from a changed source with the same version string, and
published into the web folder the running gateway serves. An open page must run the new build
on its next navigation, without a reload and without the shell or another MFE being rebuilt;
a rollback must bring the previous build back the same way.
"""

import pathlib
import re
import subprocess

from playwright.sync_api import Page, expect

from conftest import WEB_DIR
from pages import MAIN_SLOT, expect_same_document, mark_document, open_page, wait_grid

ROOT = pathlib.Path(__file__).resolve().parent.parent
SORT_SELECT = ROOT / "frontends" / "catalog" / "src" / "components" / "sort_select.rs"
# What a shopper reads next to the sort menu, before and after the change.
OLD_LABEL, NEW_LABEL = "Sort by ", "Order by "
# A cold single-MFE release build on a loaded 2-core machine (fat LTO) takes minutes.
BUILD_TIMEOUT_S = 900


def xtask_mfe(*args: str) -> str:
    done = subprocess.run(
        ["cargo", "xtask", "mfe", *args, "--web-dir", str(WEB_DIR)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    assert done.returncode == 0, f"xtask mfe {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def served_files(web_dir: pathlib.Path) -> dict[str, float]:
    """Every file of the shell and of the other MFEs, with its modification time."""
    return {
        str(p.relative_to(web_dir)): p.stat().st_mtime
        for p in web_dir.rglob("*")
        if p.is_file() and not p.is_relative_to(web_dir / "mfe" / "catalog") and p.parent != web_dir / "mfe"
    }


def navigate_to_second_category(page: Page) -> None:
    page.locator("nav.category-nav a").nth(1).click()
    expect(page).to_have_url(re.compile(r"/category/"))


def test_published_build_runs_on_next_navigation_and_rolls_back(page: Page):
    open_page(page, "/")
    wait_grid(page)
    slot = page.locator(MAIN_SLOT)
    old_build = slot.get_attribute("data-mfe-build")
    version = slot.get_attribute("data-mfe-version")
    expect(page.locator("label.catalog-sort")).to_contain_text(OLD_LABEL.strip())
    mark_document(page)
    others_before = served_files(WEB_DIR)

    source = SORT_SELECT.read_text()
    assert f'"{OLD_LABEL}"' in source, "the test's visible change no longer applies"
    try:
        SORT_SELECT.write_text(source.replace(f'"{OLD_LABEL}"', f'"{NEW_LABEL}"'))
        published = xtask_mfe("publish", "catalog")
    finally:
        SORT_SELECT.write_text(source)
    assert "published catalog" in published

    navigate_to_second_category(page)
    expect(slot).not_to_have_attribute("data-mfe-build", old_build)
    new_build = slot.get_attribute("data-mfe-build")
    expect(slot).to_have_attribute("data-mfe-version", version)
    expect(page.locator("label.catalog-sort")).to_contain_text(NEW_LABEL.strip())
    expect_same_document(page)
    assert served_files(WEB_DIR) == others_before, "publishing one MFE touched the shell or another MFE"

    listed = xtask_mfe("list")
    lines = [line for line in listed.splitlines() if line.startswith("catalog")]
    assert f"build {new_build}" in lines[0] and "live" in lines[0], listed
    assert any(f"build {old_build}" in line and "kept" in line for line in lines[1:]), listed

    xtask_mfe("rollback", "catalog")
    page.locator("nav.category-nav a").nth(2).click()
    expect(slot).to_have_attribute("data-mfe-build", old_build)
    expect(page.locator("label.catalog-sort")).to_contain_text(OLD_LABEL.strip())
    expect_same_document(page)
    assert page.errors == []
