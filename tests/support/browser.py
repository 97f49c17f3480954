"""What the browser tests share: the Chromium they drive, the pages they check, and what a page did that a visitor
would suffer from, with axe-core's verdict."""

from __future__ import annotations

import os
import shutil
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.support.paths import ROOT

# CHROMIUM may name another Chromium-based browser (GitHub's runners ship Google Chrome).
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / ".local" / "screenshots"
# Every kind of page the site serves, checked by the page-quality and Lighthouse tests.
PAGES = ["/", "/contact.html", "/thanks.html", "/dashboard.html", "/no-such-page"]
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


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


def accessibility_problems(page: Page, axe: str) -> list[str]:
    """axe-core's WCAG 2.2 A/AA and best-practice violations on the page as it is now, one line each."""
    page.evaluate(axe)  # through DevTools, so the page's own Content-Security-Policy does not block it
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_RULES)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


def expect_clean(watch: Watch, allowed_errors: tuple[str, ...] = (), downloaded: tuple[str, ...] = ()) -> None:
    """No console errors but `allowed_errors`, no failed request, nothing off loopback. A navigation that turned into
    one of the `downloaded` URLs' downloads is one Chromium ends as aborted: that is no failure."""
    errors = [e for e in watch.errors if not any(a in e for a in allowed_errors)]
    assert errors == [], f"console errors: {errors}"
    failed = [f for f in watch.failed if f not in {f"GET {url}: net::ERR_ABORTED" for url in downloaded}]
    assert failed == [], f"failed requests: {failed}"
    assert watch.off_site == [], f"requests that left loopback: {watch.off_site}"


def require(path: Path, message: str) -> None:
    """CI installs the browser test tools (.ci/run), so there a missing one is a failure; on a fresh laptop
    `make test` still runs everything else and says what was skipped."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
