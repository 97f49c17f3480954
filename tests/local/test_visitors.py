"""make dev against one bot and three people, each from its own loopback address (the runner takes a visitor's
address from the socket, as CloudFront does): the people's enquiries arrive and are emailed; the bot gets
contactClientLimit of its posts into the inbox, the rest up to the ceiling kept as spam and never emailed, and
the rest refused."""

from __future__ import annotations

import json
import re
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest

from local import owner_session
from local.background import Runner, start_runner
from local.emulator import COUNTERS_TABLE, NOTIFY_MAX_PER_HOUR, VISITOR_CEILING, VISITOR_LIMIT
from tests.local.test_notifications import Output
from tests.support.http import Visitor, request

BOT_POSTS = 200


@pytest.fixture
def dev() -> Iterator[tuple[Runner, Output]]:
    """The runner as make dev starts it: the stack's default limits."""
    process, runner = start_runner(default_limits=True)
    try:
        yield runner, Output(process)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


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
    # The owner sees the whole spam view's count per check (the dashboard's line above the spam view).
    held = owner_session.api_json(site.url, token, "/api/submissions/spam-held")
    assert (held["held"], held["total"], held["complete"]) == (
        {"visitor-limit": VISITOR_CEILING - VISITOR_LIMIT},
        VISITOR_CEILING - VISITOR_LIMIT,
        True,
    )


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


def mailbox_counts(site: Runner, hour: int) -> tuple[int, int]:
    """(emailed, over) of the owner's mailbox in `hour`, read from the runner's counters table."""
    config = owner_session.page_config(site.url)
    dynamodb = boto3.client("dynamodb", endpoint_url=config["cognitoEndpoint"], region_name=config["region"],
                            aws_access_key_id="local", aws_secret_access_key="local")  # fmt: skip
    item = dynamodb.get_item(TableName=COUNTERS_TABLE, Key={"counter": {"S": f"mailbox {hour}"}}).get("Item", {})
    return int(item.get("posts", {}).get("N", "0")), int(item.get("over", {}).get("N", "0"))


def test_sixty_visitors_fill_the_mailbox_once_and_the_rest_come_as_one_digest(dev: tuple[Runner, Output]) -> None:
    site, output = dev
    started = time.time()
    statuses = [Visitor(site.url, f"127.0.1.{n + 1}").post(f"Visitor{n}") for n in range(60)]
    hours = sorted({int(started) // 3600, int(time.time()) // 3600})  # two only if an hour ended meanwhile
    assert statuses == [201] * 60

    deadline = time.monotonic() + 60
    while sum(sum(mailbox_counts(site, h)) for h in hours) < 60 and time.monotonic() < deadline:
        time.sleep(0.5)  # the stream's consumer takes each enquiry in turn
    counts = {h: mailbox_counts(site, h) for h in hours}
    assert sum(emailed + over for emailed, over in counts.values()) == 60
    assert all(emailed <= NOTIFY_MAX_PER_HOUR for emailed, _ in counts.values())

    token = owner_session.sign_in(site.url, site.owner_email, site.temporary_password)
    stored = owner_session.all_submissions(site.url, token)
    assert len(stored) == 60 and {i["status"] for i in stored} == {"new"}, "every visitor's enquiry is kept"

    for hour, (emailed, over) in counts.items():
        if over:
            fired = datetime.fromtimestamp((hour + 1) * 3600 + 5 * 60, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            response = request(site.url + "/__local/schedule", json.dumps({"time": fired}).encode(), "application/json")
            assert response.status == 200, response.read()
            lines = output.wait_for(f"{over} more enquiries between", seconds=30)
            emails = [line for line in lines if line.startswith("email sent")]
            assert sum("New enquiry from Visitor" in line for line in emails) == emailed
    # Once per hour: firing the schedule again sends nothing more.
    hour = max(h for h, (_, over) in counts.items() if over)
    fired = datetime.fromtimestamp((hour + 1) * 3600 + 6 * 60, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (
        request(site.url + "/__local/schedule", json.dumps({"time": fired}).encode(), "application/json").status == 200
    )
    assert Visitor(site.url, "127.0.2.1").post("Sentinel") == 201
    time.sleep(2)
    later = []
    while not output.lines.empty():
        later.append(output.lines.get())
    assert not any("more enquiries between" in line for line in later), "one digest per hour"


@pytest.mark.parametrize(
    ("body", "content_type", "named"),
    [
        (b'{"time": "2026-12-05T15:05:00"}', "application/json", "must name its zone"),
        (b"{}", "application/json", '"time" must be an ISO 8601 time'),
        (b"x", "text/plain", "send JSON"),
    ],
)
def test_the_schedule_refuses_a_time_it_cannot_use(runner: Runner, body: bytes, content_type: str, named: str) -> None:
    response = request(runner.url + "/__local/schedule", body, content_type)
    assert response.status == 400 and named in json.load(response)["error"]
