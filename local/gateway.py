"""An API Gateway v2 stand-in: matches the route table, builds payload-2.0 events, calls the handlers."""

from __future__ import annotations

import base64
import importlib
import json
import logging
import re
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from declarations.routes import DEFAULT_ROUTE, ROUTES, Route
from local.emulator import stack_default
from local.jwt_verify import InvalidToken, JwtVerifier

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
logger = logging.getLogger("ctd.local")
UNAUTHORIZED = b'{"message":"Unauthorized"}'


@dataclass(frozen=True)
class LambdaContext:
    """The attributes of Lambda's context object that handlers may read; the time left counts down from the
    stack's default function timeout (lambdaTimeoutSeconds), as Lambda's does."""

    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 256
    timeout_seconds: float = float(stack_default("lambdaTimeoutSeconds"))
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.started + self.timeout_seconds - time.monotonic()) * 1000))


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def _pattern(path: str) -> re.Pattern[str]:
    # {name} matches one segment, {name+} the rest of the path, as in API Gateway.
    regex = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(path))
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
    return re.compile(f"^{regex}$")


class Gateway:
    def __init__(self, verifier: JwtVerifier, routes: tuple[Route, ...] = ROUTES) -> None:
        self._verifier = verifier
        # API Gateway prefers the most specific route: literal paths before {param} ones.
        matchable = sorted((r for r in routes if r.path != DEFAULT_ROUTE), key=lambda r: r.path.count("{"))
        self._routes = [(r, _pattern(r.path)) for r in matchable]
        self._default = next(r for r in routes if r.path == DEFAULT_ROUTE)
        self._handlers: dict[str, Handler] = {}

    def _handler(self, route: Route) -> Handler:
        if route.handler not in self._handlers:
            module, function = route.handler.rsplit(".", 1)
            self._handlers[route.handler] = getattr(importlib.import_module(module), function)
        return self._handlers[route.handler]

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        for route, pattern in self._routes:
            found = pattern.match(path)
            if found and route.method == method:
                return route, found.groupdict()
        return self._default, {}

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str) -> Reply:
        url = urllib.parse.urlsplit(target)
        route, params = self.match(method, url.path)
        event = build_event(route, method, url, headers, body, source_ip, params)
        rid = event["requestContext"]["requestId"]
        if route.signed_in:
            try:
                claims = self._verifier.claims(event["headers"].get("authorization", ""))
            except InvalidToken as refused:
                # API Gateway's answer, word for word; the reason goes to the log only.
                logger.info("token refused", extra={"route": route.key, "request_id": rid, "reason": str(refused)})
                return Reply(401, {"content-type": "application/json", "www-authenticate": "Bearer"}, UNAUTHORIZED)
            event["requestContext"]["authorizer"] = {
                "jwt": {"claims": {k: str(v) for k, v in claims.items()}, "scopes": None}
            }
        context = LambdaContext(function_name=f"ctd-local-{route.name}", aws_request_id=str(uuid.uuid4()))
        try:
            result = self._handler(route)(event, context)
        except Exception:
            # API Gateway answers an integration failure with a bare 500; the runner keeps serving.
            logger.exception("handler raised", extra={"route": route.key, "request_id": rid})
            body = json.dumps({"message": "Internal Server Error", "request_id": rid}).encode()
            return Reply(500, {"content-type": "application/json"}, body)
        return to_reply(result)


def build_event(
    route: Route,
    method: str,
    url: urllib.parse.SplitResult,
    headers: dict[str, str],
    body: bytes,
    source_ip: str,
    params: dict[str, str],
) -> dict[str, Any]:
    lowered = {k.lower(): v for k, v in headers.items()}
    query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
    now = time.time()
    try:
        text, is_base64 = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, is_base64 = base64.b64encode(body).decode("ascii"), True
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": url.path,
        "rawQueryString": url.query,
        "headers": lowered,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": lowered.get("host", "127.0.0.1"),
            "http": {
                "method": method,
                "path": url.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex[:16],
            "routeKey": route.key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": is_base64,
    }
    if "cookie" in lowered:
        event["cookies"] = [c.strip() for c in lowered.pop("cookie").split(";")]
    if query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in query.items()}
    if params:
        event["pathParameters"] = params
    if body:
        event["body"] = text
    return event


def to_reply(result: dict[str, Any]) -> Reply:
    headers = {k.lower(): str(v) for k, v in (result.get("headers") or {}).items()}
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
    return Reply(int(result.get("statusCode", 200)), headers, body)
