"""Writing an export (export_record.py): the enquiries of one view as the dashboard lists them, newest first (the
inbox, one status, spam, or a search of one of them), as one CSV file in the private exports bucket.

The file is an S3 multipart upload of parts of at least 5 MB, read a page at a time, so a run holds at most one
part and one page: memory does not grow with the export. A run stops CONTINUE_SECONDS before its function's
deadline; it keeps the rows it has not uploaded in an object of their own, saves where it is, and invokes its own
function again (asynchronously), which goes on from there. An export of any size ends, in as many runs as it takes.
A run that times out anyway is retried by Lambda with the same event, from the last saved record."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from typing import Any

import boto3
import botocore.config

import dynamodb_client
import env_names as env
import export_record as er
from csv_export import header, rows
from inbox import list_page
from search import search_page
from table_schema import canonical_id

PART_BYTES = 5 * 1024 * 1024  # S3's smallest part, but for the last
# Enquiries read at a time: a page of the largest (about 95 KB each with kept fields) stays under 2.5 MB.
PAGE = 25
# What a run leaves of its time to upload the part in hand and hand over: a part is at most 7.5 MB.
CONTINUE_SECONDS = 30
CSV_TYPE = "text/csv; charset=utf-8"

logger = logging.getLogger("ctd")
logger.setLevel(logging.INFO)
BUCKET = os.environ[env.EXPORT_BUCKET]
s3 = boto3.client("s3", config=botocore.config.Config(retries={"mode": "standard"}))


class ExportRun:
    """One run's hold on the record: each save is conditional on the version it last read or wrote, and names the
    run, so two runs saving the same progress still write different records (S3's version is the content's hash)."""

    def __init__(self, record: er.Record, version: str) -> None:
        self.record, self.version, self.name = record, version, str(uuid.uuid4())

    def save(self) -> None:
        self.record.update(saved_at=int(time.time()), run=self.name)
        self.version = er.save(s3, BUCKET, self.record, self.version)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    export_id = canonical_id(str(event.get("export_id", "")))
    loaded = er.load(s3, BUCKET, export_id) if export_id else None
    if loaded is None or loaded[0]["state"] != er.RUNNING:
        logger.info("no running export to write", extra={"export_id": export_id})
        return {"state": loaded[0]["state"] if loaded else None}
    run = ExportRun(*loaded)
    stop_at = time.monotonic() + context.get_remaining_time_in_millis() / 1000 - CONTINUE_SECONDS
    try:
        write(run, stop_at)
    except er.Superseded:
        logger.warning("another run of this export saved first; this one stops", extra={"export_id": export_id})
        return {"state": "superseded"}
    except Exception as error:
        logger.exception("export failed", extra={"export_id": export_id})
        fail(run, error)
        return {"state": er.FAILED}
    if run.record["state"] == er.RUNNING:
        # The next run goes on from the saved record; were this call to fail, Lambda retries this whole event,
        # which starts from the same record.
        boto3.client("lambda").invoke(
            FunctionName=context.function_name, InvocationType="Event", Payload=json.dumps({"export_id": export_id})
        )
    logger.info("export run ended", extra={k: run.record[k] for k in ("id", "state", "rows", "bytes", "parts")})
    return {"state": run.record["state"], "rows": run.record["rows"]}


def write(run: ExportRun, stop_at: float) -> None:
    """Read pages and upload parts until the view ends (the file is then complete) or `stop_at` passes."""
    record = run.record
    if not record["upload_id"]:
        started = s3.create_multipart_upload(
            Bucket=BUCKET,
            Key=er.file_key(record),
            ContentType=CSV_TYPE,
            ContentDisposition=f'attachment; filename="{record["file"]}"',
        )
        record["upload_id"] = started["UploadId"]
        run.save()
    pending = [carried(record)]
    size = len(pending[0])
    while True:
        page = read_page(record, stop_at)
        chunk = rows(page["items"]).encode()
        pending.append(chunk)
        size += len(chunk)
        record["rows"] += len(page["items"])
        record["cursor"] = page["cursor"]
        if size >= PART_BYTES or not record["cursor"]:
            upload_part(record, b"".join(pending))
            pending, size = [], 0
            record["carry"] = ""
            if not record["cursor"]:
                complete(record)
            run.save()
            if record["state"] == er.DONE:
                return
        if time.monotonic() > stop_at:
            record["carry"] = keep_rows(record, b"".join(pending)) if size else ""
            run.save()
            return


def carried(record: er.Record) -> bytes:
    """What the file holds before this run's first page: the rows an earlier run read but did not upload, or
    for a new file its BOM and column names."""
    if record["carry"]:
        return bytes(s3.get_object(Bucket=BUCKET, Key=record["carry"])["Body"].read())
    if record["parts"] == 0 and record["rows"] == 0:
        return header().encode()
    return b""


def keep_rows(record: er.Record, data: bytes) -> str:
    """Rows not yet in a part, kept for the next run under a key of their own: the saved record names it, so a
    run that stops before saving leaves the record pointing at the rows that match its cursor."""
    key = f"{er.PREFIX}{record['id']}/carry-{uuid.uuid4()}.csv"
    s3.put_object(Bucket=BUCKET, Key=key, Body=data, ContentType=CSV_TYPE)
    return key


def read_page(record: er.Record, stop_at: float) -> dict[str, Any]:
    view = (dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME, record["status"], PAGE, record["cursor"])
    if record["q"]:
        return search_page(*view, record["q"], stop_at)
    return list_page(*view)


def upload_part(record: er.Record, data: bytes) -> None:
    number = record["parts"] + 1
    s3.upload_part(Bucket=BUCKET, Key=er.file_key(record), UploadId=record["upload_id"], PartNumber=number, Body=data)
    record["parts"], record["bytes"] = number, record["bytes"] + len(data)


def complete(record: er.Record) -> None:
    pages = s3.get_paginator("list_parts").paginate(
        Bucket=BUCKET, Key=er.file_key(record), UploadId=record["upload_id"]
    )
    parts = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for page in pages for p in page.get("Parts", [])]
    s3.complete_multipart_upload(
        Bucket=BUCKET, Key=er.file_key(record), UploadId=record["upload_id"], MultipartUpload={"Parts": parts}
    )
    record.update(state=er.DONE, cursor=None)


def fail(run: ExportRun, error: Exception) -> None:
    """Say the export stopped (the dashboard shows it), and drop the file's parts."""
    code = getattr(error, "response", {}).get("Error", {}).get("Code") or type(error).__name__
    run.record.update(state=er.FAILED, message=f"the export stopped ({code}); start it again")
    try:
        if run.record["upload_id"]:
            s3.abort_multipart_upload(Bucket=BUCKET, Key=er.file_key(run.record), UploadId=run.record["upload_id"])
        run.save()
    except Exception:  # the record stays "running" and is reported as stopped once STALLED_SECONDS pass
        logger.exception("could not record the failure", extra={"export_id": run.record["id"]})
