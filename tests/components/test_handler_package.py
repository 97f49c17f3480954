"""The Lambda package: only the handlers' own source, a few KB, importing nothing but stdlib and boto3."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from components import HANDLERS_DIR, handler_files
from components.function import LAMBDA_RUNTIME, handler_archive
from scripts.bench import LAMBDA_ENV, READ_ONLY_ENV, handler_modules, task_root, zip_budget, zipped_bytes
from tests.support.paths import ROOT

ALLOWED_THIRD_PARTY = {"boto3", "botocore"}


def test_each_function_ships_only_the_modules_it_imports() -> None:
    assert handler_modules() == [
        "contact",
        "daily_counts",
        "export_job",
        "exports",
        "indexer",
        "not_found",
        "notify",
        "owner",
        "search",
    ]
    assert sorted(handler_archive("not_found.handler").assets) == [
        "api_gateway.py",
        "edge.py",
        "env_names.py",
        "not_found.py",
    ]
    assert "notify.py" not in handler_archive("contact.handler").assets
    assert "contact.py" not in handler_archive("owner.list_submissions").assets
    assert "csv_export.py" not in handler_archive("search.handler").assets
    # Starting and following an export needs no table: its package has no DynamoDB client.
    assert "dynamodb_client.py" not in handler_archive("exports.start").assets
    # Only the contact function checks posts; the others read the form's declaration alone.
    assert [m for m in handler_modules() if "form_validation.py" in handler_archive(f"{m}.handler").assets] == [
        "contact"
    ]
    shipped = {p.name for module in handler_modules() for p in handler_files(module)}
    assert shipped == {p.name for p in HANDLERS_DIR.glob("*.py")}, "a handler module no function runs"


@pytest.mark.parametrize("module", handler_modules())
def test_a_package_alone_imports_its_handler(module: str) -> None:
    """What Lambda does at a cold start, with nothing but the package's files in the task root (the same
    directory `make bench` times the cold start in)."""
    with task_root(module) as package:
        # No user site; boto3 comes from the venv as in Lambda.
        code = f"import sys; sys.path[:0] = [{str(package)!r}]; import {module}; print({module}.__file__)"
        env = {**LAMBDA_ENV, **READ_ONLY_ENV, "PYTHONNOUSERSITE": "1"}
        done = subprocess.run([sys.executable, "-c", code], cwd=package, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == str(package / f"{module}.py")
        assert sorted(p.name for p in package.iterdir()) == sorted(p.name for p in handler_files(module))


@pytest.mark.parametrize("module", handler_modules())
def test_each_function_zip_stays_under_budget(module: str) -> None:
    size, budget = zipped_bytes(module), zip_budget(module)
    assert size <= budget, f"{module}'s zip is {size} bytes; the budget is {budget}"


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


def test_the_handler_tests_run_again_on_the_functions_python() -> None:
    """make test-lambda-python finds the Python the functions run on."""
    makefile = (ROOT / "Makefile").read_text()
    definition = makefile[makefile.index("LAMBDA_PYTHON ?=") : makefile.index("LAMBDA_VENV :=")]
    versions = set(re.findall(r"python(3\.\d+)", definition)) | set(re.findall(r"versions/(3\.\d+)", definition))
    assert versions == {LAMBDA_RUNTIME.removeprefix("python")}


def ci_with_make(tmp_path: Path, failing: str) -> tuple[int, list[str], str]:
    """.ci/run with a `make` that records each target and fails `failing`: its exit code, the targets, its output."""
    tmp_path.mkdir()
    fake = tmp_path / "make"
    fake.write_text(f'#!/bin/sh\necho "$1" >> {tmp_path}/targets\necho "ran $1"\n[ "$1" != "{failing}" ]\n')
    fake.chmod(0o755)
    environment = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "CI": "true"}
    done = subprocess.run(["bash", str(ROOT / ".ci/run")], env=environment, capture_output=True, text=True)
    targets = (tmp_path / "targets").read_text().split() if (tmp_path / "targets").exists() else []
    return done.returncode, targets, done.stdout


@pytest.mark.parametrize("beside", ["test-lambda-python", "lint"])
def test_ci_runs_every_suite_and_a_failure_beside_the_install_stops_it(tmp_path: Path, beside: str) -> None:
    """CI runs the handler tests on Lambda's Python and the lint beside the system packages' install, shows what
    each printed, and a failure of either stops CI before the main suite; otherwise every target runs, the main
    suite last."""
    status, targets, _ = ci_with_make(tmp_path / "passing", "none")
    assert status == 0 and sorted(targets) == sorted(["test-lambda-python", "browser-deps", "spreadsheet-deps",
                                                       "test", "lint"])  # fmt: skip
    assert targets[-1] == "test"
    status, targets, printed = ci_with_make(tmp_path / "failing", beside)
    assert status != 0 and "test" not in targets and f"ran {beside}" in printed
