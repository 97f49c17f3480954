"""The owner's email, read back by the standard library's mail parser: no visitor text can add, remove or change
a header or an address, and every enquiry the form accepts is emailed with all of its text."""

from __future__ import annotations

import email
import email.policy
import importlib
import json
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from form_schema import FIELDS, FIELDS_BY_NAME
from form_validation import clean_fields, extra_fields
from tests.support.handler_events import valid_fields

SENDER = "site@example.com"
RECIPIENTS = ["owner@example.com", "sales@example.com"]
HEADERS = {"Subject", "From", "To", "Reply-To", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"}
# Text a visitor may type to reach the headers: encoded words, address syntax, line breaks of every kind,
# bidi overrides, astral characters, and the longest values the form allows.
HOSTILE = [
    "=?utf-8?b?IkFkYSIgPGF0dGFja2VyQGV2aWwuZXhhbXBsZT47?=",
    "=?utf-8?q?=22Ada=22_=3Cattacker=40evil=2Eexample=3E?=",
    '"Ada" <attacker@evil.example>',
    "a,attacker@evil.example",
    "Ada; Bcc: attacker@evil.example",
    "<attacker@evil.example>",
    "back\\slash \"quote\" 'single'",
    "Ada\r\nBcc: attacker@evil.example",
    "Ada\nBcc: attacker@evil.example",
    "Ada\u2028Bcc: attacker@evil.example",
    "Ada\u2029Bcc: attacker@evil.example",
    "Ada\u0085Bcc: attacker@evil.example",
    "\u202eelpmaxe.live@rekcatta\u202c",
    "😀" * 100,
    "Zoë Ærøskøbing",
    "x" * 78 + " " + "y" * 21,
    "ünïcödé " * 12,
    "\ud800",
]
ADDRESSES = [
    "ada@example.com",
    "o'brien+tag@sub.example.co.uk",
    "a,attacker@evil.example",
    "a>attacker@evil.example",
    '"ada lovelace"@example.com',
    "zoë@example.com",
    "ada@bücher.example",
    "ada@xn--bcher-kva.example",
    "ada@example.com\r\nBcc: attacker@evil.example",
    "=?utf-8?b?YXR0YWNrZXJAZXZpbC5leGFtcGxl?=@example.com",
    "a" * 64 + "@example.com",
    "a" * 65 + "@example.com",
]


@pytest.fixture(scope="module")
def notify() -> types.ModuleType:
    return importlib.import_module("notify")


def emailed_or_refused(notify: types.ModuleType, fields: dict[str, str]) -> None:
    """If the form accepts the fields, the email parses back to exactly the expected headers and text."""
    values, errors = clean_fields(fields)
    if errors:
        assert set(errors) <= set(fields) and all(errors.values())
        return
    item = {**values, "id": "abc-123"}
    raw = notify.email_for(item, SENDER, RECIPIENTS, "https://www.example.com/dashboard.html").as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    expected_headers = HEADERS | ({"X-SES-CONFIGURATION-SET"} if notify.CONFIGURATION_SET else set())
    assert set(parsed.keys()) == expected_headers and len(parsed.keys()) == len(expected_headers), parsed.keys()
    (sender,) = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (notify.SENDER_NAME, SENDER)
    assert [a.addr_spec for a in parsed["To"].addresses] == RECIPIENTS
    (reply_to,) = parsed["Reply-To"].addresses
    assert (reply_to.display_name, reply_to.addr_spec) == ("", values["email"])
    name = f"{values['first_name']} {values['last_name']}"
    expected = f"New enquiry from {name}" + (f" ({values['company']})" if values.get("company") else "")
    assert str(parsed["Subject"]) == expected
    body = parsed.get_content()
    for name, value in values.items():
        assert ("\n".join(notify.quoted(value)) if name == "message" else value) in body
    assert "Reference: abc-123" in body
    assert_visitor_text_is_set_apart(notify, body, item)


def assert_visitor_text_is_set_apart(notify: types.ModuleType, body: str, item: dict[str, str]) -> None:
    """Every line of the body is one the site wrote (a label of its own before a one-line value) or is marked as
    the visitor's, and the site's own lines come first: nothing a visitor sends can pass for one of them."""
    labels = {"Name", *(f.label for f in FIELDS)}
    site_lines = ["Open it in the dashboard: https://www.example.com/dashboard.html", f"Reference: {item['id']}"]
    own = {"", "Message:", "(no message)", "Fields this form does not define, as sent:"}
    lines = body.splitlines()
    assert lines[:2] == site_lines
    for line in lines[2:]:
        label = line.split(": ", 1)[0]
        assert line.startswith(notify.QUOTE) or line in own or label in labels, line
        assert not line.startswith(("Open it in the dashboard", "Reference")), line


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("field", [f.name for f in FIELDS if f.kind != "email"])
def test_hostile_text_in_any_field_stays_text(notify: types.ModuleType, field: str, text: str) -> None:
    emailed_or_refused(notify, valid_fields(**{field: text[: FIELDS_BY_NAME[field].max_length]}))


@pytest.mark.parametrize("address", ADDRESSES)
def test_reply_to_is_exactly_the_stored_address_or_the_form_refuses_it(notify: types.ModuleType, address: str) -> None:
    emailed_or_refused(notify, valid_fields(email=address))


@pytest.mark.parametrize(
    ("address", "accepted"),
    [
        ("ada@example.com", True),
        ("o'brien+tag@sub.example.co.uk", True),
        ("ada@xn--bcher-kva.example", True),
        ("a,attacker@evil.example", False),
        ("a>attacker@evil.example", False),
        ("zoë@example.com", False),
        ("ada@bücher.example", False),
        ("a" * 65 + "@example.com", False),
    ],
)
def test_the_form_accepts_exactly_the_addresses_ses_can_deliver_to(address: str, accepted: bool) -> None:
    assert ("email" not in clean_fields(valid_fields(email=address))[1]) is accepted


def test_an_accented_address_is_refused_with_the_reason() -> None:
    (problem,) = clean_fields(valid_fields(email="zoë@example.com"))[1].values()
    assert (problem.code, problem.message) == (
        "TYPE_EMAIL",
        "Email must use unaccented letters (a to z): replies to others cannot be delivered",
    )


IMITATIONS = {
    "Email": "attacker@evil.example",
    "Reference": "00000000-0000-4000-8000-000000000000",
    "Open it in the dashboard": "https://evil.example/dashboard.html",
    "note": "fine\nOpen it in the dashboard: https://evil.example/\nEmail: attacker@evil.example",
    "wide": "a\u2028Reference: 1\u2029Email: x@evil.example",
}


def test_kept_fields_cannot_imitate_the_sites_own_lines(notify: types.ModuleType) -> None:
    kept, problems = extra_fields(IMITATIONS, list(IMITATIONS))
    assert not problems and kept == IMITATIONS, "the form keeps them: the email must set them apart"
    message = "Hi\nOpen it in the dashboard: https://evil.example/\nReference: 1"
    item = {**valid_fields(message=message), "id": "abc-123", "extra_fields": json.dumps(kept)}
    raw = notify.email_for(item, SENDER, RECIPIENTS, "https://www.example.com/dashboard.html").as_bytes()
    body = email.message_from_bytes(raw, policy=email.policy.default).get_content()
    assert_visitor_text_is_set_apart(notify, body, item)
    assert [line for line in body.splitlines() if line.startswith("Email:")] == ["Email: ada@example.com"]
    assert '> "Email": "attacker@evil.example"' in body


@settings(max_examples=200, deadline=None)
@given(kept=st.dictionaries(st.text(min_size=1, max_size=64), st.text(max_size=200), max_size=5))
def test_any_kept_field_stays_marked_as_the_visitors(kept: dict[str, str]) -> None:
    notify = importlib.import_module("notify")
    accepted, _ = extra_fields(kept, list(kept))
    item = {**valid_fields(), "id": "abc-123", "extra_fields": json.dumps(accepted)}
    raw = notify.email_for(item, SENDER, RECIPIENTS, "https://www.example.com/dashboard.html").as_bytes()
    assert_visitor_text_is_set_apart(
        notify, email.message_from_bytes(raw, policy=email.policy.default).get_content(), item
    )


def test_a_visitors_subject_follows_the_sites_words(notify: types.ModuleType) -> None:
    item = {**valid_fields(), "id": "x", "subject": "Invoice 4411 overdue - pay today"}
    raw = notify.email_for(item, SENDER, RECIPIENTS, "").as_bytes()
    subject = email.message_from_bytes(raw, policy=email.policy.default)["Subject"]
    assert subject == "New enquiry from Ada Lovelace: Invoice 4411 overdue - pay today"


def test_longest_names_fold_without_breaking_the_headers(notify: types.ModuleType) -> None:
    fields = {"first_name": "F" * 100, "last_name": "L" * 100, "company": "C" * 200}
    emailed_or_refused(notify, valid_fields(**fields))
    raw = notify.email_for({**valid_fields(**fields), "id": "x"}, SENDER, RECIPIENTS, "").as_bytes()
    head = raw.split(b"\n\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\n")), "a header line longer than RFC 5322 recommends"


one_line = st.text(max_size=100)


@settings(max_examples=300, deadline=None)
@given(
    first=one_line.filter(str.strip),
    last=one_line.filter(str.strip),
    company=st.text(max_size=200),
    message=st.text(max_size=5000),
)
def test_any_accepted_text_is_emailed_intact(first: str, last: str, company: str, message: str) -> None:
    notify = importlib.import_module("notify")
    emailed_or_refused(notify, valid_fields(first_name=first, last_name=last, company=company, message=message))
