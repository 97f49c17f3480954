"""The API's $default route: any unknown /api/* method or path gets a JSON 404, not a bare gateway error."""

from __future__ import annotations

import api_gateway as api


def handler(event: api.Event, context: object) -> api.Response:
    method = event.get("requestContext", {}).get("http", {}).get("method", "")
    path = event.get("rawPath", "")

    def work() -> api.Response:
        raise api.NotFound(f"no API route for {method} {path}")

    return api.run(event, work)
