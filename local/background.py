"""Starting `python -m local` as a separate process, as `make dev` does: for tests, load runs and fuzzing."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from handlers import env_names

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60
# Tests and scripts post far more from one address (127.0.0.1), and want each post emailed: they run with the
# per-visitor limits and the mailbox cap lifted unless they ask for make dev's own (the stack's defaults), as the
# visitor tests do.
LIFTED_LIMITS = {
    env_names.VISITOR_LIMIT: "1000000000",
    env_names.VISITOR_CEILING: "1000000000",
    env_names.NOTIFY_MAX_PER_HOUR: "1000000000",
}


@dataclass(frozen=True)
class Runner:
    url: str
    owner_email: str
    temporary_password: str  # "" when the owner's own password was kept from an earlier run


def start_runner(
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], object] | None = None,
    default_limits: bool = False,
) -> tuple[subprocess.Popen[str], Runner]:
    """`python -m local` on a free port, `env` added to its environment, once it has printed its banner; with
    `default_limits`, as make dev runs it, else with them lifted."""
    from local.emulator import free_port

    port = free_port()
    limits = {} if default_limits else LIFTED_LIMITS
    environment = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1", **limits, **(env or {})}
    fresh = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA", env_names.TABLE_NAME, "AWS_PROFILE", "LOCAL_DATA_DIR"]
    if default_limits:
        fresh += LIFTED_LIMITS  # make dev's limits, whatever this process was given
    for name in fresh:
        if name not in (env or {}):
            environment.pop(name, None)  # a fresh runner unless the caller asks otherwise
    process = subprocess.Popen(
        [sys.executable, "-m", "local"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        preexec_fn=preexec_fn,
    )
    stdout = process.stdout
    assert stdout is not None
    banner: list[str] = []
    # Read in a thread so a runner that hangs before its banner fails the caller instead of stalling it.
    reader = threading.Thread(target=lambda: banner.extend([stdout.readline(), stdout.readline()]), daemon=True)
    reader.start()
    reader.join(STARTUP_SECONDS)
    sign_in = (
        re.search(r"dashboard\.html: (\S+)(?: / (\S+)| with the password you chose)", banner[1])
        if len(banner) == 2
        else None
    )
    if not sign_in or f"http://127.0.0.1:{port}" not in banner[0]:
        process.kill()
        process.wait()
        raise RuntimeError(f"the local runner did not start within {STARTUP_SECONDS} s: {banner!r}")
    return process, Runner(f"http://127.0.0.1:{port}", sign_in.group(1), sign_in.group(2) or "")


@contextmanager
def local_runner(env: dict[str, str] | None = None, default_limits: bool = False) -> Iterator[Runner]:
    """A started runner; Ctrl-C (SIGINT) at the end must stop it cleanly within 15 s."""
    process, runner = start_runner(env, default_limits=default_limits)
    try:
        yield runner
    finally:
        process.send_signal(signal.SIGINT)
        code: int | None
        try:
            code = process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            code = None
    if code != 0:
        raise RuntimeError(f"Ctrl-C should stop the runner cleanly within 15 s; exit status {code}")
