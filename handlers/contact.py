"""POST /api/contact: validate a contact form post and store it exactly once, answering as the caller asked."""

from __future__ import annotations

import json
import os
import re
import time
import urllib.parse
import uuid
from http import HTTPStatus
from typing import Any

import api_gateway as api
import dynamodb_client
import env_names as env
import submission_writes
import table_schema as ts
from dynamo_items import dynamo_errors
from edge import VIEWER_ADDRESS
from form_schema import (
    CONTROL_FIELDS,
    FIELDS_BY_NAME,
    HONEYPOTS,
    KEEP,
    MAX_BODY_BYTES,
    MAX_BOT_TOKEN,
    NEXT_FIELDS,
    SUBJECT,
    SUBJECT_FIELD,
    SUBMISSION_ID,
    TURNSTILE_FIELD,
)
from form_validation import Problem, checked_value, clean_fields, extra_fields, redirect_path, unknown_fields
from hourly_limits import count_once, visitor_key
from table_schema import EXTRA_FIELDS, HOUR_SECONDS, VISITOR_COUNT, canonical_id


class VisitorLimits:  # contactClientLimit (then spam: offices share addresses) and contactClientCeiling
    __slots__ = ("ceiling", "limit", "table")

    def __init__(self, table: str, limit: int, ceiling: int) -> None:
        self.table, self.limit, self.ceiling = table, limit, ceiling

    def spam_reason(self, client: Any, visitor: str, submission_id: str, now: float) -> str:
        """VISITOR_LIMIT or "" by the count the update returned; TooManyRequests past the ceiling."""
        posts = count_once(client, self.table, f"{VISITOR_COUNT} {visitor}", submission_id, self.ceiling, 600, now)
        if not posts:
            wait = HOUR_SECONDS - int(now) % HOUR_SECONDS
            raise api.TooManyRequests(
                f"{self.ceiling} posts from this address this hour; none kept: retry in {wait}s", wait
            )
        return ts.VISITOR_LIMIT if posts > self.limit else ""


CREATED, SEE_OTHER = HTTPStatus.CREATED.value, HTTPStatus.SEE_OTHER.value  # a member's lookup runs Python: 2%
THANKS_PAGE = "/thanks.html"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"  # what `new FormData(form)` sends, as in Formspree's fetch example
# extraFields=keep: store fields the form does not define, instead of refusing each by name.
KEEP_EXTRA_FIELDS = os.environ.get(env.EXTRA_FIELDS) == KEEP
# The site's own page (www/error.html, titled for a refused post) framing the errors for a plain form post.
PAGE_START, _, _PAGE_REST = os.environ[env.PAGE_SHELL].partition("<main")
PAGE_END = _PAGE_REST.partition("</main>")[2]
BOT_CHECK = bool(os.environ.get(env.BOT_CHECK))
LIMITS = VisitorLimits(
    os.environ[env.COUNTERS_TABLE], int(os.environ[env.VISITOR_LIMIT]), int(os.environ[env.VISITOR_CEILING])
)
# Patterns compiled on first use (re caches them), not at every cold start: most posts need neither.
_QUALITY = r";\s*q=([01](?:\.\d{0,3})?)"
_PART_NAME = rb'(?i)\r\ncontent-disposition:\s*form-data;\s*name="([^"]*)"(;\s*filename)?'


def quality(accept: str, media: str) -> float:
    """How much an Accept header wants `media`: the q of its most specific matching range."""
    best, found = -1, 0.0
    for entry in (accept or "*/*").lower().split(","):
        name = entry.split(";")[0].strip()
        rank = 2 if name == media else 1 if name == media.split("/")[0] + "/*" else 0 if name == "*/*" else -1
        if rank > best:
            q = re.search(_QUALITY, entry)
            best, found = rank, float(q[1]) if q else 1.0
    return found


def wants_json(event: api.Event, kind: str) -> bool:
    """JSON for every caller but a browser posting a form itself (it ranks text/html above JSON)."""
    if kind == JSON or api.header(event, "x-requested-with").lower() == "xmlhttprequest":
        return True
    accept = api.header(event, "accept")
    return kind not in (FORM, MULTIPART) or quality(accept, JSON) >= quality(accept, "text/html")


def multipart_pairs(content_type: str, body: bytes) -> list[tuple[str, str]]:
    """The fields of a multipart/form-data body (RFC 7578); a file is refused, never stored."""
    boundary = re.search(r';\s*boundary="?([^";]{1,70})"?', content_type)
    if not boundary:
        raise api.BadRequest("multipart/form-data needs a boundary parameter")
    parts = body.split(b"--" + boundary[1].encode())
    if len(parts) < 2 or not parts[-1].startswith(b"--"):
        raise api.BadRequest("multipart body does not end with its closing boundary")
    pairs = []
    for part in parts[1:-1]:
        head, _, value = part.partition(b"\r\n\r\n")
        found = re.search(_PART_NAME, head)
        if not found or not value.endswith(b"\r\n"):
            raise api.BadRequest("a multipart part has no form-data name")
        name = found[1].decode()
        if found[2]:
            raise api.BadRequest("files are not accepted", {name: f"{name} is a file; this form takes text only"})
        pairs.append((name, value[:-2].decode()))
    return pairs


def parse(kind: str, content_type: str, body: bytes) -> dict[str, Any]:
    """The posted fields, from any of the three encodings (`kind` is the media type of `content_type`), under
    one set of rules: UTF-8 only, each field once."""
    if kind not in (JSON, FORM, MULTIPART):
        raise api.UnsupportedMediaType(
            f"content type {kind or '(none)'} is not accepted; send {JSON}, {FORM} or {MULTIPART}"
        )
    try:  # strict: %XX that is not UTF-8 is refused like raw bytes are, never turned into U+FFFD
        if kind == MULTIPART:
            return api.unique_fields(multipart_pairs(content_type, body))
        text = body.decode()
        if kind == FORM:
            return api.unique_fields(urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError:
        raise api.BadRequest("request body is not valid UTF-8") from None
    fields = api.parse_json(text, "request body")
    if not isinstance(fields, dict):
        raise api.BadRequest("request body must be a JSON object of form fields")
    return fields


def submission_id_of(fields: dict[str, Any]) -> str:
    raw = fields.get(SUBMISSION_ID)
    if raw in (None, ""):
        return str(uuid.uuid4())
    submission_id = canonical_id(str(raw))
    if submission_id is None:
        raise api.BadRequest("submission_id is not a UUID", {SUBMISSION_ID: "submission_id must be a UUID"})
    return submission_id


def next_page(fields: dict[str, Any]) -> str:
    """The thank-you page: _next or _redirect when it is a path on this site, refused otherwise."""
    if fields.keys().isdisjoint(NEXT_FIELDS):
        return THANKS_PAGE
    for name in NEXT_FIELDS:
        if fields.get(name) not in (None, ""):
            path = redirect_path(fields[name])
            if path is None:
                message = f"{name} must be a path on this site, such as /thanks.html"
                raise api.BadRequest("the thank-you page is not on this site", {name: message}, {name: "REDIRECT"})
            return path
    return THANKS_PAGE


def stored_values(fields: dict[str, Any], keep_extra: bool) -> dict[str, str]:
    """What the visitor wrote, as the item's attributes; BadRequest naming each field that is wrong."""
    values, problems = clean_fields(fields)
    if SUBJECT_FIELD in fields:
        subject = checked_value(SUBJECT, fields[SUBJECT_FIELD])
        if isinstance(subject, Problem):
            problems[SUBJECT_FIELD] = subject
        elif subject:
            values[SUBJECT.name] = subject
    unknown = unknown_fields(fields)
    if keep_extra:
        kept, extra_problems = extra_fields(fields, unknown)
        problems.update(extra_problems)
        if kept:
            values[EXTRA_FIELDS] = json.dumps(kept, ensure_ascii=False)
    elif unknown:
        problems.update({n: Problem("UNKNOWN_FIELD", f"{n} is not a field of this form") for n in unknown})
    if problems:
        raise api.BadRequest(
            "some fields need attention",
            {n: p.message for n, p in problems.items()},
            {n: p.code for n, p in problems.items()},
        )
    return values


def accept(
    client: Any,
    table: str,
    retention_days: int,
    fields: dict[str, Any],
    keep_extra: bool = False,
    limits: VisitorLimits | None = None,
    visitor: str = "",
    spam_days: int = 0,
    address: str | None = None,
) -> str:
    """Validate, count (with `limits`) and store a post once: its submission id. With `address` (the bot check on),
    a post not yet spam keeps it and its token for bot_check.py."""
    submission_id = submission_id_of(fields)
    values = stored_values(fields, keep_extra)
    # Bots get the answer people get; the item is kept (as spam) so a false positive can be rescued.
    reason = ""
    for name in HONEYPOTS:  # not any() of a generator: half the cost
        if name in fields and str(fields[name] or "").strip():
            reason = ts.HONEYPOT
    with dynamo_errors():  # one `with` for both calls: each cost 2% of a post
        if limits is not None:
            reason = limits.spam_reason(client, visitor, submission_id, time.time()) or reason
        item = submission_writes.new_item(submission_id, values, reason, retention_days, spam_days)
        if address is not None and not reason:
            token = str(fields.get(TURNSTILE_FIELD) or "")[: MAX_BOT_TOKEN + 1]
            item.update({ts.BOT_TOKEN: {"S": token}, ts.VISITOR_ADDRESS: {"S": address}})
        submission_writes.put_new(client, table, item)
    return submission_id


def visitor_of(event: api.Event) -> str:
    visitor = visitor_key(api.header(event, VIEWER_ADDRESS))
    if visitor is None:
        raise api.Forbidden(f"no visitor address ({VIEWER_ADDRESS}) from the site's edge")
    return visitor


def html_error(error: api.ApiError, rid: str) -> api.Response:
    """Errors for a browser posting the form without JavaScript: a page, not JSON."""
    import html  # here: html.entities' tables would cost every cold start, and most posts are JSON

    # Only messages about this form's names: another site's form could otherwise put its words here.
    known = [m for n, m in error.fields.items() if n in CONTROL_FIELDS or n in FIELDS_BY_NAME]
    if len(known) < len(error.fields):
        known.append("The form sent fields this site does not accept; quote the reference below to the site's owner.")
    items = "".join(f"<li>{html.escape(m)}</li>" for m in known or [error.message])
    main = (
        '<main id="main" class="page"><h1>Your message was not sent</h1>'
        f"<ul>{items}</ul><p>Use your browser's Back button to correct it: the form there keeps what you typed.</p>"
        f'<p class="small">Reference: {html.escape(rid)}</p></main>'
    )
    return api.response(
        error.status,
        PAGE_START + main + PAGE_END,
        rid,
        {"content-type": "text/html; charset=utf-8", **api.error_headers(error)},
    )


def handler(event: api.Event, context: object) -> api.Response:
    def work() -> api.Response:
        visitor = visitor_of(event)
        fields = parse(kind, content_type, api.body_bytes(event, MAX_BODY_BYTES))
        thanks = next_page(fields)
        submission_id = accept(
            dynamodb_client.dynamodb,
            dynamodb_client.TABLE_NAME,
            dynamodb_client.RETENTION_DAYS,
            fields,
            KEEP_EXTRA_FIELDS,
            LIMITS,
            visitor,
            dynamodb_client.SPAM_RETENTION_DAYS,
            api.header(event, VIEWER_ADDRESS) if BOT_CHECK else None,
        )
        rid = api.request_id(event)
        if not answer_json:
            return api.response(SEE_OTHER, "", rid, {"location": thanks})
        # Not json-encoded as a dict, which cost a post 10%; the id is a canonical UUID.
        text = f'{{"submission_id":"{submission_id}","ok":true,"next":{api.json_string(thanks)}'
        return api.response(CREATED, f'{text},"request_id":{api.json_string(rid)}}}', rid, api.JSON_TYPE)

    # Chosen first, so an error in parsing still reaches a browser's plain form post as a page.
    content_type = api.header(event, "content-type")
    kind = content_type.split(";")[0].strip().lower()  # the media type
    answer_json = wants_json(event, kind)
    return api.run(event, work, api.json_error if answer_json else html_error)
