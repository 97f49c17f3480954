"""Fault injection for the local runner: make AWS fail the handlers, from outside their code.

POST /__local/faults {"dynamodb": "unavailable"} makes DynamoDB answer 503 to the handlers;
{"email": "rejected"} makes SES refuse the notify function's emails as the SES sandbox does;
"ok" turns either off. The handlers are untouched: the runner hooks their boto3 clients' events,
as an outage would look to them.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from typing import Any

import botocore.exceptions

PATH = "/__local/faults"


@dataclass(frozen=True)
class Fault:
    mode: str  # the value that turns it on; "ok" turns it off
    module: str  # the handler module holding the client, and its attribute
    client: str
    event: str  # the botocore event to fail
    code: str
    status: int


FAULTS = {
    "dynamodb": Fault(
        "unavailable", "dynamodb_client", "dynamodb", "before-call.dynamodb.*", "ServiceUnavailable", 503
    ),
    "email": Fault("rejected", "notify", "ses", "before-call.sesv2.SendEmail", "MessageRejected", 400),
}


class Faults:
    def __init__(self) -> None:
        self.modes = {name: "ok" for name in FAULTS}
        self._hooked: set[int] = set()

    def _hook(self, name: str) -> None:
        """Attach to the handlers' shared client (imported by now: the runner has started)."""
        fault = FAULTS[name]
        client = getattr(importlib.import_module(fault.module), fault.client)
        if client is not None and id(client) not in self._hooked:
            client.meta.events.register(fault.event, lambda model, **_: self._fail(name, model))
            self._hooked.add(id(client))

    def _fail(self, name: str, model: Any) -> None:
        fault = FAULTS[name]
        if self.modes[name] == fault.mode:
            raise botocore.exceptions.ClientError(
                {
                    "Error": {"Code": fault.code, "Message": "injected by the local runner"},
                    "ResponseMetadata": {"HTTPStatusCode": fault.status},
                },
                model.name,
            )

    def apply(self, content_type: str, body: bytes) -> tuple[int, dict[str, str]]:
        if content_type.split(";")[0].strip().lower() != "application/json":
            return 415, {"error": "send application/json (content-type), so no other page can change faults"}
        try:
            wanted = json.loads(body)
        except ValueError:
            wanted = None
        allowed = {name: ("ok", fault.mode) for name, fault in FAULTS.items()}
        if (
            not isinstance(wanted, dict)
            or not wanted
            or any(name not in allowed or mode not in allowed[name] for name, mode in wanted.items())
        ):
            choices = "; ".join(f'"{name}": "{modes[0]}" or "{modes[1]}"' for name, modes in allowed.items())
            return 400, {"error": f"send a JSON object with any of {choices}"}
        for name, mode in wanted.items():
            self._hook(name)
            self.modes[name] = mode
        return 200, dict(self.modes)
