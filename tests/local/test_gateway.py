"""The runner's API Gateway stand-in: a handler that raises becomes a 500 with the request id; serving goes on."""

from __future__ import annotations

import json

from declarations.routes import ROUTES, Route
from local import edge
from local.gateway import Gateway
from local.jwt_verify import JwtVerifier


def test_a_crashing_handler_is_a_500_and_the_gateway_keeps_serving(emulator: object) -> None:
    crash = Route("crash", "GET", "/api/crash", "tests.local.crashing_handler.handler", False, ())
    gateway = Gateway(JwtVerifier("http://127.0.0.1:9/unused", "", ""), routes=(crash, *ROUTES))
    reply = gateway.handle("GET", "/api/crash", {}, b"", "127.0.0.1")
    body = json.loads(reply.body)
    assert reply.status == 500 and body["request_id"] and "boom" not in reply.body.decode()
    again = gateway.handle("GET", "/api/crash", {}, b"", "127.0.0.1")
    assert again.status == 500 and json.loads(again.body)["request_id"] != body["request_id"]
    headers = edge.forwarded_headers({"content-type": "application/json"}, "127.0.0.1")
    ok = gateway.handle("POST", "/api/contact", headers, b"{}", "127.0.0.1")
    assert ok.status == 400, "other routes still answer"


def test_literal_routes_win_over_parameters(emulator: object) -> None:
    gateway = Gateway(JwtVerifier("http://127.0.0.1:9/unused", "", ""))
    assert gateway.match("GET", "/api/submissions/search")[0].name == "search"
    route, params = gateway.match("GET", "/api/submissions/exports/abc")
    assert route.name == "export-progress" and params == {"id": "abc"}
    route, params = gateway.match("GET", "/api/submissions/abc")
    assert route.name == "view" and params == {"id": "abc"}
    assert gateway.match("PUT", "/api/submissions/abc")[0].name == "not-found"
