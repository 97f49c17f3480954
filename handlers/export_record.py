"""An export of one of the owner's views as one CSV file in S3: export_job.py writes the file, exports.py starts the
job and reports on it. What they share is the job's record, a small JSON object beside the file.

Each write of the record is conditional on the version read (S3's If-Match), so of two runs of the same job (an
invocation delivered twice) only one goes on; the other stops at its first save."""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions

PREFIX = "exports/"  # everything an export writes; the bucket's lifecycle deletes it a day later
LINK_SECONDS = 300  # how long a finished export's link works
STATES = RUNNING, DONE, FAILED = ("running", "done", "failed")
# A running export's record is saved after every part (about 5 MB) and every hand-over; one not saved for this
# long has stopped (its function timed out and Lambda's retries ran out).
STALLED_SECONDS = 15 * 60

Record = dict[str, Any]


class Superseded(Exception):
    """The record changed since it was read: another run of the same job is writing it."""


def record_key(export_id: str) -> str:
    return f"{PREFIX}{export_id}/job.json"


def file_key(record: Record) -> str:
    return f"{PREFIX}{record['id']}/{record['file']}"


def load(s3: Any, bucket: str, export_id: str) -> tuple[Record, str] | None:
    """The record and its version (ETag); None when there is no such export (or it was deleted after a day)."""
    try:
        found = s3.get_object(Bucket=bucket, Key=record_key(export_id))
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise
    return json.loads(found["Body"].read()), str(found["ETag"])


def save(s3: Any, bucket: str, record: Record, version: str | None) -> str:
    """Write the record if it is still at `version` (None: only if there is none yet); its new version, or
    Superseded."""
    condition = {"IfMatch": version} if version else {"IfNoneMatch": "*"}
    try:
        written = s3.put_object(
            Bucket=bucket,
            Key=record_key(record["id"]),
            Body=json.dumps(record).encode(),
            ContentType="application/json",
            **condition,
        )
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "ConditionalRequestConflict"):
            raise Superseded(record["id"]) from None
        raise
    return str(written["ETag"])


def owner_view(record: Record) -> Record:
    """What the dashboard is told of an export: never the upload's id, the cursor or the carried rows."""
    return {k: record[k] for k in ("id", "state", "status", "q", "file", "rows", "bytes", "created_at", "message")}
