"""The handlers' side of the tests: the table as moto holds it, and the events and fields to call them with."""

from __future__ import annotations

import base64
import json
import urllib.parse
from typing import Any

import boto3

from declarations.routes import DEFAULT_ROUTE, ROUTES
from local import edge
from local.emulator import TABLE_NAME
from local.gateway import LambdaContext, build_event
from local.stream_poller import StreamReader

DEFAULT = next(r for r in ROUTES if r.path == DEFAULT_ROUTE)
# What Chromium sends when the browser itself posts a form (a navigation), as opposed to fetch's */*.
BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)


class Store:
    """The submissions table as the tests see it: what is stored, read straight from moto."""

    def __init__(self) -> None:
        self.client = boto3.client("dynamodb")

    def items(self) -> list[dict[str, Any]]:
        pages = self.client.get_paginator("scan").paginate(TableName=TABLE_NAME, ConsistentRead=True)
        return [{k: v.get("S", v.get("N")) for k, v in item.items()} for page in pages for item in page["Items"]]

    def stream_records(self) -> list[dict[str, Any]]:
        """Every record of the table's stream so far, as Lambda would hand them to the notify function."""
        return StreamReader(TABLE_NAME).read()


def api_event(
    body: str | bytes | dict[str, Any] | list[Any] | None,
    content_type: str = "application/json",
    method: str = "POST",
    path: str = "/api/contact",
    base64_body: bool = False,
    headers: dict[str, str] | None = None,
    visitor: str | None = "127.0.0.1",
) -> dict[str, Any]:
    """The API Gateway v2 event the local runner would hand the handler (one builder for runner and tests): sent
    through the site's edge by `visitor`, or straight to API Gateway's own address when `visitor` is None."""
    if isinstance(body, dict | list):
        body = json.dumps(body)
    raw = body.encode() if isinstance(body, str) else body
    route = next((r for r in ROUTES if r.key == f"{method} {path}"), DEFAULT)
    sent = {**({"content-type": content_type} if content_type else {}), **(headers or {})}
    if visitor is not None:
        sent = edge.forwarded_headers(sent, visitor)
    url = urllib.parse.urlsplit(path)
    event = build_event(route, method, url, sent, raw or b"", "127.0.0.1", {})
    if raw is not None and "body" not in event:
        event["body"] = ""  # an empty body sent, as API Gateway passes it
    if base64_body and raw is not None and not event["isBase64Encoded"]:
        event["body"], event["isBase64Encoded"] = base64.b64encode(raw).decode(), True
    return event


def browser_form_post(fields: dict[str, str] | str | bytes) -> dict[str, Any]:
    """A form post as the browser itself makes it, without JavaScript: url-encoded, asking for a page."""
    body = urllib.parse.urlencode(fields) if isinstance(fields, dict) else fields
    return api_event(body, "application/x-www-form-urlencoded", headers={"accept": BROWSER_ACCEPT})


def valid_fields(**overrides: str) -> dict[str, str]:
    fields = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "message": "Hello"}
    fields.update(overrides)
    return fields


# The claims API Gateway's JWT authorizer passes for a signed-in owner.
OWNER_CLAIMS = {"sub": "owner-sub-1", "token_use": "access"}


def owner_event(method: str, path: str, query: dict | None = None, params: dict | None = None, body=None) -> dict:
    """An owner route's event, as the gateway passes it once the owner's token is checked."""
    event = api_event(body, "application/json" if body is not None else "", method=method, path=path)
    event["requestContext"]["authorizer"] = {"jwt": {"claims": OWNER_CLAIMS, "scopes": None}}
    if query:
        event["queryStringParameters"] = query
    if params:
        event["pathParameters"] = params
    return event


def call(handler: Any, event: dict) -> tuple[int, dict, dict]:
    """A handler's answer (given a context as Lambda's, with the stack's default timeout): status, headers, and the
    JSON body ({} for any other body)."""
    response = handler(event, LambdaContext("test", "test"))
    json_body = response["headers"].get("content-type", "").startswith("application/json")
    return response["statusCode"], response["headers"], json.loads(response["body"]) if json_body else {}


def exported(body: dict[str, str] | None = None, wait_seconds: float = 60) -> tuple[dict[str, Any], str]:
    """An export of a view run to its end as the dashboard runs it: started, followed until it is no longer
    running, and (when done) its file downloaded by the answered link. Returns the last answer and the file."""
    import importlib
    import time
    import urllib.request

    exports = importlib.import_module("exports")
    status, _, started = call(exports.start, owner_event("POST", "/api/submissions/exports", body=body or {}))
    assert status == 202, started
    job = started["export"]
    deadline = time.monotonic() + wait_seconds
    while job["state"] == "running":
        assert time.monotonic() < deadline, f"the export is still running after {wait_seconds} s: {job}"
        time.sleep(0.05)
        path = f"/api/submissions/exports/{job['id']}"
        status, _, answer = call(exports.progress, owner_event("GET", path, params={"id": job["id"]}))
        assert status == 200, answer
        job = answer["export"]
    if job["state"] != "done":
        return job, ""
    with urllib.request.urlopen(job["url"]) as response:
        return job, response.read().decode("utf-8")
