"""The local runner answers malformed and concurrent HTTP as API Gateway and CloudFront would: always an
answer, never a hang or a reset, and every answer with the site's security headers."""

from __future__ import annotations

import json
import socket
import threading
from urllib.parse import urlsplit

import pytest

from local.background import Runner
from tests.support.http import request

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options")


def raw(runner: Runner, data: bytes, seconds: float = 5) -> bytes:
    """Send bytes as they are and read until the server closes or `seconds` pass."""
    address = urlsplit(runner.url)
    with socket.create_connection((address.hostname, address.port), timeout=seconds) as conn:
        conn.sendall(data)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
            if b"\r\n\r\n" in answer and b'"message"' in answer:
                break
        return answer


def status_and_headers(answer: bytes) -> tuple[int, dict[str, str]]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:])
    return int(head[0].split()[1]), {k.lower(): v for k, v in headers.items()}


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        pytest.param(b"POST /api/contact HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400, id="length abc"),
        pytest.param(b"POST /api/contact HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, id="length -1"),
        pytest.param(b"GET /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n", 400, id="NUL in the path"),
        pytest.param(b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, id="URI too long"),
        pytest.param(
            b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % n for n in range(120)) + b"\r\n", 431, id="headers"
        ),
        pytest.param(b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, id="HTTP/2.0"),
        pytest.param(b"NONSENSE\r\n\r\n", 400, id="bad request line"),
    ],
)
def test_malformed_requests_get_an_answer_with_the_security_headers(
    runner: Runner, request_bytes: bytes, status: int
) -> None:
    got, headers = status_and_headers(raw(runner, request_bytes))
    assert got == status
    assert all(name in headers for name in SECURITY_HEADERS), headers


def test_fifty_simultaneous_posts_are_all_answered(runner: Runner) -> None:
    body = json.dumps({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}).encode()
    start, statuses = threading.Barrier(50), []

    def post() -> None:
        start.wait()
        statuses.append(request(runner.url + "/api/contact", body, "application/json", method="POST").status)

    threads = [threading.Thread(target=post) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [201] * 50


def test_faults_accept_only_json_so_no_other_page_can_switch_them(runner: Runner) -> None:
    plain = request(runner.url + "/__local/faults", b'{"dynamodb": "unavailable"}', "text/plain", method="POST")
    assert plain.status == 415
    answer = request(runner.url + "/api/contact", b'{"first_name": "A"}', "application/json", method="POST")
    assert answer.status == 400, "DynamoDB was not switched off: the post reached validation"
