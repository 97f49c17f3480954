"""Headless Debian Chromium driven by Playwright against a local runner of the suite's own."""

from __future__ import annotations

import os
import shutil
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.conftest import ROOT, Runner, local_runner

# CHROMIUM may name another Chromium-based browser (GitHub's runners ship Google Chrome).
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
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
SCREENSHOTS = ROOT / ".local" / "screenshots"
# axe-core from npm (tests/browser/package-lock.json), installed by `make browser-deps`.
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


def require(path: Path, message: str) -> None:
    """CI installs the browser test tools (.ci/run), so there a missing one is a failure; on a fresh laptop
    `make test` still runs everything else and says what was skipped."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


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


@dataclass
class Watch:
    """What a page did that a visitor would suffer from: console errors, failed requests, off-site calls."""

    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    off_site: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        def on_page(page: Page) -> None:
            page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
            page.on("pageerror", lambda e: self.errors.append(str(e)))

        context.on("page", on_page)
        context.on("requestfailed", lambda r: self.failed.append(f"{r.method} {r.url}: {r.failure}"))
        context.on(
            "request",
            lambda r: (
                urllib.parse.urlsplit(r.url).hostname not in ("127.0.0.1", "localhost", None)
                and not r.url.startswith(("data:", "blob:"))
                and self.off_site.append(r.url)
            ),
        )


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


def accessibility_problems(page: Page, axe: str) -> list[str]:
    """axe-core's WCAG 2.2 A/AA and best-practice violations on the page as it is now, one line each."""
    page.evaluate(axe)  # through DevTools, so the page's own Content-Security-Policy does not block it
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_RULES)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


def expect_clean(watch: Watch, allowed_errors: tuple[str, ...] = ()) -> None:
    errors = [e for e in watch.errors if not any(a in e for a in allowed_errors)]
    assert errors == [], f"console errors: {errors}"
    assert watch.failed == [], f"failed requests: {watch.failed}"
    assert watch.off_site == [], f"requests that left loopback: {watch.off_site}"
