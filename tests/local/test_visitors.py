"""make dev against one bot and three people, each from its own loopback address (the runner takes a visitor's
address from the socket, as CloudFront does): the people's enquiries arrive and are emailed; the bot gets
contactClientLimit of its posts into the inbox, the rest up to the ceiling kept as spam and never emailed, and
the rest refused."""

from __future__ import annotations

import http.client
import json
import re
import signal
import urllib.parse
from collections.abc import Iterator

import pytest

from local import owner_session
from local.background import Runner, start_runner
from local.emulator import VISITOR_CEILING, VISITOR_LIMIT
from tests.local.test_notifications import Output

BOT_POSTS = 200


@pytest.fixture
def dev() -> Iterator[tuple[Runner, Output]]:
    """The runner as make dev starts it: the stack's default limits."""
    process, runner = start_runner(visitor_limits=True)
    try:
        yield runner, Output(process)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


class Visitor:
    """One browser's connection to the site, from its own address."""

    def __init__(self, site_url: str, address: str, headers: dict[str, str] | None = None) -> None:
        url = urllib.parse.urlsplit(site_url)
        assert url.hostname and url.port
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30, source_address=(address, 0))
        self.headers = headers or {}

    def post(self, first_name: str) -> int:
        body = {"first_name": first_name, "last_name": "Lovelace", "email": "ada@example.com", "message": "Hello"}
        self.connection.request(
            "POST", "/api/contact", json.dumps(body), {"content-type": "application/json", **self.headers}
        )
        response = self.connection.getresponse()
        response.read()
        return response.status


def emailed_names(output: Output, last: str) -> list[str]:
    """The first names of every enquiry emailed until the one from `last` (the stream delivers in order)."""
    lines = output.wait_for(f"New enquiry from {last} Lovelace", seconds=60)
    return [m[1] for line in lines if (m := re.search(r"New enquiry from (\S+) Lovelace", line))]


def test_one_bot_cannot_bury_three_people(dev: tuple[Runner, Output]) -> None:
    site, output = dev
    # It claims to be someone else, as a header: the runner, like CloudFront, writes its own.
    bot = Visitor(site.url, "127.0.0.2", {"x-viewer-address": "198.51.100.1", "x-forwarded-for": "198.51.100.1"})
    statuses = [bot.post(f"Bot{n}") for n in range(BOT_POSTS)]
    people = [Visitor(site.url, f"127.0.0.{n}").post(f"Person{n}") for n in (3, 4, 5)]

    assert statuses == [201] * VISITOR_CEILING + [429] * (BOT_POSTS - VISITOR_CEILING)
    assert people == [201, 201, 201]
    assert Visitor(site.url, "127.0.0.6").post("Last") == 201  # every email before it has been sent by now
    emailed = emailed_names(output, "Last")
    assert sorted(emailed) == sorted(
        [*(f"Bot{n}" for n in range(VISITOR_LIMIT)), "Person3", "Person4", "Person5", "Last"]
    )

    token = owner_session.sign_in(site.url, site.owner_email, site.temporary_password)
    stored = {item["first_name"]: item for item in owner_session.all_submissions(site.url, token)}
    assert len(stored) == VISITOR_CEILING + 4
    assert {n: i["status"] for n, i in stored.items() if not n.startswith("Bot")} == dict.fromkeys(
        ["Person3", "Person4", "Person5", "Last"], "new"
    )
    bots = [stored[f"Bot{n}"] for n in range(VISITOR_CEILING)]
    assert [b["status"] for b in bots] == ["new"] * VISITOR_LIMIT + ["spam"] * (VISITOR_CEILING - VISITOR_LIMIT)
    assert {b.get("spam_reason") for b in bots[VISITOR_LIMIT:]} == {"visitor-limit"}


def test_cors_answers_vary_by_origin() -> None:
    process, site = start_runner({"ALLOWED_ORIGINS": "https://shop.example.com"})
    try:
        shop = Visitor(site.url, "127.0.0.7", {"origin": "https://shop.example.com"})
        shop.connection.request(
            "OPTIONS", "/api/contact", headers={**shop.headers, "access-control-request-method": "POST"}
        )
        preflight = shop.connection.getresponse()
        preflight.read()
        assert preflight.status == 204 and preflight.getheader("vary") == "origin"
        assert shop.post("Shop") == 201
        shop.connection.request("GET", "/api/submissions", headers=shop.headers)
        answer = shop.connection.getresponse()
        answer.read()
        assert answer.getheader("vary") == "origin"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
