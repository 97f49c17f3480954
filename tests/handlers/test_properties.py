"""Property tests: any bytes in gives a clean 4xx or a stored item out; validation keeps every promise it makes."""

from __future__ import annotations

import json
import types

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import api
import inbox
from form_schema import FIELDS, FIELDS_BY_NAME, clean_fields
from tests.handlers.conftest import Store, api_event

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
        if spec.required:
            assert spec.name in values or spec.name in errors


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
