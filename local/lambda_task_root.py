"""Lambda's task root, as the local runner emulates it: the handlers' folder on sys.path, where they import
each other by bare name (`import api_gateway`), exactly as in the deployed package. The one place that does this."""

from __future__ import annotations

import sys

from components import HANDLERS_DIR


def enter() -> None:
    if str(HANDLERS_DIR) not in sys.path:
        sys.path.insert(0, str(HANDLERS_DIR))
