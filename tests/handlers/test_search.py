"""GET /api/submissions/search against moto: every word, any field, case and accents ignored, newest first,
the status filter, paging that neither repeats nor skips, the read bound, and bad queries named."""

from __future__ import annotations

import json
import time
import types
from collections.abc import Callable

import pytest

from local.emulator import TABLE_NAME
from local.gateway import LambdaContext
from owner_requests import ANSWER_SECONDS
from tests.support.handler_events import Store, api_event, owner_event, valid_fields

PATH = "/api/submissions/search"


def add(contact: types.ModuleType, store: Store, **fields: str) -> str:
    return contact.accept(store.client, TABLE_NAME, 0, valid_fields(**fields), keep_extra=True)


@pytest.fixture
def found(search: types.ModuleType, index_now: Callable[[], int]) -> Callable[..., dict]:
    """The search's answer to `query`, once the search index holds every enquiry stored so far."""

    def answer(**query: str) -> dict:
        index_now()
        response = search.handler(owner_event("GET", PATH, query), LambdaContext("search", "test"))
        assert response["statusCode"] == 200, response["body"]
        return json.loads(response["body"])

    return answer


def test_every_word_in_any_field_case_and_accents_ignored(found, search, contact, store: Store) -> None:
    zoe = add(contact, store, first_name="Zoë", last_name="Ōsaka", company="Dots Ltd", message="Need a quote")
    add(contact, store, first_name="Ada", email="ada@engines.example", message="Analytical engine")
    kept = add(contact, store, first_name="Bo", _subject="Pricing", budget="Ten thousand")
    assert [i["id"] for i in found(q="zoe")["items"]] == [zoe]
    assert [i["id"] for i in found(q="OSAKA quote")["items"]] == [zoe], "every word, any field"
    assert found(q="zoe engine")["items"] == [], "all words must match"
    assert [i["first_name"] for i in found(q="engines.example")["items"]] == ["Ada"]
    assert [i["id"] for i in found(q="pricing")["items"]] == [kept], "the subject"
    assert [i["id"] for i in found(q="budget ten")["items"]] == [kept], "kept fields, names and values"


def test_format_characters_are_folded_out_of_the_query_and_the_text(found, search, contact, store: Store) -> None:
    """Issue 22: a zero-width space in q was a 400, though stored text may hold one (the form accepts it)."""
    joined = add(contact, store, first_name="Ana", message="Inter\u200bnational shipping")
    soft = add(contact, store, first_name="Bea", message="ship\u00adping costs")
    assert [i["id"] for i in found(q="inter\u200bnational")["items"]] == [joined]
    assert [i["id"] for i in found(q="international")["items"]] == [joined]
    assert [i["id"] for i in found(q="shipping")["items"]] == [soft, joined]
    assert [i["id"] for i in found(q="ana\u00a0inter\u200dnational")["items"]] == [joined], "a no-break space"


def test_a_query_of_format_characters_alone_is_missing(search, store: Store) -> None:
    response = search.handler(owner_event("GET", PATH, {"q": "\u200b\u200c\ufeff"}), LambdaContext("search", "test"))
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["message"].startswith("q is missing")


def test_newest_first_within_the_status_filter(found, search, contact, store: Store, owner) -> None:
    ids = [add(contact, store, first_name=f"Ada{n}", message="widget") for n in range(3)]
    spam = add(contact, store, message="widget", website="bot")
    assert [i["id"] for i in found(q="widget")["items"]] == ids[::-1], "the inbox: spam left out"
    assert [i["id"] for i in found(q="widget", status="spam")["items"]] == [spam]
    owner.update_submission(
        owner_event("PATCH", f"/api/submissions/{ids[0]}", params={"id": ids[0]}, body={"status": "handled"}), None
    )
    assert [i["id"] for i in found(q="widget", status="handled")["items"]] == [ids[0]]


def test_pages_of_matches_neither_repeat_nor_skip(found, search, contact, store: Store) -> None:
    wanted = []
    for n in range(23):
        sid = add(contact, store, first_name=f"P{n}", message="match" if n % 3 == 0 else "other")
        if n % 3 == 0:
            wanted.append(sid)
    seen, cursor = [], None
    while True:
        page = found(q="match", limit="3", **({"cursor": cursor} if cursor else {}))
        seen += [i["id"] for i in page["items"]]
        cursor = page["cursor"]
        if not cursor:
            break
    assert seen == wanted[::-1]


def test_the_scan_reads_at_most_max_read_and_its_cursor_goes_on(
    found, search, contact, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spam view is not indexed: its search reads the view, MAX_READ items a request at most."""
    for n in range(7):
        add(contact, store, first_name=f"P{n}", message="needle" if n == 0 else "hay", website="bot")
    monkeypatch.setattr(search, "MAX_READ", 4)
    first = found(q="needle", status="spam")
    assert first["items"] == [] and first["searched"] == 4 and first["cursor"]
    second = found(q="needle", status="spam", cursor=first["cursor"])
    assert [i["first_name"] for i in second["items"]] == ["P0"] and second["searched"] == 3


def test_the_scan_stops_reading_before_the_functions_deadline_and_its_cursor_goes_on(
    search, contact, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slow matching (a large enquiry takes milliseconds) cannot run a search of the spam view (a scan) into the
    timeout: it answers in time with a cursor, and the cursors cover the view without repeats."""
    names = [f"P{n}" for n in range(12)]
    for name in names:
        add(contact, store, first_name=name, message="hay", website="bot")
    real_matches = search.matches
    monkeypatch.setattr(search, "matches", lambda item, words: time.sleep(0.05) or real_matches(item, words))
    # 3.2 s left: 0.2 s to read once ANSWER_SECONDS is kept back, room for about four slow items.
    short = LambdaContext("search", "test", timeout_seconds=ANSWER_SECONDS + 0.2)
    seen, requests, cursor = [], 0, None
    while True:
        started = time.monotonic()
        query = {"q": "needle", "status": "spam", **({"cursor": cursor} if cursor else {})}
        response = search.handler(owner_event("GET", PATH, query), short)
        body = json.loads(response["body"])
        assert response["statusCode"] == 200 and time.monotonic() - started < 0.2 + 0.1 + 0.5
        assert 1 <= body["searched"] < len(names) or not body["cursor"]
        seen.append(body["searched"])
        requests += 1
        cursor = body["cursor"]
        if not cursor:
            break
    assert sum(seen) == len(names) and requests >= 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": " ".join("w" * 11)}, "q"),
        ({"q": "tab\there"}, "q"),
        ({"q": "line\u2028break"}, "q"),
        ({"q": "\u200b"}, "q"),  # nothing left once format characters are folded out: "q is missing"
        ({"q": "a", "status": "archived"}, "status"),
        ({"q": "a", "limit": "0"}, "limit"),
        ({"q": "a", "cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_searches_are_400_naming_the_parameter(search, store: Store, query: dict, field: str) -> None:
    response = search.handler(owner_event("GET", PATH, query), LambdaContext("search", "test"))
    assert response["statusCode"] == 400 and field in json.loads(response["body"])["error"]["fields"]


def test_search_needs_an_owner(search, store: Store) -> None:
    assert (
        search.handler(api_event(None, "", method="GET", path=PATH), LambdaContext("search", "t"))["statusCode"] == 401
    )


def test_folding_drops_exactly_accents_and_format_characters_for_every_character() -> None:
    """Folding looks at each distinct character once; it must drop what the per-character rule drops, for every
    character of the Basic Multilingual Plane, alone and inside a word."""
    import unicodedata

    from folding import folded

    def rule(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        return "".join(c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")

    characters = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    assert [folded(f"a{c}b") for c in characters] == [rule(f"a{c}b") for c in characters]
    assert folded("\uff3a\uff4fë\u200b\uff2düller\u00ad") == "zoemuller"  # full-width Zo, M
