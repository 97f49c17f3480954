"""The owner's routes against moto: paging without gaps or repeats, filters, status changes, deletes, CSV."""

from __future__ import annotations

import base64
import csv
import importlib
import io
import json
import time
import types
import uuid

import pytest

from local.emulator import TABLE_NAME
from tests.support.handler_events import Store, call, exported, owner_event, valid_fields
from view_limits import MAX_PAGE


def add(contact: types.ModuleType, store: Store, count: int, **fields: str) -> list[str]:
    ids = []
    for n in range(count):
        ids.append(contact.accept(store.client, TABLE_NAME, 0, valid_fields(**{"first_name": f"Person{n}", **fields})))
    return ids


def test_pages_cover_every_item_newest_first_without_repeats(owner, contact, store: Store) -> None:
    ids = add(contact, store, 23)
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": "5", **({"cursor": cursor} if cursor else {})}
        status, _, body = call(owner.list_submissions, owner_event("GET", "/api/submissions", query))
        assert status == 200 and len(body["items"]) <= 5
        seen += body["items"]
        pages += 1
        cursor = body["cursor"]
        if not cursor:
            break
    assert sorted(i["id"] for i in seen) == sorted(ids), "every item exactly once"
    assert len(seen) == len({i["id"] for i in seen})
    created = [i["created_at"] for i in seen]
    assert created == sorted(created, reverse=True), "newest first"
    assert pages == 5 and "inbox" not in seen[0]


def test_default_view_hides_spam_and_filters_select_one_status(owner, contact, store: Store) -> None:
    people = add(contact, store, 2)
    (bot,) = add(contact, store, 1, website="http://spam.example")
    owner.update_submission(owner_event("PATCH", "/x", params={"id": people[0]}, body={"status": "handled"}), None)

    def ids(query: dict) -> set[str]:
        return {
            i["id"] for i in call(owner.list_submissions, owner_event("GET", "/api/submissions", query))[2]["items"]
        }

    assert ids({}) == set(people)
    assert ids({"status": "spam"}) == {bot}
    assert ids({"status": "handled"}) == {people[0]}
    assert ids({"status": "new"}) == {people[1]}


def test_rescuing_spam_brings_it_back_to_the_inbox(owner, contact, store: Store) -> None:
    (bot,) = add(contact, store, 1, website="x")
    event = owner_event("PATCH", "/x", params={"id": bot}, body={"status": "new"})
    status, _, body = call(owner.update_submission, event)
    assert status == 200 and body["item"]["status"] == "new"
    listed = call(owner.list_submissions, owner_event("GET", "/api/submissions"))[2]["items"]
    assert [i["id"] for i in listed] == [bot]


def test_the_owners_spam_expires_by_the_stacks_spam_retention_and_a_rescue_cancels_it(
    owner, contact, store: Store
) -> None:
    (sid,) = add(contact, store, 1)
    marked = call(owner.update_submission, owner_event("PATCH", "/x", params={"id": sid}, body={"status": "spam"}))
    days = (int(marked[2]["item"]["expires_at"]) - time.time()) / 86400
    assert 29.99 < days <= 30, "spamRetentionDays, as the stack sets it (the local runner's 30)"
    rescued = call(owner.update_submission, owner_event("PATCH", "/x", params={"id": sid}, body={"status": "new"}))
    assert "expires_at" not in rescued[2]["item"] and "expires_at" not in store.items()[0]


def test_view_returns_the_item_and_unknown_ids_are_404(owner, contact, store: Store) -> None:
    (sid,) = add(contact, store, 1, message="Привет")
    status, _, body = call(owner.get_submission, owner_event("GET", "/x", params={"id": sid}))
    assert status == 200 and body["item"]["message"] == "Привет"
    status, _, body = call(owner.get_submission, owner_event("GET", "/x", params={"id": str(uuid.uuid4())}))
    assert status == 404 and body["error"]["code"] == "NotFound"


@pytest.mark.parametrize("handler_name", ["get_submission", "update_submission", "delete_submission"])
@pytest.mark.parametrize("unknown", [str(uuid.uuid4()), "not-an-id", "x" * 3000, ""])
def test_an_unknown_id_is_404_and_creates_nothing(owner, store: Store, handler_name: str, unknown: str) -> None:
    event = owner_event("PATCH", "/x", params={"id": unknown}, body={"status": "handled"})
    status, _, body = call(getattr(owner, handler_name), event)
    assert status == 404 and "no submission with id" in body["error"]["message"]
    assert store.items() == []


def test_delete_removes_only_that_item(owner, contact, store: Store) -> None:
    keep, gone = add(contact, store, 2)
    status, _, body = call(owner.delete_submission, owner_event("DELETE", "/x", params={"id": gone}))
    assert status == 200 and body["deleted"] == gone
    assert [i["id"] for i in store.items()] == [keep]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "archived"}, "status"),
        ({"limit": "0"}, "limit"),
        ({"limit": str(MAX_PAGE + 1)}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "\u00b2"}, "limit"),  # a superscript two: str.isdigit() says yes, int() says no
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "eyJpZCI6ICJ4In0"}, "cursor"),  # valid base64 JSON, wrong keys
    ],
)
def test_bad_list_parameters_are_400_naming_them(owner, store: Store, query: dict, field: str) -> None:
    status, _, body = call(owner.list_submissions, owner_event("GET", "/api/submissions", query))
    assert status == 400 and field in body["error"]["fields"]


def test_cursor_from_another_view_is_refused(owner, contact, store: Store) -> None:
    add(contact, store, 3)
    cursor = call(owner.list_submissions, owner_event("GET", "/api/submissions", {"limit": "1"}))[2]["cursor"]
    status, _, body = call(owner.list_submissions, owner_event("GET", "/a", {"status": "new", "cursor": cursor}))
    assert status == 400 and "cursor" in body["error"]["fields"]


@pytest.mark.parametrize("body", [{"status": "archived"}, {"status": "handled", "extra": 1}, {}, [1], "not json", None])
def test_bad_status_change_is_400_and_changes_nothing(owner, contact, store: Store, body) -> None:
    (sid,) = add(contact, store, 1)
    event = owner_event("PATCH", "/x", params={"id": sid}, body=body if body is not None else "")
    if isinstance(body, str):
        event["body"] = body
    status, _, _ = call(owner.update_submission, event)
    assert status == 400
    assert store.items()[0]["status"] == "new"


def test_requests_without_owner_claims_are_401(owner, contact, store: Store) -> None:
    event = owner_event("GET", "/api/submissions")
    del event["requestContext"]["authorizer"]
    status, _, body = call(owner.list_submissions, event)
    assert status == 401 and body["error"]["code"] == "Unauthorized"


def test_export_is_utf8_with_bom_newest_first_and_neutralises_formulas(owner, contact, store: Store) -> None:
    add(contact, store, 1, first_name="Zoë", message="plain")
    add(contact, store, 1, company='=HYPERLINK("http://evil")', message="+1 cell", job_title="@SUM(A1)")
    add(contact, store, 1, first_name="-minus", last_name="@me", website="bot")
    job, body = exported()
    assert job["state"] == "done" and job["file"].startswith("enquiries-inbox-") and job["rows"] == 2
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert len(rows) == 2, "spam is not exported by default"
    assert rows[0]["company"] == '\'=HYPERLINK("http://evil")' and rows[0]["message"] == "'+1 cell"
    assert rows[0]["job_title"] == "'@SUM(A1)"
    assert rows[1]["first_name"] == "Zoë"
    spam = exported({"status": "spam"})[1]
    (spam_row,) = csv.DictReader(io.StringIO(spam.removeprefix("\ufeff")))
    assert spam_row["first_name"] == "'-minus" and spam_row["last_name"] == "'@me"


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("@x", "'@x"),
        ("-minus", "'-minus"),
        ("+1 cell", "'+1 cell"),
        ("a=1", "a=1"),
        ("ok;=1+1", "ok;'=1+1"),
        ('ok; "=1', "ok;' \"=1"),
        ("\t=1", "\t'=1"),
        ("hi\r\n@x", "hi\r\n'@x"),
        ("+44 20 7946 0000", "+44 20 7946 0000"),  # a number or phone number stays as typed
        ("-5", "-5"),
        ("call; +44 1", "call; +44 1"),
    ],
)
def test_formula_cells_are_neutralised(cell: str, shown: str) -> None:
    from csv_export import neutralise

    assert neutralise(cell) == shown


@pytest.mark.parametrize(
    "body",
    ["[" * 1024, '{"status": "new", "status": "handled"}'],  # deeper than the recursion limit; a repeated key
)
def test_hostile_json_in_a_status_change_is_400(owner, contact, store: Store, body: str) -> None:
    (sid,) = add(contact, store, 1)
    status, _, answer = call(owner.update_submission, owner_event("PATCH", "/x", params={"id": sid}, body=body))
    assert status == 400 and answer["error"]["code"] == "BadRequest"
    assert {i["status"] for i in store.items()} == {"new"}


@pytest.mark.parametrize("plain", ["[" * 5000 + "]" * 5000, '{"id": ' + "9" * 5000 + "}"])
def test_a_hostile_cursor_is_400(owner, store: Store, plain: str) -> None:
    cursor = base64.urlsafe_b64encode(plain.encode()).decode()
    status, _, answer = call(owner.list_submissions, owner_event("GET", "/api/submissions", {"cursor": cursor}))
    assert status == 400 and answer["error"]["fields"] == {"cursor": "is not valid"}


GOOD_ID, GOOD_TIME = "0b1e7d35-2c1f-4f7a-9f4e-7d1c2a3b4c5d", "2026-12-05T10:00:00.000Z"


@pytest.mark.parametrize(
    ("forged", "route"),
    [
        ({"id": "", "created_at": GOOD_TIME}, "list"),  # DynamoDB refuses an empty key value: it was a 500
        ({"id": "x" * 3000, "created_at": GOOD_TIME}, "list"),
        ({"id": "not-a-uuid", "created_at": GOOD_TIME}, "search"),
        ({"id": GOOD_ID.upper(), "created_at": GOOD_TIME}, "list"),  # the API issues the lower-case form only
        ({"id": GOOD_ID, "created_at": ""}, "search"),
        ({"id": GOOD_ID, "created_at": "yesterday"}, "list"),
        ({"id": GOOD_ID, "created_at": GOOD_TIME + "x" * 3000}, "search"),
    ],
)
def test_a_cursor_not_shaped_as_this_api_issues_them_is_400(owner, store: Store, forged: dict, route: str) -> None:
    """Issue 22: a forged cursor with an empty or 3,000-character key value got 200 locally and a 500 from
    DynamoDB; every value must have the shape of the keys this API writes."""
    plain = json.dumps({**forged, "inbox": "inbox"})
    cursor = base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")
    if route == "list":
        event = owner_event("GET", "/api/submissions", {"cursor": cursor})
        status, _, answer = call(owner.list_submissions, event)
    else:
        event = owner_event("GET", "/api/submissions/search", {"cursor": cursor, "q": "ada"})
        status, _, answer = call(importlib.import_module("search").handler, event)
    assert status == 400 and answer["error"]["fields"] == {"cursor": "is not valid"}


def test_a_cursor_this_api_issued_still_works(owner, contact, store: Store) -> None:
    add(contact, store, 3)
    first = call(owner.list_submissions, owner_event("GET", "/api/submissions", {"limit": "2"}))[2]
    rest = call(owner.list_submissions, owner_event("GET", "/api/submissions", {"cursor": first["cursor"]}))
    assert rest[0] == 200 and len(rest[2]["items"]) == 1


def test_export_has_the_subject_and_kept_fields_as_lines_formulas_defused(owner, contact, store: Store) -> None:
    fields = valid_fields(_subject="Quote", budget="=1+1", referrer="A friend")
    contact.accept(store.client, TABLE_NAME, 0, fields, keep_extra=True)
    body = exported()[1]
    (row,) = csv.DictReader(io.StringIO(body.removeprefix("\ufeff")))
    assert row["subject"] == "Quote"
    assert row["extra_fields"] == "budget: =1+1\nreferrer: A friend", "not JSON: readable in a spreadsheet"
