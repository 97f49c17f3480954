"""Fixtures shared by every suite: one moto emulator per test session, and one local runner."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.background import Runner, local_runner


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
