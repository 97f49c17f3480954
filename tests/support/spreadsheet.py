"""A CSV file as a real spreadsheet program reads it: LibreOffice Calc, headless, importing it in a comma, semicolon or
tab locale and saving it as flat ODF, whose cells this reads back."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from csv_export import COLUMNS

SOFFICE = shutil.which("soffice")
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
SEPARATORS = {"comma": 44, "semicolon": 59, "tab": 9}  # LibreOffice's CSV filter takes character codes


def open_in_calc(csv_path: Path, separator: int, work: Path) -> list[list[tuple[str | None, str]]]:
    """Each row's cells as (formula, text), after Calc imported the file and saved it as flat ODF."""
    if not SOFFICE:
        message = "LibreOffice Calc is not installed (make spreadsheet-deps)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    out = work / f"out-{separator}"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{work}/profile", "--headless", f"--infilter=CSV:{separator},34,76,1",
         "--convert-to", "fods", "--outdir", str(out), str(csv_path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    rows = []
    for row in ET.parse(out / f"{csv_path.stem}.fods").getroot().iter(f"{TABLE}table-row"):
        cells = []
        for cell in row.iter(f"{TABLE}table-cell"):
            text = "\n".join(paragraph(p) for p in cell.findall(f"{TEXT}p"))
            repeat = min(int(cell.get(f"{TABLE}number-columns-repeated", "1")), len(COLUMNS))
            cells += [(cell.get(f"{TABLE}formula"), text)] * repeat
        rows.append(cells)
    return rows


def paragraph(element: ET.Element) -> str:
    """A paragraph's text as typed: ODF writes tabs, runs of spaces and line breaks as elements."""
    out = [element.text or ""]
    for child in element:
        if child.tag == f"{TEXT}s":
            out.append(" " * int(child.get(f"{TEXT}c", "1")))
        elif child.tag == f"{TEXT}tab":
            out.append("\t")
        elif child.tag == f"{TEXT}line-break":
            out.append("\n")
        else:
            out.append(paragraph(child))
        out.append(child.tail or "")
    return "".join(out)
