"""The search index against moto: the indexer follows every change of an enquiry (new, spam, rescued, deleted,
expiry, erased, a record delivered twice), and a search finds a rare word in one request whose reads of the index do
not grow with the inbox."""

from __future__ import annotations

import importlib
import json
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import botocore.exceptions
import pytest

from local.emulator import INDEX_TABLE, TABLE_NAME
from local.gateway import LambdaContext
from tests.support.handler_events import Store, call, owner_event, valid_fields

PATH = "/api/submissions/search"


def add(contact: types.ModuleType, retention_days: int = 0, **fields: str) -> str:
    return str(contact.accept(Store().client, TABLE_NAME, retention_days, valid_fields(**fields), keep_extra=True))


def index_items(store: Store) -> list[dict[str, Any]]:
    pages = store.client.get_paginator("scan").paginate(TableName=INDEX_TABLE, ConsistentRead=True)
    return [{k: v.get("S", v.get("N")) for k, v in i.items()} for page in pages for i in page["Items"]]


def indexed_ids(store: Store) -> set[str]:
    """The enquiries the index has entries for (not counting their lists)."""
    return {i["entry"].rpartition("#")[2] for i in index_items(store) if not i["word"].startswith("#")}


def searched(search: types.ModuleType, **query: str) -> dict:
    response = search.handler(owner_event("GET", PATH, query), LambdaContext("search", "test"))
    assert response["statusCode"] == 200, response["body"]
    return json.loads(response["body"])


def set_status(owner: types.ModuleType, submission_id: str, status: str) -> None:
    event = owner_event(
        "PATCH", f"/api/submissions/{submission_id}", params={"id": submission_id}, body={"status": status}
    )
    assert call(owner.update_submission, event)[0] == 200


class IndexReads:
    """Every Query the search function makes of the index table, and the entries they return."""

    def __init__(self, client: Any) -> None:
        self.calls, self.entries, self._client = 0, 0, client

    def __call__(self, params: dict[str, Any], parsed: dict[str, Any], **_: Any) -> None:
        if params.get("TableName") == INDEX_TABLE:
            self.calls += 1
            self.entries += parsed["Count"]


@pytest.fixture
def index_reads(search: types.ModuleType) -> Iterator[IndexReads]:
    import dynamodb_client

    reads = IndexReads(dynamodb_client.dynamodb)
    params: dict[str, Any] = {}
    events = dynamodb_client.dynamodb.meta.events

    def keep(params_in: dict[str, Any] = params, **kwargs: Any) -> None:
        params_in.clear()
        params_in.update(kwargs["params"])

    def count(**kwargs: Any) -> None:
        reads(params, kwargs["parsed"])

    events.register("provide-client-params.dynamodb.Query", keep, unique_id="index-reads-keep")
    events.register("after-call.dynamodb.Query", count, unique_id="index-reads-count")
    yield reads
    events.unregister("provide-client-params.dynamodb.Query", unique_id="index-reads-keep")
    events.unregister("after-call.dynamodb.Query", count, unique_id="index-reads-count")


def test_a_rare_word_is_found_in_one_request_whose_index_reads_do_not_grow_with_the_inbox(
    search, contact, store: Store, index_now: Callable[[], int], index_reads: IndexReads
) -> None:
    rare = add(contact, first_name="Oldest", message="Our zeugma press needs a quote")
    measured = []
    for more in (14, 135):  # an inbox of 15, then of 150
        for _ in range(more):
            add(contact, first_name="Common", message="A quote for printing, please")
        index_now()
        index_reads.calls = index_reads.entries = 0
        answer = searched(search, q="zeugma")
        assert [i["id"] for i in answer["items"]] == [rare] and answer["cursor"] is None
        measured.append((index_reads.calls, index_reads.entries, answer["searched"]))
    # Per request: the word's four partitions and the long enquiries' four; one entry; one enquiry fetched.
    assert measured == [(8, 1, 1), (8, 1, 1)]


def test_of_several_words_the_rarest_leads_and_every_word_must_be_held(
    search, contact, store: Store, index_now: Callable[[], int]
) -> None:
    both = add(contact, first_name="Both", message="quote for a zeugma")
    for n in range(20):
        add(contact, first_name=f"Quote{n}", message="quote")
    add(contact, first_name="Rare", message="zeugma alone")
    index_now()
    answer = searched(search, q="QUOTE zeugma")
    assert [i["id"] for i in answer["items"]] == [both] and answer["searched"] == 2, "zeugma's two, not 21 quotes"
    assert searched(search, q="quot zeugma")["items"] == [], "the index finds whole words"
    assert searched(search, q="zeugma for")["items"][-1]["id"] == both, "a stop word is checked, not looked up"


def test_the_index_follows_spam_rescue_deletion_and_expiry(
    search, owner, contact, store: Store, index_now: Callable[[], int]
) -> None:
    kept, spam, deleted = (add(contact, first_name=n, message="zeugma") for n in ("Kept", "Marked", "Deleted"))
    bot = add(contact, first_name="Bot", message="zeugma", website="filled")
    index_now()
    assert indexed_ids(store) == {kept, spam, deleted}, "spam is not indexed"
    set_status(owner, spam, "spam")
    assert (
        call(owner.delete_submission, owner_event("DELETE", f"/api/submissions/{deleted}", params={"id": deleted}))[0]
        == 200
    )
    index_now()
    assert indexed_ids(store) == {kept}
    assert {i["word"] for i in index_items(store) if i["word"].startswith("#")} == {f"#{kept}"}, "lists go too"
    set_status(owner, bot, "new")  # rescued: indexed, with the enquiry's expiry (none here)
    index_now()
    assert indexed_ids(store) == {kept, bot}
    assert [i["id"] for i in searched(search, q="zeugma")["items"]] == [bot, kept]


def test_every_entry_carries_the_enquirys_expiry_and_follows_a_new_one(
    owner, contact, store: Store, index_now: Callable[[], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dynamodb_client

    sid = add(contact, 30, message="zeugma")
    index_now()
    expiry = next(i for i in store.items() if i["id"] == sid)["expires_at"]
    assert {i["expires_at"] for i in index_items(store)} == {expiry}
    monkeypatch.setattr(dynamodb_client, "RETENTION_DAYS", 60)  # handled keeps the retention, now 60 days
    set_status(owner, sid, "handled")
    index_now()
    longer = next(i for i in store.items() if i["id"] == sid)["expires_at"]
    assert int(longer) > int(expiry) and {i["expires_at"] for i in index_items(store)} == {longer}


def test_a_batch_delivered_twice_leaves_the_same_index(contact, store: Store) -> None:
    indexer = importlib.import_module("indexer")
    for n in range(3):
        add(contact, first_name=f"P{n}", message="zeugma press")
    records = store.stream_records()
    assert indexer.handler({"Records": records}, None) == {"batchItemFailures": []}
    once = sorted(map(json.dumps, index_items(store)))
    assert indexer.handler({"Records": records}, None) == {"batchItemFailures": []}
    # Seven words each (p0, ada, lovelace, example, com, zeugma, press) and their list.
    assert sorted(map(json.dumps, index_items(store))) == once and len(once) == 3 * 8


def test_an_enquiry_past_the_word_cap_is_found_by_any_of_its_words(
    search, contact, store: Store, index_now: Callable[[], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import enquiry_words

    monkeypatch.setattr(enquiry_words, "MAX_WORDS", 3)
    long = add(contact, first_name="Long", message="alpha beta gamma delta epsilon zeugma")
    add(contact, first_name="Short", message="alpha")
    index_now()
    entries = [i["word"].rpartition("#")[0] for i in index_items(store) if i["entry"].endswith(long)]
    assert sorted(entries) == ["#long", "ada", "long", "lovelace"], "the first three words, and the long ones' list"
    assert [i["id"] for i in searched(search, q="zeugma")["items"]] == [long], "past the cap, read whole"


def test_an_entry_the_index_has_not_caught_up_with_never_shows(
    search, owner, contact, store: Store, index_now: Callable[[], int]
) -> None:
    sid = add(contact, first_name="Later", message="zeugma")
    index_now()
    set_status(owner, sid, "spam")  # the stream's record of it not yet handed to the indexer
    assert searched(search, q="zeugma")["items"] == []
    set_status(owner, sid, "handled")
    assert [i["id"] for i in searched(search, q="zeugma", status="handled")["items"]] == [sid]
    assert searched(search, q="zeugma", status="new")["items"] == []


def test_the_index_search_stops_before_the_deadline_and_its_cursors_cover_the_view(
    search, contact, store: Store, index_now: Callable[[], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexed_search

    ids = [add(contact, first_name=f"P{n}", message="zeugma") for n in range(12)]
    index_now()
    real = indexed_search.holds
    monkeypatch.setattr(indexed_search, "holds", lambda *a: time.sleep(0.05) or real(*a))
    short = LambdaContext(
        "search", "test", timeout_seconds=importlib.import_module("owner_requests").ANSWER_SECONDS + 0.2
    )
    seen, requests, cursor = [], 0, None
    while True:
        query = {"q": "zeugma", "limit": "100", **({"cursor": cursor} if cursor else {})}
        body = json.loads(search.handler(owner_event("GET", PATH, query), short)["body"])
        seen += [i["id"] for i in body["items"]]
        requests, cursor = requests + 1, body["cursor"]
        if not cursor:
            break
    assert seen == ids[::-1] and requests >= 3


def test_erasure_removes_the_persons_entries_itself_without_the_stream(
    search, owner, contact, store: Store, index_now: Callable[[], int]
) -> None:
    theirs = [add(contact, email="zoe@Example.COM", message=f"zeugma {n}") for n in range(3)]
    other = add(contact, email="ada@example.org", message="zeugma")
    index_now()
    assert set(theirs) <= indexed_ids(store)
    event = owner_event("POST", "/api/submissions/erase", body={"email": "zoe@example.com"})
    assert call(owner.erase_person, event)[2]["deleted"] == 3
    # No stream record handed over: the erasure itself emptied the index of them.
    assert indexed_ids(store) == {other}
    assert not [i for i in index_items(store) if any(t in i["word"] + i["entry"] for t in theirs)]
    index_now()  # the removals' records come later, and find nothing left to do
    assert indexed_ids(store) == {other}


def test_a_write_dynamodb_leaves_unprocessed_fails_the_record_and_holds_back_the_rest(
    contact, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexer = importlib.import_module("indexer")
    import word_index

    first, second = add(contact, message="zeugma"), add(contact, message="zeugma")
    records = store.stream_records()
    monkeypatch.setattr(word_index.time, "sleep", lambda seconds: None)
    real = indexer.dynamodb.batch_write_item

    def throttled(**request: Any) -> dict[str, Any]:
        real(**request)
        return {"UnprocessedItems": request["RequestItems"]}  # as DynamoDB answers when throttled

    monkeypatch.setattr(indexer.dynamodb, "batch_write_item", throttled)
    result = indexer.handler({"Records": records}, None)
    assert result == {"batchItemFailures": [{"itemIdentifier": records[0]["dynamodb"]["SequenceNumber"]}]}
    assert second not in indexed_ids(store), "nothing after the failed record"
    monkeypatch.undo()
    assert indexer.handler({"Records": records}, None) == {"batchItemFailures": []}
    assert indexed_ids(store) == {first, second}


def test_a_search_cursor_of_another_shape_is_400(search, store: Store) -> None:
    import base64

    forged = base64.urlsafe_b64encode(json.dumps({"id": "x", "created_at": "2026-01-01T00:00:00.000Z"}).encode())
    query = {"q": "zeugma", "cursor": forged.decode().rstrip("=")}
    response = search.handler(owner_event("GET", PATH, query), LambdaContext("search", "test"))
    assert response["statusCode"] == 400 and json.loads(response["body"])["error"]["fields"] == {
        "cursor": "is not valid"
    }


def test_unprocessed_reads_become_a_503(
    search, contact, store: Store, index_now: Callable[[], int], monkeypatch
) -> None:
    import dynamodb_client
    import word_index

    add(contact, message="zeugma")
    index_now()
    monkeypatch.setattr(word_index.time, "sleep", lambda seconds: None)
    real = dynamodb_client.dynamodb.batch_get_item

    def throttled(**request: Any) -> dict[str, Any]:
        real(**request)
        return {"Responses": {}, "UnprocessedKeys": request["RequestItems"]}

    monkeypatch.setattr(dynamodb_client.dynamodb, "batch_get_item", throttled)
    response = search.handler(owner_event("GET", PATH, {"q": "zeugma"}), LambdaContext("search", "test"))
    assert response["statusCode"] == 503
    assert isinstance(botocore.exceptions.ClientError, type)


def test_reindex_indexes_what_a_table_already_holds_and_twice_changes_nothing(search, contact, store: Store) -> None:
    """scripts/reindex.py: a stack whose enquiries predate the index, and make dev's kept enquiries."""
    from scripts.reindex import reindex

    older = [add(contact, first_name=f"Old{n}", message="zeugma") for n in range(2)]
    add(contact, first_name="Bot", message="zeugma", website="filled")
    assert searched(search, q="zeugma")["items"] == [], "no stream record was handed to the indexer"
    assert reindex(store.client, TABLE_NAME, INDEX_TABLE) == 2
    once = sorted(map(json.dumps, index_items(store)))
    assert [i["id"] for i in searched(search, q="zeugma")["items"]] == older[::-1]
    assert reindex(store.client, TABLE_NAME, INDEX_TABLE) == 2
    assert sorted(map(json.dumps, index_items(store))) == once
