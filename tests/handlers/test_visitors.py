"""Each visitor is known by the address the edge wrote, and counted: past contactClientLimit posts an hour the rest
are kept as spam and answered as usual, past the ceiling refused; and a request that did not come through the
site's edge is refused by every function."""

from __future__ import annotations

import importlib
import ipaddress
import json
import logging
import time
import types
import uuid
from typing import Any

import boto3
import botocore.exceptions
import pytest
from hypothesis import given
from hypothesis import strategies as st

import api_gateway
from declarations.routes import ROUTES
from hourly_limits import visitor_key
from local.emulator import COUNTERS_TABLE, VISITOR_CEILING, VISITOR_LIMIT
from local.gateway import LambdaContext
from tests.support.handler_events import Store, api_event, valid_fields


@pytest.mark.parametrize(
    ("address", "with_port", "key"),
    [
        ("203.0.113.7", False, "203.0.113.7"),
        ("203.0.113.7:51234", False, "203.0.113.7"),
        ("2001:db8:aa:bb:1:2:3:4", False, "2001:db8:aa:bb::/64"),
        ("2001:db8:aa:bb:ffff:ffff:ffff:ffff", False, "2001:db8:aa:bb::/64"),
        ("2001:DB8:AA:BB::9", False, "2001:db8:aa:bb::/64"),
        ("[2001:db8:aa:bb::9]:443", False, "2001:db8:aa:bb::/64"),
        # CloudFront-Viewer-Address's form: IPv6 unbracketed, then the port.
        ("2001:db8:aa:bb::9:46532", True, "2001:db8:aa:bb::/64"),
        ("2001::5:6:7:8:443", True, "2001::/64"),
        ("2001::5:6:7:8:443", False, "2001:0:0:5::/64"),
        ("::ffff:203.0.113.7", False, "203.0.113.7"),
        (" 198.51.100.1 ", False, "198.51.100.1"),
    ],
)
def test_a_visitor_is_an_ipv4_address_or_an_ipv6_64(address: str, with_port: bool, key: str) -> None:
    assert visitor_key(address, with_port) == key


@pytest.mark.parametrize("address", ["", "unknown", "300.1.1.1", "1.2.3", "2001:db8::g", "[2001:db8::1", "1.2.3.4:x:y"])
def test_anything_else_is_no_visitor(address: str) -> None:
    assert visitor_key(address) is None


@given(text=st.text("0123456789.", max_size=16))
def test_an_ipv4_address_is_its_key_only_as_written_canonically(text: str) -> None:
    """Any dotted text: the key is the canonical address (ipaddress's, which refuses leading zeros), or none."""
    try:
        canonical: str | None = str(ipaddress.IPv4Address(text))
    except ValueError:
        canonical = None
    assert visitor_key(text) == canonical
    assert visitor_key(f"{text}:443") == canonical


class CountingClient:
    """A DynamoDB client whose UpdateItem returns a chosen count (or, for 0, fails its condition as a full hour's
    does), recording every call made to it."""

    def __init__(self, posts: int) -> None:
        self.posts, self.calls = posts, []  # type: ignore[var-annotated]

    def __getattr__(self, operation: str) -> Any:
        def call(**params: Any) -> dict[str, Any]:
            self.calls.append((operation, params))
            if not self.posts:
                failed = {"Error": {"Code": "ConditionalCheckFailedException"}, "Item": {"posts": {"N": "50"}}}
                raise botocore.exceptions.ClientError(failed, "UpdateItem")  # type: ignore[arg-type]
            return {"Attributes": {"posts": {"N": str(self.posts)}}}

        return call


@pytest.mark.parametrize(("posts", "verdict"), [(1, ""), (5, ""), (6, "visitor-limit"), (50, "visitor-limit")])
def test_the_verdict_comes_from_the_one_atomic_update_never_a_second_read(contact, posts: int, verdict: str) -> None:
    """Concurrent posts each get their own number from UpdateItem's returned value; a read after it could see
    another post's increment and let both through (moto does not lock per operation, so a race there proves
    little: this pins the decision to the one call and the count it returns)."""
    client = CountingClient(posts)
    assert (
        contact.VisitorLimits("counters", 5, 50).spam_reason(client, "203.0.113.7", str(uuid.uuid4()), 0.0) == verdict
    )
    ((operation, params),) = client.calls
    assert operation == "update_item" and params["ReturnValues"] == "UPDATED_NEW"
    assert params["UpdateExpression"].startswith("ADD #n :one")
    assert params["Key"] == {"counter": {"S": "visitor 203.0.113.7 0"}}


def test_a_full_hour_is_refused_until_it_ends(contact) -> None:
    client = CountingClient(0)
    with pytest.raises(api_gateway.TooManyRequests) as refused:
        contact.VisitorLimits("counters", 5, 50).spam_reason(client, "203.0.113.7", str(uuid.uuid4()), 7200.0 + 60)
    assert refused.value.retry_after_seconds == 3600 - 60 and len(client.calls) == 1


def post(contact: types.ModuleType, visitor: str, **fields: str) -> dict[str, Any]:
    return contact.handler(api_event(valid_fields(**fields), visitor=visitor), None)


def test_past_the_limit_posts_are_kept_as_spam_and_answered_as_usual(contact, store: Store) -> None:
    answers = [post(contact, "203.0.113.7", first_name=f"Bot{n}") for n in range(VISITOR_LIMIT + 3)]
    assert {a["statusCode"] for a in answers} == {201}
    assert {json.loads(a["body"]).keys() - {"submission_id", "request_id"} == {"ok", "next"} for a in answers} == {True}
    items = {i["first_name"]: i for i in store.items()}
    kept_new = sorted(n for n, i in items.items() if i["status"] == "new")
    assert kept_new == sorted(f"Bot{n}" for n in range(VISITOR_LIMIT))
    held = [i for i in items.values() if i["status"] == "spam"]
    assert len(held) == 3 and {i["spam_reason"] for i in held} == {"visitor-limit"}
    assert all("inbox" not in i for i in held), "held back posts stay out of the owner's inbox"
    # Another visitor, and another /64 of IPv6, are counted apart.
    assert post(contact, "198.51.100.2", first_name="Person")["statusCode"] == 201
    assert post(contact, "2001:db8:1:2::1", first_name="Six")["statusCode"] == 201
    assert {i["first_name"]: i["status"] for i in store.items()}["Person"] == "new"


def test_ipv6_visitors_share_a_count_across_their_64(contact, store: Store) -> None:
    for n in range(VISITOR_LIMIT + 1):
        assert post(contact, f"2001:db8:1:2::{n + 1:x}", first_name=f"V{n}")["statusCode"] == 201
    statuses = sorted(i["status"] for i in store.items())
    assert statuses == ["new"] * VISITOR_LIMIT + ["spam"]


def test_past_the_ceiling_posts_are_refused_with_429_and_stored_nowhere(contact, store: Store) -> None:
    for n in range(VISITOR_CEILING):
        assert post(contact, "203.0.113.9", first_name=f"Bot{n}")["statusCode"] == 201
    refused = post(contact, "203.0.113.9", first_name="Over")
    assert refused["statusCode"] == 429
    body = json.loads(refused["body"])
    assert body["error"]["code"] == "TooManyRequests" and "none kept" in body["error"]["message"]
    assert 0 < int(refused["headers"]["retry-after"]) <= 3600
    assert len(store.items()) == VISITOR_CEILING and "Over" not in {i["first_name"] for i in store.items()}
    counter = boto3.client("dynamodb").scan(TableName=COUNTERS_TABLE)["Items"]
    assert len(counter) == 1 and len(counter[0]["ids"]["SS"]) == VISITOR_CEILING, "refused posts add nothing"


def test_a_retry_of_the_same_post_is_not_counted_twice(contact, store: Store) -> None:
    sid = str(uuid.uuid4())
    for _ in range(VISITOR_LIMIT + 2):
        assert post(contact, "203.0.113.10", submission_id=sid)["statusCode"] == 201
    (item,) = store.items()
    assert item["status"] == "new"
    (counter,) = boto3.client("dynamodb").scan(TableName=COUNTERS_TABLE)["Items"]
    assert counter["posts"]["N"] == "1"


def test_an_invalid_post_is_not_counted(contact, store: Store) -> None:
    for _ in range(VISITOR_LIMIT + 2):
        assert post(contact, "203.0.113.11", email="not an address")["statusCode"] == 400
    assert post(contact, "203.0.113.11")["statusCode"] == 201
    assert [i["status"] for i in store.items()] == ["new"]


def test_a_counter_expires_within_its_hour_and_a_margin(contact, store: Store) -> None:
    post(contact, "203.0.113.12")
    (counter,) = boto3.client("dynamodb").scan(TableName=COUNTERS_TABLE)["Items"]
    kind, visitor, hour = counter["counter"]["S"].split(" ")
    assert kind == "visitor"
    assert visitor == "203.0.113.12"
    assert int(counter["expires_at"]["N"]) == (int(hour) + 1) * 3600 + 600, "the hour and ten minutes"


def test_rescuing_a_held_post_clears_its_reason(contact, store: Store) -> None:
    for n in range(VISITOR_LIMIT + 1):
        post(contact, "203.0.113.13", first_name=f"P{n}")
    (held,) = [i for i in store.items() if i["status"] == "spam"]
    inbox = importlib.import_module("inbox")
    rescued = inbox.set_status(store.client, "ctd-local-submissions", held["id"], "new")
    assert rescued["status"] == "new" and "spam_reason" not in rescued


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("proof", [None, "", "guessed"], ids=["absent", "empty", "wrong"])
def test_every_function_refuses_a_request_that_did_not_come_through_the_edge(
    store: Store, route, proof: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    handler = getattr(importlib.import_module(route.handler.split(".")[0]), route.handler.split(".")[1])
    headers = {"x-viewer-address": "203.0.113.7", **({} if proof is None else {"x-origin-verify": proof})}
    method, path = (route.method or "GET"), route.path.replace("{id}", str(uuid.uuid4())).replace("$default", "/x")
    event = api_event(valid_fields(), method=method, path=path, headers=headers, visitor=None)
    with caplog.at_level(logging.INFO):
        answer = handler(event, LambdaContext(route.name, "test"))
    assert answer["statusCode"] == 403
    body = json.loads(answer["body"])
    assert body["error"]["code"] == "Forbidden" and body["request_id"] == answer["headers"]["x-request-id"]
    assert store.items() == []
    assert "guessed" not in caplog.text and "203.0.113.7" not in caplog.text, "headers are never logged"


def test_both_values_are_accepted_while_the_secret_rotates(contact, store: Store, monkeypatch) -> None:
    from handlers.edge import proof_hash

    # As the stack sets it during a rotation: the new value's hash, then the old one's.
    monkeypatch.setenv("EDGE_PROOF_HASHES", f"{proof_hash('new-value')},{proof_hash('old-value')}")
    monkeypatch.setattr(api_gateway, "_edge_check", None)
    for value in ("new-value", "old-value"):
        headers = {"x-origin-verify": value, "x-viewer-address": "203.0.113.20"}
        assert contact.handler(api_event(valid_fields(), headers=headers, visitor=None), None)["statusCode"] == 201
    headers = {"x-origin-verify": "older-value", "x-viewer-address": "203.0.113.20"}
    assert contact.handler(api_event(valid_fields(), headers=headers, visitor=None), None)["statusCode"] == 403


def test_no_hashes_configured_refuses_everything(contact, store: Store, monkeypatch) -> None:
    monkeypatch.setenv("EDGE_PROOF_HASHES", "")
    monkeypatch.setattr(api_gateway, "_edge_check", None)
    assert contact.handler(api_event(valid_fields()), None)["statusCode"] == 403


def test_a_post_without_the_visitor_address_is_refused(contact, store: Store) -> None:
    from local import edge

    headers = {"x-origin-verify": edge.PROOF}
    answer = contact.handler(api_event(valid_fields(), headers=headers, visitor=None), None)
    assert answer["statusCode"] == 403 and "x-viewer-address" in json.loads(answer["body"])["error"]["message"]
    assert store.items() == []


DAY = 86400


def expires_in_days(item: dict) -> float | None:
    return (int(item["expires_at"]) - time.time()) / DAY if "expires_at" in item else None


def test_spam_expires_after_spam_retention_days_and_an_enquiry_never(contact, store: Store) -> None:
    for n in range(VISITOR_LIMIT + 1):
        post(contact, "203.0.113.30", first_name=f"P{n}")
    post(contact, "203.0.113.31", first_name="Bot", website="http://spam.example")
    items = {i["first_name"]: i for i in store.items()}
    assert expires_in_days(items["P0"]) is None, "submissionRetentionDays 0: an enquiry is kept forever"
    for name in (f"P{VISITOR_LIMIT}", "Bot"):  # held back by the limit, and caught by the hidden field
        assert 29.99 < expires_in_days(items[name]) <= 30, name


@pytest.mark.parametrize(("retention", "spam", "expected"), [(10, 30, 10), (60, 30, 30), (0, 30, 30), (10, 0, 10)])
def test_a_spam_item_expires_at_the_sooner_of_both(retention: int, spam: int, expected: int) -> None:
    submission_writes = importlib.import_module("submission_writes")
    item = submission_writes.new_item(str(uuid.uuid4()), valid_fields(), "visitor-limit", retention, spam)
    assert expected - 0.01 < expires_in_days({"expires_at": item["expires_at"]["N"]}) <= expected


def test_marking_spam_sets_its_expiry_and_rescuing_cancels_it(contact, store: Store) -> None:
    inbox = importlib.import_module("inbox")
    sid = json.loads(post(contact, "203.0.113.32")["body"])["submission_id"]
    marked = inbox.set_status(store.client, "ctd-local-submissions", sid, "spam", 0, 30)
    (stored,) = store.items()
    assert 29.99 < expires_in_days(stored) <= 30 and marked["expires_at"] == stored["expires_at"]
    rescued = inbox.set_status(store.client, "ctd-local-submissions", sid, "new", 0, 30)
    (stored,) = store.items()
    assert "expires_at" not in stored and "expires_at" not in rescued, "kept forever again"


def test_with_a_retention_rescuing_restores_it_and_marking_never_extends_it(contact, store: Store) -> None:
    inbox = importlib.import_module("inbox")
    sid = json.loads(post(contact, "203.0.113.33")["body"])["submission_id"]
    inbox.set_status(store.client, "ctd-local-submissions", sid, "spam", 10, 30)
    (stored,) = store.items()
    assert 9.99 < expires_in_days(stored) <= 10, "its retention ends first"
    inbox.set_status(store.client, "ctd-local-submissions", sid, "handled", 10, 30)
    (stored,) = store.items()
    assert 9.99 < expires_in_days(stored) <= 10 and stored["status"] == "handled"
