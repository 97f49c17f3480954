"""Handlers against moto: a fresh submissions table per test, and API Gateway v2 events to call them with."""

from __future__ import annotations

import base64
import importlib
import json
import types
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local.emulator import TABLE_NAME, create_table_request


class Store:
    """The submissions table as the tests see it: what is stored, read straight from moto."""

    def __init__(self) -> None:
        self.client = boto3.client("dynamodb")

    def items(self) -> list[dict[str, Any]]:
        pages = self.client.get_paginator("scan").paginate(TableName=TABLE_NAME, ConsistentRead=True)
        return [{k: v.get("S", v.get("N")) for k, v in item.items()} for page in pages for item in page["Items"]]

    def stream_records(self) -> list[dict[str, Any]]:
        """Every record of the table's stream so far, as Lambda would hand them to the notify function."""
        streams = boto3.client("dynamodbstreams")
        arn = self.client.describe_table(TableName=TABLE_NAME)["Table"]["LatestStreamArn"]
        records = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            iterator = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )
            records += streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
        return records


@pytest.fixture
def store(emulator: object) -> Iterator[Store]:
    s = Store()
    s.client.delete_table(TableName=TABLE_NAME)
    s.client.create_table(**create_table_request(TABLE_NAME))
    yield s


@pytest.fixture
def contact(store: Store) -> types.ModuleType:
    """The contact handler module, imported once the emulator's environment is in place."""
    return importlib.import_module("contact")


def api_event(
    body: str | bytes | dict[str, Any] | list[Any] | None,
    content_type: str = "application/json",
    method: str = "POST",
    path: str = "/api/contact",
    base64_body: bool = False,
) -> dict[str, Any]:
    if isinstance(body, dict | list):
        body = json.dumps(body)
    raw = body.encode() if isinstance(body, str) else body
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "headers": {"content-type": content_type} if content_type else {},
        "requestContext": {"requestId": uuid.uuid4().hex[:16], "http": {"method": method, "path": path}},
        "isBase64Encoded": base64_body,
    }
    if raw is not None:
        event["body"] = base64.b64encode(raw).decode() if base64_body else raw.decode("utf-8", "surrogateescape")
    return event


def valid_fields(**overrides: str) -> dict[str, str]:
    fields = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "message": "Hello"}
    fields.update(overrides)
    return fields
