"""The spam view and its emptying, against moto: listed by when each item became spam, emptied in one write
whatever it holds, and what becomes spam afterwards (new, or an old enquiry re-filed) listed again."""

from __future__ import annotations

import csv
import importlib
import io
import time
import types
from typing import Any

import pytest

from local.emulator import TABLE_NAME
from tests.support.handler_events import Store, call, exported, owner_event, valid_fields

BOT = {"website": "http://spam.example"}


class CountingClient:
    """A DynamoDB client that counts the calls made through it."""

    def __init__(self, client: Any) -> None:
        self.client, self.calls = client, []

    def __getattr__(self, name: str) -> Any:
        self.calls.append(name)
        return getattr(self.client, name)


def post(contact: types.ModuleType, store: Store, name: str, **fields: str) -> str:
    return contact.accept(store.client, TABLE_NAME, 0, valid_fields(first_name=name, **fields))


def spam_names(owner: types.ModuleType, **query: str) -> list[str]:
    names, cursor = [], None
    while True:
        params = {"status": "spam", "limit": "2", **query, **({"cursor": cursor} if cursor else {})}
        handler = owner.list_submissions
        if "q" in params:
            handler = importlib.import_module("search").handler
        status, _, body = call(handler, owner_event("GET", "/x", params))
        assert status == 200, body
        names += [i["first_name"] for i in body["items"]]
        cursor = body["cursor"]
        if not cursor:
            return names


def empty(owner: types.ModuleType) -> dict:
    status, _, body = call(owner.empty_spam, owner_event("POST", "/api/submissions/empty-spam"))
    assert status == 200, body
    return body


def mark(owner: types.ModuleType, sid: str, status: str) -> None:
    answer = owner.update_submission(owner_event("PATCH", "/x", params={"id": sid}, body={"status": status}), None)
    assert answer["statusCode"] == 200


@pytest.mark.parametrize("held", [1, 40])
def test_emptying_is_one_write_whatever_the_spam_view_holds(
    owner: types.ModuleType, contact: types.ModuleType, store: Store, held: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(held):
        post(contact, store, f"Bot{n}", **BOT)
    counting = CountingClient(store.client)
    monkeypatch.setattr(owner.dynamodb_client, "dynamodb", counting)
    body = empty(owner)
    assert counting.calls == ["update_item"] and body["emptied_at"].endswith("Z")
    monkeypatch.setattr(owner.dynamodb_client, "dynamodb", store.client)
    assert spam_names(owner) == []
    assert sum(1 for i in store.items() if i.get("status") == "spam") == held, "kept until their spam expiry"


def test_what_becomes_spam_after_emptying_is_listed_newest_first(
    owner: types.ModuleType, contact: types.ModuleType, store: Store
) -> None:
    old_person = post(contact, store, "Oldperson")
    post(contact, store, "Oldbot", **BOT)
    rescued = post(contact, store, "Rescued", **BOT)
    time.sleep(0.005)
    empty(owner)
    assert spam_names(owner) == []
    time.sleep(0.005)
    post(contact, store, "Newbot", **BOT)
    time.sleep(0.005)
    mark(owner, old_person, "spam")  # arrived before the emptying, spam after it: listed
    time.sleep(0.005)
    mark(owner, rescued, "new")  # an emptied one rescued by id (the owner had its link), then spam again
    time.sleep(0.005)
    mark(owner, rescued, "spam")
    assert spam_names(owner) == ["Rescued", "Oldperson", "Newbot"]
    assert spam_names(owner, q="lovelace") == ["Rescued", "Oldperson", "Newbot"]  # search goes by the same view
    export = exported({"status": "spam"})[1]
    assert [row["first_name"] for row in csv.DictReader(io.StringIO(export.lstrip("\ufeff")))] == spam_names(owner)


def test_the_bot_check_lists_what_it_holds_after_an_emptying(
    owner: types.ModuleType, contact: types.ModuleType, store: Store
) -> None:
    bot_check = importlib.import_module("bot_check")
    sid = contact.accept(store.client, TABLE_NAME, 0, valid_fields(first_name="Robot"), address="192.0.2.1")
    item = next(i for i in store.items() if i["id"] == sid)
    empty(owner)
    time.sleep(0.005)
    assert not bot_check.record(store.client, TABLE_NAME, item, bot_check.FAILED, 30, time.time())
    assert spam_names(owner) == ["Robot"]


def test_the_inbox_and_its_counts_never_hold_the_emptying_item(
    owner: types.ModuleType, contact: types.ModuleType, store: Store
) -> None:
    post(contact, store, "Ada")
    empty(owner)
    for status in (None, "new", "handled"):
        params = {"status": status} if status else {}
        _, _, body = call(owner.list_submissions, owner_event("GET", "/x", params))
        assert [i["first_name"] for i in body["items"]] == (["Ada"] if status != "handled" else [])
    notify = importlib.import_module("notify")
    assert [item["first_name"] for _, item in notify.new_enquiries(store.stream_records())] == ["Ada"]
    status, _, _ = call(owner.get_submission, owner_event("GET", "/x", params={"id": "spam-emptied"}))
    assert status == 404


def test_a_spam_cursor_must_be_one_the_spam_view_issued(
    owner: types.ModuleType, contact: types.ModuleType, store: Store
) -> None:
    for n in range(3):
        post(contact, store, f"Bot{n}", **BOT)
    _, _, first = call(owner.list_submissions, owner_event("GET", "/x", {"status": "spam", "limit": "1"}))
    _, _, inbox_page = call(owner.list_submissions, owner_event("GET", "/x", {"limit": "1"}))
    for cursor, view in ((first["cursor"], {}), (first["cursor"], {"status": "new"})):
        status, _, body = call(owner.list_submissions, owner_event("GET", "/x", {**view, "cursor": cursor}))
        assert status == 400 and body["error"]["fields"] == {"cursor": "is not valid"}
    status, _, second = call(
        owner.list_submissions, owner_event("GET", "/x", {"status": "spam", "limit": "1", "cursor": first["cursor"]})
    )
    assert status == 200 and second["items"][0]["id"] != first["items"][0]["id"]
    assert inbox_page["cursor"] is None  # no post in the inbox to page through


def test_the_spam_view_counts_what_each_check_held_back_since_it_was_last_emptied(
    owner, contact, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: offices and mobile networks share addresses, so the owner sees the whole view's count per reason,
    not a page's."""
    from local.emulator import COUNTERS_TABLE

    limits = contact.VisitorLimits(COUNTERS_TABLE, 1, 50)
    for n in range(4):  # one visitor's first post is fine; the next three are held by the per-visitor limit
        contact.accept(
            store.client, TABLE_NAME, 0, valid_fields(first_name=f"V{n}"), limits=limits, visitor="192.0.2.9"
        )
    post(contact, store, "Bot1", **BOT)
    post(contact, store, "Bot2", **BOT)
    marked = post(contact, store, "Marked")
    event = owner_event("PATCH", f"/api/submissions/{marked}", params={"id": marked}, body={"status": "spam"})
    assert call(owner.update_submission, event)[0] == 200

    def held() -> dict:
        status, _, body = call(owner.spam_held, owner_event("GET", "/api/submissions/spam-held"))
        assert status == 200, body
        return {k: body[k] for k in ("held", "total", "complete")}

    assert held() == {"held": {"visitor-limit": 3, "honeypot": 2}, "total": 6, "complete": True}
    empty(owner)
    post(contact, store, "Bot3", **BOT)
    assert held() == {"held": {"honeypot": 1}, "total": 1, "complete": True}, "only what arrived since emptying"
    import inbox

    monkeypatch.setattr(inbox, "view_request", _paged_by_one(inbox.view_request))
    post(contact, store, "Bot4", **BOT)
    short = importlib.import_module("local.gateway").LambdaContext("owner", "t", timeout_seconds=3.0)
    status, _, body = call(lambda e, _: owner.spam_held(e, short), owner_event("GET", "/api/submissions/spam-held"))
    assert status == 200 and body["complete"] is False and body["total"] == 1, "out of time: says so, not less"


def _paged_by_one(view_request: Any) -> Any:
    def one_at_a_time(*args: Any, **kwargs: Any) -> Any:
        request, names = view_request(*args, **kwargs)
        return {**request, "Limit": 1}, names

    return one_at_a_time
