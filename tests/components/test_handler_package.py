"""The Lambda package: only the handlers' own source, a few KB, importing nothing but stdlib and boto3."""

from __future__ import annotations

import ast
import io
import sys
import zipfile

from components import HANDLERS_DIR
from components.function import handler_archive

BUDGET_BYTES = 16 * 1024
ALLOWED_THIRD_PARTY = {"boto3", "botocore"}


def zipped_size() -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, asset in handler_archive().assets.items():
            archive.write(asset.path, name)
    return len(buffer.getvalue())


def test_archive_holds_exactly_the_handler_sources() -> None:
    assert sorted(handler_archive().assets) == sorted(p.name for p in HANDLERS_DIR.glob("*.py"))


def test_zipped_handlers_stay_under_budget() -> None:
    size = zipped_size()
    assert size <= BUDGET_BYTES, f"handlers zip is {size} bytes; the budget is {BUDGET_BYTES}"


def test_handlers_import_only_stdlib_boto3_and_each_other() -> None:
    local = {p.stem for p in HANDLERS_DIR.glob("*.py")}
    for path in HANDLERS_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                allowed = top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY or top in local
                assert allowed, f"{path.name} imports {name}, which the Lambda runtime does not ship"
