"""Submissions as CSV that spreadsheets open safely: UTF-8 with BOM, formula-looking cells neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from form_schema import FIELDS

COLUMNS = ("created_at", "status", *(f.name for f in FIELDS), "id")
# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a formula-looking cell with an apostrophe so it is shown as text, never run."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def to_csv(items: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # the BOM makes Excel read UTF-8 (names like Zoë) correctly
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in items:
        writer.writerow([neutralise(str(item.get(column) or "")) for column in COLUMNS])
    return out.getvalue()
