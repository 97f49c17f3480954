"""The site's third-party browser code: www/vendor/ holds exactly the files of the packages vendor/package-lock.json
pins (installed by `make browser-deps`), so what ships is what the lockfile's integrity hash vouches for."""

from __future__ import annotations

import json
import os

import pytest

from tests.support.paths import ROOT

VENDOR = ROOT / "vendor"
# Each shipped file and the package file it is a copy of (the Makefile's `vendor` target copies them).
COPIES = {
    "www/vendor/uqr.js": "vendor/node_modules/uqr/dist/index.mjs",
    "www/vendor/uqr-LICENSE.txt": "vendor/node_modules/uqr/LICENSE",
}


def test_the_lockfile_pins_each_package_by_version_and_integrity() -> None:
    wanted = json.loads((VENDOR / "package.json").read_text())["dependencies"]
    locked = json.loads((VENDOR / "package-lock.json").read_text())["packages"]
    for name, version in wanted.items():
        entry = locked[f"node_modules/{name}"]
        assert entry["version"] == version and entry["integrity"].startswith("sha512-"), name
    makefile = (ROOT / "Makefile").read_text()
    for shipped, source in COPIES.items():
        assert f"cp {source} {shipped}" in makefile, "the Makefile's vendor target makes each copy"


@pytest.mark.parametrize(("shipped", "source"), COPIES.items())
def test_the_shipped_copy_is_the_pinned_packages_file(shipped: str, source: str) -> None:
    installed = VENDOR / "node_modules" / "uqr" / "package.json"
    if not installed.exists():
        message = "vendor/ is not installed: run `make browser-deps` (npm ci --prefix vendor)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    assert (
        json.loads(installed.read_text())["version"]
        == json.loads((VENDOR / "package.json").read_text())["dependencies"]["uqr"]
    )
    assert (ROOT / shipped).read_bytes() == (ROOT / source).read_bytes(), f"{shipped} differs: run `make vendor`"
