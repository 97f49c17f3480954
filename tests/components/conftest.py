"""Fixtures of the infrastructure tests: the program as declared for each stack, and with everything on."""

from __future__ import annotations

import pytest

from tests.support.mocked_program import Program, declared_program


@pytest.fixture(scope="module", params=["dev", "prod"])
def program(request: pytest.FixtureRequest) -> Program:
    """The whole program as declared for each real stack."""
    return declared_program(request.param)


@pytest.fixture(scope="module")
def everything() -> Program:
    """The prod stack with every optional feature configured."""
    return declared_program("prod-everything")
