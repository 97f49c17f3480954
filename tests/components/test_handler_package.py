"""The Lambda package: only the handlers' own source, a few KB, importing nothing but stdlib and boto3."""

from __future__ import annotations

import ast
import sys

from components import HANDLERS_DIR
from components.function import handler_archive
from scripts.bench import BUDGETS, zipped_bytes

ALLOWED_THIRD_PARTY = {"boto3", "botocore"}


def test_archive_holds_exactly_the_handler_sources() -> None:
    assert sorted(handler_archive().assets) == sorted(p.name for p in HANDLERS_DIR.glob("*.py"))


def test_zipped_handlers_stay_under_budget() -> None:
    size, budget = zipped_bytes(), BUDGETS["zip_bytes"]
    assert size <= budget, f"handlers zip is {size} bytes; the budget is {budget}"


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
