"""One person's enquiries against moto: handed over and erased by their address in every status, the domain in any
letter case or form, in requests that each end in time and go on with a cursor; the address never in a URL."""

from __future__ import annotations

import importlib
import json
import logging
import types

import pytest

from local.emulator import TABLE_NAME
from local.gateway import LambdaContext
from owner_requests import ANSWER_SECONDS
from tests.support.handler_events import Store, call, owner_event, valid_fields

ADA = "ada@bücher.example"  # stored as the form stores it: ada@xn--bcher-kva.example


def post(contact: types.ModuleType, store: Store, email: str, **fields: str) -> str:
    return contact.accept(store.client, TABLE_NAME, 0, valid_fields(email=email, **fields))


def person_call(handler: object, body: dict, context: LambdaContext | None = None) -> tuple[int, dict]:
    event = owner_event("POST", "/x", body=body)
    response = handler(event, context or LambdaContext("person", "test"))  # type: ignore[operator]
    return response["statusCode"], json.loads(response["body"])


def until_done(owner: types.ModuleType, email: str, context: LambdaContext | None = None) -> tuple[int, int]:
    """(enquiries erased, requests made), following the cursor while done is false."""
    erased, requests, cursor = 0, 0, None
    while True:
        status, body = person_call(
            owner.erase_person, {"email": email, **({"cursor": cursor} if cursor else {})}, context
        )
        assert status == 200, body
        erased, requests, cursor = erased + body["deleted"], requests + 1, body["cursor"]
        if body["done"]:
            assert cursor is None
            return erased, requests


def stock(owner: types.ModuleType, contact: types.ModuleType, store: Store) -> list[str]:
    """Ada's enquiries in every status and spelling of her domain, and others' beside them."""
    ids = [
        post(contact, store, "ada@xn--bcher-kva.example", first_name="New"),
        post(contact, store, "ada@XN--BCHER-KVA.Example", first_name="Handled"),
        post(contact, store, "ada@xn--bcher-kva.example", first_name="Spam", website="http://x.example"),
    ]
    owner.update_submission(owner_event("PATCH", "/x", params={"id": ids[1]}, body={"status": "handled"}), None)
    post(contact, store, "Ada@xn--bcher-kva.example", first_name="Capital")  # another mailbox: local parts differ
    post(contact, store, "ada@buecher.example", first_name="Other")
    return ids


@pytest.mark.parametrize(
    "asked_as", [ADA, "ada@xn--bcher-kva.example", "ada@BÜCHER.EXAMPLE", " ada@Xn--Bcher-Kva.example "]
)
def test_export_hands_over_every_status_and_spelling(
    owner: types.ModuleType, contact: types.ModuleType, store: Store, asked_as: str
) -> None:
    ids = stock(owner, contact, store)
    status, body = person_call(owner.export_person, {"email": asked_as})
    assert status == 200 and body["cursor"] is None
    assert sorted(i["id"] for i in body["items"]) == sorted(ids)
    assert {i["status"] for i in body["items"]} == {"new", "handled", "spam"}
    assert all("inbox" not in i for i in body["items"])


def test_erase_deletes_theirs_only_and_reports_done(
    owner: types.ModuleType, contact: types.ModuleType, store: Store
) -> None:
    ids = stock(owner, contact, store)
    assert until_done(owner, "ada@BÜCHER.example") == (3, 1)
    left = {i["first_name"] for i in store.items() if "first_name" in i}
    assert left == {"Capital", "Other"} and not set(ids) & {i["id"] for i in store.items()}
    assert until_done(owner, ADA) == (0, 1), "erasing again finds nothing"
    status, body = person_call(owner.export_person, {"email": ADA})
    assert status == 200 and body["items"] == []


def test_a_request_ends_in_time_and_the_cursor_goes_on(
    owner: types.ModuleType, contact: types.ModuleType, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of enquiries never run one request past the function's time: with a page of 3 and no time to
    spare, each request reads one page and answers a cursor, and following it erases them all."""
    person = importlib.import_module("person")
    monkeypatch.setattr(person, "SCAN_PAGE", 3)
    for n in range(10):
        post(contact, store, "ada@xn--bcher-kva.example", first_name=f"A{n}")
        post(contact, store, "someone@example.com", first_name=f"S{n}")
    no_time = LambdaContext("person", "test", timeout_seconds=ANSWER_SECONDS)
    erased, requests = until_done(owner, ADA, no_time)
    assert erased == 10 and requests == 7  # 20 items in pages of 3
    assert sorted(i["first_name"] for i in store.items() if "first_name" in i) == sorted(f"S{n}" for n in range(10))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "email"),
        ({"email": "not an address"}, "email"),
        ({"email": "@example.com"}, "email"),
        ({"email": "ada@"}, "email"),
        ({"email": "ada@a..b"}, "email"),  # an empty label
        ({"email": "ada@" + "x" * 64 + ".example"}, "email"),  # a label over 63 characters
        ({"email": 7}, "email"),
        ({"email": ADA, "extra": 1}, "email"),
        ({"email": ADA, "cursor": "not-a-cursor"}, "cursor"),
        ({"email": ADA, "cursor": "InNwYW0tZW1wdGllZCI="}, "cursor"),  # "spam-emptied": not an enquiry's id
    ],
)
def test_bad_requests_are_400_naming_the_field(owner: types.ModuleType, store: Store, body: dict, field: str) -> None:
    for handler in (owner.export_person, owner.erase_person):
        status, answer = person_call(handler, body)
        assert status == 400 and field in answer["error"]["fields"], answer


def test_the_address_is_never_logged(
    owner: types.ModuleType, contact: types.ModuleType, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    stock(owner, contact, store)
    with caplog.at_level(logging.DEBUG, logger="ctd"):
        until_done(owner, ADA)
        person_call(owner.export_person, {"email": "ada@"})
    ours = [f"{r.getMessage()} {vars(r)}" for r in caplog.records if r.name.startswith("ctd")]
    assert ours and not [line for line in ours if "ada@" in line or "bcher" in line]


def test_only_json_bodies_are_read(owner: types.ModuleType, store: Store) -> None:
    event = owner_event("POST", "/x", body={"email": ADA})
    event["headers"]["content-type"] = "text/plain"
    status, _, body = call(owner.erase_person, event)
    assert status == 415 and "application/json" in body["error"]["message"]
