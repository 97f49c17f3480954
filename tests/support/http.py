"""An HTTP client for the local runner that shows redirects and error statuses instead of following or raising."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPResponse
from typing import Any


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


opener = urllib.request.build_opener(NoRedirect)


def request(
    url: str,
    data: bytes | None = None,
    content_type: str = "",
    method: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTTPResponse:
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if content_type:
        req.add_header("content-type", content_type)
    try:
        return opener.open(req, timeout=10)
    except urllib.error.HTTPError as error:
        return error  # type: ignore[return-value]


class Visitor:
    """One browser's connection to the site, from its own loopback address (the runner, like CloudFront, knows a
    visitor by the connection's address)."""

    def __init__(self, site_url: str, address: str, headers: dict[str, str] | None = None) -> None:
        url = urllib.parse.urlsplit(site_url)
        assert url.hostname and url.port
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30, source_address=(address, 0))
        self.headers = headers or {}

    def send(self, fields: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Post the contact form's `fields`: the status and the JSON answer."""
        self.connection.request(
            "POST", "/api/contact", json.dumps(fields), {"content-type": "application/json", **self.headers}
        )
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")

    def post(self, first_name: str) -> int:
        body = {"first_name": first_name, "last_name": "Lovelace", "email": "ada@example.com", "message": "Hello"}
        return self.send(body)[0]
