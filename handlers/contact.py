"""POST /api/contact: validate a contact form post and store it exactly once."""

from __future__ import annotations

import html
import urllib.parse
import uuid
from http import HTTPStatus
from typing import Any

import api_gateway as api
import dynamodb_client
import submission_writes
from form_schema import FIELDS_BY_NAME, HONEYPOT, MAX_BODY_BYTES, SUBMISSION_ID, clean_fields

THANKS_PAGE = "/thanks.html"


class Post:
    """What a contact post asked for, decoded from either content type."""

    def __init__(self, fields: dict[str, Any], from_html_form: bool) -> None:
        self.fields = fields
        self.from_html_form = from_html_form


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def parse(kind: str, body: bytes) -> Post:
    """Both encodings (`kind` is the media type) under one set of rules: UTF-8 only, each field once."""
    if kind not in (JSON, FORM):
        raise api.UnsupportedMediaType(f"content type {kind or '(none)'} is not accepted; send {JSON} or {FORM}")
    try:  # strict: %XX that is not UTF-8 is refused like raw bytes are, never turned into U+FFFD
        text = body.decode()
        pairs = [] if kind == JSON else urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise api.BadRequest("request body is not valid UTF-8") from None
    if kind == JSON:
        fields = api.parse_json(text, "request body")
        if not isinstance(fields, dict):
            raise api.BadRequest("request body must be a JSON object of form fields")
        return Post(fields, from_html_form=False)
    return Post(api.unique_fields(pairs), from_html_form=True)


def submission_id_of(fields: dict[str, Any]) -> str:
    raw = fields.get(SUBMISSION_ID)
    if raw in (None, ""):
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError:
        raise api.BadRequest("submission_id is not a UUID", {SUBMISSION_ID: "must be a UUID"}) from None


def accept(client: Any, table: str, retention_days: int, post: Post) -> tuple[str, bool]:
    """Validate and store a post. Returns (submission id, whether a new item was written)."""
    submission_id = submission_id_of(post.fields)
    values, errors = clean_fields(post.fields)
    if errors:
        raise api.BadRequest("some fields need attention", errors)
    # Bots get exactly the answer people get, and the item is kept (as spam) so a
    # false positive can be rescued from the dashboard.
    spam = bool(str(post.fields.get(HONEYPOT) or "").strip())
    item = submission_writes.new_item(submission_id, values, spam, retention_days)
    return submission_id, submission_writes.put_new(client, table, item)


def html_error(error: api.ApiError, rid: str) -> api.Response:
    """Errors for a browser posting the form without JavaScript: a page, not JSON."""
    items = (
        "".join(
            f"<li>{html.escape(message)}</li>"
            for name, message in error.fields.items()
            if name in FIELDS_BY_NAME or name == SUBMISSION_ID
        )
        or f"<li>{html.escape(error.message)}</li>"
    )
    page = (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Message not sent</title><link rel="stylesheet" href="/style.css">'
        '<main class="page"><h1>Your message was not sent</h1>'
        f"<ul>{items}</ul><p>Go back to correct it; what you typed is still in the form.</p>"
        f'<p><a href="/contact.html">Back to the contact form</a></p>'
        f'<p class="small">Reference: {html.escape(rid)}</p></main></html>'
    )
    return api.response(
        error.status, page, rid, {"content-type": "text/html; charset=utf-8", **api.error_headers(error)}
    )


def handler(event: api.Event, context: object) -> api.Response:
    def work() -> api.Response:
        post = parse(kind, api.body_bytes(event, MAX_BODY_BYTES))
        submission_id, _ = accept(
            dynamodb_client.dynamodb, dynamodb_client.TABLE_NAME, dynamodb_client.RETENTION_DAYS, post
        )
        rid = api.request_id(event)
        if post.from_html_form:
            return api.response(HTTPStatus.SEE_OTHER, "", rid, {"location": THANKS_PAGE})
        return api.json_response(HTTPStatus.CREATED, {"submission_id": submission_id}, rid)

    # Chosen from the request before any work, so an error before parsing (too large, bad UTF-8) still
    # reaches a browser's plain form post as a page.
    kind = media_type(api.header(event, "content-type"))
    return api.run(event, work, html_error if kind == FORM else api.json_error)
