"""The bot check: siteverify asked over HTTP (the local stand-in of Turnstile, and a faulty provider for the
failures), each outcome stored on the post in moto, and the notify function emailing only posts that pass."""

from __future__ import annotations

import importlib
import json
import logging
import re
import threading
import time
import types
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest

import bot_check
from local.emulator import NOTIFY_FROM, TABLE_NAME
from local.turnstile import DUMMY_TOKEN, TEST_HOSTNAME, TEST_KEYS, TurnstileStandIn
from table_schema import SPAM_REASONS
from tests.handlers.test_notify import sent
from tests.support.handler_events import Store, call, owner_event, valid_fields
from tests.support.paths import ROOT

PASS, FAIL, SPENT = (TEST_KEYS[k].secret for k in ("pass", "fail", "spent"))
HOSTS = {TEST_HOSTNAME}
KEY = "4b1c1c1e-0a6e-4e8e-9d57-3d1f2a1b0c9d"


@pytest.fixture(scope="module")
def turnstile() -> Iterator[TurnstileStandIn]:
    stand_in = TurnstileStandIn().start()
    yield stand_in
    stand_in.stop()


class FaultyProvider(ThreadingHTTPServer):
    """siteverify that answers each request with the next of `answers`: (status, body, delay in seconds)."""

    def __init__(self, answers: list[tuple[int, str, float]]) -> None:
        self.answers, self.requests = answers, []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(inner) -> None:
                inner.server.requests.append(inner.rfile.read(int(inner.headers["content-length"])).decode())
                status, body, delay = self.answers.pop(0)
                time.sleep(delay)
                inner.send_response(status)
                inner.send_header("content-length", str(len(body)))
                inner.end_headers()
                inner.wfile.write(body.encode())

            def log_message(inner, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/siteverify"


@pytest.fixture
def provider() -> Iterator[type[FaultyProvider]]:
    made: list[FaultyProvider] = []

    def make(answers: list[tuple[int, str, float]]) -> FaultyProvider:
        server = FaultyProvider(answers)
        made.append(server)
        return server

    yield make  # type: ignore[misc]
    for server in made:
        server.shutdown()
        server.server_close()


GOOD = json.dumps({"success": True, "hostname": TEST_HOSTNAME, "error-codes": []})


@pytest.mark.parametrize(
    ("secret", "token", "reason"),
    [
        (PASS, DUMMY_TOKEN, ""),
        (FAIL, DUMMY_TOKEN, bot_check.FAILED),
        (SPENT, DUMMY_TOKEN, bot_check.SPENT),
        (PASS, "a-real-token-a-test-secret-refuses", bot_check.FAILED),
        ("0x4AAAAAAAproductionSecretKey", DUMMY_TOKEN, bot_check.FAILED),
    ],
)
def test_the_verdict_follows_siteverify(turnstile: TurnstileStandIn, secret: str, token: str, reason: str) -> None:
    assert bot_check.verdict(secret, token, "203.0.113.9", KEY, HOSTS, turnstile.verify_url) == reason
    sent_fields = turnstile.requests[-1]
    assert sent_fields == {"secret": secret, "response": token, "remoteip": "203.0.113.9", "idempotency_key": KEY}


def test_no_token_or_an_overlong_one_asks_nobody(turnstile: TurnstileStandIn) -> None:
    before = len(turnstile.requests)
    assert bot_check.verdict(PASS, "", "203.0.113.9", KEY, HOSTS, turnstile.verify_url) == bot_check.MISSING
    assert bot_check.verdict(PASS, "x" * 2049, "", KEY, HOSTS, turnstile.verify_url) == bot_check.FAILED
    assert len(turnstile.requests) == before


def test_a_token_solved_on_another_site_fails(turnstile: TurnstileStandIn) -> None:
    verdict = bot_check.verdict(PASS, DUMMY_TOKEN, "", KEY, {"www.example.com"}, turnstile.verify_url)
    assert verdict == bot_check.FAILED


@pytest.mark.parametrize(
    ("first", "reason"),
    [
        ((500, "", 0.0), ""),  # a 5xx
        ((200, "<html>Just a moment...</html>", 0.0), ""),  # an interstitial page, not JSON
        ((200, json.dumps({"success": False, "error-codes": ["internal-error"]}), 0.0), ""),
        ((200, GOOD, bot_check.TIMEOUT_SECONDS + 0.5), ""),  # no answer in time
    ],
)
def test_one_retry_with_the_same_idempotency_key(provider: Any, first: tuple[int, str, float], reason: str) -> None:
    server = provider([first, (200, GOOD, 0.0)])
    assert bot_check.verdict(PASS, DUMMY_TOKEN, "2001:db8::1", KEY, HOSTS, server.url) == reason
    assert len(server.requests) == 2 and server.requests[0] == server.requests[1]
    assert f"idempotency_key={KEY}" in server.requests[1]


def test_two_failures_to_answer_are_unavailable(provider: Any) -> None:
    server = provider([(502, "", 0.0), (200, "not json", 0.0)])
    assert bot_check.verdict(PASS, DUMMY_TOKEN, "", KEY, HOSTS, server.url) == bot_check.UNAVAILABLE
    nobody = "http://127.0.0.1:9/siteverify"  # the discard port: refused at once
    assert bot_check.verdict(PASS, DUMMY_TOKEN, "", KEY, HOSTS, nobody) == bot_check.UNAVAILABLE


def test_a_refused_secret_is_logged_without_it(provider: Any, caplog: pytest.LogCaptureFixture) -> None:
    server = provider([(200, json.dumps({"success": False, "error-codes": ["invalid-input-secret"]}), 0.0)])
    secret = "0x4AAAAAAAsecretThatMustNotBeLogged"
    with caplog.at_level(logging.INFO):
        assert bot_check.verdict(secret, DUMMY_TOKEN, "", KEY, HOSTS, server.url) == bot_check.FAILED
    (record,) = [r for r in caplog.records if r.name == "ctd.bot_check"]
    assert record.levelno == logging.ERROR and "botCheckSecret" in record.getMessage()
    assert secret not in caplog.text and DUMMY_TOKEN not in caplog.text


# What the notify function does with each post kept for the check, in moto.


@pytest.fixture
def checking(store: Store, turnstile: TurnstileStandIn, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """The notify function with email on and the bot check on, its secret in SSM."""
    notify = importlib.import_module("notify")
    boto3.client("sesv2").create_email_identity(EmailIdentity=NOTIFY_FROM)
    boto3.client("ssm").put_parameter(Name="/ctd/bot-check", Type="SecureString", Value=PASS, Overwrite=True)
    for name, value in {
        "ses": boto3.client("sesv2"),
        "NOTIFY_FROM": NOTIFY_FROM,
        "NOTIFY_TO": ["owner@example.com"],
        "_ssm": None,
        "_parameters": {},
        "BOT_CHECK_PARAMETER": "/ctd/bot-check",
        "BOT_CHECK_HOSTNAMES": frozenset(HOSTS),
        "BOT_CHECK_VERIFY_URL": turnstile.verify_url,
        "SPAM_RETENTION_DAYS": 30,
        "TABLE_NAME": TABLE_NAME,
    }.items():
        monkeypatch.setattr(notify, name, value)
    return notify


def post(contact: types.ModuleType, store: Store, token: str | None, **fields: str) -> str:
    sent_fields = valid_fields(**fields, **({"cf-turnstile-response": token} if token is not None else {}))
    return contact.accept(store.client, TABLE_NAME, 365, sent_fields, address="198.51.100.4")


def stored(store: Store) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in store.items()}


def test_only_posts_that_pass_are_emailed_and_the_rest_are_spam_with_the_reason(
    checking: types.ModuleType, contact: types.ModuleType, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = post(contact, store, DUMMY_TOKEN, first_name="Ada")
    no_token = post(contact, store, None, first_name="Nojs")
    forged = post(contact, store, "forged.token", first_name="Bot")
    before = len(sent())
    assert checking.handler({"Records": store.stream_records()}, None) == {"batchItemFailures": []}
    emails = sent()[before:]
    assert len(emails) == 1 and "Ada" in emails[0].raw_data
    items = stored(store)
    assert "bot_token" not in items[person] and "visitor_address" not in items[person]
    assert items[person]["status"] == "new"
    for sid, reason in ((no_token, "bot-check-missing"), (forged, "bot-check-failed")):
        item = items[sid]
        assert (item["status"], item["spam_reason"]) == ("spam", reason)
        assert "inbox" not in item and "bot_token" not in item and "visitor_address" not in item
        # Spam expires within spamRetentionDays (30), sooner than the post's own retention (365).
        assert int(item["expires_at"]) <= time.time() + 30 * 86400 + 5


def test_a_retried_record_goes_by_what_is_stored(
    checking: types.ModuleType, contact: types.ModuleType, store: Store, turnstile: TurnstileStandIn
) -> None:
    """A batch retried after the post passed must not make it spam, even if the provider now calls the token
    spent; and one that was made spam stays unsent."""
    passed = post(contact, store, DUMMY_TOKEN)
    records = store.stream_records()
    checking.handler({"Records": records}, None)
    checking._parameters["/ctd/bot-check"] = SPENT  # the provider's answer to the same token now
    before = len(sent())
    checking.handler({"Records": records}, None)
    assert stored(store)[passed]["status"] == "new" and len(sent()) == before + 1  # delivered again, as retries are
    spam = post(contact, store, DUMMY_TOKEN, first_name="Later")
    records = [r for r in store.stream_records() if r["dynamodb"]["Keys"]["id"]["S"] == spam]
    checking.handler({"Records": records}, None)
    checking._parameters["/ctd/bot-check"] = PASS
    before = len(sent())
    checking.handler({"Records": records}, None)
    assert stored(store)[spam]["spam_reason"] == "bot-check-spent" and len(sent()) == before


def test_a_post_the_owner_deleted_before_the_check_is_not_sent(
    checking: types.ModuleType, contact: types.ModuleType, store: Store
) -> None:
    sid = post(contact, store, "forged.token")
    records = store.stream_records()
    store.client.delete_item(TableName=TABLE_NAME, Key={"id": {"S": sid}})
    before = len(sent())
    checking.handler({"Records": records}, None)
    assert len(sent()) == before and sid not in stored(store)


def test_posts_stored_without_the_check_are_delivered_unchecked(
    checking: types.ModuleType, contact: types.ModuleType, store: Store, turnstile: TurnstileStandIn
) -> None:
    contact.accept(store.client, TABLE_NAME, 0, valid_fields())  # the contact function had the check off
    asked, before = len(turnstile.requests), len(sent())
    checking.handler({"Records": store.stream_records()}, None)
    assert len(sent()) == before + 1 and len(turnstile.requests) == asked


def test_spam_already_is_never_checked_and_an_overlong_token_is_cut(contact: types.ModuleType, store: Store) -> None:
    bot = post(contact, store, DUMMY_TOKEN, website="http://spam.example")
    long = post(contact, store, "t" * 100_000)
    items = stored(store)
    assert "bot_token" not in items[bot] and items[bot]["spam_reason"] == "honeypot"
    assert len(items[long]["bot_token"]) == 2049 and items[long]["visitor_address"] == "198.51.100.4"


def test_the_owner_and_webhooks_never_see_the_token_or_address(contact: types.ModuleType, store: Store) -> None:
    """Until the check, the post holds them; the dashboard's views and a webhook's data leave them out."""
    owner = importlib.import_module("owner")
    sid = post(contact, store, DUMMY_TOKEN)
    status, _, body = call(owner.get_submission, owner_event("GET", f"/api/submissions/{sid}", params={"id": sid}))
    item = body["item"]
    assert status == 200 and item["id"] == sid and "bot_token" not in item and "visitor_address" not in item
    status, _, page = call(owner.list_submissions, owner_event("GET", "/api/submissions"))
    assert status == 200 and DUMMY_TOKEN not in json.dumps(page) and "198.51.100.4" not in json.dumps(page)
    notify = importlib.import_module("notify")
    data = notify.webhook_data(next(i for i in store.items() if i["id"] == sid))
    assert "bot_token" not in data and "visitor_address" not in data


def test_the_dashboard_names_every_reason_a_post_is_spam() -> None:
    script = (ROOT / "www" / "dashboard" / "inbox.js").read_text()
    table = script[script.index("const SPAM_REASONS = {") : script.index("};", script.index("const SPAM_REASONS"))]
    assert set(re.findall(r'^  "([a-z-]+)": \[', table, re.MULTILINE)) == {*SPAM_REASONS, *bot_check.REASONS}
