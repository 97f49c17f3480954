"""POST /api/contact against moto: every valid and invalid input, retries, spam, outages."""

from __future__ import annotations

import json
import logging
import types
import urllib.parse
import uuid

import boto3
import botocore.config
import pytest
from botocore.stub import Stubber

import api_gateway as api
from declarations import web_assets
from form_schema import FIELDS
from local.emulator import TABLE_NAME
from tests.support.handler_events import BROWSER_ACCEPT, Store, api_event, browser_form_post, call, valid_fields


def test_json_submission_is_stored_as_its_own_new_item(contact: types.ModuleType, store: Store) -> None:
    sid = str(uuid.uuid4())
    status, _, body = call(contact.handler, api_event(valid_fields(submission_id=sid, company="Analytical Engines")))
    assert status == 201 and body["submission_id"] == sid and body["request_id"]
    (item,) = store.items()
    assert item["id"] == sid and item["status"] == "new" and item["inbox"] == "inbox"
    assert item["company"] == "Analytical Engines" and item["email"] == "ada@example.com"
    assert item["created_at"].endswith("Z")
    assert "expires_at" not in item, "retention is off unless configured"


def test_two_messages_from_one_person_are_two_items(contact: types.ModuleType, store: Store) -> None:
    call(contact.handler, api_event(valid_fields(message="first")))
    call(contact.handler, api_event(valid_fields(message="second")))
    assert sorted(i["message"] for i in store.items()) == ["first", "second"]


def test_request_without_submission_id_gets_a_server_made_one(contact: types.ModuleType, store: Store) -> None:
    status, _, body = call(contact.handler, api_event(valid_fields()))
    assert status == 201
    assert uuid.UUID(body["submission_id"])
    assert [i["id"] for i in store.items()] == [body["submission_id"]]


def test_repeat_submission_stores_one_item_and_answers_the_same(contact: types.ModuleType, store: Store) -> None:
    sid = str(uuid.uuid4())
    first = call(contact.handler, api_event(valid_fields(submission_id=sid)))
    (stored,) = store.items()
    repeat = call(contact.handler, api_event(valid_fields(submission_id=sid.upper())))
    assert (first[0], first[2]["submission_id"]) == (repeat[0], repeat[2]["submission_id"]) == (201, sid)
    assert store.items() == [stored], "the repeat must not write, not even over the first item"


def test_reused_id_with_different_content_is_a_conflict(contact: types.ModuleType, store: Store) -> None:
    sid = str(uuid.uuid4())
    call(contact.handler, api_event(valid_fields(submission_id=sid, message="original")))
    status, _, body = call(contact.handler, api_event(valid_fields(submission_id=sid, message="changed")))
    assert status == 409 and "already used for a different submission" in body["error"]["message"]
    assert [i["message"] for i in store.items()] == ["original"]


def test_form_post_redirects_to_thanks(contact: types.ModuleType, store: Store) -> None:
    response = contact.handler(browser_form_post(valid_fields(submission_id="", website="")), None)
    assert response["statusCode"] == 303 and response["headers"]["location"] == "/thanks.html"
    assert len(store.items()) == 1


def test_base64_encoded_form_post_is_decoded(contact: types.ModuleType, store: Store) -> None:
    body = urllib.parse.urlencode(valid_fields(first_name="Zoë")).encode()
    response = contact.handler(
        api_event(body, "application/x-www-form-urlencoded; charset=UTF-8", base64_body=True), None
    )
    assert response["statusCode"] == 201
    assert store.items()[0]["first_name"] == "Zoë"


def test_form_post_with_errors_gets_a_page_naming_them(contact: types.ModuleType, store: Store) -> None:
    response = contact.handler(browser_form_post(valid_fields(email="not-an-email", first_name="")), None)
    assert response["statusCode"] == 400 and response["headers"]["content-type"].startswith("text/html")
    assert "Email must be an address like name@example.com" in response["body"]
    assert "First name is required" in response["body"]
    assert store.items() == []
    # The text is kept by going Back, not by a link, which would open an empty form.
    main = response["body"].split("<main", 1)[1].split("</main>", 1)[0]
    assert "Back button" in main and 'href="/contact.html"' not in main


def test_the_error_page_is_the_sites_own_page_around_the_errors(contact: types.ModuleType, store: Store) -> None:
    """One layout: the static error page's header, navigation, footer and styles, with the errors as its main."""
    page = contact.handler(browser_form_post(valid_fields(email="nope")), None)["body"]
    shell = web_assets.page_shell()
    shared = (
        '<link rel="stylesheet" href="/style.css">',
        '<nav aria-label="Main">',
        '<footer class="site-footer">',
        '<a href="/dashboard.html">Owner sign-in</a>',
        '<a class="skip" href="#main">',
    )
    for part in shared:
        assert part in shell and part in page, part
    assert "<title>Message not sent · Connecting The Dots</title>" in page and page.count("<main") == 1
    assert "We could not find that page" not in page and "does not exist" not in page, "the 404's own words are gone"
    assert page.endswith(shell[shell.index("</main>") + len("</main>") :])


def test_honeypot_answers_like_success_and_stores_spam(contact: types.ModuleType, store: Store) -> None:
    person = call(contact.handler, api_event(valid_fields()))
    bot = call(contact.handler, api_event(valid_fields(website="http://spam.example")))
    assert bot[0] == person[0] == 201
    assert set(bot[2]) == set(person[2]), "a bot must not be able to tell it was caught"
    spam = next(i for i in store.items() if i["id"] == bot[2]["submission_id"])
    assert spam["status"] == "spam" and "inbox" not in spam


def test_unicode_round_trips(contact: types.ModuleType, store: Store) -> None:
    fields = valid_fields(
        first_name="Zoë", last_name="Ōsaka-Ñúñez", company="株式会社 点", message="Привет 👋\nline two"
    )
    status, _, _ = call(contact.handler, api_event(fields))
    assert status == 201
    item = store.items()[0]
    assert {k: item[k] for k in fields} == fields


def test_whitespace_is_trimmed_and_empty_optionals_left_out(contact: types.ModuleType, store: Store) -> None:
    call(contact.handler, api_event(valid_fields(first_name="  Ada  ", company="   ", message="")))
    item = store.items()[0]
    assert item["first_name"] == "Ada" and "company" not in item and "message" not in item


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"first_name": ""}, {"first_name": "First name is required"}),
        ({"email": "   "}, {"email": "Email is required"}),
        ({"email": "ada@"}, {"email": "Email must be an address like name@example.com"}),
        ({"email": "ada example@x.com"}, {"email": "Email must be an address like name@example.com"}),
        ({"email": "ada@localhost"}, {"email": "Email must be an address like name@example.com"}),
        ({"email": "a" * 250 + "@x.io"}, {"email": "Email must be at most 254 characters"}),
        ({"first_name": "x" * 101}, {"first_name": "First name must be at most 100 characters"}),
        ({"phone_number": "1" * 41}, {"phone_number": "Phone number must be at most 40 characters"}),
        ({"company": "c" * 201}, {"company": "Company must be at most 200 characters"}),
        ({"job_title": "j" * 201}, {"job_title": "Job title must be at most 200 characters"}),
        ({"first_name": "Ada\u0000"}, {"first_name": "First name contains control characters"}),
        ({"first_name": 42}, {"first_name": "First name must be text"}),
        ({"mesage": "typo"}, {"mesage": "mesage is not a field of this form"}),
        ({"submission_id": "not-a-uuid"}, {"submission_id": "submission_id must be a UUID"}),
    ],
)
def test_bad_field_is_named_and_nothing_stored(
    contact: types.ModuleType, store: Store, fields: dict, bad: dict[str, str]
) -> None:
    status, _, body = call(contact.handler, api_event(valid_fields(**fields)))
    assert status == 400
    assert body["error"]["fields"] == bad
    assert store.items() == []


def test_every_bad_field_is_named_at_once(contact: types.ModuleType, store: Store) -> None:
    status, _, body = call(contact.handler, api_event({"email": "nope", "message": "m" * 5001}))
    assert status == 400
    assert set(body["error"]["fields"]) == {"first_name", "email", "message"}


def test_message_at_its_limit_is_accepted(contact: types.ModuleType, store: Store) -> None:
    assert call(contact.handler, api_event(valid_fields(message="m" * 5000)))[0] == 201


@pytest.mark.parametrize(
    ("event", "status", "needle"),
    [
        (api_event("{not json"), 400, "request body is not valid JSON"),
        (api_event("[1, 2]"), 400, "must be a JSON object"),
        (api_event(b"\xff\xfe", base64_body=True), 400, "not valid UTF-8"),
        (api_event("hello", "text/plain"), 415, "content type text/plain is not accepted"),
        (api_event("{}", ""), 415, "content type (none) is not accepted"),
        ({**api_event(None), "body": "abc", "isBase64Encoded": True}, 400, "not valid base64"),
    ],
)
def test_malformed_requests_get_a_clear_error(contact: types.ModuleType, store: Store, event, status, needle) -> None:
    got, _, body = call(contact.handler, event)
    assert got == status and needle in body["error"]["message"]
    assert store.items() == []


@pytest.mark.parametrize(
    "code", ["ProvisionedThroughputExceededException", "ThrottlingException", "InternalServerError"]
)
def test_throttled_or_failing_store_answers_503_and_writes_nothing(
    contact: types.ModuleType, store: Store, code: str
) -> None:
    stubbed = boto3.client("dynamodb")
    with Stubber(stubbed) as stubber:
        stubber.add_client_error(
            "put_item", service_error_code=code, http_status_code=500 if "Internal" in code else 400
        )
        with pytest.raises(api.Unavailable):
            contact.accept(stubbed, TABLE_NAME, 0, valid_fields())
    assert store.items() == []


def test_unreachable_store_answers_503_with_retry_after(contact: types.ModuleType, store: Store, monkeypatch) -> None:
    from local.emulator import free_port

    dead = boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        config=botocore.config.Config(retries={"total_max_attempts": 1}, connect_timeout=1, read_timeout=1),
    )
    monkeypatch.setattr(contact.dynamodb_client, "dynamodb", dead)
    sid = str(uuid.uuid4())
    status, headers, body = call(contact.handler, api_event(valid_fields(submission_id=sid)))
    assert status == 503 and headers["retry-after"] == "5"
    assert body["error"]["code"] == "Unavailable" and "nothing was saved" in body["error"]["message"]
    monkeypatch.undo()
    assert call(contact.handler, api_event(valid_fields(submission_id=sid)))[0] == 201, "the retry succeeds"
    assert len(store.items()) == 1


def test_retention_sets_the_ttl_attribute(contact: types.ModuleType, store: Store) -> None:
    contact.accept(store.client, TABLE_NAME, 30, valid_fields())
    item = store.items()[0]
    assert int(item["expires_at"]) > 0


def test_unexpected_failure_is_a_500_with_request_id_and_no_trace(
    contact: types.ModuleType, store: Store, monkeypatch
) -> None:
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(contact.submission_writes, "put_new", explode)
    status, _, body = call(contact.handler, api_event(valid_fields()))
    assert status == 500 and body["request_id"]
    assert "secret internals" not in json.dumps(body) and "Traceback" not in json.dumps(body)


def test_logs_carry_the_request_id_and_no_personal_data(
    contact: types.ModuleType, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ctd")
    event = api_event(valid_fields(email="private.person@example.com", message="my secret plan"))
    call(contact.handler, event)
    call(contact.handler, api_event(valid_fields(email="bad@", first_name="Secretname")))
    records = [r for r in caplog.records if r.name == "ctd"]
    assert records and all(getattr(r, "request_id", "") for r in records)
    logged = " ".join(json.dumps(vars(r), default=str) for r in records)
    for private in ("private.person", "my secret plan", "Secretname", "bad@"):
        assert private not in logged


def test_unsupported_type_is_415_even_when_the_body_is_not_utf8(contact: types.ModuleType, store: Store) -> None:
    status, _, body = call(contact.handler, api_event(b"\xff\xfe", "text/plain", base64_body=True))
    assert status == 415 and "text/plain" in body["error"]["message"]


FORM = "application/x-www-form-urlencoded"


def _page(response: dict) -> str:
    assert response["headers"]["content-type"] == "text/html; charset=utf-8", response["headers"]
    return response["body"]


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ("first_name=a&first_name=b", 400, "first_name was sent more than once"),
        (b"first_name=\xff", 400, "request body is not valid UTF-8"),
        ("first_name=%FF&last_name=L&email=a%40b.co", 400, "request body is not valid UTF-8"),
        ("x" * 600_000, 413, "the limit is"),
    ],
)
def test_a_plain_form_post_gets_the_html_page_for_every_error(
    contact: types.ModuleType, store: Store, body: str | bytes, status: int, needle: str
) -> None:
    """Decided from the content type first, so errors found before parsing answer a browser with a page too."""
    response = contact.handler(browser_form_post(body), None)
    assert response["statusCode"] == status and needle in _page(response)
    assert store.items() == []


def _worst_case_fields() -> dict[str, str]:
    """Every field at its limit in characters that take the most bytes in both encodings (astral ones)."""
    fields = {f.name: "😀" * f.max_length for f in FIELDS if f.kind != "email"}
    return {**fields, "email": "a" * 64 + "@" + "b" * 60 + ".example.com", "submission_id": str(uuid.uuid4())}


def test_the_body_limit_admits_every_post_within_the_field_limits(contact: types.ModuleType, store: Store) -> None:
    fields = _worst_case_fields()
    escaped = json.dumps(fields, ensure_ascii=True)  # each emoji as a \\u surrogate pair: 12 bytes
    assert len(escaped) <= contact.MAX_BODY_BYTES
    assert call(contact.handler, api_event(escaped))[0] == 201
    form = urllib.parse.urlencode({**fields, "submission_id": str(uuid.uuid4())})  # 12 bytes each, as %XX
    assert len(form) <= contact.MAX_BODY_BYTES
    assert contact.handler(browser_form_post(form), None)["statusCode"] == 303
    assert len(store.items()) == 2


def test_a_body_over_the_limit_is_refused_with_it(contact: types.ModuleType, store: Store) -> None:
    status, _, body = call(contact.handler, api_event("x" * (contact.MAX_BODY_BYTES + 1)))
    assert status == 413 and f"the limit is {contact.MAX_BODY_BYTES} bytes" in body["error"]["message"]


@pytest.mark.parametrize(
    ("body", "needle", "fields"),
    [
        ("[" * 30_000 + "]" * 30_000, "nested too deeply", None),
        # Where json's C parser stops depends on the Python: 3.11 refuses 5,000 levels, 3.13 (Lambda's) parses
        # them, and then the field check refuses a list. Either way a 400 that says what is wrong.
        ('{"first_name": ' + "[" * 5000 + "]" * 5000 + "}", "nested too deeply|First name must be text", None),
        ('{"first_name": ' + "9" * 5000 + "}", "is not valid JSON text", None),
        (
            '{"first_name": "a", "first_name": "b"}',
            "was sent more than once",
            {"first_name": "first_name was sent more than once"},
        ),
        (json.dumps(valid_fields(first_name="\ud800")), "some fields need attention", None),
    ],
)
def test_hostile_json_gets_a_400_never_a_500(
    contact: types.ModuleType, store: Store, body: str, needle: str, fields: dict | None
) -> None:
    status, _, answer = call(contact.handler, api_event(body))
    said = [answer["error"]["message"], *answer["error"].get("fields", {}).values()]
    assert status == 400 and any(n in m for n in needle.split("|") for m in said), answer
    if fields:
        assert answer["error"]["fields"] == fields
    assert store.items() == []


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (json.dumps(valid_fields()), "application/json", 201),
        (urllib.parse.urlencode(valid_fields()), FORM, 303),
        ("first_name=", FORM, 400),
        ("{", "application/json", 400),
        ("x", "text/plain", 415),
    ],
)
def test_every_answer_is_uncached_and_names_its_request(
    contact: types.ModuleType, store: Store, body: str, content_type: str, status: int
) -> None:
    """One response builder: JSON, the redirect and the HTML page all carry no-store and the request id."""
    event = api_event(body, content_type, headers={"accept": BROWSER_ACCEPT})
    response = contact.handler(event, None)
    assert response["statusCode"] == status
    assert response["headers"]["cache-control"] == "no-store"
    assert response["headers"]["x-request-id"] == event["requestContext"]["requestId"]
