"""Submissions as CSV that spreadsheets open safely: UTF-8 with BOM, every cell quoted, formulas defused."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from form_schema import FIELDS
from stored_items import extra_fields
from table_schema import EXTRA_FIELDS, SUBJECT

COLUMNS = ("created_at", "status", *(f.name for f in FIELDS), SUBJECT, EXTRA_FIELDS, "id")
# Where a spreadsheet may start a field: the cell's start, and in a `;` or tab locale (or when line breaks
# are misread) after those characters too; spaces and quotes before a formula character do not stop it.
_FIELD_START = re.compile(r"(^|[;\t\r\n])([ \"]*)([=+\-@])")
# Signed numbers and phone numbers (+44 20 7946 0000) stay as typed: digits cannot name a function or a cell.
_NUMBER = re.compile(r"[+-][\d ()./-]*(?=$|[;\t\r\n])")


def neutralise(value: str) -> str:
    """An apostrophe before each formula character that could start a field, so it shows as text."""

    def defuse(start: re.Match[str]) -> str:
        if _NUMBER.match(value, start.start(3)):
            return start[0]
        return f"{start[1]}'{start[2]}{start[3]}"

    return _FIELD_START.sub(defuse, value)


def _csv_writer() -> tuple[io.StringIO, Any]:
    out = io.StringIO()
    return out, csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)


def header() -> str:
    """The file's start: the BOM, which makes Excel read UTF-8 (names like Zoë) correctly, and the column names."""
    out, writer = _csv_writer()
    writer.writerow(COLUMNS)
    return "\ufeff" + out.getvalue()


def rows(items: Iterable[dict[str, Any]]) -> str:
    """One CSV line per item, every cell quoted and defused: a file is header() and then rows of any number."""
    out, writer = _csv_writer()
    for item in items:
        # The kept extra fields as "name: value" lines, as the email shows them, rather than JSON.
        item = {**item, EXTRA_FIELDS: "\n".join(f"{k}: {v}" for k, v in extra_fields(item).items())}
        writer.writerow([neutralise(str(item.get(column) or "")) for column in COLUMNS])
    return out.getvalue()


def to_csv(items: Iterable[dict[str, Any]]) -> str:
    return header() + rows(items)
