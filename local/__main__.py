"""`python -m local`: run the whole site on http://127.0.0.1:$PORT until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from local.server import LocalSite, configure_logging

DATA_FOLDER_VARIABLE = "LOCAL_DATA_DIR"

SIGNAL_CHECK_SECONDS = 0.2


def main() -> int:
    parser = argparse.ArgumentParser(description="Run Connecting The Dots locally, AWS emulated by moto.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="default: $PORT or 8000")
    parser.add_argument(
        "--allowed-origin",
        action="append",
        default=[o for o in os.environ.get("ALLOWED_ORIGINS", "").split(",") if o],
        help="another site whose scripts may post the form, like allowedOrigins (default: $ALLOWED_ORIGINS)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=os.environ.get(DATA_FOLDER_VARIABLE) or None,
        help=f"keep enquiries and the owner's password here across restarts (default: ${DATA_FOLDER_VARIABLE},"
        " which make dev sets to .local/data); without it everything starts afresh",
    )
    args = parser.parse_args()
    configure_logging()
    try:
        site = LocalSite(port=args.port, allowed_origins=tuple(args.allowed_origin), data_folder=args.data).start()
    except OSError as error:
        print(f"cannot listen on 127.0.0.1:{args.port}: {error.strerror}; try PORT=8123 make dev", file=sys.stderr)
        return 1
    owners = site.emulator.owners
    # Set explicitly: a process started in the background inherits SIGINT as ignored, and Python then
    # never raises KeyboardInterrupt. SIGTERM (docker stop, systemd, kill) stops it the same way.
    # SIGHUP too: closing the terminal then stops it the same way, and the kept data is written.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.default_int_handler)
    try:
        print(f"Connecting The Dots is running at {site.url}  (Ctrl-C stops it)", flush=True)
        if owners.temporary_password:
            print(
                f"Owner sign-in at {site.url}/dashboard.html: {owners.owner_email} / {owners.temporary_password}"
                " (a temporary password: you will be asked to choose a new one)",
                flush=True,
            )
        else:
            print(
                f"Owner sign-in at {site.url}/dashboard.html: {owners.owner_email} with the password you chose"
                f" (kept in {args.data}; make reset starts afresh)",
                flush=True,
            )
        if site.bot_check_mode:  # after the two lines above, which scripts read (local/background.py)
            mode = site.bot_check_mode
            print(f"The bot check is on: Turnstile's local stand-in with its '{mode}' test keys", flush=True)
        while True:
            # Short sleeps, not one long wait: the kernel may deliver the signal to a server thread, and
            # Python runs the handler only when the main thread next wakes.
            time.sleep(SIGNAL_CHECK_SECONDS)
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
