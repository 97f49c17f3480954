"""The form schema and www/contact.html agree on every field's name, required flag and maximum length."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from declarations import web_assets
from declarations.owner_pool_spec import PASSWORD_POLICY
from form_schema import EMAIL_PATTERN, FIELDS, HONEYPOTS, SUBMISSION_ID
from table_schema import STATUSES


class FormFields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, dict[str, str | None]] = {}
        self.labels: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("input", "textarea", "select") and attributes.get("name"):
            self.fields[str(attributes["name"])] = attributes
        if tag == "label" and attributes.get("for"):
            self.labels.add(str(attributes["for"]))


def parse_contact_page() -> FormFields:
    parser = FormFields()
    parser.feed((web_assets.WWW_DIR / "contact.html").read_text())
    return parser


def test_page_has_exactly_the_schema_fields() -> None:
    # The site's own control fields: its honeypot (the first) and the idempotency key; the other hosted-form
    # services' control fields are for forms written for them.
    assert set(parse_contact_page().fields) == {f.name for f in FIELDS} | {HONEYPOTS[0], SUBMISSION_ID}


def test_required_and_maxlength_match_the_schema() -> None:
    page = parse_contact_page().fields
    for spec in FIELDS:
        attributes = page[spec.name]
        assert ("required" in attributes) is spec.required, f"{spec.name}: required differs"
        assert attributes.get("maxlength") == str(spec.max_length), f"{spec.name}: maxlength differs"


def test_every_visible_field_has_a_label() -> None:
    page = parse_contact_page()
    for name, attributes in page.fields.items():
        if attributes.get("type") != "hidden":
            assert attributes.get("id") in page.labels, f"{name} has no <label for>"


def test_email_pattern_is_the_schemas() -> None:
    """The browser checks addresses with the server's rule (the browser anchors a pattern itself)."""
    (email,) = [f for f in FIELDS if f.kind == "email"]
    assert parse_contact_page().fields[email.name].get("pattern") == EMAIL_PATTERN.removeprefix("^").removesuffix("$")


class StatusValues(HTMLParser):
    """The dashboard's status filter options and its status buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.in_filter = False
        self.options: list[str] = []
        self.buttons: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "select":
            self.in_filter = a.get("id") == "status-filter"
        if tag == "option" and self.in_filter and a.get("value"):
            self.options.append(str(a["value"]))
        if tag == "button" and a.get("data-status"):
            self.buttons.append(str(a["data-status"]))


def test_dashboard_statuses_are_the_schemas() -> None:
    """The page is plain HTML: a test ties its status values to the table schema's one list."""
    page = StatusValues()
    page.feed((web_assets.WWW_DIR / "dashboard.html").read_text())
    assert page.options == list(STATUSES)
    assert sorted(page.buttons) == sorted(STATUSES)


def test_dashboard_labels_the_fields_as_the_form_does() -> None:
    """The dashboard names each field in its detail view; the words are the form schema's labels."""
    script = (web_assets.WWW_DIR / "dashboard" / "inbox.js").read_text()
    labels = dict(re.findall(r'\["(\w+)", "([^"]+)"\]', script[script.index("const LABELS") :]))
    assert {f.name: labels.get(f.name) for f in FIELDS} == {f.name: f.label for f in FIELDS}


class PasswordRules(HTMLParser):
    """The dashboard's list of password rules: its minimum length and the rule each item names."""

    def __init__(self) -> None:
        super().__init__()
        self.minimum_length = ""
        self.rules: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id") == "password-rules":
            self.minimum_length = str(a.get("data-minimum-length"))
        if tag == "li" and a.get("data-rule"):
            self.rules.append(str(a["data-rule"]))


def test_the_password_rules_shown_are_the_pools() -> None:
    parser = PasswordRules()
    parser.feed((web_assets.WWW_DIR / "dashboard.html").read_text())
    assert parser.minimum_length == str(PASSWORD_POLICY["minimum_length"])
    required = {k.removeprefix("require_") for k, v in PASSWORD_POLICY.items() if k.startswith("require_") and v}
    assert parser.rules[0] == "length" and sorted(parser.rules[1:]) == sorted(required)
