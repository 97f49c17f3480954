"""Lighthouse (pinned in tests/browser/package-lock.json) scores every page 100 for accessibility and best
practices, in Debian's Chromium against the module's runner. The signed-in dashboard views are checked by
axe-core in the other browser tests: Lighthouse's command line cannot sign in."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from local.background import Runner
from tests.support.browser import CHROMIUM, PAGES, require

LIGHTHOUSE = Path(__file__).parent / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices")


# Lighthouse refuses to audit a 404, so the not-found page (and the contact form's error page's shell) is
# audited at its own address, where it is served with 200.
AUDITED = [path if path != "/no-such-page" else "/error.html" for path in PAGES]


@pytest.mark.parametrize("path", AUDITED)
def test_lighthouse_scores_every_page_100(site: Runner, path: str) -> None:
    require(LIGHTHOUSE, "Lighthouse is not installed: run `make browser-deps` (npm ci in tests/browser)")
    run = subprocess.run(
        [
            str(LIGHTHOUSE),
            site.url + path,
            f"--chrome-path={CHROMIUM}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    failing = [
        f"{category}: {report['audits'][ref['id']]['title']}"
        for category in CATEGORIES
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"] and (report["audits"][ref["id"]]["score"] or 0) < 1
    ]
    scores = {category: report["categories"][category]["score"] for category in CATEGORIES}
    assert scores == {category: 1 for category in CATEGORIES}, failing
