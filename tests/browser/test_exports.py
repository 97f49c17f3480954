"""An export past Lambda's 6 MB response limit, as the owner makes it in Chromium: one click, the progress said,
one file downloaded, and every row of it read back by LibreOffice Calc as the visitor wrote it."""

from __future__ import annotations

import csv
import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import Page, expect

from csv_export import COLUMNS, neutralise
from local import owner_session
from local.background import Runner
from tests.support.browser import Watch, accessibility_problems, expect_clean
from tests.support.http import Visitor
from tests.support.site_actions import sign_in
from tests.support.spreadsheet import SEPARATORS, open_in_calc

ENQUIRIES = 1200
# Each message the form's longest (5,000 characters), with two-byte letters and a formula at the start of a line.
MESSAGE = ("Zoë needs a quote for two shops.\n=SUM(A1) is not a formula here; " * 80)[:5000]


VISITORS = 4


def posts_of_one_visitor(site: Runner, visitor: int) -> list[str]:
    """Every VISITORS-th enquiry, posted one after another from one loopback address, as four people would."""
    sender = Visitor(site.url, f"127.0.0.{2 + visitor}")
    ids = []
    for n in range(visitor, ENQUIRIES, VISITORS):
        fields = {"first_name": f"Zoë{n}", "last_name": "Ng", "email": f"z{n}@example.com", "message": MESSAGE}
        status, answer = sender.send(fields)
        assert status == 201, answer
        ids.append(answer["submission_id"])
    return ids


def test_an_export_over_six_mb_arrives_as_one_file_that_calc_reads_whole(
    page: Page, site: Runner, watch: Watch, axe: str, tmp_path: Path
) -> None:
    with ThreadPoolExecutor(VISITORS) as pool:
        posted = {i for ids in pool.map(lambda v: posts_of_one_visitor(site, v), range(VISITORS)) for i in ids}
    owner_session.sign_in(site.url, site.owner_email, site.temporary_password)  # past the first sign-in
    sign_in(page, site, owner_session.NEW_PASSWORD)

    with page.expect_download(timeout=120_000) as download_info:
        page.get_by_role("button", name="Export CSV").click()
    download = download_info.value
    assert re.fullmatch(r"enquiries-inbox-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    expect(page.locator("#dash-status")).to_contain_text(f"Exported {ENQUIRIES:,} enquiries")
    expect(page.get_by_role("button", name="Export CSV")).to_be_enabled()
    assert accessibility_problems(page, axe) == []

    path = tmp_path / "export.csv"
    download.save_as(path)
    data = path.read_bytes()
    assert len(data) > 6 * 1024 * 1024, "past what one Lambda response can carry"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {r["id"] for r in rows} == posted and len(rows) == ENQUIRIES, "every enquiry, once"

    read = open_in_calc(path, SEPARATORS["comma"], tmp_path)
    assert [text for _, text in read[0]][: len(COLUMNS)] == list(COLUMNS)
    assert len(read) == ENQUIRIES + 1
    assert [f for row in read for f, _ in row if f] == [], "no cell became a formula"
    by_id = {r["id"]: r for r in rows}
    for row in read[1:]:
        cells = dict(zip(COLUMNS, (text for _, text in row), strict=False))
        sent = by_id[cells["id"]]
        assert cells["message"] == neutralise(MESSAGE) == sent["message"]
        assert cells["first_name"] == sent["first_name"] and cells["first_name"].startswith("Zoë")
    expect_clean(watch, downloaded=(download.url,))
