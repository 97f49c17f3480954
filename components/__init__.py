"""Pulumi components of the site, one per AWS concept. The handlers' folder is the Lambda package."""

from pathlib import Path

HANDLERS_DIR = Path(__file__).resolve().parent.parent / "handlers"


def handler_files() -> list[Path]:
    """The Lambda package's files: the handlers' Python sources, nothing else (no caches, no tests)."""
    return sorted(HANDLERS_DIR.glob("*.py"))
