"""Pulumi components of the site. The handlers folder is put on sys.path so its schemas are shared."""

import sys
from pathlib import Path

HANDLERS_DIR = Path(__file__).resolve().parent.parent / "handlers"
if str(HANDLERS_DIR) not in sys.path:
    sys.path.insert(0, str(HANDLERS_DIR))


def handler_files() -> list[Path]:
    """The Lambda package's files: the handlers' Python sources, nothing else (no caches, no tests)."""
    return sorted(HANDLERS_DIR.glob("*.py"))
