"""The local site: www/ and a generated config.js as CloudFront would serve them, /api/* through the gateway."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3

from declarations import cors, openapi, web_assets
from handlers import env_names as env
from local import edge, faults, lambda_task_root, persistence, schedule, turnstile
from local.emulator import REGION, TABLE_NAME, Emulator, OwnerPool
from local.gateway import Gateway, Reply
from local.jwt_verify import JwtVerifier
from local.stream_poller import StreamPoller

MAX_REQUEST_BYTES = 1024 * 1024  # far above the API's own limits; stops a runaway upload
access_log = logging.getLogger("ctd.local.access")
OPENAPI_PATH = "/api/openapi.json"
BOT_CHECK_VARIABLE = "CTD_BOT_CHECK"
BOT_CHECK_PARAMETER = "/ctd-local/bot-check-secret"


def page_config(endpoint: str, owners: OwnerPool) -> dict[str, str]:
    """config.js as the stack writes it, with sign-in pointed at the local Cognito."""
    return web_assets.page_config(REGION, f"{endpoint}/", owners.pool_id, owners.client_id)


def static_reply(path: str, config_js: str, made_pages: dict[str, str] | None = None) -> Reply:
    """A file of www/, or error.html with 404, as CloudFront serves the private bucket; `made_pages` are the ones
    the stack makes at deploy (the contact page with the bot check's widget)."""
    name = path.lstrip("/") or "index.html"
    if name == web_assets.CONFIG_JS:
        return Reply(200, _asset_headers(name), config_js.encode())
    if made_pages and name in made_pages:
        return Reply(200, _asset_headers(name), made_pages[name].encode())
    file = (web_assets.WWW_DIR / name).resolve()
    if not file.is_relative_to(web_assets.WWW_DIR) or not file.is_file():
        file, name, status = web_assets.WWW_DIR / web_assets.ERROR_PAGE, web_assets.ERROR_PAGE, 404
    else:
        status = 200
    return Reply(status, _asset_headers(name), Path(file).read_bytes())


def _asset_headers(name: str) -> dict[str, str]:
    return {"content-type": web_assets.content_type(name), "cache-control": web_assets.cache_control(name)}


def preflight_reply(origins: tuple[str, ...], origin: str, headers: Message) -> Reply:
    """API Gateway's answer to a CORS preflight: 204, with the allow headers only for an allowed request."""
    method = headers.get("access-control-request-method", "")
    asked = {h.strip().lower() for h in headers.get("access-control-request-headers", "").split(",") if h.strip()}
    if not (cors.allows(origins, origin) and method in cors.ALLOW_METHODS and asked <= set(cors.ALLOW_HEADERS)):
        return Reply(204, {}, b"")
    return Reply(
        204,
        {
            "access-control-allow-origin": origin,
            "access-control-allow-methods": ",".join(cors.ALLOW_METHODS),
            "access-control-allow-headers": ",".join(cors.ALLOW_HEADERS),
            "access-control-max-age": str(cors.MAX_AGE_SECONDS),
        },
        b"",
    )


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    # http.server's default backlog is 5: a burst of posts (a form, a load test) had its connections reset.
    request_queue_size = 128

    def __init__(
        self,
        port: int,
        gateway: Gateway,
        config_js: str,
        security_headers: dict[str, str],
        allowed_origins: tuple[str, ...] = (),
    ) -> None:
        super().__init__(("127.0.0.1", port), RequestHandler)
        self.gateway = gateway
        self.allowed_origins = allowed_origins
        self.config_js = config_js
        self.security_headers = security_headers
        self.faults = faults.Faults()
        self.schedule: schedule.HourlySchedule | None = None  # set once the notify function is loaded
        self.made_pages: dict[str, str] = {}
        self.openapi = json.dumps(openapi.document(), indent=1).encode()


class RequestHandler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        started = time.perf_counter()
        length_header = self.headers.get("content-length") or "0"
        length = int(length_header) if length_header.isdigit() else -1  # "abc" or "-1" would crash or hang
        if length < 0 or "\0" in self.path:
            reply = Reply(400, {"content-type": "application/json"}, b'{"message":"Bad Request"}')
            self.close_connection = True
        elif length > MAX_REQUEST_BYTES:
            reply = Reply(413, {"content-type": "application/json"}, b'{"message":"Request Entity Too Large"}')
            self.close_connection = True
        else:
            body = self.rfile.read(length) if length else b""
            if self.path == faults.PATH and self.command == "POST":
                # JSON only: a page the developer visits can send text/plain cross-origin without asking.
                status, answer = self.server.faults.apply(self.headers.get("content-type", ""), body)
                reply = Reply(status, {"content-type": "application/json"}, json.dumps(answer).encode())
            elif self.path == schedule.PATH and self.command == "POST" and self.server.schedule is not None:
                status, answer = self.server.schedule.apply(self.headers.get("content-type", ""), body)
                reply = Reply(status, {"content-type": "application/json"}, json.dumps(answer).encode())
            elif self.path == OPENAPI_PATH and self.command in ("GET", "HEAD"):
                reply = Reply(200, {"content-type": "application/json"}, self.server.openapi)
            elif self.path.startswith("/api/") or self.path == "/api":
                reply = self._api(body)
            elif self.command in ("GET", "HEAD"):
                reply = static_reply(self.path.split("?", 1)[0], self.server.config_js, self.server.made_pages)
            else:
                reply = Reply(405, {"content-type": "text/plain", "allow": "GET, HEAD"}, b"Method Not Allowed")
        self._send(reply)
        access_log.info(
            "request",
            extra={
                "method": self.command,
                "path": self.path.split("?", 1)[0],
                "status": reply.status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )

    def _api(self, body: bytes) -> Reply:
        """The API as API Gateway serves it, with its CORS handling when allowedOrigins lists other sites."""
        origins, origin = self.server.allowed_origins, self.headers.get("origin", "")
        if origins and self.command == "OPTIONS" and origin and self.headers.get("access-control-request-method"):
            reply = preflight_reply(origins, origin, self.headers)
        else:
            # The visitor's address from the socket, never from a header, as CloudFront takes it from the connection.
            headers = edge.forwarded_headers(dict(self.headers.items()), self.client_address[0])
            reply = self.server.gateway.handle(self.command, self.path, headers, body, self.client_address[0])
            if origins and origin and cors.allows(origins, origin):
                reply.headers.update(
                    {
                        "access-control-allow-origin": origin,
                        "access-control-expose-headers": ",".join(cors.EXPOSE_HEADERS),
                    }
                )
        if origins:
            # The answer depends on the Origin header, so a shared cache must not give one site's answer to another.
            reply.headers["vary"] = "origin"
        return reply

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in {**self.server.security_headers, **reply.headers}.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a bad request line, a URI or headers too long, HTTP/2.0) with the same
        security headers and JSON shape as every other answer, instead of its bare HTML page."""
        self.close_connection = True
        self.request_version = "HTTP/1.1"  # before the request line parsed, http.server would omit the headers
        phrase = message or self.responses.get(code, ("Error",))[0]
        body = json.dumps({"message": phrase}).encode()
        self._send(Reply(code, {"content-type": "application/json", "connection": "close"}, body))

    def __getattr__(self, name: str) -> object:
        # Every method reaches _serve (API Gateway's $default route takes any method);
        # http.server would otherwise answer unknown ones, like TRACE, with an HTML 501.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the JSON access log above replaces http.server's stderr lines


class JsonLogFormatter(logging.Formatter):
    """JSON lines, like Lambda's JSON log format: message, level and every `extra` field."""

    _standard = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in self._standard})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    for noisy in ("werkzeug", "botocore", "moto", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class LocalSite:
    """moto plus the site server; `start()` then `url`, and `stop()` ends both."""

    def __init__(
        self,
        port: int = 8000,
        retention_days: int = 0,
        allowed_origins: tuple[str, ...] = (),
        data_folder: Path | None = None,  # where make dev keeps enquiries and the owner's password; None: nowhere
    ) -> None:
        self.emulator = Emulator()
        self._port = port
        self._retention_days = retention_days
        self._allowed_origins = allowed_origins
        self._data_folder = data_folder
        self._keeper: persistence.Keeper | None = None
        self._server: SiteServer | None = None
        self._thread: threading.Thread | None = None
        self._poller: StreamPoller | None = None
        self._schedule: schedule.HourlySchedule | None = None
        self._bot_check: turnstile.TurnstileStandIn | None = None
        # make dev with the bot check on, against Turnstile's stand-in: one of turnstile.TEST_KEYS, or "" for off.
        self.bot_check_mode = os.environ.get(BOT_CHECK_VARIABLE, "")

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> LocalSite:
        lambda_task_root.enter()  # the gateway and the stream poller import the handlers as Lambda does
        saved = persistence.load(self._data_folder) if self._data_folder else None
        self.emulator.start(self._retention_days, saved)
        bot_check = self._start_bot_check()
        try:
            headers = {
                **web_assets.SECURITY_HEADERS,
                "content-security-policy": web_assets.content_security_policy(
                    [self.emulator.endpoint], bot_check.origin if bot_check else ""
                ),
            }
            owners = self.emulator.owners
            verifier = JwtVerifier(owners.jwks_url, owners.issuer, owners.client_id)
            config_js = web_assets.config_js(page_config(self.emulator.endpoint, owners))
            self._server = SiteServer(self._port, Gateway(verifier), config_js, headers, self._allowed_origins)
        except OSError:
            if bot_check:
                bot_check.stop()
            self.emulator.stop()
            raise
        if bot_check:
            page = (web_assets.WWW_DIR / web_assets.CONTACT_PAGE).read_text()
            site_key = turnstile.TEST_KEYS[self.bot_check_mode].site_key
            self._server.made_pages[web_assets.CONTACT_PAGE] = web_assets.with_bot_check(
                page, site_key, bot_check.origin
            )
        self._thread = threading.Thread(target=self._server.serve_forever, name="site", daemon=True)
        self._thread.start()
        os.environ[env.DASHBOARD_URL] = f"{self.url}/dashboard.html"
        self._poller = StreamPoller(TABLE_NAME)
        self._poller.start()
        self._schedule = schedule.HourlySchedule(self._poller.notify_handler)
        self._schedule.start()
        self._server.schedule = self._schedule
        if self._data_folder:
            owners = self.emulator.owners
            self._keeper = persistence.Keeper(self._data_folder, TABLE_NAME, REGION, owners.pool_id, owners.owner_email)
            self._keeper.start()
        return self

    def _start_bot_check(self) -> turnstile.TurnstileStandIn | None:
        """With CTD_BOT_CHECK set, Turnstile's stand-in, and the functions' settings as the stack makes them: the
        contact function keeps tokens, the notify function checks them with the test secret in SSM."""
        if not self.bot_check_mode:
            return None
        if self.bot_check_mode not in turnstile.TEST_KEYS:
            raise ValueError(f"{BOT_CHECK_VARIABLE} must be one of {', '.join(turnstile.TEST_KEYS)}")
        stand_in = turnstile.TurnstileStandIn().start()
        secret = turnstile.TEST_KEYS[self.bot_check_mode].secret
        boto3.client("ssm").put_parameter(Name=BOT_CHECK_PARAMETER, Type="SecureString", Value=secret)
        os.environ.update(
            {
                env.BOT_CHECK: "turnstile",
                env.BOT_CHECK_PARAMETER: BOT_CHECK_PARAMETER,
                # The site's host, and the one siteverify names for a test key's token.
                env.BOT_CHECK_HOSTNAMES: f"127.0.0.1,{turnstile.TEST_HOSTNAME}",
                env.BOT_CHECK_VERIFY_URL: stand_in.verify_url,
            }
        )
        self._bot_check = stand_in
        return stand_in

    def stop(self) -> None:
        if self._bot_check is not None:
            self._bot_check.stop()
        if self._keeper is not None:
            self._keeper.stop()
        if self._schedule is not None:
            self._schedule.stop()
        if self._poller is not None:
            self._poller.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self.emulator.stop()
