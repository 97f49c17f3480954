"""Every page in Chromium: axe-core's accessibility rules, visible focus, weight; and screenshots to look at."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Page

from local.background import Runner
from tests.support.browser import PAGES, SCREENSHOTS, Watch, accessibility_problems, expect_clean

PAGE_BUDGET_BYTES = 50 * 1024  # everything but images, as transferred
IMAGE_BUDGET_BYTES = 100 * 1024

WEIGHT_JS = """
() => {
  const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
  const size = (e) => e.transferSize || e.encodedBodySize || 0;
  const image = (e) => e.initiatorType === "img" || /\\.(svg|png|jpe?g|webp|gif|ico)$/.test(e.name);
  return {
    pageBytes: entries.filter((e) => !image(e)).reduce((sum, e) => sum + size(e), 0),
    images: entries.filter(image).map((e) => [e.name, size(e)]),
  };
}
"""


@pytest.mark.parametrize("path", PAGES)
def test_page_is_accessible_and_light(page: Page, site: Runner, watch: Watch, axe: str, path: str) -> None:
    page.goto(site.url + path)
    page.wait_for_load_state("networkidle")
    weight = page.evaluate(WEIGHT_JS)  # before axe is added to the page
    assert accessibility_problems(page, axe) == []
    # Kept for the record (docs and notes quote it): .local/page-weights/<page>.json
    record = SCREENSHOTS.parent / "page-weights" / f"{path.strip('/').replace('/', '_') or 'index'}.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"path": path, **weight}))
    assert 0 < weight["pageBytes"] <= PAGE_BUDGET_BYTES, weight
    for name, size in weight["images"]:
        assert size <= IMAGE_BUDGET_BYTES, f"{name} is {size} bytes"
    expect_clean(watch, allowed_errors=("status of 404",) if path == "/no-such-page" else ())


def test_field_errors_are_accessible(page: Page, site: Runner, axe: str) -> None:
    page.goto(site.url + "/contact.html")
    page.get_by_label("Email").fill("ada@")
    page.get_by_role("button", name="Send message").click()
    page.locator("#email-error").wait_for()
    assert accessibility_problems(page, axe) == []


def test_keyboard_focus_is_always_visible(page: Page, site: Runner) -> None:
    page.goto(site.url + "/contact.html")
    stops = page.evaluate(
        "document.querySelectorAll('a[href], input:not([type=hidden]):not([tabindex=\"-1\"]), textarea, button').length"
    )
    assert stops >= 10
    for _ in range(stops):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; })()"
        )
        assert outline[1] != "none" and outline[2] != "0px", f"focus on {outline[0]} is invisible"


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots(browser: Browser, site: Runner, width: int) -> None:
    """Home, contact with an error shown, thank-you and dashboard, written to .local/screenshots/ to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    for name, path in (("home", "/"), ("thanks", "/thanks.html"), ("dashboard", "/dashboard.html")):
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.goto(site.url + "/contact.html")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Email").fill("ada@")
    page.get_by_role("button", name="Send message").click()
    page.locator("#email-error").wait_for()
    page.screenshot(path=SCREENSHOTS / f"contact-error-{width}.png", full_page=True)
    context.close()
    for name in ("home", "thanks", "dashboard", "contact-error"):
        assert (SCREENSHOTS / f"{name}-{width}.png").stat().st_size > 1000
