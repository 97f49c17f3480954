"""Fixtures shared by every suite: the repository's paths and one moto emulator per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import components  # noqa: F401  (puts handlers/ on sys.path for every suite)
from local.background import Runner, local_runner

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def emulator() -> Iterator[object]:
    """moto on loopback with the submissions table, and the environment the handlers read at import."""
    from local.emulator import Emulator

    emu = Emulator()
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def runner() -> Iterator[Runner]:
    with local_runner() as started:
        yield started
