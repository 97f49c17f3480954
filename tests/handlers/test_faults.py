"""Faults between a handler and DynamoDB: timeouts, throttling, outages; and the client's bounds."""

from __future__ import annotations

import importlib
import socket
import threading
import types
import uuid
from collections.abc import Iterator

import boto3
import pytest
import yaml

from local.faults import FAULTS
from tests.support.handler_events import Store, api_event, call, valid_fields
from tests.support.paths import ROOT


def worst_case_seconds(config) -> float:
    attempts = config.retries["total_max_attempts"]  # the first try included
    # Standard mode backs off at most 2^(n-1) s before retry n (capped at 20 s).
    backoff = sum(min(2 ** (n - 1), 20) for n in range(1, attempts))
    return attempts * (config.connect_timeout + config.read_timeout) + backoff


def test_client_gives_up_before_the_shortest_function_timeout(contact: types.ModuleType) -> None:
    # The stack's settings need Pulumi, which make test-lambda-python's environment leaves out.
    settings = pytest.importorskip("components.settings", reason="the stack's settings need Pulumi")
    config = contact.dynamodb_client.BOTO_CONFIG
    assert config.retries["mode"] == "standard"
    assert worst_case_seconds(config) < settings.MIN_FUNCTION_TIMEOUT
    default = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]["lambdaTimeoutSeconds"]["default"]
    assert default >= settings.MIN_FUNCTION_TIMEOUT


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A TCP server that accepts connections and never answers: DynamoDB hanging."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_hanging_store_answers_503_and_the_retry_stores_one(
    contact: types.ModuleType, store: Store, silent_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hanging = boto3.client("dynamodb", endpoint_url=silent_endpoint, config=contact.dynamodb_client.BOTO_CONFIG)
    monkeypatch.setattr(contact.dynamodb_client, "dynamodb", hanging)
    sid = str(uuid.uuid4())
    status, headers, body = call(contact.handler, api_event(valid_fields(submission_id=sid)))
    assert status == 503 and headers["retry-after"] and body["error"]["code"] == "Unavailable"
    assert store.items() == []
    monkeypatch.undo()
    assert call(contact.handler, api_event(valid_fields(submission_id=sid)))[0] == 201
    assert call(contact.handler, api_event(valid_fields(submission_id=sid)))[0] == 201
    assert [i["id"] for i in store.items()] == [sid]


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_each_local_fault_names_a_handler_client_that_exists(store: Store, name: str) -> None:
    """The runner's faults find their client by module name; a renamed module must fail here, not in a browser."""
    fault = FAULTS[name]
    assert hasattr(importlib.import_module(fault.module), fault.client), fault
