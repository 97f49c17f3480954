"""Exports of a view against moto: the file in parts of S3's size, across runs of the writer that hand over to each
other, one writer at a time, failures said to the owner, and every bad request refused before anything is written."""

from __future__ import annotations

import csv
import importlib
import io
import json
import time
import types
import uuid
from typing import Any

import boto3
import botocore.exceptions
import pytest

from local.emulator import EXPORTS_BUCKET, TABLE_NAME
from local.persistence import restore_items
from tests.support.handler_events import Store, call, exported, owner_event, valid_fields


@pytest.fixture
def export_job(store: Store) -> types.ModuleType:
    return importlib.import_module("export_job")


@pytest.fixture
def records() -> Any:
    """The export records in the bucket (each test starts with none)."""
    s3 = boto3.client("s3")
    for found in s3.list_objects_v2(Bucket=EXPORTS_BUCKET).get("Contents", []):
        s3.delete_object(Bucket=EXPORTS_BUCKET, Key=found["Key"])
    return lambda: [o["Key"] for o in s3.list_objects_v2(Bucket=EXPORTS_BUCKET).get("Contents", [])]


def seed(store: Store, count: int, message: str, status: str = "new", spam_reason: str = "") -> list[str]:
    """`count` enquiries written straight to the table in the contact function's item format, one ms apart."""
    import submission_writes

    items = []
    for n in range(count):
        fields = valid_fields(first_name=f"P{n}", message=message)
        item = submission_writes.new_item(str(uuid.uuid4()), fields, spam_reason, 0)  # no retention: text only
        item["created_at"] = {"S": f"2026-01-01T00:{n // 60000:02d}:{n // 1000 % 60:02d}.{n % 1000:03d}Z"}
        if status != "new":
            item.update(status={"S": status})
        items.append(item)
    restore_items(TABLE_NAME, items)
    ids = [i["id"]["S"] for i in items]
    return ids


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# About 5.4 KB a row (a message of 5,000 characters, some of them two bytes): 1,200 rows make two parts.
LONG_MESSAGE = ("Zoë wants a quote; " * 264)[:5000]


def test_a_file_over_five_mb_is_uploaded_in_parts_with_every_enquiry_once_newest_first(
    store: Store, records: Any
) -> None:
    ids = seed(store, 1200, LONG_MESSAGE)
    job, text = exported()
    rows = parsed(text)
    assert job["state"] == "done" and job["rows"] == 1200 and len(rows) == 1200
    assert job["bytes"] == len(text.encode()) > 6 * 1024 * 1024, "over Lambda's 6 MB response limit"
    assert [r["id"] for r in rows] == ids[::-1], "every enquiry once, newest first"
    assert rows[0]["message"] == LONG_MESSAGE and rows[-1]["first_name"] == "P0"
    record = boto3.client("s3").get_object(Bucket=EXPORTS_BUCKET, Key=f"exports/{job['id']}/job.json")
    assert json.loads(record["Body"].read())["parts"] == 2, "a part of at least 5 MB, then the rest"


def test_an_export_goes_on_across_runs_and_writes_the_same_file(
    emulator: Any, export_job: types.ModuleType, store: Store, records: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(store, 300, LONG_MESSAGE[:2000])
    seed(store, 40, "spam", spam_reason="honeypot")
    _, whole = exported()
    runs_before = len(emulator.functions.runs)
    # Each run now has a moment before it must hand over: about a page, then the next run goes on.
    monkeypatch.setattr(export_job, "CONTINUE_SECONDS", export_job.CONTINUE_SECONDS + 299.8)
    job, pieced = exported(wait_seconds=120)
    assert job["state"] == "done" and pieced == whole and len(parsed(pieced)) == 300
    assert len(emulator.functions.runs) - runs_before > 3, "the writer invoked itself to go on"
    assert any("/carry-" in key for key in records()), "rows read but not uploaded were kept between runs"


def test_a_search_or_a_status_exports_only_its_enquiries(store: Store, records: Any, index_now: Any) -> None:
    seed(store, 30, "nothing to see")
    seed(store, 3, "a Quote for the shop")
    seed(store, 4, "quote", status="handled")
    index_now()  # a search's export reads the search index, as the search does
    job, text = exported({"q": "QUOTE"})
    assert job["file"].startswith("enquiries-inbox-search-") and len(parsed(text)) == 7
    job, text = exported({"status": "handled", "q": "quote"})
    assert [r["status"] for r in parsed(text)] == ["handled"] * 4
    job, text = exported({"status": "spam"})
    assert job["rows"] == 0 and parsed(text) == [] and text.startswith('\ufeff"created_at"')


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        ({"status": "archived"}, "application/json", 400, "status"),
        ({"status": 3}, "application/json", 400, "status"),
        ({"q": "a\x00b"}, "application/json", 400, "q must be"),
        ({"q": "x" * 201}, "application/json", 400, "q must be"),
        ({"q": ["quote"]}, "application/json", 400, "send the view"),
        ({"view": "inbox"}, "application/json", 400, "send the view"),
        ([], "application/json", 400, "send the view"),
        ("{", "application/json", 400, "not valid JSON"),
        ({"q": "x" * 1100}, "application/json", 413, "limit"),
        ("status=new", "application/x-www-form-urlencoded", 415, "application/json"),
    ],
)
def test_a_bad_view_is_refused_before_anything_is_written(
    store: Store, records: Any, body: Any, content_type: str, status: str, says: str
) -> None:
    exports = importlib.import_module("exports")
    event = owner_event("POST", "/api/submissions/exports", body=body)
    event["headers"]["content-type"] = content_type
    answer = call(exports.start, event)
    assert answer[0] == status and says in answer[2]["error"]["message"]
    assert records() == []


def test_progress_of_an_unknown_export_is_404_and_signed_out_is_401(store: Store, records: Any) -> None:
    exports = importlib.import_module("exports")
    for raw in (str(uuid.uuid4()), "not-an-id", "../job.json"):
        status, _, body = call(exports.progress, owner_event("GET", "/x", params={"id": raw}))
        assert status == 404 and "no export" in body["error"]["message"]
    event = owner_event("POST", "/api/submissions/exports", body={})
    del event["requestContext"]["authorizer"]
    assert call(exports.start, event)[0] == 401 and records() == []


def test_a_failing_run_says_why_and_drops_the_parts(
    export_job: types.ModuleType, store: Store, records: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(store, 3, "hello")

    def throttled(*_: Any) -> None:
        error = {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}
        raise botocore.exceptions.ClientError(error, "Query")

    monkeypatch.setattr(export_job, "read_page", throttled)
    job, text = exported()
    assert job["state"] == "failed" and "ProvisionedThroughputExceededException" in job["message"] and text == ""
    assert boto3.client("s3").list_multipart_uploads(Bucket=EXPORTS_BUCKET).get("Uploads", []) == []


def test_an_export_not_saved_for_fifteen_minutes_is_reported_stopped(store: Store, records: Any) -> None:
    exports = importlib.import_module("exports")
    record_module = importlib.import_module("export_record")
    record = exports.new_record(None, "")
    record["saved_at"] = int(time.time()) - record_module.STALLED_SECONDS - 1
    record_module.save(exports.s3, EXPORTS_BUCKET, record, None)
    status, _, body = call(exports.progress, owner_event("GET", "/x", params={"id": record["id"]}))
    assert status == 200 and body["export"]["state"] == "failed" and "start it again" in body["export"]["message"]


def test_of_two_runs_of_one_export_only_the_first_to_save_goes_on(
    export_job: types.ModuleType, store: Store, records: Any
) -> None:
    record_module = importlib.import_module("export_record")
    record = importlib.import_module("exports").new_record(None, "")
    version = record_module.save(export_job.s3, EXPORTS_BUCKET, record, None)
    first, second = export_job.ExportRun(dict(record), version), export_job.ExportRun(dict(record), version)
    first.save()
    with pytest.raises(record_module.Superseded):
        second.save()
    with pytest.raises(record_module.Superseded):  # and a new record never replaces one
        record_module.save(export_job.s3, EXPORTS_BUCKET, record, None)


def test_a_finished_or_unknown_export_is_left_alone(export_job: types.ModuleType, store: Store, records: Any) -> None:
    seed(store, 2, "hello")
    job, _ = exported()
    before = records()
    context = importlib.import_module("local.gateway").LambdaContext("writer", "r")
    assert export_job.handler({"export_id": job["id"]}, context) == {"state": "done"}
    assert export_job.handler({"export_id": "nope"}, context) == {"state": None}
    assert records() == before
