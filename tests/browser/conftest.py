"""Headless Debian Chromium driven by Playwright against a local runner of the suite's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from local.background import Runner, local_runner
from tests.support.browser import CHROMIUM, Watch, require

# Flags for this sandbox: root without a user namespace, no GPU, and no calls home (the network is closed).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# axe-core from npm (tests/browser/package-lock.json), installed by `make browser-deps`.
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    require(
        Path(CHROMIUM), "Chromium is not installed: run `make browser-deps` (apt-get install chromium) or set CHROMIUM"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, chromium_sandbox=False)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site() -> Iterator[Runner]:
    """A runner per module, so each module starts with an empty table and a fresh owner."""
    with local_runner() as started:
        yield started


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def context(browser: Browser, watch: Watch) -> Iterator[BrowserContext]:
    ctx = browser.new_context(accept_downloads=True)
    ctx.set_default_timeout(10_000)
    watch.attach(ctx)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session")
def axe() -> str:
    require(AXE, "axe-core is not installed: run `make browser-deps` (npm ci in tests/browser)")
    return AXE.read_text()
