"""Fault injection for the local runner: make DynamoDB 'unavailable' to the handlers, from outside their code.

POST /__local/faults {"dynamodb": "unavailable"} turns it on, {"dynamodb": "ok"} off. The handlers are
untouched: the runner hooks their boto3 client's events, as an outage would look to them.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions

import components  # noqa: F401  (puts handlers/ on sys.path)

PATH = "/__local/faults"
MODES = ("ok", "unavailable")


class Faults:
    def __init__(self) -> None:
        self.dynamodb = "ok"
        self._hooked: set[int] = set()

    def _fail(self, model: Any, **kwargs: Any) -> None:
        if self.dynamodb == "unavailable":
            raise botocore.exceptions.ClientError(
                {
                    "Error": {"Code": "ServiceUnavailable", "Message": "injected by the local runner"},
                    "ResponseMetadata": {"HTTPStatusCode": 503},
                },
                model.name,
            )

    def hook(self) -> None:
        """Attach to the handlers' shared DynamoDB client (once it has been imported)."""
        import store

        if id(store.dynamodb) not in self._hooked:
            store.dynamodb.meta.events.register("before-call.dynamodb.*", self._fail)
            self._hooked.add(id(store.dynamodb))

    def apply(self, body: bytes) -> tuple[int, dict[str, str]]:
        try:
            wanted = json.loads(body).get("dynamodb")
        except (ValueError, AttributeError):
            wanted = None
        if wanted not in MODES:
            return 400, {"error": f'send {{"dynamodb": one of {", ".join(MODES)}}}'}
        self.hook()
        self.dynamodb = wanted
        return 200, {"dynamodb": self.dynamodb}
