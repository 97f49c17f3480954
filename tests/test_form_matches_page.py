"""The form schema and www/contact.html agree on every field's name, required flag and maximum length."""

from __future__ import annotations

from html.parser import HTMLParser

from components import web_assets
from form_schema import CONTROL_FIELDS, EMAIL_PATTERN, FIELDS


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
    assert set(parse_contact_page().fields) == {f.name for f in FIELDS} | set(CONTROL_FIELDS)


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
