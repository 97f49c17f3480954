"""POST /api/contact as a drop-in for forms written for hosted form services (Formspree first): the answer the
caller asked for, their control fields, their error list, and extra fields kept when the stack says so."""

from __future__ import annotations

import json
import types
import urllib.parse
import uuid

import pytest

from form_schema import MAX_EXTRA_FIELDS, MAX_EXTRA_LENGTH, MAX_EXTRA_NAME
from tests.support.handler_events import BROWSER_ACCEPT, Store, api_event, valid_fields

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(fields: dict[str, str]) -> bytes:
    """A body as Chromium's FormData encodes it."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


def encoded(fields: dict[str, str], content_type: str) -> bytes:
    if content_type == JSON:
        return json.dumps(fields).encode()
    if content_type == FORM:
        return urllib.parse.urlencode(fields).encode()
    return multipart(fields)


CALLERS = {
    "browser form post": {"accept": BROWSER_ACCEPT},
    "fetch asking for JSON": {"accept": "application/json"},
    "fetch with no Accept": {},
    "curl (*/*)": {"accept": "*/*"},
    "jQuery (X-Requested-With)": {"accept": BROWSER_ACCEPT, "x-requested-with": "XMLHttpRequest"},
}


def post(contact: types.ModuleType, fields: dict[str, str], content_type: str, headers: dict[str, str]) -> dict:
    return contact.handler(api_event(encoded(fields, content_type), content_type, headers=headers), None)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("content_type", [JSON, FORM, MULTIPART])
def test_each_caller_gets_the_answer_it_asked_for(contact, store: Store, content_type: str, caller: str) -> None:
    """A redirect (or an HTML error page) only for a browser posting a form itself; JSON for every script."""
    page = caller == "browser form post" and content_type != JSON
    ok = post(contact, valid_fields(), content_type, CALLERS[caller])
    bad = post(contact, valid_fields(email="nope"), content_type, CALLERS[caller])
    if page:
        assert ok["statusCode"] == 303 and ok["headers"]["location"] == "/thanks.html" and ok["body"] == ""
        assert bad["statusCode"] == 400 and bad["headers"]["content-type"] == "text/html; charset=utf-8"
        assert "Email must be an address like name@example.com" in bad["body"]
    else:
        assert ok["statusCode"] == 201 and ok["headers"]["content-type"].startswith(JSON)
        assert json.loads(ok["body"])["ok"] is True and json.loads(ok["body"])["next"] == "/thanks.html"
        assert bad["statusCode"] == 400 and bad["headers"]["content-type"].startswith(JSON)
    assert len(store.items()) == 1


def test_the_error_body_has_formspree_errors_beside_todays_shape(contact, store: Store) -> None:
    answer = post(contact, {"email": "nope", "message": "hi"}, FORM, CALLERS["fetch asking for JSON"])
    body = json.loads(answer["body"])
    assert body["error"]["fields"] == {"first_name": "First name is required", "email": body["errors"][1]["message"]}
    assert body["errors"] == [
        {"code": "REQUIRED_FIELD_MISSING", "field": "first_name", "message": "First name is required"},
        {"code": "TYPE_EMAIL", "field": "email", "message": "Email must be an address like name@example.com"},
    ]
    empty = json.loads(post(contact, valid_fields(first_name=" "), JSON, {})["body"])
    assert empty["errors"][0]["code"] == "REQUIRED_FIELD_EMPTY"
    whole = json.loads(contact.handler(api_event("{", JSON), None)["body"])
    assert whole["errors"] == [{"code": "BadRequest", "message": whole["error"]["message"]}]


@pytest.mark.parametrize("honeypot", ["website", "_gotcha", "_honey", "botcheck"])
def test_every_services_honeypot_is_answered_like_success_and_kept_as_spam(
    contact, store: Store, honeypot: str
) -> None:
    person = post(contact, valid_fields(**{honeypot: ""}), JSON, {})
    bot = post(contact, valid_fields(**{honeypot: "on"}), JSON, {})
    assert person["statusCode"] == bot["statusCode"] == 201
    assert json.loads(person["body"]).keys() == json.loads(bot["body"]).keys()
    statuses = sorted(item["status"] for item in store.items())
    assert statuses == ["new", "spam"] and not any(honeypot in item for item in store.items())


@pytest.mark.parametrize("name", ["_next", "_redirect"])
def test_a_thank_you_page_on_this_site_is_followed(contact, store: Store, name: str) -> None:
    page = post(contact, valid_fields(**{name: "/thanks.html?from=pricing"}), FORM, CALLERS["browser form post"])
    assert page["statusCode"] == 303 and page["headers"]["location"] == "/thanks.html?from=pricing"
    script = post(contact, valid_fields(**{name: "/merci.html"}), JSON, {})
    assert json.loads(script["body"])["next"] == "/merci.html"
    assert not any(name in item for item in store.items()), "a control field is not enquiry text"


def test_the_written_out_answer_is_json_whatever_the_page_and_request_id(contact, store: Store) -> None:
    """The 201's body is written out, not encoded from a dict (contact.py): quotes, a backslash and non-ASCII text
    in what it echoes still make valid JSON holding exactly what was sent."""
    page = '/thanks.html?q="a"&b=<x>&c=%5C'
    event = api_event(valid_fields(_next=page))
    event["requestContext"]["requestId"] = 'r"1\\é\u2028'
    body = json.loads(contact.handler(event, None)["body"])
    assert body == {"submission_id": store.items()[0]["id"], "ok": True, "next": page, "request_id": 'r"1\\é\u2028'}


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "/\t/evil.example",
        "/x\n",
        "javascript:alert(1)",
        "thanks.html",
        " /thanks.html",
        "/" + "x" * 1000,
    ],
)
def test_any_other_redirect_is_refused_and_nothing_stored(contact, store: Store, target: str) -> None:
    answer = post(contact, valid_fields(_next=target), FORM, CALLERS["browser form post"])
    assert answer["statusCode"] == 400 and "location" not in answer["headers"]
    assert "_next must be a path on this site" in answer["body"]
    assert json.loads(post(contact, valid_fields(_next=target), JSON, {})["body"])["errors"][0]["code"] == "REDIRECT"
    assert store.items() == []


def test_subject_is_stored_for_the_email_under_the_visitor_text_rules(contact, store: Store) -> None:
    assert post(contact, valid_fields(_subject="Quote for 3 sites"), JSON, {})["statusCode"] == 201
    assert store.items()[0]["subject"] == "Quote for 3 sites" and "_subject" not in store.items()[0]
    refused = json.loads(post(contact, valid_fields(_subject="Hi\r\nBcc: x@evil.example"), JSON, {})["body"])
    assert refused["error"]["fields"] == {"_subject": "Subject contains control characters"}
    too_long = json.loads(post(contact, valid_fields(_subject="s" * 201), JSON, {})["body"])
    assert too_long["errors"][0] == {
        "code": "TOO_LONG",
        "field": "_subject",
        "message": too_long["errors"][0]["message"],
    }
    assert len(store.items()) == 1


def test_formspree_field_names_fill_this_forms_fields(contact, store: Store) -> None:
    """A typical hosted-service form: one name field and _replyto."""
    fields = {"name": "Grace Hopper", "_replyto": "grace@example.com", "message": "Hello"}
    assert post(contact, fields, MULTIPART, {"accept": "application/json"})["statusCode"] == 201
    (item,) = store.items()
    assert (item["first_name"], item["email"]) == ("Grace Hopper", "grace@example.com")
    assert "name" not in item and "_replyto" not in item and "last_name" not in item


def test_an_alias_that_contradicts_its_field_is_refused(contact, store: Store) -> None:
    body = json.loads(post(contact, valid_fields(_replyto="other@example.com"), JSON, {})["body"])
    assert body["errors"] == [
        {"code": "ALIAS_DIFFERS", "field": "_replyto", "message": "_replyto differs from email: send one of them"}
    ]
    assert post(contact, valid_fields(_replyto="ada@example.com"), JSON, {})["statusCode"] == 201, "the same is fine"
    missing = json.loads(post(contact, {"name": "", "email": "a@example.com"}, JSON, {})["body"])
    assert missing["errors"] == [{"code": "REQUIRED_FIELD_EMPTY", "field": "name", "message": "Name is required"}]


@pytest.mark.parametrize(
    ("fields", "stored_email"),
    [
        ({"email": "ada@example.com", "_replyto": "ada@EXAMPLE.com"}, "ada@example.com"),
        ({"email": "ada@example.com", "_replyto": " ada@example.com "}, "ada@example.com"),
        ({"email": " ", "_replyto": "ada@example.com"}, "ada@example.com"),
    ],
)
def test_an_alias_that_names_the_same_address_is_taken(contact, store: Store, fields: dict, stored_email: str) -> None:
    """An address's domain has no letter case (RFC 5321 2.4), and surrounding spaces are trimmed from every field."""
    answer = post(contact, {"first_name": "Ada", **fields}, JSON, {})
    assert answer["statusCode"] == 201, answer["body"]
    (item,) = store.items()
    assert item["email"] == stored_email


def test_an_alias_fills_a_field_sent_as_spaces_only(contact, store: Store) -> None:
    assert post(contact, {"first_name": "  ", "name": "Grace Hopper", "email": "g@example.com"}, FORM, {})[
        "statusCode"
    ] in (201, 303)
    (item,) = store.items()
    assert item["first_name"] == "Grace Hopper"


def test_an_alias_whose_local_part_differs_in_case_is_still_refused(contact, store: Store) -> None:
    """The local part may be case-sensitive (RFC 5321 2.4): only the domain is compared without case."""
    body = json.loads(post(contact, valid_fields(_replyto="ADA@example.com"), JSON, {})["body"])
    assert [e["code"] for e in body["errors"]] == ["ALIAS_DIFFERS"] and store.items() == []


@pytest.mark.parametrize("field", ["first_name", "last_name", "company", "job_title", "phone_number"])
@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u200f", "\u061c"])
def test_bidi_controls_are_refused_in_one_line_fields(contact, store: Store, field: str, control: str) -> None:
    body = json.loads(post(contact, valid_fields(**{field: f"Ada{control}moc.live"}), JSON, {})["body"])
    assert [(e["code"], e["field"]) for e in body["errors"]] == [("CONTROL_CHARACTERS", field)]
    assert store.items() == []


def test_a_message_keeps_right_to_left_text_and_its_marks(contact, store: Store) -> None:
    message = "\u05e9\u05dc\u05d5\u05dd\u200f (Hebrew, with a right-to-left mark)"
    assert post(contact, valid_fields(message=message), JSON, {})["statusCode"] == 201
    assert store.items()[0]["message"] == message


def test_unknown_fields_are_refused_by_name_unless_the_stack_keeps_them(
    contact, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields = valid_fields(budget="10k", **{"How did you hear?": "A friend\nat work"})
    refused = json.loads(post(contact, fields, FORM, {})["body"])
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("UNKNOWN_FIELD", "budget"),
        ("UNKNOWN_FIELD", "How did you hear?"),
    ]
    monkeypatch.setattr(contact, "KEEP_EXTRA_FIELDS", True)
    assert post(contact, {**fields, "empty": " "}, FORM, {})["statusCode"] == 201
    (item,) = store.items()
    assert json.loads(item["extra_fields"]) == {"budget": "10k", "How did you hear?": "A friend\nat work"}
    assert "budget" not in item, "a visitor's names never become attributes"


def test_kept_fields_cannot_overwrite_the_items_own_attributes(
    contact, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contact, "KEEP_EXTRA_FIELDS", True)
    hostile = {
        "id": "x",
        "status": "handled",
        "inbox": "no",
        "created_at": "1970",
        "extra_fields": "{}",
        "subject": "s",
    }
    answer = json.loads(post(contact, valid_fields(**hostile), JSON, {})["body"])
    (item,) = store.items()
    assert item["id"] == answer["submission_id"] and item["status"] == "new" and item["inbox"] == "inbox"
    assert item["created_at"] != "1970" and "subject" not in item
    assert json.loads(item["extra_fields"]) == hostile


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({f"f{n}": "v" for n in range(MAX_EXTRA_FIELDS + 1)}, "TOO_MANY_FIELDS"),
        ({"n" * (MAX_EXTRA_NAME + 1): "v"}, "FIELD_NAME"),
        ({"bad\u0000name": "v"}, "FIELD_NAME"),
        ({"Email\u2028Reference": "v"}, "FIELD_NAME"),  # a line break mail readers honour
        ({"\u202eliamE": "v"}, "FIELD_NAME"),  # a right-to-left override: the name would read backwards
        ({"\u200b": "v"}, "FIELD_NAME"),  # a lone zero-width space: an invisible label
        ({" \u3000 ": "v"}, "FIELD_NAME"),  # whitespace only
        ({"notes": "v" * (MAX_EXTRA_LENGTH + 1)}, "TOO_LONG"),
        ({"notes": "bell\u0007"}, "CONTROL_CHARACTERS"),
    ],
)
def test_kept_fields_have_limits_each_refused_by_name(
    contact, store: Store, monkeypatch: pytest.MonkeyPatch, extra: dict, code: str
) -> None:
    monkeypatch.setattr(contact, "KEEP_EXTRA_FIELDS", True)
    body = json.loads(post(contact, valid_fields(**extra), JSON, {})["body"])
    assert [e["code"] for e in body["errors"]] == [code] and store.items() == []


def test_the_largest_post_with_kept_fields_fits_the_body_limit_and_an_item(
    contact, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every limit at once, in the characters that take the most bytes: within the body limit and far inside
    DynamoDB's 400 KB item limit (counted as DynamoDB does: names and values in UTF-8)."""
    monkeypatch.setattr(contact, "KEEP_EXTRA_FIELDS", True)
    emoji = "😀"
    fields = {f.name: emoji * f.max_length for f in contact.FIELDS_BY_NAME.values() if f.kind != "email"}
    extra = {f"{n:02d}" + emoji * (MAX_EXTRA_NAME - 2): emoji * MAX_EXTRA_LENGTH for n in range(MAX_EXTRA_FIELDS)}
    fields.update(extra, email="a" * 64 + "@example.com", _subject=emoji * 200, submission_id=str(uuid.uuid4()))
    body = json.dumps(fields, ensure_ascii=True)
    assert len(body) <= contact.MAX_BODY_BYTES
    assert contact.handler(api_event(body), None)["statusCode"] == 201
    (item,) = store.items()
    size = sum(len(k.encode()) + len(str(v).encode()) for k, v in item.items())
    assert size < 200_000, f"the largest item is {size} bytes"


def test_a_file_in_a_multipart_post_is_refused(contact, store: Store) -> None:
    body = (
        multipart(valid_fields())[: -len(f"--{BOUNDARY}--\r\n")]
        + (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n%PDF\r\n--{BOUNDARY}--\r\n"
        ).encode()
    )
    answer = json.loads(contact.handler(api_event(body, MULTIPART), None)["body"])
    assert answer["error"]["fields"] == {"cv": "cv is a file; this form takes text only"} and store.items() == []


@pytest.mark.parametrize(
    ("body", "content_type", "needle"),
    [
        (b"--x\r\n", "multipart/form-data", "needs a boundary"),
        (multipart(valid_fields())[:-8], MULTIPART, "does not end with its closing boundary"),
        (
            f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nv\r\n--{BOUNDARY}--\r\n".encode(),
            MULTIPART,
            "no form-data",
        ),
        (multipart({"first_name": "x"}).replace(b"x\r\n", b"\xff\r\n"), MULTIPART, "not valid UTF-8"),
        (multipart({"a": "1", "a ": "2"}).replace(b'"a "', b'"a"'), MULTIPART, "sent more than once"),
    ],
)
def test_a_malformed_multipart_body_gets_a_clear_400(
    contact, store: Store, body: bytes, content_type: str, needle: str
) -> None:
    answer = contact.handler(api_event(body, content_type, base64_body=True), None)
    assert answer["statusCode"] == 400 and needle in json.loads(answer["body"])["error"]["message"]
    assert store.items() == []
