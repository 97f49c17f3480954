"""An HTTP client for the local runner that shows redirects and error statuses instead of following or raising."""

from __future__ import annotations

import urllib.error
import urllib.request
from http.client import HTTPResponse


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
