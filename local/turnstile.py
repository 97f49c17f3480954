"""A local stand-in for Cloudflare Turnstile, on its own loopback origin as Turnstile is on its own: the widget's
script and siteverify, following what Turnstile's documentation says its test keys do. `CTD_BOT_CHECK` turns
the bot check on in `make dev` with one of TEST_KEYS' behaviours.

The widget draws a line saying whether it passed and, as Turnstile's does, puts a hidden cf-turnstile-response
input in the form. Only the test keys' documented behaviour is copied: a real token, and a real widget's
challenge, need Cloudflare."""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from declarations.web_assets import TURNSTILE_SCRIPT_PATH
from handlers.form_schema import TURNSTILE_FIELD

VERIFY_PATH = "/turnstile/v0/siteverify"
# What the test site keys' widget hands the page, and the only token the test secret keys accept.
DUMMY_TOKEN = "XXXX.DUMMY.TOKEN.XXXX"  # noqa: S105  # Turnstile's published test value
# The hostname Turnstile's documentation shows siteverify answering for a test key's token.
TEST_HOSTNAME = "localhost"


@dataclass(frozen=True)
class TestKeys:
    site_key: str
    secret: str


# Turnstile's documented test keys (developers.cloudflare.com/turnstile/troubleshooting/testing/).
TEST_KEYS = {
    "pass": TestKeys("1x00000000000000000000AA", "1x0000000000000000000000000000000AA"),  # always passes
    "fail": TestKeys("1x00000000000000000000AA", "2x0000000000000000000000000000000AA"),  # siteverify says no
    "spent": TestKeys("1x00000000000000000000AA", "3x0000000000000000000000000000000AA"),  # token already spent
    "blocked": TestKeys("2x00000000000000000000AB", "1x0000000000000000000000000000000AA"),  # the widget fails
}
_SECRET_ANSWERS = {
    TEST_KEYS["pass"].secret: [],
    TEST_KEYS["fail"].secret: ["invalid-input-response"],
    TEST_KEYS["spent"].secret: ["timeout-or-duplicate"],
}

# The widget: Turnstile's implicit rendering of every .cf-turnstile element, its hidden input, and reset().
WIDGET_SCRIPT = """(() => {
  const render = (box) => {
    const passes = box.dataset.sitekey.startsWith("1x");
    let input = box.querySelector("input[name='TOKEN_FIELD']");
    if (!input) {
      input = Object.assign(document.createElement("input"), { type: "hidden", name: "TOKEN_FIELD" });
      box.append(Object.assign(document.createElement("p"), { className: "small" }), input);
    }
    input.value = passes ? "DUMMY_TOKEN" : "";
    box.querySelector("p").textContent = passes
      ? "Verified: you are not a robot (local stand-in of Cloudflare Turnstile)"
      : "Verification failed (local stand-in of Cloudflare Turnstile)";
  };
  window.turnstile = { reset: () => document.querySelectorAll(".cf-turnstile").forEach(render) };
  window.turnstile.reset();
})();
""".replace("DUMMY_TOKEN", DUMMY_TOKEN).replace("TOKEN_FIELD", TURNSTILE_FIELD)


def siteverify_answer(fields: dict[str, str]) -> dict[str, object]:
    """siteverify's answer to a request's fields, as Turnstile documents it for its test secret keys."""
    secret, token = fields.get("secret", ""), fields.get("response", "")
    if not secret:
        return {"success": False, "error-codes": ["missing-input-secret"]}
    if not token:
        return {"success": False, "error-codes": ["missing-input-response"]}
    if secret not in _SECRET_ANSWERS:  # a production secret refuses the dummy token; real ones are not here
        return {"success": False, "error-codes": ["invalid-input-response"]}
    if token != DUMMY_TOKEN:  # a test secret refuses every real token
        return {"success": False, "error-codes": ["invalid-input-secret"]}
    codes = _SECRET_ANSWERS[secret]
    if codes:
        return {"success": False, "error-codes": codes}
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"success": True, "challenge_ts": now, "hostname": TEST_HOSTNAME, "error-codes": [], "action": ""}


class _Handler(BaseHTTPRequestHandler):
    server: TurnstileStandIn

    def do_GET(self) -> None:
        if self.path.split("?")[0] != TURNSTILE_SCRIPT_PATH:
            self._answer(404, "text/plain", b"not found")
            return
        self._answer(200, "text/javascript; charset=utf-8", WIDGET_SCRIPT.encode())

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
        if self.path != VERIFY_PATH:
            self._answer(404, "text/plain", b"not found")
            return
        fields = dict(urllib.parse.parse_qsl(body))
        self.server.requests.append(fields)
        self._answer(200, "application/json", json.dumps(siteverify_answer(fields)).encode())

    def _answer(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class TurnstileStandIn(ThreadingHTTPServer):
    """The stand-in on 127.0.0.1 and a free port; `origin` is what the page's CSP must allow."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, str]] = []  # every siteverify request, for tests
        self._thread = threading.Thread(target=self.serve_forever, name="turnstile", daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def verify_url(self) -> str:
        return self.origin + VERIFY_PATH

    def start(self) -> TurnstileStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
