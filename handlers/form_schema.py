"""The contact form's fields: the one declaration the handler validates with and the page must match."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool
    max_length: int
    multiline: bool = False
    kind: str = "text"  # "text" or "email": how the value's syntax is checked


FIELDS: tuple[Field, ...] = (
    Field("first_name", "First name", True, 100),
    Field("last_name", "Last name", True, 100),
    Field("email", "Email", True, 254, kind="email"),
    Field("job_title", "Job title", False, 200),
    Field("phone_number", "Phone number", False, 40),
    Field("company", "Company", False, 200),
    Field("message", "Message", False, 5000, multiline=True),
)
FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
NAME_FIELDS = ("first_name", "last_name")
# Every post within the field limits fits, in either encoding: one character takes at most 12 bytes
# (an escaped surrogate pair in JSON, four %XX in a form), plus names, the id and the honeypot.
MAX_BODY_BYTES = 12 * sum(f.max_length for f in FIELDS) + 2048

# A hidden input people never see or fill; bots that fill every input do.
HONEYPOT = "website"
# The client-made idempotency key (a UUID): a retried post stores nothing new.
SUBMISSION_ID = "submission_id"
CONTROL_FIELDS = (HONEYPOT, SUBMISSION_ID)

# What SES can reply to (no SMTPUTF8; IDN as xn--). Also the page's v-mode `pattern`, so `-` is escaped.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9_%+'\-]+(?:\.[A-Za-z0-9_%+'\-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)+$"
)
MAX_LOCAL_PART = 64
_EMAIL = re.compile(EMAIL_PATTERN)


# Control characters, but \t and \n in a message (Latin-1 classes: 10x cheaper to compile than wider ones).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("\u2028|\u2029")  # mail breaks lines there: not in a one-line field


def clean_fields(raw: dict[str, object]) -> tuple[dict[str, str], dict[str, str]]:
    """Return (values, errors): trimmed values of the form fields, and a message per bad field.

    Unknown names are errors too, so a client's typo ("mesage") is reported instead of
    silently dropping what the visitor wrote. Empty optional fields are left out.
    """
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in raw:
        if name not in FIELDS_BY_NAME and name not in CONTROL_FIELDS:
            errors[name] = "is not a field of this form"
    for spec in FIELDS:
        value = raw.get(spec.name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[spec.name] = f"{spec.label} must be text"
            continue
        value = value.replace("\r\n", "\n").strip()
        if not value:
            if spec.required:
                errors[spec.name] = f"{spec.label} is required"
            continue
        if len(value) > spec.max_length:
            errors[spec.name] = f"{spec.label} must be at most {spec.max_length} characters"
        elif (
            (_CONTROL_MULTILINE if spec.multiline else _CONTROL).search(value)
            or (not spec.multiline and _LINE_BREAKS.search(value))
            or not (value.isascii() or value == value.encode(errors="ignore").decode())  # lone surrogates
        ):
            errors[spec.name] = f"{spec.label} contains control characters"
        elif spec.kind == "email" and not value.isascii():
            errors[spec.name] = (
                f"{spec.label} must use unaccented letters (a to z): replies to others cannot be delivered"
            )
        elif spec.kind == "email" and not (_EMAIL.match(value) and value.index("@") <= MAX_LOCAL_PART):
            errors[spec.name] = f"{spec.label} must be an address like name@example.com"
        else:
            values[spec.name] = value
    return values, errors
