"""POST /api/contact: validate a contact form post and store it exactly once."""

from __future__ import annotations

import html
import json
import urllib.parse
import uuid
from typing import Any

import api
import store
import submissions
from form_schema import FIELDS_BY_NAME, HONEYPOT, SUBMISSION_ID, clean_fields

MAX_BODY_BYTES = 10 * 1024
THANKS_PAGE = "/thanks.html"


class Post:
    """What a contact post asked for, decoded from either content type."""

    def __init__(self, fields: dict[str, Any], from_html_form: bool) -> None:
        self.fields = fields
        self.from_html_form = from_html_form


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def parse(content_type: str, body: bytes) -> Post:
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in (JSON, FORM):
        raise api.UnsupportedMediaType(f"content type {media_type or '(none)'} is not accepted; send {JSON} or {FORM}")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise api.BadRequest("request body is not valid UTF-8") from None
    if media_type == JSON:
        try:
            fields = json.loads(text)
        except json.JSONDecodeError as error:
            raise api.BadRequest(f"request body is not valid JSON: {error.msg} at position {error.pos}") from None
        if not isinstance(fields, dict):
            raise api.BadRequest("request body must be a JSON object of form fields")
        return Post(fields, from_html_form=False)
    pairs = urllib.parse.parse_qsl(text, keep_blank_values=True)
    names = [name for name, _ in pairs]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise api.BadRequest("a field was sent more than once", {n: "was sent more than once" for n in repeated})
    return Post(dict(pairs), from_html_form=True)


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
    item = submissions.new_item(submission_id, values, spam, retention_days)
    return submission_id, submissions.put_new(client, table, item)


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
    headers = {"content-type": "text/html; charset=utf-8", "cache-control": "no-store", **api.error_headers(error)}
    return {"statusCode": error.status, "headers": headers, "body": page}


def handler(event: api.Event, context: object) -> api.Response:
    post: Post | None = None

    def work() -> api.Response:
        nonlocal post
        body = api.body_bytes(event, MAX_BODY_BYTES)
        post = parse(api.header(event, "content-type"), body)
        submission_id, _ = accept(store.dynamodb, store.TABLE_NAME, store.RETENTION_DAYS, post)
        if post.from_html_form:
            return {"statusCode": 303, "headers": {"location": THANKS_PAGE, "cache-control": "no-store"}, "body": ""}
        return api.json_response(201, {"submission_id": submission_id}, api.request_id(event))

    def render_error(error: api.ApiError, rid: str) -> api.Response:
        return (html_error if post is not None and post.from_html_form else api.json_error)(error, rid)

    return api.run(event, "POST /api/contact", work, render_error)
