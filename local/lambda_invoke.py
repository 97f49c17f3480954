"""Lambda's Invoke API, as far as a function invoking another uses it (the export writer continuing itself, the
owner's route starting it): POST /2015-03-31/functions/{name}/invocations with InvocationType Event is answered
202 at once and the handler runs in a thread, its context counting down from the function's timeout. boto3 reaches
it through AWS_ENDPOINT_URL_LAMBDA, so the handlers call Lambda exactly as they do in AWS.

Not emulated: Lambda's two retries of an event whose run failed (the log shows the failure)."""

from __future__ import annotations

import importlib
import json
import logging
import re
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from local import lambda_task_root
from local.gateway import LambdaContext

logger = logging.getLogger("ctd.local")
_INVOCATIONS = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations$")


class LambdaStandIn:
    """`functions`: each function's name -> its handler ("module.function") and timeout in seconds."""

    def __init__(self, functions: dict[str, tuple[str, float]]) -> None:
        self.functions = functions
        self.runs: list[threading.Thread] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Invocations)
        self._server.daemon_threads = True
        self._server.stand_in = self  # type: ignore[attr-defined]
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> LambdaStandIn:
        threading.Thread(target=self._server.serve_forever, name="lambda", daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def invoke(self, name: str, payload: dict[str, Any]) -> None:
        handler_name, timeout = self.functions[name]
        lambda_task_root.enter()
        module, function = handler_name.rsplit(".", 1)
        handler = getattr(importlib.import_module(module), function)
        context = LambdaContext(function_name=name, aws_request_id=str(uuid.uuid4()), timeout_seconds=timeout)

        def run() -> None:
            try:
                handler(payload, context)
            except Exception:
                logger.exception("function raised", extra={"function": name})

        thread = threading.Thread(target=run, name=name, daemon=True)
        self.runs.append(thread)
        thread.start()


class _Invocations(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        stand_in: LambdaStandIn = self.server.stand_in  # type: ignore[attr-defined]
        found = _INVOCATIONS.match(urllib.parse.urlsplit(self.path).path)
        name = urllib.parse.unquote(found[1]) if found else ""
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if name not in stand_in.functions:
            self._answer(404, {"Type": "User", "message": f"Function not found: {name}"})
        elif self.headers.get("x-amz-invocation-type") != "Event":
            self._answer(400, {"Type": "User", "message": "only InvocationType Event is emulated"})
        else:
            stand_in.invoke(name, json.loads(body or b"{}"))
            self._answer(202, None)

    def _answer(self, status: int, body: dict[str, str] | None) -> None:
        data = json.dumps(body).encode() if body else b""
        self.send_response(status)
        if body:
            self.send_header("x-amzn-errortype", "ResourceNotFoundException" if status == 404 else "InvalidRequest")
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass
