"""The $default route: unknown API paths and methods get the standard JSON error."""

from __future__ import annotations

import json

import not_found
from tests.support.handler_events import api_event


def test_unknown_route_is_a_json_404_naming_it() -> None:
    response = not_found.handler(api_event(None, method="GET", path="/api/nope"), None)
    body = json.loads(response["body"])
    assert response["statusCode"] == 404
    assert body["error"] == {"code": "NotFound", "message": "no API route for GET /api/nope"}
    assert body["request_id"]
