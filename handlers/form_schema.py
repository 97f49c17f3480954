"""The contact form's fields: the one declaration the handler validates with and the page must match."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace


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
    Field("last_name", "Last name", False, 100),  # optional: some people have one name
    Field("email", "Email", True, 254, kind="email"),
    Field("job_title", "Job title", False, 200),
    Field("phone_number", "Phone number", False, 40),
    Field("company", "Company", False, 200),
    Field("message", "Message", False, 5000, multiline=True),
)
FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
NAME_FIELDS = ("first_name", "last_name")

# The control fields of hosted form services (Formspree, FormSubmit, Web3Forms, Basin), so an existing form
# works once its action points here. None of them is stored as enquiry text.
# Hidden inputs people never see or fill; bots that fill every input do. "website" is this site's own.
HONEYPOTS = ("website", "_gotcha", "_honey", "botcheck")
# The client-made idempotency key (a UUID): a retried post stores nothing new.
SUBMISSION_ID = "submission_id"
NEXT_FIELDS = ("_next", "_redirect")  # the thank-you page, a path on this site only (no open redirect)
SUBJECT_FIELD = "_subject"  # the subject of the owner's email
SUBJECT = Field("subject", "Subject", False, 200)  # how it is checked and stored
# Other services' names for this form's fields, used when the field itself is absent: label, field.
ALIASES: dict[str, tuple[str, str]] = {"_replyto": ("Email", "email"), "name": ("Name", "first_name")}
CONTROL_FIELDS = (*HONEYPOTS, SUBMISSION_ID, *NEXT_FIELDS, SUBJECT_FIELD, *ALIASES)
_KNOWN = frozenset((*FIELDS_BY_NAME, *CONTROL_FIELDS))
_SPECS = {f.name: (f.name, f) for f in FIELDS}  # each field: the name it is read under, and its rules
# What the contact function does with fields this form does not define (the extraFields setting).
EXTRA_FIELDS_MODES = REFUSE, KEEP = ("refuse", "keep")
# Unknown fields, when the stack keeps them (extraFields: keep): how many, and how long each name and value.
MAX_EXTRA_FIELDS = 20
MAX_EXTRA_NAME = 64
MAX_EXTRA_LENGTH = 2000
# Every post within the field limits fits, in any encoding: one character takes at most 12 bytes (an
# escaped surrogate pair in JSON, four %XX in a form), plus names, the id, control fields and multipart framing.
MAX_BODY_BYTES = (
    12
    * (sum(f.max_length for f in FIELDS) + SUBJECT.max_length + MAX_EXTRA_FIELDS * (MAX_EXTRA_NAME + MAX_EXTRA_LENGTH))
    + 8192
)
# The redirect a form may ask for: one "/", then printable ASCII but a backslash. Browsers read "//host",
# a backslash as a slash, and drop tabs and line breaks, so each could lead to another host.
LOCAL_PATH_PATTERN = r"^/(?![/\\])[!-\[\]-~]{0,999}$"  # also the OpenAPI document's pattern


class Problem:
    """What is wrong with one field: a code scripts can branch on (Formspree's where it has one), and words.
    A plain class: a NamedTuple or dataclass would generate code at every cold start."""

    __slots__ = ("code", "message")

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message


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


def checked_value(spec: Field, value: object, sent: bool = True) -> Problem | str:
    """The trimmed value of one field, or its Problem ("" for an empty optional field)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        return Problem("TYPE_TEXT", f"{spec.label} must be text")
    # CR LF matters only where line breaks are allowed; anywhere else a CR is refused as a control character.
    value = (value.replace("\r\n", "\n") if spec.multiline else value).strip()
    if not value:
        if not spec.required:
            return ""
        if sent:
            return Problem("REQUIRED_FIELD_EMPTY", f"{spec.label} is required")
        return Problem("REQUIRED_FIELD_MISSING", f"{spec.label} is required")
    if len(value) > spec.max_length:
        return Problem("TOO_LONG", f"{spec.label} must be at most {spec.max_length} characters")
    plain = value.isascii()  # then neither a Unicode line break nor a lone surrogate can be in it
    if (_CONTROL_MULTILINE if spec.multiline else _CONTROL).search(value) or (
        not plain
        and (
            (not spec.multiline and _LINE_BREAKS.search(value))
            or value != value.encode(errors="ignore").decode()  # lone surrogates
        )
    ):
        return Problem("CONTROL_CHARACTERS", f"{spec.label} contains control characters")
    if spec.kind == "email":
        if not plain:
            return Problem(
                "TYPE_EMAIL",
                f"{spec.label} must use unaccented letters (a to z): replies to others cannot be delivered",
            )
        if not (_EMAIL.match(value) and value.index("@") <= MAX_LOCAL_PART):
            return Problem("TYPE_EMAIL", f"{spec.label} must be an address like name@example.com")
    return value


def clean_fields(raw: dict[str, object]) -> tuple[dict[str, str], dict[str, Problem]]:
    """Return (values, problems): trimmed values of the form fields, and what is wrong with each bad one.

    Unknown names are not looked at here (see unknown_fields). Empty optional fields are left out. A field
    sent under another service's name (ALIASES) counts when the field itself is absent or empty.
    """
    values: dict[str, str] = {}
    problems: dict[str, Problem] = {}
    specs = _SPECS
    if not raw.keys().isdisjoint(ALIASES):
        specs = dict(_SPECS)
        for alias, (label, target) in ALIASES.items():
            if alias not in raw:
                continue
            if raw.get(target) in (None, ""):
                specs[target] = (alias, replace(FIELDS_BY_NAME[target], name=alias, label=label))
            elif raw[alias] != raw[target]:
                problems[alias] = Problem("ALIAS_DIFFERS", f"{alias} differs from {target}: send one of them")
    for target, (sent_as, spec) in specs.items():
        sent = raw.get(sent_as)
        if sent is None and not spec.required:
            continue  # an optional field left out: nothing to check
        value = checked_value(spec, sent, sent_as in raw)
        if isinstance(value, Problem):
            problems[sent_as] = value
        elif value:
            values[target] = value
    return values, problems


def unknown_fields(raw: dict[str, object]) -> list[str]:
    """Names that are neither this form's fields nor control fields, in the order sent."""
    return [name for name in raw if name not in _KNOWN]


def extra_fields(raw: dict[str, object], names: list[str]) -> tuple[dict[str, str], dict[str, Problem]]:
    """The unknown fields a stack keeps (extraFields: keep): checked as text like a message, empty ones dropped."""
    if len(names) > MAX_EXTRA_FIELDS:
        too_many = Problem("TOO_MANY_FIELDS", f"at most {MAX_EXTRA_FIELDS} fields beyond this form's are kept")
        return {}, {names[MAX_EXTRA_FIELDS]: too_many}
    values: dict[str, str] = {}
    problems: dict[str, Problem] = {}
    for name in names:
        label = name if len(name) <= MAX_EXTRA_NAME and not _CONTROL.search(name) else ""
        if not label:
            problems[name] = Problem("FIELD_NAME", f"a field name must be 1 to {MAX_EXTRA_NAME} characters of text")
            continue
        value = checked_value(Field(name, label, False, MAX_EXTRA_LENGTH, multiline=True), raw[name])
        if isinstance(value, Problem):
            problems[name] = value
        elif value:
            values[name] = value
    return values, problems


def redirect_path(value: object) -> str | None:
    """A thank-you page the form asked for, if it is a path on this site; None otherwise."""
    # Compiled on first use (re caches it), not at import: most posts name no thank-you page.
    return value if isinstance(value, str) and re.fullmatch(LOCAL_PATH_PATTERN, value) else None
