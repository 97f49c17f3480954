"""The local runner over real HTTP: pages, JSON and form posts, the API's 404s, the site's error page."""

from __future__ import annotations

import ctypes
import http.client
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from declarations import web_assets
from local.background import ROOT, Runner, start_runner
from tests.support.handler_events import BROWSER_ACCEPT
from tests.support.http import request


@pytest.mark.parametrize("page", ["/", "/contact.html", "/thanks.html", "/dashboard.html", "/style.css", "/contact.js"])
def test_pages_are_served_with_type_caching_and_security_headers(runner: Runner, page: str) -> None:
    response = request(runner.url + page)
    name = "index.html" if page == "/" else page.lstrip("/")
    assert response.status == 200
    assert response.headers["content-type"] == web_assets.content_type(name)
    assert response.headers["cache-control"] == web_assets.cache_control(name)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.read() == (web_assets.WWW_DIR / name).read_bytes()


def test_config_js_is_generated(runner: Runner) -> None:
    body = request(runner.url + "/config.js").read().decode()
    assert body.startswith("window.CTD_CONFIG") and '"apiBase": "/api"' in body


@pytest.mark.parametrize("path", ["/no-such-page", "/../Pulumi.yaml", "/%2e%2e/README.md"])
def test_unknown_or_escaping_paths_get_the_error_page(runner: Runner, path: str) -> None:
    response = request(runner.url + path)
    assert response.status == 404
    assert response.read() == (web_assets.WWW_DIR / "error.html").read_bytes()


def test_json_post_is_accepted_and_a_repeat_answers_the_same(runner: Runner) -> None:
    payload = {"submission_id": str(uuid.uuid4()), "first_name": "Ada", "last_name": "L", "email": "a@example.com"}
    first = request(runner.url + "/api/contact", json.dumps(payload).encode(), "application/json")
    repeat = request(runner.url + "/api/contact", json.dumps(payload).encode(), "application/json")
    assert first.status == repeat.status == 201
    assert json.loads(first.read())["submission_id"] == json.loads(repeat.read())["submission_id"]


BROWSER = {"accept": BROWSER_ACCEPT}


def test_form_post_redirects_to_the_thank_you_page(runner: Runner) -> None:
    form = urllib.parse.urlencode({"first_name": "Ada", "last_name": "L", "email": "a@example.com", "website": ""})
    response = request(runner.url + "/api/contact", form.encode(), "application/x-www-form-urlencoded", headers=BROWSER)
    assert response.status == 303 and response.headers["location"] == "/thanks.html"


def test_bad_post_names_the_field(runner: Runner) -> None:
    response = request(runner.url + "/api/contact", b'{"first_name": "Ada"}', "application/json")
    body = json.loads(response.read())
    assert response.status == 400 and set(body["error"]["fields"]) == {"email"}


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/api/nope"), ("GET", "/api/contact"), ("DELETE", "/api/contact")]
)
def test_unknown_api_routes_are_json_404s(runner: Runner, method: str, path: str) -> None:
    response = request(runner.url + path, method=method)
    body = json.loads(response.read())
    assert response.status == 404 and body["error"]["code"] == "NotFound" and body["request_id"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_runner_stops_on_signal_even_when_started_with_sigint_ignored(signum: int) -> None:
    """A shell's background job inherits SIGINT as ignored; the runner must still stop on Ctrl-C or SIGTERM."""
    process, _ = start_runner(preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    process.send_signal(signum)
    assert process.wait(timeout=15) == 0


# tgkill(2) sends a signal to one thread of another process; Python has no wrapper for it.
TGKILL = {"x86_64": 234, "aarch64": 131}


@pytest.mark.skipif(platform.machine() not in TGKILL or sys.platform != "linux", reason="needs Linux tgkill")
def test_runner_stops_when_the_signal_lands_on_a_server_thread() -> None:
    """The kernel may hand a process's SIGINT to any thread (CI saw it); the runner must still stop."""
    process, _ = start_runner()
    try:
        threads = [int(tid) for tid in os.listdir(f"/proc/{process.pid}/task") if int(tid) != process.pid]
        libc = ctypes.CDLL(None, use_errno=True)
        assert libc.syscall(TGKILL[platform.machine()], process.pid, threads[0], signal.SIGINT) == 0
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_runner_stops_while_a_browser_keeps_a_connection_open() -> None:
    """Browsers hold idle keep-alive connections; Ctrl-C must not wait for them to close."""
    process, runner = start_runner()
    connection = http.client.HTTPConnection(runner.url.removeprefix("http://"), timeout=10)
    try:
        connection.request("GET", "/")
        assert connection.getresponse().read() and connection.sock is not None  # still open, as a browser's is
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        connection.close()
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_port_in_use_is_named_and_the_caller_is_told() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match="did not start"):
            start_runner({"PORT": str(port)})
        result = subprocess.run(
            [sys.executable, "-m", "local"],
            cwd=ROOT,
            env={**os.environ, "PORT": str(port)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "PORT=8123 make dev" in result.stderr


def test_the_runner_needs_nothing_from_the_pulumi_packages() -> None:
    """`make dev` installs only requirements-local.txt: the runner must not import Pulumi, even indirectly."""
    probe = (
        "import sys, local.__main__; print(sorted({m.split('.')[0] for m in sys.modules} & {'pulumi', 'pulumi_aws'}))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
