"""Property tests: any bytes in gives a clean 4xx or a stored item out; validation keeps every promise it makes."""

from __future__ import annotations

import itertools
import json
import types
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import api_gateway as api
import dynamo_items
import inbox
from form_schema import ALIASES, FIELDS, FIELDS_BY_NAME, LOCAL_PATH_PATTERN, Field
from form_validation import Problem, checked_value, clean_fields, has_control_characters
from table_schema import canonical_id
from tests.support.handler_events import Store, api_event, browser_form_post, valid_fields

ANSWERS = {201, 303, 400, 409, 413, 415}
CONTENT_TYPES = st.sampled_from(
    ["application/json", "application/x-www-form-urlencoded", "text/plain", "", "application/json; charset=utf-8"]
)
form_values = st.dictionaries(
    st.sampled_from([f.name for f in FIELDS] + ["website", "submission_id", "other"]),
    st.one_of(st.text(max_size=300), st.integers(), st.none(), st.lists(st.text(max_size=3), max_size=2)),
)
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY_SETTINGS
@given(body=st.binary(max_size=2048), content_type=CONTENT_TYPES, encoded=st.booleans())
def test_any_bytes_get_a_clean_answer(contact: types.ModuleType, store: Store, body, content_type, encoded) -> None:
    response = contact.handler(api_event(body, content_type, base64_body=encoded), None)
    assert response["statusCode"] in ANSWERS, response
    if response["headers"]["content-type"].startswith("application/json"):
        answer = json.loads(response["body"])
        assert answer["request_id"] is not None
        assert ("error" in answer) is (response["statusCode"] >= 400)


@PROPERTY_SETTINGS
@given(fields=form_values)
def test_any_form_is_refused_with_named_fields_or_stored_exactly(
    contact: types.ModuleType, store: Store, fields
) -> None:
    before = {i["id"] for i in store.items()}
    response = contact.handler(api_event(json.dumps(fields)), None)
    answer = json.loads(response["body"])
    new = [i for i in store.items() if i["id"] not in before]
    if response["statusCode"] == 201:
        (item,) = new
        assert item["id"] == answer["submission_id"]
        for name in FIELDS_BY_NAME:
            value = fields.get(name)
            assert item.get(name) == (value.replace("\r\n", "\n").strip() or None if isinstance(value, str) else None)
    else:
        assert response["statusCode"] == 400 and new == []
        assert answer["error"]["fields"], "a 400 names the fields"


@given(raw=st.dictionaries(st.text(max_size=12), st.text(max_size=400), max_size=10))
@settings(max_examples=300, deadline=None)
def test_accepted_values_keep_the_schema_promises(raw: dict[str, str]) -> None:
    values, errors = clean_fields(raw)
    assert not (set(values) & set(errors))
    for name, value in values.items():
        spec = FIELDS_BY_NAME[name]
        assert value and value == value.strip() and len(value) <= spec.max_length
        assert spec.multiline or "\n" not in value
    for spec in FIELDS:
        if spec.required:  # a value, or a problem under its name or the name of the alias it was sent as
            sent_as = {spec.name} | {alias for alias, (_, target) in ALIASES.items() if target == spec.name}
            assert spec.name in values or sent_as & set(errors)


@given(cursor=st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_cursor_is_decoded_or_refused_as_bad_request(cursor: str) -> None:
    try:
        key = inbox.decode_cursor(cursor, "inbox", "inbox")
    except api.BadRequest as refused:
        assert refused.fields == {"cursor": "is not valid"}
        return
    assert set(key) == {"id", "created_at", "inbox"}


@pytest.mark.parametrize("value", ["a\u0085b", "a\u2028b", "\u00a0Ada\u00a0"])
def test_unicode_whitespace_and_separators_are_handled(value: str) -> None:
    values, errors = clean_fields({"first_name": value, "last_name": "L", "email": "a@b.co"})
    assert ("first_name" in values) != ("first_name" in errors)


hostile_json = st.one_of(
    st.integers(min_value=900, max_value=20_000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(min_value=900, max_value=20_000).map(lambda depth: '{"first_name": ' + "[" * depth + "}"),
    st.integers(min_value=4_000, max_value=20_000).map(lambda digits: '{"first_name": ' + "7" * digits + "}"),
    st.text(max_size=50).map(lambda text: f'{{"first_name": {json.dumps(text)}, "first_name": "again"}}'),
)


@PROPERTY_SETTINGS
@given(body=hostile_json, form=st.booleans())
def test_hostile_bodies_never_get_a_5xx(contact: types.ModuleType, store: Store, body: str, form: bool) -> None:
    content_type = "application/x-www-form-urlencoded" if form else "application/json"
    response = contact.handler(api_event(body, content_type), None)
    assert response["statusCode"] in ANSWERS, response
    assert store.items() == [] or response["statusCode"] in (201, 303)


VISITORS = itertools.count()


@PROPERTY_SETTINGS
@given(page=st.from_regex(LOCAL_PATH_PATTERN, fullmatch=True), request_id=st.text())
def test_the_written_out_answer_reads_back_as_exactly_what_it_echoes(
    contact: types.ModuleType, store: Store, page: str, request_id: str
) -> None:
    """The 201's body is written out around JSON-encoded values (contact.py): json reads back any thank-you page the
    form may name and any request id, exactly."""
    event = api_event(valid_fields(_next=page), visitor=f"2001:db8:{next(VISITORS):x}::1")  # under every limit
    event["requestContext"]["requestId"] = request_id
    body = json.loads(contact.handler(event, None)["body"])
    assert (body["next"], body["request_id"], body["ok"]) == (page, request_id, True)
    assert body.keys() == {"submission_id", "ok", "next", "request_id"} and canonical_id(body["submission_id"])


@PROPERTY_SETTINGS
@given(fields=st.fixed_dictionaries({f.name: st.text(max_size=f.max_length) for f in FIELDS if f.kind != "email"}))
def test_a_form_post_stores_exactly_the_cleaned_input(contact: types.ModuleType, store: Store, fields) -> None:
    fields = {**fields, "email": "ada@example.com"}
    before = {i["id"] for i in store.items()}
    response = contact.handler(browser_form_post(fields), None)
    new = [i for i in store.items() if i["id"] not in before]
    values, errors = clean_fields(fields)
    if errors:
        assert response["statusCode"] == 400 and new == []
        return
    assert response["statusCode"] == 303
    (item,) = new
    assert {name: item.get(name) for name in FIELDS_BY_NAME if item.get(name)} == values


@pytest.mark.parametrize("spec", [FIELDS_BY_NAME["first_name"], FIELDS_BY_NAME["message"]], ids=lambda f: f.name)
def test_the_printable_shortcut_refuses_exactly_what_the_full_check_refuses(spec: Field) -> None:
    """checked_value skips the regular expressions for text str.isprintable() accepts: for every code point,
    its verdict must be the full check's."""

    def refused(value: str) -> bool:
        checked = checked_value(spec, value)
        return isinstance(checked, Problem) and checked.code == "CONTROL_CHARACTERS"

    differing = [
        hex(cp)
        for cp in range(0x110000)
        if refused(f"a{chr(cp)}b") != has_control_characters(f"a{chr(cp)}b", spec.multiline)
    ]
    assert differing == []


@pytest.mark.parametrize("multiline", [False, True])
def test_a_control_character_is_one_that_unicode_calls_one(multiline: bool) -> None:
    """The check deletes controls from the text's Latin-1 bytes: between and around letters, ASCII or accented, each
    of the first 256 code points is refused exactly when it is a control (Cc), but a tab or line break in a
    message."""
    for text in ("a{}b", "{}", "é{}", "{}é"):
        refused = [cp for cp in range(256) if has_control_characters(text.format(chr(cp)), multiline)]
        controls = [cp for cp in range(256) if unicodedata.category(chr(cp)) == "Cc"]
        assert refused == [cp for cp in controls if not (multiline and chr(cp) in "\t\n")], text


@given(value=st.uuids())
def test_every_spelling_of_a_uuid_names_one_submission(value: uuid.UUID) -> None:
    """canonical_id's shortcut for the canonical form and uuid.UUID for the rest agree on every UUID."""
    spellings = [str(value), str(value).upper(), value.hex, f"{{{value}}}", f"urn:uuid:{value}"]
    assert {canonical_id(s) for s in spellings} == {str(value)}


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@given(nanoseconds=st.integers(min_value=946_684_800 * 10**9, max_value=253_402_300_799 * 10**9 + 999_999_999))
def test_now_is_written_as_isoformat_writes_it(nanoseconds: int) -> None:
    """now_iso's arithmetic (table_schema.iso_milliseconds) writes what datetime.isoformat does at every instant of
    2000 to 9999, to the millisecond and at each boundary."""
    moment = EPOCH + timedelta(microseconds=nanoseconds // 1000)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dynamo_items.time, "time_ns", lambda: nanoseconds)
        written = dynamo_items.now_iso()
    assert written == moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.mark.parametrize("raw", ["", "not-a-uuid", f"{uuid.UUID(int=1)}\n", f" {uuid.UUID(int=1)}", "g" * 32])
def test_anything_else_is_no_submission_id(raw: str) -> None:
    assert canonical_id(raw) is None
