"""A short, seeded schemathesis run against a runner of its own: no 5xx, every answer as documented."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from declarations.openapi import document
from declarations.routes import DEFAULT_ROUTE, ROUTES
from local import owner_session
from local.background import Runner, local_runner
from scripts.fuzz_api import run_schemathesis
from tests.support.http import request


@pytest.fixture(scope="module")
def fuzz_site() -> Iterator[Runner]:
    with local_runner() as site:
        yield site


def test_openapi_document_covers_every_route_and_is_served(fuzz_site: Runner) -> None:
    served = json.loads(request(fuzz_site.url + "/api/openapi.json").read())
    assert served == document()
    documented = {f"{method.upper()} {path}" for path, ops in served["paths"].items() for method in ops}
    assert documented == {r.key for r in ROUTES if r.path != DEFAULT_ROUTE}


def test_fuzzing_finds_no_server_error_or_undocumented_answer(fuzz_site: Runner) -> None:
    token = owner_session.sign_in(fuzz_site.url, fuzz_site.owner_email, fuzz_site.temporary_password)
    result = run_schemathesis(fuzz_site.url, token, examples=8, seed=20261124)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "Authentication failed" not in result.stdout
