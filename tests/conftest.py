"""Fixtures shared by every suite: the repository's paths and one moto emulator per test session."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

import components  # noqa: F401  (puts handlers/ on sys.path for every suite)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def emulator() -> Iterator[object]:
    """moto on loopback with the submissions table, and the environment the handlers read at import."""
    from local.emulator import Emulator

    emu = Emulator()
    emu.start()
    yield emu
    emu.stop()


@dataclass(frozen=True)
class Runner:
    url: str
    owner_email: str
    temporary_password: str


@contextmanager
def local_runner() -> Iterator[Runner]:
    """`python -m local` started as `make dev` starts it, on a free port; stopped with Ctrl-C at the end."""
    from local.emulator import free_port

    port = free_port()
    env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    for name in ("AWS_ENDPOINT_URL", "TABLE_NAME", "AWS_PROFILE"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "local"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    banner = [process.stdout.readline(), process.stdout.readline()]
    sign_in = re.search(r"dashboard\.html: (\S+) / (\S+)", banner[1])
    if f"http://127.0.0.1:{port}" not in banner[0] or not sign_in:
        process.kill()
        pytest.fail(f"the local runner did not start: {banner!r}")
    try:
        yield Runner(f"http://127.0.0.1:{port}", sign_in.group(1), sign_in.group(2))
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=15)
    assert code == 0, "Ctrl-C should stop the runner cleanly"


@pytest.fixture(scope="session")
def runner() -> Iterator[Runner]:
    with local_runner() as started:
        yield started
