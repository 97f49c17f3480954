"""Checking a post against the form's declaration (form_schema): each field's value or what is wrong with it.
Only the contact function imports this: no other function compiles these checks at a cold start."""

from __future__ import annotations

import re

from form_schema import (
    ALIASES,
    CONTROL_FIELDS,
    EMAIL_PATTERN,
    FIELDS,
    FIELDS_BY_NAME,
    LOCAL_PATH_PATTERN,
    MAX_EXTRA_FIELDS,
    MAX_EXTRA_LENGTH,
    MAX_EXTRA_NAME,
    MAX_LOCAL_PART,
    Field,
)

_KNOWN = frozenset((*FIELDS_BY_NAME, *CONTROL_FIELDS))
_SPECS = {f.name: (f.name, f) for f in FIELDS}  # each field: the name it is read under, its rules


class Problem:
    """What is wrong with one field: a code for scripts (Formspree's where it has one), and words. A plain class: a
    NamedTuple or dataclass generates code at every cold start."""

    __slots__ = ("code", "message")

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message


_EMAIL = re.compile(EMAIL_PATTERN)


# Control characters (all Latin-1), bar \t and \n in a message: deleting bytes is 3x as fast as a pattern.
_CONTROLS = {False: bytes([*range(32), *range(127, 160)]), True: bytes([*range(9), *range(11, 32), *range(127, 160)])}
_LINE_BREAKS = re.compile("\u2028|\u2029")  # mail breaks lines there: not in a one-line field
# Unicode's Bidi_Control characters (PropList.txt), which reorder text: not in a one-line field. Compiled on first
# use (re caches them): wide classes cost a cold start.
_BIDI_CONTROLS = "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
# Characters that show nothing: not a field name alone.
_INVISIBLE = "[\\s\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]+"


def has_control_characters(value: str, multiline: bool) -> bool:
    """Control characters (a message may hold tabs and line breaks), Unicode line breaks and bidi controls
    outside a message, or lone surrogates."""
    latin = value.encode("latin-1", "ignore")
    if len(latin.translate(None, _CONTROLS[multiline])) < len(latin):
        return True
    if value.isascii():  # then neither a Unicode line break nor a lone surrogate can be in it
        return False
    one_line_breaks = not multiline and (_LINE_BREAKS.search(value) or re.search(_BIDI_CONTROLS, value))
    return bool(one_line_breaks) or value != value.encode(errors="ignore").decode()


def checked_value(spec: Field, value: object, sent: bool = True) -> Problem | str:
    """The trimmed value of one field, or its Problem ("" for an empty optional field)."""
    if not isinstance(value, str):
        if value is not None:
            return Problem("TYPE_TEXT", f"{spec.label} must be text")
        value = ""
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
    # isprintable() is one pass in C; only text it doubts (a line break, a no-break space) is checked exactly.
    if not value.isprintable() and has_control_characters(value, spec.multiline):
        return Problem("CONTROL_CHARACTERS", f"{spec.label} contains control characters")
    if spec.kind == "email":
        if not value.isascii():
            return Problem(
                "TYPE_EMAIL",
                f"{spec.label} must use unaccented letters (a to z): replies to others cannot be delivered",
            )
        if not (_EMAIL.match(value) and value.index("@") <= MAX_LOCAL_PART):
            return Problem("TYPE_EMAIL", f"{spec.label} must be an address like name@example.com")
    return value


def clean_fields(raw: dict[str, object]) -> tuple[dict[str, str], dict[str, Problem]]:
    """(values, problems): each form field's trimmed value (no empty optional ones), or what is wrong with it.
    Unknown names are unknown_fields'. A field under another service's name (ALIASES) counts when the field itself
    is absent or empty."""
    values: dict[str, str] = {}
    problems: dict[str, Problem] = {}
    specs = _SPECS
    if not raw.keys().isdisjoint(ALIASES):
        specs = dict(_SPECS)
        for alias, (label, target) in ALIASES.items():
            if alias not in raw:
                continue
            if not str(raw.get(target) or "").strip():
                specs[target] = (alias, FIELDS_BY_NAME[target].renamed(alias, label))
            elif not _same_value(FIELDS_BY_NAME[target], raw[alias], raw[target]):
                problems[alias] = Problem("ALIAS_DIFFERS", f"{alias} differs from {target}: send one of them")
    for target, (sent_as, spec) in specs.items():
        sent = raw.get(sent_as)
        if (sent is None or sent == "") and not spec.required:
            continue  # an optional field left out or empty: nothing to check
        value = checked_value(spec, sent, sent_as in raw)
        if isinstance(value, Problem):
            problems[sent_as] = value
        elif value:
            values[target] = value
    return values, problems


def _same_value(spec: Field, one: object, other: object) -> bool:
    """The same trimmed text; an address's domain in any letter case (RFC 5321 2.4)."""
    if isinstance(one, str) and isinstance(other, str):
        one, other = one.strip(), other.strip()
        if spec.kind == "email":
            one, other = (a[: a.rfind("@")] + a[a.rfind("@") :].lower() for a in (one, other))
    return one == other


def unknown_fields(raw: dict[str, object]) -> list[str]:
    """Names that are neither this form's fields nor control fields, in the order sent."""
    if raw.keys() <= _KNOWN:  # the usual post, answered by one set comparison in C
        return []
    return [name for name in raw if name not in _KNOWN]


def extra_fields(raw: dict[str, object], names: list[str]) -> tuple[dict[str, str], dict[str, Problem]]:
    """The unknown fields a stack keeps (extraFields: keep): checked as text like a message, empty ones dropped."""
    if len(names) > MAX_EXTRA_FIELDS:
        too_many = Problem("TOO_MANY_FIELDS", f"at most {MAX_EXTRA_FIELDS} fields beyond this form's are kept")
        return {}, {names[MAX_EXTRA_FIELDS]: too_many}
    values: dict[str, str] = {}
    problems: dict[str, Problem] = {}
    for name in names:
        if (
            not (0 < len(name) <= MAX_EXTRA_NAME)
            or has_control_characters(name, False)
            or re.fullmatch(_INVISIBLE, name)
        ):
            problems[name] = Problem(
                "FIELD_NAME", f"a field name must be 1 to {MAX_EXTRA_NAME} characters of text, some of them visible"
            )
            continue
        value = checked_value(Field(name, name, False, MAX_EXTRA_LENGTH, multiline=True), raw[name])
        if isinstance(value, Problem):
            problems[name] = value
        elif value:
            values[name] = value
    return values, problems


def redirect_path(value: object) -> str | None:
    """A thank-you page the form asked for, if it is a path on this site; None otherwise."""
    # Compiled on first use (re caches it), not at import: most posts name no thank-you page.
    return value if isinstance(value, str) and re.fullmatch(LOCAL_PATH_PATTERN, value) else None
