"""The owner's exports (export_record.py): POST /api/submissions/exports starts one of the view the owner is looking
at, and GET /api/submissions/exports/{id} says how far it is; once it is done, the answer holds a link to the file
that works for a few minutes (LINK_SECONDS) and downloads it as an attachment."""

from __future__ import annotations

import json
import os
import time
import uuid
from http import HTTPStatus
from typing import Any

import boto3
import botocore.config
import botocore.exceptions

import api_gateway as api
import env_names as env
import export_record as er
from owner_requests import json_body, owner_route, status_filter
from search_words import query_words
from table_schema import canonical_id, iso_milliseconds

EXAMPLE = '{"status": "new", "q": "quote"}'
BUCKET = os.environ[env.EXPORT_BUCKET]
FUNCTION = os.environ[env.EXPORT_FUNCTION]
# Signature version 4: the only one S3 accepts in every region for a link.
s3 = boto3.client("s3", config=botocore.config.Config(signature_version="s3v4"))


def new_record(status: str | None, q: str) -> er.Record:
    milliseconds = time.time_ns() // 1_000_000
    created = iso_milliseconds(milliseconds)
    view = f"{status or 'inbox'}{'-search' if q else ''}"
    return {
        "id": str(uuid.uuid4()),
        "state": er.RUNNING,
        "status": status,
        "q": q or None,
        "file": f"enquiries-{view}-{created[:10]}.csv",  # created_at's date, YYYY-MM-DD
        "rows": 0,
        "bytes": 0,
        "parts": 0,
        "cursor": None,
        "carry": "",
        "upload_id": "",
        "created_at": created,
        "saved_at": milliseconds // 1000,
        "message": "",
    }


def view_asked(event: api.Event) -> tuple[str | None, str]:
    """The view to export from the body: its status (none: the inbox) and search words (none: every enquiry)."""
    body = api.parse_json(json_body(event, EXAMPLE) or b"{}", "request body")
    if not isinstance(body, dict) or set(body) - {"status", "q"} or not isinstance(body.get("q") or "", str):
        raise api.BadRequest(f"send the view to export, like {EXAMPLE} (both optional)", {"view": "is not valid"})
    status = status_filter({"status": str(body.get("status") or "")})
    q = str(body.get("q") or "")
    if q:
        query_words(q)  # BadRequest naming q, before anything is written
    return status, q


def _start(event: api.Event) -> api.Response:
    record = new_record(*view_asked(event))
    try:
        er.save(s3, BUCKET, record, None)
        boto3.client("lambda").invoke(
            FunctionName=FUNCTION, InvocationType="Event", Payload=json.dumps({"export_id": record["id"]})
        )
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError):
        raise api.Unavailable("the export could not be started; nothing was written, please try again") from None
    return api.json_response(HTTPStatus.ACCEPTED, {"export": er.owner_view(record)}, api.request_id(event))


def _progress(event: api.Event) -> api.Response:
    raw = str((event.get("pathParameters") or {}).get("id", ""))
    export_id = canonical_id(raw)
    loaded = er.load(s3, BUCKET, export_id) if export_id else None
    if loaded is None:
        raise api.NotFound(f"no export with id {raw[:100]} (a file is kept for a day)")
    record = loaded[0]
    view: dict[str, Any] = er.owner_view(record)
    if record["state"] == er.RUNNING and time.time() - record["saved_at"] > er.STALLED_SECONDS:
        view.update(state=er.FAILED, message="the export stopped; start it again")
    if record["state"] == er.DONE:
        # The file was uploaded with its type and as an attachment (export_job.py): the link needs say neither.
        view["url"] = s3.generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": er.file_key(record)}, ExpiresIn=er.LINK_SECONDS
        )
    return api.json_response(HTTPStatus.OK, {"export": view}, api.request_id(event))


start = owner_route(_start)
progress = owner_route(_progress)
